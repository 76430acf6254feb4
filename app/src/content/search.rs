//! Full-text search of the library through one interface: SQLite FTS5 on the embedded
//! backend, `tsvector`s with GIN indexes on Postgres. Results that match in titles, tags and
//! descriptions come first, ranked (bm25 / ts_rank); then assets whose whole text (PDF
//! included) matches, newest first. Text is normalised
//! the same way for both (case, accents via deunicode, punctuation), words match as
//! prefixes, titles weigh most, then tags, descriptions and the text of files. A query that
//! finds nothing is retried with its unknown words corrected from the library's vocabulary.

use crate::error::AppError;
use crate::server::db::{Backend, Db};

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

/// Values bound to a built query, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    I(i64),
    S(String),
}

/// A query under construction: SQL text and its binds, numbering `$n` as it goes.
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub binds: Vec<Bind>,
}

impl Sql {
    /// Adds a bind and returns its placeholder.
    pub fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for b in &self.binds {
            q = match b {
                Bind::I(i) => q.bind(*i),
                Bind::S(s) => q.bind(s.as_str()),
            };
        }
        q
    }
}

fn fts_expr(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn tsquery(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// At most this many title/tag/description matches are ranked: all of them when a query is
/// specific, the newest this many when its words are everywhere. That bounds the cost of
/// ranking however common a word is (the index is read newest first and stops there).
const RANKED_CANDIDATES: i64 = 2_000;

/// Every word in the title, tags or description: the FROM (the candidates, scored, joined
/// to `assets a`), the condition and the ORDER BY, best first (titles weigh most, then
/// tags, then descriptions).
pub fn meta_match(backend: Backend, sql: &mut Sql, words: &[String]) -> (String, String, String) {
    match backend {
        Backend::Sqlite => {
            let p = sql.bind(Bind::S(fts_expr(words)));
            (
                format!(
                    "(SELECT rowid AS id, bm25(asset_meta_fts, 10.0, 5.0, 3.0) AS score FROM asset_meta_fts \
                     WHERE asset_meta_fts MATCH {p} ORDER BY rowid DESC LIMIT {RANKED_CANDIDATES}) m \
                     JOIN assets a ON a.id = m.id"
                ),
                "1 = 1".into(),
                "m.score, a.id DESC".into(),
            )
        }
        Backend::Postgres => {
            let p = sql.bind(Bind::S(tsquery(words)));
            (
                // `OFFSET 0` keeps the planner on the GIN index: with the outer ORDER BY and
                // LIMIT in view it would walk the primary key backwards testing every row.
                format!(
                    "(SELECT c.asset_id AS id, ts_rank(c.meta_tsv, to_tsquery('simple', {p})) AS score FROM \
                     (SELECT asset_id, meta_tsv FROM asset_search WHERE meta_tsv @@ to_tsquery('simple', {p}) OFFSET 0) c \
                     ORDER BY c.asset_id DESC LIMIT {RANKED_CANDIDATES}) m \
                     JOIN assets a ON a.id = m.id"
                ),
                "1 = 1".into(),
                "m.score DESC, a.id DESC".into(),
            )
        }
    }
}

/// Every word somewhere in the asset's text, documents included: newest first, so the
/// scan of a large index stops as soon as enough visible assets are found.
pub fn text_match(backend: Backend, sql: &mut Sql, words: &[String]) -> (String, String, String) {
    match backend {
        Backend::Sqlite => {
            let p = sql.bind(Bind::S(fts_expr(words)));
            (
                "asset_text_fts t JOIN assets a ON a.id = t.rowid".into(),
                format!("asset_text_fts MATCH {p}"),
                "t.rowid DESC".into(),
            )
        }
        Backend::Postgres => {
            let p = sql.bind(Bind::S(tsquery(words)));
            (
                format!(
                    "(SELECT asset_id FROM asset_search WHERE all_tsv @@ to_tsquery('simple', {p}) OFFSET 0) t \
                     JOIN assets a ON a.id = t.asset_id"
                ),
                "1 = 1".into(),
                "a.id DESC".into(),
            )
        }
    }
}

/// Files an asset's text in the index (replacing what was there) and its words in the
/// vocabulary used to correct queries.
pub async fn index(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    asset_id: i64,
    title: &str,
    tags: &str,
    description: &str,
    body: &str,
) -> Result<(), AppError> {
    let body: String = body.chars().take(MAX_BODY_CHARS).collect();
    let (t, g, d, b) = (
        normalize(title),
        normalize(tags),
        normalize(description),
        normalize(&body),
    );
    match backend {
        Backend::Sqlite => {
            for table in ["asset_meta_fts", "asset_text_fts"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE rowid = $1"))
                    .bind(asset_id)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO asset_meta_fts (rowid, title, tags, description) VALUES ($1, $2, $3, $4)",
            )
            .bind(asset_id)
            .bind(&t)
            .bind(&g)
            .bind(&d)
            .execute(&mut *conn)
            .await?;
            sqlx::query("INSERT INTO asset_text_fts (rowid, text) VALUES ($1, $2)")
                .bind(asset_id)
                .bind(format!("{t} {g} {d} {b}"))
                .execute(&mut *conn)
                .await?;
        }
        Backend::Postgres => {
            sqlx::query(
                "INSERT INTO asset_search (asset_id, title, tags, description, body) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (asset_id) DO UPDATE SET title = excluded.title, tags = excluded.tags, \
                 description = excluded.description, body = excluded.body",
            )
            .bind(asset_id)
            .bind(&t)
            .bind(&g)
            .bind(&d)
            .bind(&b)
            .execute(&mut *conn)
            .await?;
        }
    }
    let mut words: Vec<&str> = t
        .split(' ')
        .chain(g.split(' '))
        .chain(d.split(' '))
        .filter(|w| w.len() >= 3 && w.len() <= 40 && !w.bytes().all(|c| c.is_ascii_digit()))
        .collect();
    words.sort_unstable();
    words.dedup();
    // One statement per 200 words (they are distinct, as Postgres requires).
    for chunk in words.chunks(200) {
        let values = (1..=chunk.len())
            .map(|i| format!("(${i}, 1)"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO content_terms (term, docs) VALUES {values} \
             ON CONFLICT (term) DO UPDATE SET docs = content_terms.docs + 1"
        );
        let mut q = sqlx::query(&sql);
        for w in chunk {
            q = q.bind(*w);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The closest known word to a query word that the library does not contain, if one is
/// close enough: one edit for short words, two for longer ones.
pub async fn correct(db: &Db, word: &str) -> Result<Option<String>, AppError> {
    if word.len() < 4 {
        return Ok(None);
    }
    let known: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM content_terms WHERE term >= $1 AND term < $2")
            .bind(word)
            .bind(format!("{word}\u{7f}"))
            .fetch_one(&db.pool)
            .await?;
    if known > 0 {
        return Ok(None);
    }
    let first = &word[..1];
    let next = ((first.as_bytes()[0]) + 1) as char;
    let len = word.len() as i64;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT term, docs FROM content_terms WHERE term >= $1 AND term < $2 \
         AND LENGTH(term) BETWEEN $3 AND $4",
    )
    .bind(first)
    .bind(next.to_string())
    .bind(len - 2)
    .bind(len + 2)
    .fetch_all(&db.pool)
    .await?;
    let max = if word.len() <= 5 { 1 } else { 2 };
    Ok(rows
        .into_iter()
        .map(|(t, docs)| (strsim::damerau_levenshtein(word, &t), -docs, t))
        .filter(|(d, _, _)| *d <= max)
        .min()
        .map(|(_, _, t)| t))
}

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
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_case_accents_and_punctuation() {
        assert_eq!(
            normalize("Müller-Lüdenscheidt GmbH: ÉTÉ 2026!"),
            "muller ludenscheidt gmbh ete 2026"
        );
        assert_eq!(
            tokens("Zero-Trust zero trust  \"quoted\" OR"),
            vec!["zero", "trust", "quoted", "or"]
        );
        assert!(tokens("  ,,, ").is_empty());
    }

    #[test]
    fn query_words_cannot_inject_syntax() {
        let mut sql = Sql::default();
        let words = tokens("a\" OR title:* NEAR(x) -- ;DROP");
        meta_match(Backend::Sqlite, &mut sql, &words);
        let Bind::S(expr) = &sql.binds[0] else {
            panic!()
        };
        assert_eq!(
            expr,
            "\"a\"* AND \"or\"* AND \"title\"* AND \"near\"* AND \"x\"* AND \"drop\"*"
        );
    }

    #[test]
    fn reasons_and_snippets_follow_the_words() {
        let words = tokens("battle card");
        assert_eq!(
            matched_in(
                &[
                    ("title", "competitive battlecard"),
                    ("tags", "sales"),
                    ("text", "the card game")
                ],
                &words
            ),
            vec!["title", "text"]
        );
        let s = snippet(
            "One two three four five six seven eight nine ten Battle-tested eleven",
            &words,
        );
        assert!(s.starts_with("… ") && s.contains("Battle-tested"), "{s}");
        assert_eq!(snippet("nothing here", &words), "");
    }
}
