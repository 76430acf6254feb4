use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, domain::Action, server::respond, server::state::app_state};

#[server(endpoint = "list_outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    use sqlx::Row;
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(Action::Administer)?;
            let rows = sqlx::query(
                "SELECT id, to_addr, subject, body, status, created_at FROM outbox ORDER BY id DESC LIMIT 200",
            )
            .fetch_all(&s.db.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(OutboxMessage {
                        id: r.try_get("id")?,
                        to: r.try_get("to_addr")?,
                        subject: r.try_get("subject")?,
                        body: r.try_get("body")?,
                        status: r.try_get("status")?,
                        created_at: r.try_get("created_at")?,
                    })
                })
                .collect()
        }
        .await,
    )
}

#[server(endpoint = "list_audit")]
pub async fn list_audit(filter: AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    use crate::server::db::like_pattern;
    use sqlx::Row;
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(Action::Administer)?;
            if filter.action.len() > 100 || filter.actor.len() > 254 || filter.entity_type.len() > 50 {
                return Err(AppError::field("action", "err.too_long"));
            }
            let action_prefix = format!("{}%", like_pattern(filter.action.trim()).trim_start_matches('%').trim_end_matches('%'));
            let rows = sqlx::query(
                "SELECT id, at, actor_email, action, entity_type, entity_id, before_json, after_json \
                 FROM audit_events WHERE ($1 = '' OR action LIKE $2 ESCAPE '\\') \
                 AND ($3 = '' OR LOWER(actor_email) LIKE $4 ESCAPE '\\') AND ($5 = '' OR entity_type = $5) \
                 ORDER BY id DESC LIMIT 300",
            )
            .bind(filter.action.trim())
            .bind(action_prefix)
            .bind(filter.actor.trim())
            .bind(like_pattern(filter.actor.trim()))
            .bind(filter.entity_type.trim())
            .fetch_all(&s.db.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(AuditEntry {
                        id: r.try_get("id")?,
                        at: r.try_get("at")?,
                        actor: r.try_get("actor_email")?,
                        action: r.try_get("action")?,
                        entity_type: r.try_get("entity_type")?,
                        entity_id: r.try_get("entity_id")?,
                        before: r.try_get("before_json")?,
                        after: r.try_get("after_json")?,
                    })
                })
                .collect()
        }
        .await,
    )
}

#[server(endpoint = "list_jobs")]
pub async fn list_jobs(state: String) -> Result<JobsOverview, AppError> {
    use crate::server::jobs;
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(Action::Administer)?;
            Ok(JobsOverview {
                jobs: jobs::list(&s.db, state.trim()).await?,
                counts: jobs::counts(&s.db).await?,
            })
        }
        .await,
    )
}

/// Queues a dead job again with fresh attempts.
#[server(endpoint = "retry_job")]
pub async fn retry_job(id: i64) -> Result<(), AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(Action::Administer)?;
            crate::server::jobs::retry(&s.db, id).await?;
            crate::server::audit::record(
                &s.db.pool,
                crate::server::audit::AuditEvent {
                    actor: Some(&c),
                    actor_label: "",
                    org_id: Some(c.org_id),
                    action: "job.retry",
                    entity_type: "job",
                    entity_id: id.to_string(),
                    before: Some(serde_json::json!({ "state": "dead" })),
                    after: Some(serde_json::json!({ "state": "queued" })),
                },
            )
            .await?;
            Ok(())
        }
        .await,
    )
}
