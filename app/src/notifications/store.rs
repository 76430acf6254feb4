//! Storage of notifications: written in the same transaction as the timeline event that
//! causes them, read and marked read by their recipient only.

use super::Notification;
use crate::auth::Caller;
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::keyset::{Key, KeyKind, Keyset, SortColumn};
use crate::server::now;
use crate::server::sql::{Bind, Sql};
use crate::ui::{Page, PageRequest};
use sqlx::FromRow;

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
        "INSERT INTO notifications (user_id, subject_type, subject_id, event_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user)
    .bind(super::DEAL)
    .bind(deal_id)
    .bind(event_id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What another feature tells one person about one of its subjects.
pub struct Notice<'a> {
    pub user_id: i64,
    /// The feature's subject type, e.g. `course` or `campaign`.
    pub subject_type: &'a str,
    pub subject_id: i64,
    /// An i18n key saying what happened.
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// A path in the app, e.g. `/learning/courses/12`.
    pub link: &'a str,
}

/// Notifies one person, in the caller's transaction (or on the pool).
pub async fn notify<'e, E>(exec: E, n: Notice<'_>) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if n.subject_type == super::DEAL || !n.link.starts_with('/') {
        return Err(crate::error::internal(format!(
            "a notice must name its own subject type and an in-app link (got {} {})",
            n.subject_type, n.link
        )));
    }
    sqlx::query(
        "INSERT INTO notifications (user_id, subject_type, subject_id, kind, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(n.user_id)
    .bind(n.subject_type)
    .bind(n.subject_id)
    .bind(n.kind)
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .bind(now())
    .execute(exec)
    .await?;
    Ok(())
}

/// Notifications come newest first; the id is their order.
const NOTIFICATION_SORTS: &[SortColumn] = &[SortColumn {
    code: "newest",
    expr: "n.id",
    kind: KeyKind::Int,
    desc: true,
}];

/// One page of the caller's notifications, newest first, with the (capped) count.
pub async fn list(
    db: &Db,
    caller: &Caller,
    req: &PageRequest,
) -> Result<Page<Notification>, AppError> {
    let keyset = Keyset::new(NOTIFICATION_SORTS, "n.id", req)?;
    let mut filter = Sql::default();
    let user = filter.bind(Bind::I(caller.user_id));
    filter.push(&format!("n.user_id = {user}"));
    let select = format!(
        "SELECT n.id, n.subject_type, n.subject_id, n.created_at, n.read_at, \
         COALESCE(e.kind, n.kind) AS kind, e.to_status, COALESCE(e.body, n.body) AS body, \
         COALESCE(e.actor_name, '') AS actor_name, COALESCE(d.company, n.title) AS title, n.link, \
         {} AS sort_key FROM notifications n LEFT JOIN deal_events e ON e.id = n.event_id \
         LEFT JOIN deals d ON n.subject_type = 'deal' AND d.id = n.subject_id",
        keyset.key_expr()
    );
    let (rows, total) = keyset
        .fetch(db, "FROM notifications n", &select, filter)
        .await?;
    let rows = rows
        .iter()
        .map(NotificationRecord::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let rows = rows
        .into_iter()
        .map(|n| Notification {
            id: n.id,
            link: if n.subject_type == super::DEAL {
                format!("/deals/{}", n.subject_id)
            } else {
                n.link
            },
            subject_type: n.subject_type,
            subject_id: n.subject_id,
            title: n.title,
            at: n.created_at,
            read: n.read_at.is_some(),
            actor: n.actor_name,
            kind: n.kind,
            to_status: n.to_status,
            body: n.body,
        })
        .collect::<Vec<_>>();
    Ok(keyset.page(rows, |n| (Key::I(n.id), n.id), total))
}

/// A notification as listed, with its deal event's words when it has one.
#[derive(sqlx::FromRow)]
struct NotificationRecord {
    id: i64,
    subject_type: String,
    subject_id: i64,
    created_at: i64,
    read_at: Option<i64>,
    kind: String,
    to_status: Option<String>,
    body: String,
    actor_name: String,
    title: String,
    link: String,
}

/// How many notifications the user has not read, up to [`crate::notifications::UNREAD_CAP`]:
/// every signed-in page shows this count, and counting a backlog of 100,000 unread rows on
/// each render halved the list pages' throughput.
pub async fn unread(db: &Db, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = $1 \
         AND read_at IS NULL LIMIT $2) AS u",
    )
    .bind(user_id)
    .bind(crate::notifications::UNREAD_CAP)
    .fetch_one(&db.pool)
    .await?)
}

/// Marks the caller's notifications read: all of them, or those about one subject.
pub async fn mark_read(
    db: &Db,
    caller: &Caller,
    subject: Option<(&str, i64)>,
) -> Result<u64, AppError> {
    let done = match subject {
        Some((kind, id)) => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND subject_type = $3 \
             AND subject_id = $4 AND read_at IS NULL",
        )
        .bind(now())
        .bind(caller.user_id)
        .bind(kind)
        .bind(id),
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
