//! What deal registration asks of a person, for the home page's task card.

use crate::auth::Caller;
use crate::domain::Role;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::db::Db;
use crate::tasks::{DealTask, DealTodo};
use sqlx::Row;

/// Registrations waiting for the caller, oldest first (at most `limit`), and how many in
/// all. Those who decide get the review queue (a channel manager: their own partners' and
/// unassigned partners' registrations); partners who register get their organisation's
/// registrations the vendor asked about and their own unsent drafts. Nobody else has any.
pub async fn awaiting(
    db: &Db,
    caller: &Caller,
    limit: i64,
) -> Result<(Vec<DealTask>, i64), AppError> {
    // The condition and its binds, numbered from $1; the limit comes last.
    let (cond, binds): (&str, Vec<i64>) = if caller.scope(Action::DecideDeals).all() {
        if caller.role == Role::ChannelManager {
            (
                "d.status IN ('submitted', 'under_review') \
                     AND (o.channel_manager_id = $1 OR o.channel_manager_id IS NULL)",
                vec![caller.user_id],
            )
        } else {
            ("d.status IN ('submitted', 'under_review')", vec![])
        }
    } else if caller.require(Action::RegisterDeals).is_ok() {
        (
            "d.org_id = $1 AND (d.status = 'info_requested' \
                 OR (d.status = 'draft' AND d.created_by = $2))",
            vec![caller.org_id, caller.user_id],
        )
    } else {
        return Ok((Vec::new(), 0));
    };
    // One query: the page of tasks and, on each row, how many there are in all.
    let sql = format!(
        "SELECT d.id, d.company, d.status, d.updated_at, o.name AS partner, COUNT(*) OVER () AS total \
         FROM deals d JOIN orgs o ON o.id = d.org_id WHERE {cond} \
         ORDER BY d.updated_at, d.id LIMIT ${}",
        binds.len() + 1
    );
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.bind(limit).fetch_all(&db.pool).await?;
    let total = match rows.first() {
        Some(r) => r.try_get("total")?,
        None => 0,
    };
    let tasks = rows
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let todo = match status.as_str() {
                "info_requested" => DealTodo::Answer,
                "draft" => DealTodo::FinishDraft,
                _ => DealTodo::Decide,
            };
            Ok(DealTask {
                id: r.try_get("id")?,
                company: r.try_get("company")?,
                partner: if caller.vendor {
                    r.try_get("partner")?
                } else {
                    String::new()
                },
                todo,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((tasks, total))
}
