//! Finding content: facets and full-text search within the caller's visibility, in phases
//! (ranked matches in titles, tags and descriptions, then newest matches in the whole
//! text), with the reasons each result matched, typo correction and the search log.

use super::search::{self, Prefix};
use super::store::{SUMMARY_COLS, favorites_among, summary_of};
use super::visibility::{Audience, audience, visible};
use super::*;
use crate::auth::Caller;
use crate::domain::DealStage;
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::now;
use crate::server::sql::{Bind, Sql};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Adds the facet conditions of a query.
fn facets(q: &ContentQuery, aud: &Audience, sql: &mut Sql) -> Result<String, AppError> {
    let mut cond = String::new();
    if !q.kind.is_empty() {
        let k = AssetKind::parse(&q.kind).map_err(|m| AppError::field("kind", m))?;
        cond.push_str(&format!(
            " AND a.kind = {}",
            sql.bind(Bind::S(k.code().into()))
        ));
    }
    if !q.stage.is_empty() {
        let s = DealStage::parse(&q.stage).map_err(|m| AppError::field("stage", m))?;
        cond.push_str(&format!(
            " AND a.stages LIKE {}",
            sql.bind(Bind::S(format!("%,{},%", s.code())))
        ));
    }
    if !q.product.trim().is_empty() {
        if q.product.chars().count() > 60 {
            return Err(AppError::field("product", "err.too_long"));
        }
        cond.push_str(&format!(
            " AND LOWER(a.products) LIKE {} ESCAPE '\\'",
            sql.bind(Bind::S(crate::server::sql::like_pattern(&format!(
                ",{},",
                q.product.trim()
            ))))
        ));
    }
    if !q.language.is_empty() {
        if !LANGUAGES.contains(&q.language.as_str()) {
            return Err(AppError::field("language", "err.choice_invalid"));
        }
        cond.push_str(&format!(
            " AND a.language = {}",
            sql.bind(Bind::S(q.language.clone()))
        ));
    }
    if q.collection != 0 {
        // The owner is part of the condition: another user's collection lists nothing.
        cond.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM asset_collection_items ci JOIN asset_collections c ON c.id = ci.collection_id \
             WHERE ci.asset_id = a.id AND c.id = {} AND c.user_id = {})",
            sql.bind(Bind::I(q.collection)),
            sql.bind(Bind::I(aud.user_id))
        ));
    }
    if q.favorites {
        cond.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM asset_favorites f WHERE f.asset_id = a.id AND f.user_id = {})",
            sql.bind(Bind::I(aud.user_id))
        ));
    }
    Ok(cond)
}

/// Ranked search (or, without words, the newest assets) within the caller's visibility.
pub async fn find(
    db: &Db,
    caller: &Caller,
    q: &ContentQuery,
    limit: i64,
) -> Result<SearchResult, AppError> {
    if q.q.chars().count() > 200 {
        return Err(AppError::field("q", "err.too_long"));
    }
    if q.collection != 0 {
        super::collections::owned(db, caller, q.collection).await?;
    }
    let aud = audience(db, caller).await?;
    let mut words = search::tokens(&q.q);
    // A kind named in the query ("case study firewall") narrows to that kind; the other
    // words are searched within it. If that finds nothing, the words are searched as typed.
    if q.kind.is_empty()
        && let Some((kind, rest)) = kind_in_query(&words)
    {
        let narrowed = ContentQuery {
            kind: kind.code().to_string(),
            ..q.clone()
        };
        let mut result = run_find(db, &aud, &narrowed, &rest, Prefix::Last, limit).await?;
        if !result.items.is_empty() {
            result.kind_from_query = Some(kind);
            log_search(db, caller.user_id, &q.q, result.items.len()).await?;
            return Ok(result);
        }
    }
    let mut result = run_find(db, &aud, q, &words, Prefix::Last, limit).await?;
    if result.items.is_empty() && words.len() > 1 {
        result = run_find(db, &aud, q, &words, Prefix::All, limit).await?;
    }
    if result.items.is_empty() && !words.is_empty() {
        let mut corrected = Vec::new();
        for w in &mut words {
            if let Some(c) = search::correct(db, w).await? {
                corrected.push((w.clone(), c.clone()));
                *w = c;
            }
        }
        // The vocabulary spans every asset, visible or not, so a correction is only
        // offered when it finds something this caller may see; otherwise it would spell
        // out words of drafts and other tiers' assets.
        if !corrected.is_empty() {
            let retry = run_find(db, &aud, q, &words, Prefix::Last, limit).await?;
            if !retry.items.is_empty() {
                result = retry;
                result.corrected = corrected.clone();
            }
        }
        // No asset holds every word: the assets that hold the most of them, labelled.
        if result.items.is_empty() && words.len() > 1 {
            result = partial_matches(db, &aud, q, &words, limit).await?;
            result.corrected = if result.items.is_empty() {
                Vec::new()
            } else {
                corrected
            };
        }
    }
    if !words.is_empty() {
        log_search(db, caller.user_id, &q.q, result.items.len()).await?;
    }
    Ok(result)
}

