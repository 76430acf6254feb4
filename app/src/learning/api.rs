//! Server functions of learning: thin; the caller, the state, then the service.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, server::now, server::respond, server::state::app_state};

#[server(endpoint = "list_courses")]
pub async fn list_courses() -> Result<Vec<CourseSummary>, AppError> {
    respond(async { service::list(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "get_course")]
pub async fn get_course(id: i64) -> Result<CourseView, AppError> {
    respond(async { service::view(&app_state()?.db, &caller()?, id, now()).await }.await)
}

#[server(endpoint = "create_course")]
pub async fn create_course(input: CourseInput) -> Result<i64, AppError> {
    respond(async { service::create(&app_state()?.db, &caller()?, &input, now()).await }.await)
}

/// Saves an edit as the course's next version; returns the version.
#[server(endpoint = "update_course")]
pub async fn update_course(id: i64, input: CourseInput) -> Result<i64, AppError> {
    respond(async { service::update(&app_state()?.db, &caller()?, id, &input, now()).await }.await)
}

/// A course as last written, for its edit form (vendor staff who write courses).
#[server(endpoint = "get_course_input")]
pub async fn get_course_input(id: i64) -> Result<CourseInput, AppError> {
    respond(async { service::input(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "set_course_status")]
pub async fn set_course_status(id: i64, status: CourseStatus) -> Result<(), AppError> {
    respond(
        async { service::set_status(&app_state()?.db, &caller()?, id, status, now()).await }.await,
    )
}

#[server(endpoint = "complete_lesson")]
pub async fn complete_lesson(lesson_id: i64) -> Result<(), AppError> {
    respond(
        async { service::complete_lesson(&app_state()?, &caller()?, lesson_id, now()).await }.await,
    )
}

#[server(endpoint = "start_quiz")]
pub async fn start_quiz(course_id: i64) -> Result<AttemptView, AppError> {
    respond(async { service::start(&app_state()?.db, &caller()?, course_id, now()).await }.await)
}

#[server(endpoint = "submit_quiz")]
pub async fn submit_quiz(
    attempt_id: i64,
    answers: Vec<AnswerInput>,
) -> Result<AttemptResult, AppError> {
    respond(
        async { service::submit(&app_state()?, &caller()?, attempt_id, &answers, now()).await }
            .await,
    )
}

/// The caller's own credentials, or their team's (partner admin), or every partner's
/// (vendor staff).
#[server(endpoint = "list_credentials")]
pub async fn list_credentials(mine_only: bool) -> Result<Vec<CredentialSummary>, AppError> {
    respond(
        async {
            let state = app_state()?;
            let c = caller()?;
            let reach = if mine_only {
                awards::Reach::User(c.user_id)
            } else {
                awards::reach(&c)
            };
            awards::list(&state.db, &state.config.public_url, reach, now()).await
        }
        .await,
    )
}

#[server(endpoint = "revoke_credential")]
pub async fn revoke_credential(id: String, reason: String) -> Result<(), AppError> {
    respond(
        async {
            let c = caller()?;
            awards::revoke(
                &app_state()?.db,
                crate::policy::Actor::User(&c),
                &id,
                &reason,
                now(),
            )
            .await
        }
        .await,
    )
}

/// A credential as its public page shows it; no sign-in.
#[server(endpoint = "get_public_credential")]
pub async fn get_public_credential(id: String) -> Result<PublicCredential, AppError> {
    respond(
        async {
            let state = app_state()?;
            awards::public_view(&state.db, &state.config.public_url, &id, now()).await
        }
        .await,
    )
}

/// Completions, pass rates, certified people and expiries within the caller's reach.
#[server(endpoint = "learning_report")]
pub async fn get_learning_report() -> Result<LearningReport, AppError> {
    respond(
        async {
            let state = app_state()?;
            reports::report(&state.db, &state.config.public_url, &caller()?, now()).await
        }
        .await,
    )
}

#[server(endpoint = "create_learning_path")]
pub async fn create_learning_path(input: PathInput) -> Result<i64, AppError> {
    respond(async { paths::create(&app_state()?.db, &caller()?, &input, now()).await }.await)
}

#[server(endpoint = "list_learning_paths")]
pub async fn list_learning_paths() -> Result<Vec<PathSummary>, AppError> {
    respond(async { paths::list(&app_state()?.db, &caller()?).await }.await)
}

/// The caller's assigned paths with due dates and progress.
#[server(endpoint = "my_learning_paths")]
pub async fn my_learning_paths() -> Result<Vec<AssignedPath>, AppError> {
    respond(async { paths::assigned(&app_state()?.db, &caller()?, now()).await }.await)
}
