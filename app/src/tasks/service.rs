//! Composes the card from the features' own small functions; reads no feature's tables.

use super::OpenTasks;
use crate::auth::Caller;
use crate::error::AppError;
use crate::server::db::Db;

/// Deal tasks listed on the card.
const DEALS_SHOWN: i64 = 5;
/// New assets listed on the card.
const CONTENT_SHOWN: i64 = 3;
/// "This week".
const WEEK_SECS: i64 = 7 * 24 * 3600;

pub async fn my_tasks(db: &Db, caller: &Caller) -> Result<OpenTasks, AppError> {
    let (deals, deals_total) = crate::deals::tasks::awaiting(db, caller, DEALS_SHOWN).await?;
    let unread_messages = crate::notifications::store::unread_messages(db, caller.user_id).await?;
    let since = crate::server::now() - WEEK_SECS;
    let (new_content, new_content_total) =
        crate::content::service::added_since(db, caller, since, CONTENT_SHOWN).await?;
    Ok(OpenTasks {
        deals,
        deals_total,
        unread_messages,
        new_content,
        new_content_total,
    })
}
