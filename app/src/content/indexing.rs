//! Keeping the search index and its vocabulary current, and correcting a mistyped word
//! from the vocabulary.

use super::search::{MAX_BODY_CHARS, in_vocabulary, normalize};
use crate::error::AppError;
use crate::server::db::{Backend, Db};

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
                "INSERT INTO asset_meta_search (asset_id, meta_tsv) VALUES ($1, \
                 setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B') || \
                 setweight(to_tsvector('simple', $4), 'C')) \
                 ON CONFLICT (asset_id) DO UPDATE SET meta_tsv = excluded.meta_tsv",
            )
            .bind(asset_id)
            .bind(&t)
            .bind(&g)
            .bind(&d)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO asset_text_search (asset_id, text_tsv) VALUES ($1, strip(to_tsvector('simple', $2))) \
                 ON CONFLICT (asset_id) DO UPDATE SET text_tsv = excluded.text_tsv",
            )
            .bind(asset_id)
            .bind(format!("{t} {g} {d} {b}"))
            .execute(&mut *conn)
            .await?;
        }
    }
    let mut words: Vec<&str> = t
        .split(' ')
        .chain(g.split(' '))
        .chain(d.split(' '))
        .filter(|w| in_vocabulary(w))
        .collect();
    words.sort_unstable();
    words.dedup();
    count_terms(conn, "content_terms", &words).await?;
    // The body's own words, at most `MAX_TEXT_TERMS` of them.
    let mut text_words: Vec<&str> = b
        .split(' ')
        .filter(|w| in_vocabulary(w) && words.binary_search(w).is_err())
        .collect();
    text_words.sort_unstable();
    text_words.dedup();
    text_words.truncate(MAX_TEXT_TERMS);
    count_terms(conn, "content_text_terms", &text_words).await?;
    Ok(())
}

/// Distinct words of one file's text that join the vocabulary.
const MAX_TEXT_TERMS: usize = 5_000;

/// Counts one more document for each of `words` (distinct) in `table`.
async fn count_terms(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    words: &[&str],
) -> Result<(), AppError> {
    // One statement per 200 words (they are distinct, as Postgres requires).
    for chunk in words.chunks(200) {
        let values = (1..=chunk.len())
            .map(|i| format!("(${i}, 1)"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {table} (term, docs) VALUES {values} \
             ON CONFLICT (term) DO UPDATE SET docs = {table}.docs + 1"
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
/// close enough: one edit for short words, two for longer ones, anywhere in the word.
/// Words of titles, tags and descriptions win a tie over words only files' text holds.
pub async fn correct(db: &Db, word: &str) -> Result<Option<String>, AppError> {
    if word.len() < 4 {
        return Ok(None);
    }
    for table in ["content_terms", "content_text_terms"] {
        let known: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE term >= $1 AND term < $2"
        ))
        .bind(word)
        .bind(format!("{word}\u{7f}"))
        .fetch_one(&db.pool)
        .await?;
        if known > 0 {
            return Ok(None);
        }
    }
    let first = &word[..1];
    let next = ((first.as_bytes()[0]) + 1) as char;
    let len = word.len() as i64;
    let max = if word.len() <= 5 { 1 } else { 2 };
    let mut best: Option<(usize, usize, i64, String)> = None;
    for (rank, table) in ["content_terms", "content_text_terms"].iter().enumerate() {
        let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT term, docs FROM {table} WHERE term >= $1 AND term < $2 \
             AND LENGTH(term) BETWEEN $3 AND $4"
        ))
        .bind(first)
        .bind(next.to_string())
        .bind(len - 2)
        .bind(len + 2)
        .fetch_all(&db.pool)
        .await?;
        for (t, docs) in rows {
            let d = strsim::damerau_levenshtein(word, &t);
            let cand = (d, rank, -docs, t);
            if d <= max && best.as_ref().is_none_or(|b| cand < *b) {
                best = Some(cand);
            }
        }
    }
    Ok(best.map(|(_, _, _, t)| t))
}