/// The asset kind a query names, by its name in any language (singular or plural), and
/// the query's other words.
fn kind_in_query(words: &[String]) -> Option<(AssetKind, Vec<String>)> {
    let plural_of = |w: &str, t: &str| {
        w == t
            || w.strip_suffix('s') == Some(t)
            || (t.ends_with('y') && w.strip_suffix("ies") == t.strip_suffix('y'))
            || w.strip_suffix("en") == Some(t)
            || w.strip_suffix('n') == Some(t)
    };
    let mut best: Option<(usize, usize, AssetKind)> = None;
    for kind in AssetKind::ALL {
        let key = format!("kind.{}", kind.code());
        for locale in crate::i18n::Locale::ALL {
            let name = search::tokens(locale.text(&key));
            let n = name.len();
            if n == 0 || n > words.len() {
                continue;
            }
            for start in 0..=words.len() - n {
                let hit = (0..n).all(|k| {
                    let (w, t) = (&words[start + k], &name[k]);
                    if k + 1 == n { plural_of(w, t) } else { w == t }
                });
                if hit && best.is_none_or(|(bn, _, _)| n > bn) {
                    best = Some((n, start, *kind));
                }
            }
        }
    }
    best.map(|(n, start, kind)| {
        let mut rest = words.to_vec();
        rest.drain(start..start + n);
        (kind, rest)
    })
}

/// Assets holding some of the words, those holding most first (then by each word's own
/// ranking); each lists the words it holds. For a query no asset matches in full.
async fn partial_matches(
    db: &Db,
    aud: &Audience,
    q: &ContentQuery,
    words: &[String],
    limit: i64,
) -> Result<SearchResult, AppError> {
    // (asset, words held, first rank seen)
    let mut found: Vec<(AssetSummary, Vec<String>, usize)> = Vec::new();
    for w in words {
        let one = run_find(db, aud, q, std::slice::from_ref(w), Prefix::Last, limit).await?;
        for (rank, item) in one.items.into_iter().enumerate() {
            match found.iter_mut().find(|(a, _, _)| a.id == item.id) {
                Some((a, held, _)) => {
                    held.push(w.clone());
                    for m in item.matched_in {
                        if !a.matched_in.contains(&m) {
                            a.matched_in.push(m);
                        }
                    }
                    if a.snippet.is_empty() {
                        a.snippet = item.snippet;
                    }
                }
                None => found.push((item, vec![w.clone()], rank)),
            }
        }
    }
    found.sort_by(|x, y| y.1.len().cmp(&x.1.len()).then(x.2.cmp(&y.2)));
    found.truncate(limit.clamp(1, 100) as usize);
    Ok(SearchResult {
        items: found
            .into_iter()
            .map(|(mut a, held, _)| {
                a.matched_words = held;
                a
            })
            .collect(),
        partial: true,
        ..SearchResult::default()
    })
}

/// Records a search for the analytics. On Postgres the commit does not wait for the disk:
/// losing the last few searches in a crash is harmless, and a flush on every search was a
/// visible part of its latency.
async fn log_search(db: &Db, user: i64, q: &str, results: usize) -> Result<(), AppError> {
    let mut tx = if db.backend == crate::server::db::Backend::Postgres {
        db.pool
            .begin_with("BEGIN; SET LOCAL synchronous_commit TO OFF")
            .await?
    } else {
        db.pool.begin().await?
    };
    sqlx::query("INSERT INTO content_searches (at, user_id, q, results) VALUES ($1, $2, $3, $4)")
        .bind(now())
        .bind(user)
        .bind(q.trim().to_lowercase())
        .bind(results as i64)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Which matching a phase of a search uses.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    /// No words: the newest assets.
    Browse,
    /// Words in titles, tags and descriptions, ranked.
    Meta,
    /// Words anywhere in the text, newest first; on Postgres, among the newest `newest`
    /// matches when set (see [`search::text_match`]).
    Text { newest: Option<i64> },
}

