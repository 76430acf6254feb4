//! Full-text search of the library through one interface: SQLite FTS5 on the embedded
//! backend, `tsvector`s with GIN indexes on Postgres. Results that match in titles, tags and
//! descriptions come first, ranked (bm25 / ts_rank); then assets whose whole text (PDF
//! included) matches, newest first. Text is normalised
//! the same way for both (case, accents via deunicode, punctuation), words match as
//! prefixes, titles weigh most, then tags, descriptions and the text of files. A query that
//! finds nothing is retried with its unknown words corrected from the library's vocabulary.
//!
//! Postgres needs help that SQLite does not: FTS5 reads a word's matches newest first and
//! stops, a GIN index returns all of them unordered. So each query is planned from the
//! vocabulary's document counts ([`plan_meta`]): complete words are spelled out (exact
//! posting lists intersect cheaply), very common words walk the table newest first, and
//! the planner is kept off sequential scans of the TOASTed text vectors.

use crate::error::AppError;
use crate::server::db::{Backend, Db};
use crate::server::sql::{Bind, Sql};
use sqlx::Row;

/// The most text of one file that is indexed.
pub const MAX_BODY_CHARS: usize = 200_000;
/// The most words of a query that are used.
const MAX_TOKENS: usize = 8;

/// Lower-case ASCII words separated by single spaces.
pub fn normalize(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for w in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !w.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// The words of a query, as they are searched for.
pub fn tokens(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in normalize(q).split(' ').filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
        if out.len() == MAX_TOKENS {
            break;
        }
    }
    out
}

/// Whether the vocabulary (`content_terms`) holds a word: three to forty letters, not a
/// number.
pub(super) fn in_vocabulary(w: &str) -> bool {
    (3..=40).contains(&w.len()) && !w.bytes().all(|c| c.is_ascii_digit())
}

/// Which query words match as prefixes. Only the last one, first: it is the word still
/// being typed, and a whole word is an exact index lookup that streams newest first, where a
/// prefix makes both engines merge the postings of every word it begins. A query that finds
/// nothing that way is run again with every word a prefix ("secur comp").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    Last,
    All,
}

impl Prefix {
    fn of(self, i: usize, words: &[String]) -> bool {
        self == Prefix::All || i + 1 == words.len()
    }
}

/// The words as one query: each written `exact` or, where `prefix` says so, `as_prefix`.
fn expr(
    words: &[String],
    prefix: Prefix,
    exact: fn(&str) -> String,
    as_prefix: fn(&str) -> String,
    and: &str,
) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if prefix.of(i, words) {
                as_prefix(w)
            } else {
                exact(w)
            }
        })
        .collect::<Vec<_>>()
        .join(and)
}

fn fts_expr(words: &[String], prefix: Prefix) -> String {
    expr(
        words,
        prefix,
        |w| format!("\"{w}\""),
        |w| format!("\"{w}\"*"),
        " AND ",
    )
}

fn tsquery(words: &[String], prefix: Prefix) -> String {
    expr(words, prefix, str::to_string, |w| format!("{w}:*"), " & ")
}

/// At most this many title/tag/description matches are ranked: all of them when a query is
/// specific, the newest this many when its words are everywhere. That bounds the cost of
/// ranking however common a word is (the index is read newest first and stops there).
const RANKED_CANDIDATES: i64 = 2_000;

/// How one phase of a search finds assets: the FROM (joined to `assets a`), a condition, the
/// ORDER BY, best first, and a number that orders the same way descending (so the page of
/// ids can be re-sorted after the display columns are joined).
pub struct Matching {
    pub from: String,
    pub cond: String,
    pub order: String,
    pub key: String,
}

/// How Postgres looks for title/tag/description matches, decided per query from the
/// vocabulary (`content_terms`, which holds every such word of three or more letters with
/// its document count).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetaPlan {
    /// Each query word as the known words it begins (`(database | databases)`), matched
    /// exactly, so the GIN index intersects posting lists and skips through a common word;
    /// a prefix search (`dat:*`) reads every posting of every word it covers. Words with too
    /// many completions, or that the vocabulary does not hold (short, numeric), stay
    /// prefixes.
    pub tsquery: String,
    /// Walk the index newest first and test each row instead of reading every match from
    /// the GIN index and sorting: cheaper when matches are many. Walking tests about
    /// `RANKED_CANDIDATES × N / matches` rows, the GIN index fetches `matches`, each about
    /// [`GIN_ROW_COST`] times as dear (a random heap read and a sort), so walk when
    /// `matches² × GIN_ROW_COST > RANKED_CANDIDATES × N` (matches estimated from the
    /// document counts, words taken as independent).
    pub newest_first: bool,
}

