//! Storage of notifications: written in the same transaction as the timeline event that
//! causes them, read and marked read by their recipient only.

use super::Notification;
use crate::auth::Caller;
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::now;
use sqlx::Row;

/// Notifies the other side of a deal about one of its events: partner events go to the
/// partner's channel manager, vendor and system events to the user who registered the deal.
/// The actor is never notified of their own event.
pub async fn for_event(
    conn: &mut sqlx::AnyConnection,
    deal_id: i64,
    event_id: i64,
    actor_user_id: Option<i64>,
    actor_is_vendor: bool,
) -> Result<(), AppError> {
    let sql = if actor_is_vendor {
        "SELECT u.id FROM deals d JOIN users u ON u.id = d.created_by WHERE d.id = $1 AND u.active = 1"
    } else {
        "SELECT u.id FROM deals d JOIN orgs o ON o.id = d.org_id JOIN users u ON u.id = o.channel_manager_id \
         WHERE d.id = $1 AND u.active = 1"
    };
    let recipient: Option<i64> = sqlx::query_scalar(sql)
        .bind(deal_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(user) = recipient.filter(|u| Some(*u) != actor_user_id) else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO notifications (user_id, deal_id, event_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user)
    .bind(deal_id)
    .bind(event_id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The caller's latest notifications, newest first.
pub async fn list(db: &Db, caller: &Caller, limit: i64) -> Result<Vec<Notification>, AppError> {
    let rows = sqlx::query(
        "SELECT n.id, n.deal_id, n.created_at, n.read_at, e.kind, e.to_status, e.body, e.actor_name, d.company \
         FROM notifications n JOIN deal_events e ON e.id = n.event_id JOIN deals d ON d.id = n.deal_id \
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2",
    )
    .bind(caller.user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                deal_id: r.try_get("deal_id")?,
                company: r.try_get("company")?,
                at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
                actor: r.try_get("actor_name")?,
                kind: r.try_get("kind")?,
                to_status: r.try_get("to_status")?,
                body: r.try_get("body")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// How many notifications the user has not read.
pub async fn unread(db: &Db, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?)
}

/// Marks the caller's notifications read: all of them, or those about one deal.
pub async fn mark_read(db: &Db, caller: &Caller, deal_id: Option<i64>) -> Result<u64, AppError> {
    let done = match deal_id {
        Some(d) => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND deal_id = $3 AND read_at IS NULL",
        )
        .bind(now())
        .bind(caller.user_id)
        .bind(d),
        None => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(now())
        .bind(caller.user_id),
    }
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// How many messages on registrations the user has not read (the home page's task card).
pub async fn unread_messages(db: &Db, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN deal_events e ON e.id = n.event_id \
         WHERE n.user_id = $1 AND n.read_at IS NULL AND e.kind = 'message'",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?)
}
