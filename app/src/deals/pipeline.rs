//! The vendor's direct pipeline: validated bulk upsert by `external_id` with the matching
//! index kept in the same transaction, and the check of a customer against it.

use super::matching::{blocking_keys, fingerprint, shown, verdict_for};
use super::model::{Frequencies, compare};
use super::{Customer, Reason, Verdict};
use crate::error::{AppError, internal};
use crate::server::db::Db;
use crate::server::now;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The columns of a pipeline file, in order.
pub const COLUMNS: [&str; 10] = [
    "external_id",
    "company",
    "domain",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "phone",
    "contact_email",
];

use super::matching::MAX_CANDIDATES;
/// Records written per statement during an import.
const BATCH: usize = 400;

pub use super::{PipelineRow, RowError};

pub use super::csv::{parse_csv, validate};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportStats {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
}

/// Upserts rows by `external_id` in one transaction, re-filing each under its index keys.
/// Either every row is written or none. `progress` is called with rows done.
pub async fn upsert(
    db: &Db,
    rows: &[PipelineRow],
    mut progress: impl FnMut(usize),
) -> Result<ImportStats, AppError> {
    let errors = validate(rows, 1);
    if let Some(e) = errors.first() {
        return Err(AppError::field(&e.field, "err.row_invalid"));
    }
    let mut stats = ImportStats {
        rows: rows.len(),
        ..Default::default()
    };
    let mut tx = db.pool.begin().await?;
    for chunk in rows.chunks(BATCH) {
        write_rows(&mut tx, chunk, &mut stats).await?;
        progress(stats.inserted + stats.updated);
    }
    tx.commit().await?;
    refresh_statistics(db, rows.len()).await.map(|_| stats)
}

