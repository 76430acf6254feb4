use super::OpenTasks;
use crate::error::AppError;
use leptos::prelude::*;

/// What waits on the signed-in user (the home page's first card).
#[server(endpoint = "my_tasks")]
pub async fn my_tasks() -> Result<OpenTasks, AppError> {
    use crate::{auth::caller, server::respond, server::state::app_state};
    respond(async { super::service::my_tasks(&app_state()?.db, &caller()?).await }.await)
}
