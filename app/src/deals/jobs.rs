//! Deal registration's background work on the job queue.

use super::pipeline;
use super::rules::rules;
use crate::error::AppError;
use crate::notifications;
use crate::policy::Actor;
use crate::server::AppState;
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::jobs::Job;
use crate::server::now;
use sqlx::Row;

/// Expires approved registrations whose protection ended. Queued every ten minutes by
/// every server with one dedupe key per slot, so it runs once per slot in all.
pub const EXPIRE_JOB: &str = "deals.expire";

/// The sweep is a guarded update: running it twice expires nothing twice.
pub async fn run_expire_job(state: AppState, _job: Job) -> Result<(), String> {
    match expire_due(&state.db).await {
        Ok(0) => Ok(()),
        Ok(n) => {
            tracing::info!(expired = n, "expired registrations");
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Expires approved registrations whose protection ended, when the rules say so. Safe to
/// run on every server at once: each row changes once, guarded by its status.
pub async fn expire_due(db: &Db) -> Result<u64, AppError> {
    if !rules(db).await?.auto_expire {
        return Ok(0);
    }
    let t = now();
    let due = sqlx::query(
        "SELECT id, org_id FROM deals WHERE status = 'approved' AND protected_until < $1",
    )
    .bind(t)
    .fetch_all(&db.pool)
    .await?;
    let mut n = 0;
    for r in due {
        let id: i64 = r.try_get("id")?;
        let org: i64 = r.try_get("org_id")?;
        let mut tx = db.pool.begin().await?;
        let done = sqlx::query("UPDATE deals SET status = 'expired', updated_at = $1 WHERE id = $2 AND status = 'approved'")
            .bind(t)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            let event_id: i64 = sqlx::query_scalar(
                "INSERT INTO deal_events (deal_id, at, actor_user_id, actor_name, kind, from_status, to_status, body, visibility) \
                 VALUES ($1, $2, NULL, 'Trellis', 'status', 'approved', 'expired', 'protection window ended', 'all') RETURNING id",
            )
            .bind(id)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            notifications::store::for_event(&mut tx, id, event_id, None, true).await?;
            pipeline::unindex_registration(&mut tx, id).await?;
            audit::record(
                &mut *tx,
                AuditEvent {
                    actor: Actor::System("expiry job"),
                    org_id: Some(org),
                    action: "deal.expired",
                    entity_type: "deal",
                    entity_id: id.to_string(),
                    before: Some(serde_json::json!({ "status": "approved" })),
                    after: Some(serde_json::json!({ "status": "expired" })),
                },
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}
