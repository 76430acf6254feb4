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

/// The registration form posted without JavaScript (or before the app loaded): saves the
/// draft and, when `submit`, submits it; then goes on to the registration (submitted) or
/// to the draft's own address. A failure after the draft was saved goes back to the draft,
/// so posting again does not make a second one.
#[server(endpoint = "register_deal")]
pub async fn register_deal(
    #[server(default)] id: Option<i64>,
    input: DealInput,
    #[server(default)] submit: bool,
) -> Result<i64, AppError> {
    use crate::server::nojs;
    use leptos::server_fn::ServerFn;
    // The error, and the draft it left (if one was saved).
    let r: Result<i64, (Option<i64>, AppError)> = async {
        let state = app_state().map_err(|e| (id, e))?;
        let caller = caller().map_err(|e| (id, e))?;
        let new_id = service::save_draft(&state.db, &caller, id, &input)
            .await
            .map_err(|e| (id, e))?;
        if submit {
            service::submit(&state.db, &caller, new_id)
                .await
                .map_err(|e| (Some(new_id), e))?;
        }
        Ok(new_id)
    }
    .await;
    if !nojs::is_form_post() {
        return respond(r.map_err(|(_, e)| e));
    }
    match r {
        Ok(new_id) => {
            nojs::go(&if submit {
                format!("/deals/{new_id}")
            } else {
                format!("/deals/{new_id}/edit")
            });
            Ok(new_id)
        }
        Err((draft, e)) => {
            nojs::fail(
                RegisterDeal::PATH,
                &e,
                &input,
                draft.map(|d| format!("/deals/{d}/edit")),
            );
            Err(e)
        }
    }
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
pub async fn list_deals(filter: DealFilter) -> Result<crate::ui::Page<DealSummary>, AppError> {
    respond(async { service::page(&app_state()?.db, &caller()?, &filter).await }.await)
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
    use leptos::server_fn::ServerFn;
    let mut next = None;
    let r = async {
        let state = app_state()?;
        let caller = caller()?;
        service::decide(&state.db, &caller, &input).await?;
        service::notify_decision(&state, input.deal_id).await?;
        // A plain form post goes on to the next registration in the queue.
        if crate::server::nojs::is_form_post() {
            next = service::next_in_queue(&state.db, &caller, input.deal_id).await?;
        }
        Ok(())
    }
    .await;
    let id = input.deal_id;
    crate::server::nojs::respond_form(DecideDeal::PATH, r, &input, |_| {
        Some(match next {
            Some(n) => format!("/deals/{n}/review"),
            None => format!("/deals/{id}"),
        })
    })
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
pub async fn post_deal_message(
    id: i64,
    body: String,
    #[server(default)] internal: bool,
) -> Result<(), AppError> {
    use leptos::server_fn::ServerFn;
    let r =
        async { service::post_message(&app_state()?.db, &caller()?, id, &body, internal).await }
            .await;
    let back = serde_json::json!({ "body": body, "internal": internal });
    crate::server::nojs::respond_form(PostDealMessage::PATH, r, &back, |_| None)
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
