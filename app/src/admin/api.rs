use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, policy::Action, server::respond, server::state::app_state};

#[server(endpoint = "list_outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(Action::Administer)?;
            super::store::outbox(&s.db).await
        }
        .await,
    )
}

#[server(endpoint = "list_audit")]
pub async fn list_audit(filter: AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    respond(
        async {
            let (c, s) = (caller()?, app_state()?);
            c.require(Action::Administer)?;
            super::store::audit(&s.db, &filter).await
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
                    actor: crate::policy::Actor::User(&c),
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