/// After a large import, on Postgres, vacuums and refreshes the planner's statistics now
/// rather than waiting for autovacuum: the statistics keep checks on the key index, and the
/// vacuum marks the new pages all-visible, so the candidate query reads the key index
/// alone (an index-only scan) instead of one heap page per key entry. At 1M records that
/// took the candidate query from 8.4 to 3.7 ms; the vacuum itself takes seconds.
pub async fn refresh_statistics(db: &Db, rows: usize) -> Result<(), AppError> {
    if rows >= 10_000 && db.backend == crate::server::db::Backend::Postgres {
        // Outside any transaction: VACUUM cannot run inside one.
        sqlx::query("VACUUM (ANALYZE) pipeline_records, match_keys")
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// Writes validated rows inside the caller's transaction: upsert by `external_id`, then the
/// records' index keys (old keys of changed records removed first). Counts into `stats`.
pub async fn write_rows(
    tx: &mut sqlx::AnyConnection,
    rows: &[PipelineRow],
    stats: &mut ImportStats,
) -> Result<(), AppError> {
    let t = now();
    for chunk in rows.chunks(BATCH) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.external_id.trim()).collect();
        // Records that exist already: only their old index keys need removing. (Deleting
        // for new records too would scan a table whose statistics lag in a long import.)
        let existing_ids: Vec<i64> = {
            let sql = format!(
                "SELECT id FROM pipeline_records WHERE external_id IN ({})",
                crate::server::sql::numbered(ids.len())
            );
            let mut q = sqlx::query(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<_, _>>()?
        };
        let existing = existing_ids.len() as i64;
        stats.updated += existing as usize;
        stats.inserted += chunk.len() - existing as usize;
        let sql = format!(
            "INSERT INTO pipeline_records (external_id, company, domain, street, city, region, postcode, country, phone, contact_email, created_at, updated_at) \
             VALUES {} ON CONFLICT (external_id) DO UPDATE SET company = excluded.company, domain = excluded.domain, \
             street = excluded.street, city = excluded.city, region = excluded.region, postcode = excluded.postcode, \
             country = excluded.country, phone = excluded.phone, contact_email = excluded.contact_email, updated_at = excluded.updated_at \
             RETURNING id, external_id",
            crate::server::sql::value_rows(chunk.len(), 12)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            let c = &r.customer;
            q = q
                .bind(r.external_id.trim())
                .bind(&c.company)
                .bind(&c.domain)
                .bind(&c.street)
                .bind(&c.city)
                .bind(&c.region)
                .bind(&c.postcode)
                .bind(&c.country)
                .bind(&c.phone)
                .bind(&c.contact_email)
                .bind(t)
                .bind(t);
        }
        let returned = q.fetch_all(&mut *tx).await?;
        let mut id_of = std::collections::HashMap::with_capacity(returned.len());
        for row in &returned {
            id_of.insert(
                row.try_get::<String, _>("external_id")?,
                row.try_get::<i64, _>("id")?,
            );
        }
        let record_ids: Vec<i64> = chunk
            .iter()
            .filter_map(|r| id_of.get(r.external_id.trim()).copied())
            .collect();
        if record_ids.len() != chunk.len() {
            return Err(internal("upsert returned fewer ids than rows"));
        }
        if !existing_ids.is_empty() {
            let del = format!(
                "DELETE FROM match_keys WHERE kind = 'pipeline' AND record_id IN ({})",
                crate::server::sql::numbered(existing_ids.len())
            );
            let mut q = sqlx::query(&del);
            for id in &existing_ids {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
        let mut keys: Vec<(String, i64)> = Vec::new();
        for (r, id) in chunk.iter().zip(&record_ids) {
            for k in blocking_keys(&fingerprint(&r.customer)) {
                keys.push((k, *id));
            }
        }
        for kchunk in keys.chunks(BATCH * 2) {
            let sql = format!(
                "INSERT INTO match_keys (key, kind, record_id) VALUES {} ON CONFLICT DO NOTHING",
                (0..kchunk.len())
                    .map(|i| format!("(${}, 'pipeline', ${})", 2 * i + 1, 2 * i + 2))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (k, id) in kchunk {
                q = q.bind(k.as_str()).bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

/// One record that looks like the checked customer, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// `pipeline` or `registration`.
    pub kind: String,
    pub id: i64,
    pub external_id: Option<String>,
    /// The calibrated match probability.
    pub score: f64,
    /// Where the evidence started: the prior log2 odds that a candidate is this company.
    #[serde(default)]
    pub prior_bits: f64,
    /// One per comparison, `weight` in bits (log2 of its Bayes factor), strongest first.
    pub reasons: Vec<Reason>,
    /// Server-side facts for rules and reviewers; never sent to partners.
    #[serde(skip)]
    pub facts: MatchFacts,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchFacts {
    pub company: String,
    pub city: String,
    pub country: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub named_account: bool,
    pub submitted_at: Option<i64>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub verdict: Verdict,
    pub matches: Vec<Match>,
    /// Candidates scored (for benchmarks; not sent).
    #[serde(skip)]
    pub scored: usize,
}

fn customer_from(r: &sqlx::any::AnyRow) -> Result<Customer, sqlx::Error> {
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

/// A record sharing index keys with a checked customer.
pub struct Candidate {
    pub kind: &'static str,
    pub id: i64,
    pub external_id: Option<String>,
    pub customer: Customer,
    pub facts: MatchFacts,
}

/// The candidates for `keys`: pipeline records and claiming registrations sharing the most
/// (weighted) keys, at most `MAX_CANDIDATES`; `exclude` leaves out one record by kind and id.
pub async fn candidates(
    db: &Db,
    keys: &[String],
    exclude: Option<(&str, i64)>,
) -> Result<Vec<Candidate>, AppError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // One round trip: the best-ranked (kind, record_id) pairs, with the pipeline record's
    // columns joined on (registrations, rarer, are read after).
    let sql = format!(
        // Identifier keys (domain, phone, address) outweigh name keys (`key_weight`).
        "SELECT c.kind, c.record_id, p.external_id, p.company, p.domain, p.street, p.city, p.region, \
         p.postcode, p.country, p.phone, p.contact_email, p.named_account \
         FROM (SELECT kind, record_id, SUM(CASE WHEN key LIKE 'n%' OR key LIKE 'i:%' THEN 1 ELSE 4 END) AS hits \
         FROM match_keys WHERE key IN ({}) \
         GROUP BY kind, record_id ORDER BY hits DESC, record_id LIMIT ${}) c \
         LEFT JOIN pipeline_records p ON c.kind = 'pipeline' AND p.id = c.record_id \
         ORDER BY c.hits DESC, c.record_id",
        crate::server::sql::numbered(keys.len()),
        keys.len() + 1
    );
    let mut q = sqlx::query(&sql);
    for k in keys {
        q = q.bind(k.as_str());
    }
    let cands = q.bind(MAX_CANDIDATES as i64).fetch_all(&db.pool).await?;
    let mut deal_ids = Vec::new();
    let mut out = Vec::with_capacity(cands.len());
    for r in &cands {
        let kind: String = r.try_get("kind")?;
        let id: i64 = r.try_get("record_id")?;
        if exclude == Some((kind.as_str(), id)) {
            continue;
        }
        match kind.as_str() {
            "pipeline" => {
                // A record deleted since its keys were read has no columns: skip it.
                let Some(external_id) = r.try_get::<Option<String>, _>("external_id")? else {
                    continue;
                };
                let customer = customer_from(r)?;
                let named: i64 = r.try_get("named_account")?;
                out.push(Candidate {
                    kind: "pipeline",
                    id,
                    external_id: Some(external_id),
                    facts: MatchFacts {
                        company: customer.company.clone(),
                        city: customer.city.clone(),
                        country: customer.country.clone(),
                        named_account: named == 1,
                        ..Default::default()
                    },
                    customer,
                });
            }
            "registration" => deal_ids.push(id),
            _ => {}
        }
    }
    if !deal_ids.is_empty() {
        let sql = format!(
            "SELECT d.id, d.company, d.domain, d.street, d.city, d.region, d.postcode, d.country, \
             d.contact_phone AS phone, d.contact_email, d.org_id, o.name AS org_name, d.submitted_at, d.status \
             FROM deals d JOIN orgs o ON o.id = d.org_id \
             WHERE d.id IN ({}) AND d.status IN ('submitted', 'under_review', 'info_requested', 'approved')",
            crate::server::sql::numbered(deal_ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &deal_ids {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&db.pool).await? {
            let customer = customer_from(&r)?;
            out.push(Candidate {
                kind: "registration",
                id: r.try_get("id")?,
                external_id: None,
                facts: MatchFacts {
                    company: customer.company.clone(),
                    city: customer.city.clone(),
                    country: customer.country.clone(),
                    org_id: Some(r.try_get("org_id")?),
                    org_name: Some(r.try_get("org_name")?),
                    submitted_at: r.try_get("submitted_at")?,
                    status: Some(r.try_get("status")?),
                    named_account: false,
                },
                customer,
            });
        }
    }
    Ok(out)
}

/// How many records the index holds, and how many carry each name and domain key of
/// `keys`: the term frequencies the model weighs agreement by. One indexed query.
/// `exclude` names the record being checked: a registration already in the index does not
/// count its own values, or re-checking it (the review page) would read every value it
/// carries as shared with one more company than it is.
pub async fn frequencies(
    db: &Db,
    keys: &[String],
    exclude: Option<(&str, i64)>,
) -> Result<Frequencies, AppError> {
    let tf: Vec<&String> = keys
        .iter()
        .filter(|k| k.starts_with("nf:") || k.starts_with("d:"))
        .collect();
    let mut sql = String::new();
    if !tf.is_empty() {
        let not_own = match exclude {
            Some(_) => format!(
                " AND NOT (kind = ${} AND record_id = ${})",
                tf.len() + 1,
                tf.len() + 2
            ),
            None => String::new(),
        };
        sql.push_str(&format!(
            "SELECT key AS k, CAST(COUNT(*) AS BIGINT) AS n FROM match_keys WHERE key IN ({}){not_own} GROUP BY key UNION ALL ",
            crate::server::sql::numbered(tf.len())
        ));
    }
    sql.push_str(
        "SELECT '#' AS k, CAST((SELECT COALESCE(MAX(id), 0) FROM pipeline_records) + (SELECT COALESCE(MAX(id), 0) FROM deals) AS BIGINT) AS n",
    );
    let mut q = sqlx::query(&sql);
    for k in &tf {
        q = q.bind(k.as_str());
    }
    if let (Some((kind, id)), false) = (exclude, tf.is_empty()) {
        q = q.bind(kind).bind(id);
    }
    let mut freq = Frequencies::default();
    for r in q.fetch_all(&db.pool).await? {
        let k: String = r.try_get("k")?;
        let n: i64 = r.try_get("n")?;
        if k == "#" {
            freq.records = n.max(1) as f64;
        } else {
            freq.counts.insert(k, n.max(0) as u64);
        }
    }
    Ok(freq)
}

/// Checks a customer against the pipeline and the registrations that claim a customer:
/// candidates from the index, each given a match probability by the vendor's model with
/// the evidence of each comparison; only matches worth a reviewer's time are listed.
/// `exclude_deal` leaves out the registration being checked.
pub async fn check(
    db: &Db,
    customer: &Customer,
    exclude_deal: Option<i64>,
) -> Result<CheckResult, AppError> {
    let fp = fingerprint(customer);
    let keys = blocking_keys(&fp);
    if keys.is_empty() {
        return Ok(CheckResult {
            verdict: Verdict::Clear,
            matches: Vec::new(),
            scored: 0,
        });
    }
    // The candidates and the frequencies of their values are independent queries: on two
    // connections at once, a check waits for the slower, not for both.
    let exclude = exclude_deal.map(|id| ("registration", id));
    let (found, freq) = tokio::try_join!(
        candidates(db, &keys, exclude),
        frequencies(db, &keys, exclude)
    )?;
    if found.is_empty() {
        return Ok(CheckResult {
            verdict: Verdict::Clear,
            matches: Vec::new(),
            scored: 0,
        });
    }
    let model = super::model_store::current(db).await?;
    let mut scored: Vec<Match> = found
        .into_iter()
        .map(|c| {
            let s = model.score(&compare(&fp, &fingerprint(&c.customer)), &freq);
            Match {
                kind: c.kind.into(),
                id: c.id,
                external_id: c.external_id,
                score: (s.probability * 1000.0).round() / 1000.0,
                prior_bits: s.prior_bits,
                reasons: s.reasons,
                facts: c.facts,
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    let count = scored.len();
    let keep = shown(&scored.iter().map(|m| m.score).collect::<Vec<_>>());
    let verdict = verdict_for(scored.first().map(|m| m.score).unwrap_or(0.0));
    let matches: Vec<Match> = scored
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(m, _)| m)
        .take(10)
        .collect();
    Ok(CheckResult {
        verdict,
        matches,
        scored: count,
    })
}

/// Files a registration in the matching index (on submission) under its keys.
pub async fn index_registration(
    conn: &mut sqlx::AnyConnection,
    deal_id: i64,
    customer: &Customer,
) -> Result<(), AppError> {
    unindex_registration(&mut *conn, deal_id).await?;
    for k in blocking_keys(&fingerprint(customer)) {
        sqlx::query("INSERT INTO match_keys (key, kind, record_id) VALUES ($1, 'registration', $2) ON CONFLICT DO NOTHING")
            .bind(k)
            .bind(deal_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Removes a registration from the index (it no longer claims its customer).
pub async fn unindex_registration(
    conn: &mut sqlx::AnyConnection,
    deal_id: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM match_keys WHERE kind = 'registration' AND record_id = $1")
        .bind(deal_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
