//! Registrations at a glance, for the home dashboard: counts by status, the open pipeline's
//! value, protections ending soon, the review queue and recent activity. Each is one
//! aggregate query over `deals` scoped like the lists the cards link to.

use crate::dashboard::{
    Activity, DealsGlance, DealsScope, ExpiringDeal, MoneyTotal, QueueGlance, StatusCount,
};
use crate::domain::DealStatus;
use crate::error::AppError;
use crate::server::db::Db;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Expiring registrations listed on the card.
const EXPIRING_SHOWN: i64 = 5;
/// Activity entries listed on the card.
const ACTIVITY_SHOWN: i64 = 8;

/// The scope's condition on `deals d JOIN orgs o`, and its binds from `$1`. Vendor scopes
/// never include drafts.
fn condition(scope: DealsScope, user_id: i64, org_id: i64) -> (&'static str, Vec<i64>) {
    match scope {
        DealsScope::Mine => ("d.created_by = $1", vec![user_id]),
        DealsScope::Org => ("d.org_id = $1", vec![org_id]),
        DealsScope::Managed => (
            "d.status <> 'draft' AND (o.channel_manager_id = $1 OR o.channel_manager_id IS NULL)",
            vec![user_id],
        ),
        DealsScope::All => ("d.status <> 'draft'", vec![]),
    }
}

/// Runs `sql` (which holds `{cond}`, and extra binds numbered after the scope's) in scope.
async fn fetch(
    db: &Db,
    scope: DealsScope,
    user_id: i64,
    org_id: i64,
    sql: &str,
    extra: &[i64],
) -> Result<Vec<AnyRow>, AppError> {
    let (cond, binds) = condition(scope, user_id, org_id);
    let n = binds.len();
    // Extra binds are written `$A`, `$B`… and numbered after the scope's own.
    let mut sql = sql.replace("{cond}", cond);
    for (k, name) in ["$A", "$B", "$C"].iter().enumerate().take(extra.len()) {
        sql = sql.replace(name, &format!("${}", n + k + 1));
    }
    let mut q = sqlx::query(&sql);
    for b in binds.iter().chain(extra) {
        q = q.bind(*b);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

pub async fn deals(
    db: &Db,
    scope: DealsScope,
    user_id: i64,
    org_id: i64,
    now: i64,
) -> Result<DealsGlance, AppError> {
    let rows = fetch(
        db,
        scope,
        user_id,
        org_id,
        "SELECT d.status, COUNT(*) AS n FROM deals d JOIN orgs o ON o.id = d.org_id \
         WHERE {cond} GROUP BY d.status",
        &[],
    )
    .await?;
    let mut by_status = Vec::new();
    for r in &rows {
        let code: String = r.try_get("status")?;
        if let Ok(status) = DealStatus::parse(&code) {
            by_status.push(StatusCount {
                status,
                count: r.try_get("n")?,
            });
        }
    }
    by_status.sort_by_key(|s| s.status);
    let rows = fetch(
        db,
        scope,
        user_id,
        org_id,
        "SELECT d.currency, CAST(SUM(d.value_minor) AS BIGINT) AS total FROM deals d \
         JOIN orgs o ON o.id = d.org_id WHERE {cond} \
         AND d.status IN ('submitted', 'under_review', 'info_requested', 'approved') \
         GROUP BY d.currency ORDER BY d.currency",
        &[],
    )
    .await?;
    let open_value = rows
        .iter()
        .map(|r| {
            Ok(MoneyTotal {
                currency: r.try_get("currency")?,
                minor: r.try_get("total")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let horizon = now + crate::dashboard::EXPIRING_DAYS * 86_400;
    let rows = fetch(
        db,
        scope,
        user_id,
        org_id,
        "SELECT d.id, d.company, d.protected_until, COUNT(*) OVER () AS total FROM deals d \
         JOIN orgs o ON o.id = d.org_id WHERE {cond} AND d.status = 'approved' \
         AND d.protected_until IS NOT NULL AND d.protected_until <= $A \
         ORDER BY d.protected_until, d.id LIMIT $B",
        &[horizon, EXPIRING_SHOWN],
    )
    .await?;
    let expiring_total = match rows.first() {
        Some(r) => r.try_get("total")?,
        None => 0,
    };
    let expiring = rows
        .iter()
        .map(|r| {
            Ok(ExpiringDeal {
                id: r.try_get("id")?,
                company: r.try_get("company")?,
                protected_until: r.try_get("protected_until")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(DealsGlance {
        scope,
        by_status,
        open_value,
        expiring,
        expiring_total,
    })
}

/// The review queue in `scope` (`Managed` or `All`).
pub async fn queue(
    db: &Db,
    scope: DealsScope,
    user_id: i64,
    now: i64,
) -> Result<QueueGlance, AppError> {
    let due = now - crate::dashboard::DECISION_DUE_DAYS * 86_400;
    let rows = fetch(
        db,
        scope,
        user_id,
        0,
        "SELECT COUNT(CASE WHEN d.status = 'submitted' THEN 1 END) AS submitted, \
         COUNT(CASE WHEN d.status = 'under_review' THEN 1 END) AS under_review, \
         COUNT(CASE WHEN d.status = 'info_requested' THEN 1 END) AS info_requested, \
         MIN(CASE WHEN d.status IN ('submitted', 'under_review') THEN d.submitted_at END) AS oldest, \
         COUNT(CASE WHEN d.status IN ('submitted', 'under_review') AND d.submitted_at < $A THEN 1 END) AS overdue \
         FROM deals d JOIN orgs o ON o.id = d.org_id WHERE {cond}",
        &[due],
    )
    .await?;
    let r = rows.first().ok_or(AppError::NotFound)?;
    Ok(QueueGlance {
        submitted: r.try_get("submitted")?,
        under_review: r.try_get("under_review")?,
        info_requested: r.try_get("info_requested")?,
        oldest_wait_days: r
            .try_get::<Option<i64>, _>("oldest")?
            .map(|at| (now - at).max(0) / 86_400),
        overdue: r.try_get("overdue")?,
    })
}

/// What happened lately on registrations in `scope` (`Managed` or `All`) that partners can
/// see too (internal notes are not activity), newest first.
pub async fn activity(db: &Db, scope: DealsScope, user_id: i64) -> Result<Vec<Activity>, AppError> {
    let rows = fetch(
        db,
        scope,
        user_id,
        0,
        "SELECT e.deal_id, d.company, o.name AS partner, e.kind, e.to_status, e.actor_name, e.at \
         FROM deal_events e JOIN deals d ON d.id = e.deal_id JOIN orgs o ON o.id = d.org_id \
         WHERE {cond} AND e.visibility = 'all' AND e.kind <> 'created' \
         ORDER BY e.at DESC, e.id DESC LIMIT $A",
        &[ACTIVITY_SHOWN],
    )
    .await?;
    rows.iter()
        .map(|r| {
            let to: Option<String> = r.try_get("to_status")?;
            Ok(Activity {
                deal_id: r.try_get("deal_id")?,
                company: r.try_get("company")?,
                partner: r.try_get("partner")?,
                kind: r.try_get("kind")?,
                to_status: to.and_then(|s| DealStatus::parse(&s).ok()),
                actor: r.try_get("actor_name")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}