/// What a match found by the GIN index costs against a row tested on a walk, measured at
/// 100k assets: about 1 µs to fetch and sort each match and 1.5 µs to read back and rank
/// each kept one, against 0.5 µs per row walked; the plans cost the same near 8,000 matches.
const GIN_ROW_COST: f64 = 3.0;

/// The most completions of a word that are spelled out in a query.
const MAX_COMPLETIONS: i64 = 8;

pub async fn plan_meta(db: &Db, words: &[String], prefix: Prefix) -> Result<MetaPlan, AppError> {
    // One round trip: the highest id (the size of the library), then each known word's
    // completions, most common first (a whole word's only "completion" is itself).
    let mut sql = Sql::default();
    sql.push(
        "SELECT CAST(-1 AS BIGINT) AS w, '' AS term, COALESCE(MAX(id), 0) AS docs FROM assets",
    );
    for (i, w) in words.iter().enumerate().filter(|(_, w)| in_vocabulary(w)) {
        let end = if prefix.of(i, words) {
            format!("{w}\u{7f}")
        } else {
            w.clone()
        };
        let (from, to) = (sql.bind(Bind::S(w.clone())), sql.bind(Bind::S(end)));
        sql.push(&format!(
            " UNION ALL SELECT * FROM (SELECT CAST({i} AS BIGINT) AS w, term, docs FROM content_terms \
             WHERE term >= {from} AND term <= {to} ORDER BY docs DESC, term LIMIT {}) t{i}",
            MAX_COMPLETIONS + 1
        ));
        if prefix.of(i, words) {
            // All of a prefix's documents, for the estimate: its most common completions
            // alone can be a small part of them.
            sql.push(&format!(
                " UNION ALL SELECT CAST({i} AS BIGINT) AS w, '*' AS term, CAST(COALESCE(SUM(docs), 0) AS BIGINT) AS docs \
                 FROM content_terms WHERE term >= {from} AND term <= {to}"
            ));
        }
    }
    let rows: Vec<(i64, String, i64)> = sql
        .query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("w")?, r.try_get("term")?, r.try_get("docs")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let n = rows
        .iter()
        .find(|(w, _, _)| *w < 0)
        .map_or(1, |(_, _, d)| (*d).max(1)) as f64;
    let mut matches = n;
    let mut parts = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let mine = rows.iter().filter(|(k, _, _)| *k == i as i64);
        let terms: Vec<(&str, i64)> = mine
            .clone()
            .filter(|(_, t, _)| t != "*")
            .map(|(_, t, d)| (t.as_str(), *d))
            .collect();
        let docs: i64 = match mine.clone().find(|(_, t, _)| t == "*") {
            Some((_, _, all)) => *all,
            None => terms.iter().map(|(_, d)| d).sum(),
        };
        if !terms.is_empty() && terms.len() as i64 <= MAX_COMPLETIONS {
            let alts: Vec<&str> = terms.iter().map(|(t, _)| *t).collect();
            parts.push(format!("({})", alts.join(" | ")));
        } else if prefix.of(i, words) {
            parts.push(format!("{w}:*"));
        } else {
            parts.push(w.clone());
        }
        // Unknown short words: assume they are common (a walk stays bounded anyway).
        let docs = if in_vocabulary(w) {
            docs as f64
        } else {
            n / 4.0
        };
        matches *= (docs / n).min(1.0);
    }
    Ok(MetaPlan {
        tsquery: parts.join(" & "),
        newest_first: n >= (10 * RANKED_CANDIDATES) as f64
            && matches * matches * GIN_ROW_COST > RANKED_CANDIDATES as f64 * n,
    })
}

