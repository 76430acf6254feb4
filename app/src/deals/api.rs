//! Server functions of deal registration: thin; the caller, the state, then the service.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, server::respond, server::state::app_state};

#[server(endpoint = "save_deal_draft")]
pub async fn save_deal_draft(id: Option<i64>, input: DealInput) -> Result<i64, AppError> {
    respond(async { service::save_draft(&app_state()?.db, &caller()?, id, &input).await }.await)
}

#[server(endpoint = "submit_deal")]
pub async fn submit_deal(id: i64) -> Result<RedactedVerdict, AppError> {
    respond(async { service::submit(&app_state()?.db, &caller()?, id).await }.await)
}

/// The check while typing: for partners only "clear" or "may be registered".
#[server(endpoint = "check_deal")]
pub async fn check_deal(input: DealInput, id: Option<i64>) -> Result<RedactedVerdict, AppError> {
    respond(
        async {
            Ok(service::check_for(&app_state()?.db, &caller()?, &input, id)
                .await?
                .0)
        }
        .await,
    )
}

#[server(endpoint = "list_deals")]
pub async fn list_deals(filter: DealFilter) -> Result<Vec<DealSummary>, AppError> {
    respond(async { service::list(&app_state()?.db, &caller()?, &filter).await }.await)
}

#[server(endpoint = "get_deal")]
pub async fn get_deal(id: i64) -> Result<DealDetail, AppError> {
    respond(async { service::detail(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "get_deal_review")]
pub async fn get_deal_review(id: i64) -> Result<ReviewView, AppError> {
    respond(async { service::review(&app_state()?.db, &caller()?, id).await }.await)
}

/// Takes a submitted registration into review (the partner is told).
#[server(endpoint = "start_deal_review")]
pub async fn start_deal_review(id: i64) -> Result<(), AppError> {
    respond(async { service::start_review(&app_state()?.db, &caller()?, id).await }.await)
}

/// The registration to review next (the longest-waiting in the queue, not `after`).
#[server(endpoint = "next_in_queue")]
pub async fn next_in_queue(after: i64) -> Result<Option<i64>, AppError> {
    respond(async { service::next_in_queue(&app_state()?.db, &caller()?, after).await }.await)
}

#[server(endpoint = "decide_deal")]
pub async fn decide_deal(input: DecisionInput) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            service::decide(&state.db, &caller()?, &input).await?;
            service::notify_decision(&state, input.deal_id).await
        }
        .await,
    )
}

#[server(endpoint = "request_deal_extension")]
pub async fn request_deal_extension(id: i64, reason: String) -> Result<(), AppError> {
    respond(
        async { service::request_extension(&app_state()?.db, &caller()?, id, &reason).await }.await,
    )
}

#[server(endpoint = "grant_deal_extension")]
pub async fn grant_deal_extension(id: i64) -> Result<(), AppError> {
    respond(async { service::grant_extension(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "post_deal_message")]
pub async fn post_deal_message(id: i64, body: String, internal: bool) -> Result<(), AppError> {
    respond(
        async { service::post_message(&app_state()?.db, &caller()?, id, &body, internal).await }
            .await,
    )
}

/// The partner reports the outcome; a lost deal needs a reason.
#[server(endpoint = "close_deal")]
pub async fn close_deal(
    id: i64,
    won: bool,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    respond(async { service::close(&app_state()?.db, &caller()?, id, won, &reason).await }.await)
}

/// A channel manager corrects a reported outcome, with a reason.
#[server(endpoint = "correct_deal_outcome")]
pub async fn correct_deal_outcome(
    id: i64,
    won: bool,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    respond(
        async { service::correct_outcome(&app_state()?.db, &caller()?, id, won, &reason).await }
            .await,
    )
}

#[server(endpoint = "get_rules")]
pub async fn get_rules() -> Result<Rules, AppError> {
    respond(
        async {
            let c = caller()?;
            c.require(crate::policy::Action::DecideDeals)?;
            service::rules(&app_state()?.db).await
        }
        .await,
    )
}

#[server(endpoint = "set_rules")]
pub async fn set_rules(input: RulesInput) -> Result<Rules, AppError> {
    respond(async { service::set_rules(&app_state()?.db, &caller()?, &input).await }.await)
}

/// Starts a pipeline upload of `bytes` bytes from the browser.
#[server(endpoint = "start_pipeline_upload")]
pub async fn start_pipeline_upload(file_name: String, bytes: i64) -> Result<ImportView, AppError> {
    respond(async { imports::create(&app_state()?.db, &caller()?, &file_name, bytes).await }.await)
}

/// One chunk of an upload; JSON so that CSV text is not inflated by form encoding.
#[server(endpoint = "put_pipeline_chunk", input = leptos::server_fn::codec::Json)]
pub async fn put_pipeline_chunk(id: i64, seq: i64, data: String) -> Result<(), AppError> {
    respond(async { imports::put_chunk(&app_state()?.db, &caller()?, id, seq, &data).await }.await)
}

#[server(endpoint = "finish_pipeline_upload")]
pub async fn finish_pipeline_upload(id: i64) -> Result<ImportPreview, AppError> {
    respond(async { imports::finish_upload(&app_state()?.db, &caller()?, id).await }.await)
}

/// Queues a validated upload; the job queue's workers write it.
#[server(endpoint = "run_pipeline_import")]
pub async fn run_pipeline_import(id: i64) -> Result<ImportView, AppError> {
    respond(async { imports::start(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "pipeline_import_status")]
pub async fn pipeline_import_status(id: i64) -> Result<ImportView, AppError> {
    respond(async { imports::status(&app_state()?.db, &caller()?, id).await }.await)
}
