//! Keeping and training the vendor's match model. The parameters live in `match_models`
//! (one row); each server reads them through a cache of a minute, so every server of an
//! installation scores with the same model soon after `trellis match train` saves one.

use super::Customer;
use super::matching::{Fingerprint, blocking_keys, fingerprint};
use super::model::{self, Model, Training};
use super::pipeline::candidates;
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::now;
use sqlx::Row;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CACHE_FOR: Duration = Duration::from_secs(60);
/// How much data training reads.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Records drawn for u: all pairs among them are compared (1,500 give 1.1 million).
    pub u_sample: i64,
    /// Most checks whose candidate pairs EM learns from.
    pub queries: i64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            u_sample: 1500,
            queries: 5000,
        }
    }
}

/// The model checks use: the saved one, or the defaults until one is trained.
pub async fn current(db: &Db) -> Result<Arc<Model>, AppError> {
    if let Ok(guard) = db.match_model.lock()
        && let Some((at, m)) = guard.as_ref()
        && at.elapsed() < CACHE_FOR
    {
        return Ok(m.clone());
    }
    let row = sqlx::query("SELECT params FROM match_models WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?;
    let model = row
        .and_then(|r| r.try_get::<String, _>("params").ok())
        .and_then(|p| serde_json::from_str::<Model>(&p).ok())
        .filter(Model::fits)
        .unwrap_or_default();
    let model = Arc::new(model);
    if let Ok(mut guard) = db.match_model.lock() {
        *guard = Some((Instant::now(), model.clone()));
    }
    Ok(model)
}

/// Saves `model` as the vendor's; this server uses it at once, others within a minute.
pub async fn save(db: &Db, model: &Model) -> Result<(), AppError> {
    let params = serde_json::to_string(model).map_err(|e| crate::error::internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO match_models (id, params, trained_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET params = excluded.params, trained_at = excluded.trained_at",
    )
    .bind(params)
    .bind(now())
    .execute(&db.pool)
    .await?;
    if let Ok(mut guard) = db.match_model.lock() {
        *guard = Some((Instant::now(), Arc::new(model.clone())));
    }
    Ok(())
}

fn customer_of(r: &sqlx::any::AnyRow) -> Result<Customer, sqlx::Error> {
    Ok(Customer {
        company: r.try_get("company")?,
        domain: r.try_get("domain")?,
        street: r.try_get("street")?,
        city: r.try_get("city")?,
        region: r.try_get("region")?,
        postcode: r.try_get("postcode")?,
        country: r.try_get("country")?,
        phone: r.try_get("phone")?,
        contact_email: r.try_get("contact_email")?,
    })
}

const COLUMNS: &str =
    "id, company, domain, street, city, region, postcode, country, phone, contact_email";

/// Trains a model from this installation's data, without labels: u from all pairs among
/// a random sample of pipeline records, m by EM over the candidate pairs of `extra`
/// customers (a benchmark's incoming registrations) and submitted registrations (and,
/// when there are few, of sampled pipeline records checked against the rest). `progress`
/// hears what is happening. Returns the model; `save` keeps it.
pub async fn train(
    db: &Db,
    opts: TrainOptions,
    extra: &[Customer],
    mut progress: impl FnMut(&str),
) -> Result<Model, AppError> {
    let records: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pipeline_records")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    progress(&format!(
        "{records} pipeline records; drawing a random sample for u"
    ));
    let sample_sql = format!(
        "SELECT {COLUMNS} FROM pipeline_records ORDER BY RANDOM() LIMIT {}",
        opts.u_sample.max(2)
    );
    let sample: Vec<Fingerprint> = sqlx::query(&sample_sql)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| customer_of(r).map(|c| fingerprint(&c)))
        .collect::<Result<_, _>>()?;
    let (u, random_pairs) = model::estimate_u(&sample);
    progress(&format!("u from {random_pairs} random pairs"));
    // Queries: the registrations partners submitted, then pipeline records.
    let deals_sql = format!(
        "SELECT id, company, domain, street, city, region, postcode, country, contact_phone AS phone, contact_email \
         FROM deals WHERE submitted_at IS NOT NULL ORDER BY id DESC LIMIT {}",
        opts.queries.max(0)
    );
    let mut queries: Vec<(&'static str, i64, Customer)> = extra
        .iter()
        .take(opts.queries.max(0) as usize)
        .map(|c| ("extra", 0, c.clone()))
        .collect();
    for r in sqlx::query(&deals_sql)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .take((opts.queries.max(0) as usize).saturating_sub(queries.len()))
    {
        queries.push(("registration", r.try_get("id")?, customer_of(r)?));
    }
    let more = (opts.queries - queries.len() as i64).min(1000);
    if more > 0 && queries.len() < 500 {
        let sql = format!("SELECT {COLUMNS} FROM pipeline_records ORDER BY RANDOM() LIMIT {more}");
        for r in sqlx::query(&sql).fetch_all(&db.pool).await? {
            queries.push(("pipeline", r.try_get("id")?, customer_of(&r)?));
        }
    }
    let mut levels = Vec::new();
    for (i, (kind, id, c)) in queries.iter().enumerate() {
        let fp = fingerprint(c);
        for cand in candidates(db, &blocking_keys(&fp), Some((kind, *id))).await? {
            levels.push(model::compare(&fp, &fingerprint(&cand.customer)).levels);
        }
        if (i + 1) % 500 == 0 {
            progress(&format!(
                "candidate pairs of {}/{} checks",
                i + 1,
                queries.len()
            ));
        }
    }
    let vectors = model::tally(levels);
    progress(&format!(
        "EM over {} candidate pairs ({} distinct comparison vectors)",
        vectors.iter().map(|v| v.1).sum::<f64>(),
        vectors.len()
    ));
    Ok(model::trained(
        u,
        &vectors,
        queries.len() as u64,
        Training {
            at: now(),
            records: records as u64,
            random_pairs,
            ..Default::default()
        },
    ))
}
