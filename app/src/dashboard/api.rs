use super::Dashboard;
use crate::error::AppError;
use leptos::prelude::*;

/// Everything the home page shows, in one round trip.
#[server(endpoint = "home_dashboard")]
pub async fn home_dashboard() -> Result<Dashboard, AppError> {
    use crate::{auth::caller, server::respond, server::state::app_state};
    respond(async { super::service::dashboard(&app_state()?.db, &caller()?).await }.await)
}
