//! Server functions of campaigns: thin; the caller, the state, then the service.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::caller, server::now, server::respond, server::state::app_state};

#[server(endpoint = "list_campaigns")]
pub async fn list_campaigns() -> Result<Vec<TemplateSummary>, AppError> {
    respond(async { templates::list_templates(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "get_brand_kit")]
pub async fn get_brand_kit() -> Result<BrandKit, AppError> {
    respond(async { brand::get_brand_kit(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "save_brand_kit")]
pub async fn save_brand_kit(input: BrandKit) -> Result<(), AppError> {
    respond(
        async { brand::save_brand_kit(&app_state()?.db, &caller()?, &input, now()).await }.await,
    )
}

#[server(endpoint = "list_contacts")]
pub async fn list_contacts() -> Result<Vec<Contact>, AppError> {
    respond(async { contacts::list_contacts(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "save_contact")]
pub async fn save_contact(input: ContactInput) -> Result<i64, AppError> {
    respond(
        async { contacts::save_contact(&app_state()?.db, &caller()?, &input, now()).await }.await,
    )
}

/// Every touch of a template, and its landing page, as the caller's organisation would
/// send it (with its brand kit, the texts given for the regions and a sample contact);
/// vendor staff may choose the partner (`as_partner`, a slug).
#[server(endpoint = "preview_campaign", input = leptos::server_fn::codec::Json)]
pub async fn preview_campaign(
    template_id: i64,
    regions: std::collections::BTreeMap<String, String>,
    #[server(default)] as_partner: String,
) -> Result<CampaignPreview, AppError> {
    respond(
        async {
            let state = app_state()?;
            service::preview(
                &state.db,
                &state.config.public_url,
                &caller()?,
                template_id,
                &regions,
                &as_partner,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "launch_campaign", input = leptos::server_fn::codec::Json)]
pub async fn launch_campaign(template_id: i64, input: LaunchInput) -> Result<i64, AppError> {
    respond(
        async { sending::launch(&app_state()?.db, &caller()?, template_id, &input, now()).await }
            .await,
    )
}

/// Launches with their progress: the caller's organisation's, or every partner's (counts
/// only) for vendor staff.
#[server(endpoint = "list_launches")]
pub async fn list_launches() -> Result<Vec<LaunchView>, AppError> {
    respond(async { sending::list(&app_state()?.db, &caller()?).await }.await)
}

#[server(endpoint = "list_leads")]
pub async fn list_leads() -> Result<Vec<Lead>, AppError> {
    respond(async { service::list_leads(&app_state()?.db, &caller()?).await }.await)
}

/// Turns a lead into a deal registration draft; returns the deal's id.
#[server(endpoint = "convert_lead")]
pub async fn convert_lead(id: i64) -> Result<i64, AppError> {
    respond(async { service::convert_lead(&app_state()?.db, &caller()?, id).await }.await)
}

/// Previews (`commit` false) or imports a CSV of contacts into the caller's organisation.
#[server(endpoint = "import_contacts")]
pub async fn import_contacts(csv: String, commit: bool) -> Result<ContactImport, AppError> {
    respond(
        async {
            contacts::import_contacts(&app_state()?.db, &caller()?, &csv, commit, now()).await
        }
        .await,
    )
}

/// A template with all it holds (the editor's starting point).
#[server(endpoint = "get_campaign_template")]
pub async fn get_campaign_template(id: i64) -> Result<TemplateDetail, AppError> {
    respond(async { templates::detail(&app_state()?.db, &caller()?, id).await }.await)
}

#[server(endpoint = "create_campaign_template", input = leptos::server_fn::codec::Json)]
pub async fn create_campaign_template(input: TemplateInput) -> Result<i64, AppError> {
    respond(
        async { templates::create_template(&app_state()?.db, &caller()?, &input, now()).await }
            .await,
    )
}

#[server(endpoint = "update_campaign_template", input = leptos::server_fn::codec::Json)]
pub async fn update_campaign_template(id: i64, input: TemplateInput) -> Result<(), AppError> {
    respond(
        async { templates::update_template(&app_state()?.db, &caller()?, id, &input, now()).await }
            .await,
    )
}

/// A campaign's results per partner (vendor staff) or the caller's own.
#[server(endpoint = "campaign_stats")]
pub async fn get_campaign_stats(id: i64) -> Result<CampaignStats, AppError> {
    respond(async { sending::stats(&app_state()?.db, &caller()?, id).await }.await)
}

/// Launches of a template waiting for approval (vendor campaign staff).
#[server(endpoint = "pending_launches")]
pub async fn pending_launches(template_id: i64) -> Result<Vec<LaunchView>, AppError> {
    respond(async { approval::pending(&app_state()?.db, &caller()?, template_id).await }.await)
}

/// Approves a launch waiting for approval, or sends it back with a note.
#[server(endpoint = "review_launch", input = leptos::server_fn::codec::Json)]
pub async fn review_launch(id: i64, input: LaunchReview) -> Result<LaunchView, AppError> {
    respond(async { approval::review(&app_state()?.db, &caller()?, id, &input, now()).await }.await)
}
