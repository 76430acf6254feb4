//! Server functions of notifications: always the caller's own.

use super::Notification;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, server::respond, server::state::app_state};

/// One page of the caller's notifications, newest first.
#[server(endpoint = "list_notifications")]
pub async fn list_notifications(
    #[server(default)] page: crate::ui::PageRequest,
) -> Result<crate::ui::Page<Notification>, AppError> {
    respond(async { super::store::list(&app_state()?.db, &caller()?, &page).await }.await)
}

/// Marks all of the caller's notifications read; returns how many changed.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    use leptos::server_fn::ServerFn;
    let r = async { super::store::mark_read(&app_state()?.db, &caller()?, None).await }.await;
    crate::server::nojs::respond_form(MarkNotificationsRead::PATH, r, &(), |_| None)
}
