//! The outbox and the audit trail, read for vendor admins (the caller's right is checked by
//! the server function before either is called).

use super::{AuditEntry, AuditFilter, OutboxMessage};
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::sql::like_pattern;

/// The latest 200 messages, newest first.
pub async fn outbox(db: &Db) -> Result<Vec<OutboxMessage>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, to_addr AS \"to\", subject, body, html, status, created_at FROM outbox \
         ORDER BY id DESC LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// The latest 300 audit records matching the filter: an action prefix, part of the actor's
/// email, an entity type.
pub async fn audit(db: &Db, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    if filter.action.len() > 100 || filter.actor.len() > 254 || filter.entity_type.len() > 50 {
        return Err(AppError::field("action", "err.too_long"));
    }
    let action_prefix = format!(
        "{}%",
        like_pattern(filter.action.trim())
            .trim_start_matches('%')
            .trim_end_matches('%')
    );
    Ok(sqlx::query_as(
        "SELECT id, at, actor_email AS actor, action, entity_type, entity_id, before_json AS \"before\", \
         after_json AS \"after\" FROM audit_events WHERE ($1 = '' OR action LIKE $2 ESCAPE '\\') \
         AND ($3 = '' OR LOWER(actor_email) LIKE $4 ESCAPE '\\') AND ($5 = '' OR entity_type = $5) \
         ORDER BY id DESC LIMIT 300",
    )
    .bind(filter.action.trim())
    .bind(action_prefix)
    .bind(filter.actor.trim())
    .bind(like_pattern(filter.actor.trim()))
    .bind(filter.entity_type.trim())
    .fetch_all(&db.pool)
    .await?)
}
