//! The audit trail: who did what, when (UTC), and the record before → after. Written in the
//! same transaction as the change it describes.

use crate::error::AppError;
use crate::policy::Actor;
use serde::Serialize;
use sqlx::{Any, Executor};

pub struct AuditEvent<'a> {
    pub actor: Actor<'a>,
    pub org_id: Option<i64>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Serialises a record for the before/after columns.
pub fn snapshot<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

pub async fn record<'e, E>(exec: E, ev: AuditEvent<'_>) -> Result<(), AppError>
where
    E: Executor<'e, Database = Any>,
{
    let (actor_id, actor_email) = match ev.actor {
        Actor::User(c) => (Some(c.user_id), c.email.clone()),
        other => (None, other.label().to_string()),
    };
    sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, actor_email, org_id, action, entity_type, \
         entity_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(super::now())
    .bind(actor_id)
    .bind(actor_email)
    .bind(ev.org_id)
    .bind(ev.action)
    .bind(ev.entity_type)
    .bind(ev.entity_id)
    .bind(ev.before.map(|v| v.to_string()))
    .bind(ev.after.map(|v| v.to_string()))
    .execute(exec)
    .await?;
    Ok(())
}