/// One query of a search: visible assets matching `phase`, minus those in `skip`.
async fn phase_rows(
    db: &Db,
    aud: &Audience,
    q: &ContentQuery,
    (words, prefix): (&[String], Prefix),
    phase: Phase,
    skip: &[i64],
    limit: i64,
) -> Result<Vec<AnyRow>, AppError> {
    let mut sql = Sql::default();
    let plan = if phase == Phase::Meta && db.backend == crate::server::db::Backend::Postgres {
        search::plan_meta(db, words, prefix).await?
    } else {
        search::MetaPlan::default()
    };
    let walk = plan.newest_first;
    let m = match phase {
        Phase::Browse => search::Matching {
            from: "assets a".into(),
            cond: "1 = 1".into(),
            order: "a.updated_at DESC, a.id DESC".into(),
            key: "a.updated_at".into(),
        },
        Phase::Meta => search::meta_match(db.backend, &mut sql, words, prefix, &plan),
        Phase::Text { newest } => search::text_match(db.backend, &mut sql, words, prefix, newest),
    };
    let cond = visible(aud, &mut sql);
    let facet = facets(q, aud, &mut sql)?;
    let not_in = if skip.is_empty() {
        String::new()
    } else {
        format!(" AND a.id NOT IN ({})", sql.bind_ids(skip))
    };
    let lim = sql.bind(Bind::I(limit));
    // The page of ids first, then the display columns for those few rows only (joining the
    // versions of every candidate before the LIMIT was most of a common word's cost).
    let search::Matching {
        from,
        cond: matches,
        order,
        key,
    } = m;
    sql.push(&format!(
        "SELECT {SUMMARY_COLS} FROM (SELECT a.id AS hit_id, {key} AS hit_key FROM {from} \
         WHERE {matches} AND {cond}{facet}{not_in} ORDER BY {order} LIMIT {lim}) hit \
         JOIN assets a ON a.id = hit.hit_id LEFT JOIN asset_versions v ON v.id = a.current_version_id \
         ORDER BY hit.hit_key DESC, hit.hit_id DESC"
    ));
    if db.backend != crate::server::db::Backend::Postgres {
        return Ok(sql.query().fetch_all(&db.pool).await?);
    }
    // The planner cannot see what a match costs: the text vectors live in TOAST, so a
    // sequential scan (or a walk that tests every row) would decompress all of them;
    // it also guesses a prefix query's matches blindly, so plans are made for these
    // values every time, and the walk newest first is chosen by `plan_meta`. The newest
    // candidates are kept in a bounded sort, which must fit in memory not to spill.
    // One round trip opens the transaction with its settings.
    let mut tx = db
        .pool
        .begin_with(format!(
            "BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_custom_plan; \
             SET LOCAL work_mem = '32MB'; SET LOCAL enable_bitmapscan = {}",
            if walk { "off" } else { "on" }
        ))
        .await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows)
}

/// How many of the newest text matches a Postgres search checks before it checks them all.
const TEXT_CANDIDATES: i64 = 200;

/// A search: assets whose title, tags or description hold every word, ranked; then, to
/// fill the page, assets whose text (documents included) holds them, newest first. Each
/// result says where it matched.
async fn run_find(
    db: &Db,
    aud: &Audience,
    q: &ContentQuery,
    words: &[String],
    prefix: Prefix,
    limit: i64,
) -> Result<SearchResult, AppError> {
    let limit = limit.clamp(1, 100);
    let mut rows = if words.is_empty() {
        phase_rows(db, aud, q, (words, prefix), Phase::Browse, &[], limit).await?
    } else {
        phase_rows(db, aud, q, (words, prefix), Phase::Meta, &[], limit).await?
    };
    if !words.is_empty() && (rows.len() as i64) < limit {
        let found: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let wanted = limit - found.len() as i64;
        // On Postgres the newest few hundred matches first; all of them only when those
        // hold too few visible ones.
        let bounded = db.backend == crate::server::db::Backend::Postgres;
        let newest = bounded.then_some((wanted * 10).max(TEXT_CANDIDATES));
        let text = (words, prefix);
        let mut more = phase_rows(db, aud, q, text, Phase::Text { newest }, &found, wanted).await?;
        if bounded && (more.len() as i64) < wanted {
            more = phase_rows(
                db,
                aud,
                q,
                text,
                Phase::Text { newest: None },
                &found,
                wanted,
            )
            .await?;
        }
        rows.extend(more);
    }
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let favs = favorites_among(db, aud.user_id, &ids).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut s = summary_of(r, false)?;
        s.favorite = favs.contains(&s.id);
        if !words.is_empty() {
            let tags = format!("{} {}", s.tags.join(" "), s.products.join(" "));
            s.matched_in = search::matched_in(
                &[
                    ("title", &search::normalize(&s.title)),
                    ("tags", &search::normalize(&tags)),
                    ("description", &search::normalize(&s.description)),
                ],
                words,
            );
        }
        items.push(s);
    }
    if !words.is_empty() {
        explain_text_matches(db, &rows, &mut items, words).await?;
    }
    Ok(SearchResult {
        items,
        ..SearchResult::default()
    })
}

/// For results that matched in their file's text, says so and quotes the passage.
async fn explain_text_matches(
    db: &Db,
    rows: &[AnyRow],
    items: &mut [AssetSummary],
    words: &[String],
) -> Result<(), AppError> {
    let versions: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<Option<i64>, _>("current_version_id"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    if versions.is_empty() {
        return Ok(());
    }
    // One read for the whole page of results.
    let mut sql = Sql::default();
    let ids = sql.bind_ids(&versions);
    sql.push(&format!(
        "SELECT asset_id, text_content FROM asset_versions WHERE id IN ({ids})"
    ));
    let texts: std::collections::HashMap<i64, String> = sql
        .query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("asset_id")?, r.try_get("text_content")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    for item in items.iter_mut() {
        let snip = texts
            .get(&item.id)
            .map(|t| search::snippet(t, words))
            .unwrap_or_default();
        if !snip.is_empty() {
            item.matched_in.push("text".into());
            item.snippet = snip;
        }
    }
    Ok(())
}