/// Every word in the title, tags or description, ranked: titles weigh most, then tags, then
/// descriptions. On Postgres, `plan` says how (see [`plan_meta`]).
pub fn meta_match(
    backend: Backend,
    sql: &mut Sql,
    words: &[String],
    prefix: Prefix,
    plan: &MetaPlan,
) -> Matching {
    match backend {
        Backend::Sqlite => {
            let p = sql.bind(Bind::S(fts_expr(words, prefix)));
            Matching {
                from: format!(
                    "(SELECT rowid AS id, bm25(asset_meta_fts, 10.0, 5.0, 3.0) AS score FROM asset_meta_fts \
                     WHERE asset_meta_fts MATCH {p} ORDER BY rowid DESC LIMIT {RANKED_CANDIDATES}) m \
                     JOIN assets a ON a.id = m.id"
                ),
                cond: "1 = 1".into(),
                // bm25: lower is better.
                order: "m.score, a.id DESC".into(),
                key: "-m.score".into(),
            }
        }
        Backend::Postgres => {
            let p = sql.bind(Bind::S(plan.tsquery.clone()));
            let candidates = if plan.newest_first {
                format!(
                    "SELECT asset_id, meta_tsv FROM asset_meta_search WHERE meta_tsv @@ to_tsquery('simple', {p}) \
                     ORDER BY asset_id DESC LIMIT {RANKED_CANDIDATES}"
                )
            } else {
                // `OFFSET 0`: every match from the GIN index, then the newest of them. Only
                // their ids are sorted; the vectors of the kept ones are read back by key
                // (carrying every match's vector through the sort cost more than that).
                format!(
                    "SELECT k.asset_id, s.meta_tsv FROM (SELECT asset_id FROM \
                     (SELECT asset_id FROM asset_meta_search WHERE meta_tsv @@ to_tsquery('simple', {p}) OFFSET 0) f \
                     ORDER BY asset_id DESC LIMIT {RANKED_CANDIDATES}) k \
                     JOIN asset_meta_search s ON s.asset_id = k.asset_id"
                )
            };
            Matching {
                // The newest candidates (a bounded sort), ranked, best first; the outer
                // query then reads assets in that order and stops once the page is full of
                // visible ones, instead of checking every candidate's visibility.
                from: format!(
                    "(SELECT c.asset_id AS id, ts_rank(c.meta_tsv, to_tsquery('simple', {p})) AS score FROM \
                     ({candidates}) c \
                     ORDER BY score DESC, c.asset_id DESC OFFSET 0) m \
                     JOIN assets a ON a.id = m.id"
                ),
                cond: "1 = 1".into(),
                order: "m.score DESC, a.id DESC".into(),
                key: "m.score".into(),
            }
        }
    }
}

/// Every word somewhere in the asset's text, documents included: newest first, so the
/// scan of a large index stops as soon as enough visible assets are found.
///
/// On Postgres the GIN index returns every match unordered, and checking each one's
/// visibility against `assets` was most of a common word's cost; with `newest`, only the
/// newest that many matches are candidates (a sort of ids). A caller that gets fewer
/// visible results than it asked for runs the query again without the bound.
pub fn text_match(
    backend: Backend,
    sql: &mut Sql,
    words: &[String],
    prefix: Prefix,
    newest: Option<i64>,
) -> Matching {
    match backend {
        Backend::Sqlite => {
            let p = sql.bind(Bind::S(fts_expr(words, prefix)));
            Matching {
                from: "asset_text_fts t JOIN assets a ON a.id = t.rowid".into(),
                cond: format!("asset_text_fts MATCH {p}"),
                order: "t.rowid DESC".into(),
                key: "a.id".into(),
            }
        }
        Backend::Postgres => {
            let p = sql.bind(Bind::S(tsquery(words, prefix)));
            // `OFFSET 0`: every match from the GIN index. Without it, the planner may walk
            // the table newest first for the LIMIT, decompressing every text it passes.
            let every = format!(
                "SELECT asset_id FROM asset_text_search WHERE text_tsv @@ to_tsquery('simple', {p}) OFFSET 0"
            );
            let matches = match newest {
                Some(n) => format!(
                    "SELECT asset_id FROM ({every}) g ORDER BY asset_id DESC LIMIT {}",
                    sql.bind(Bind::I(n))
                ),
                None => every,
            };
            Matching {
                from: format!("({matches}) t JOIN assets a ON a.id = t.asset_id"),
                cond: "1 = 1".into(),
                order: "a.id DESC".into(),
                key: "a.id".into(),
            }
        }
    }
}

pub use super::indexing::{correct, index};

/// Which fields of a result contain a query word (as a word prefix).
pub fn matched_in(fields: &[(&str, &str)], words: &[String]) -> Vec<String> {
    fields
        .iter()
        .filter(|(_, text)| {
            text.split(' ')
                .any(|w| words.iter().any(|q| w.starts_with(q.as_str())))
        })
        .map(|(name, _)| (*name).to_string())
        .collect()
}

/// About twenty words of `text` around the first word that matches the query.
pub fn snippet(text: &str, words: &[String]) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    let hits = |part: &str| {
        !part.is_empty()
            && words.iter().any(|q| {
                part.len() >= q.len()
                    && part.as_bytes()[..q.len()].eq_ignore_ascii_case(q.as_bytes())
            })
    };
    let Some(hit) = all.iter().position(|w| {
        if w.is_ascii() {
            // The common case, without allocating.
            w.split(|c: char| !c.is_ascii_alphanumeric()).any(hits)
        } else {
            normalize(w).split(' ').any(hits)
        }
    }) else {
        return String::new();
    };
    let start = hit.saturating_sub(8);
    let end = (hit + 12).min(all.len());
    let mut s = all[start..end].join(" ");
    if start > 0 {
        s.insert_str(0, "… ");
    }
    if end < all.len() {
        s.push_str(" …");
    }
    s
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
