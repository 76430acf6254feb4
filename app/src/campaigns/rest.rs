//! REST API v1 of campaigns: templates (read; vendor marketers write) and their results,
//! the partner's brand kit and contacts (its own organisation's only: create, read,
//! update, erase, import), launches (create, read) and leads.

use super::{
    BrandKit, CampaignStats, Contact, ContactInput, LaunchInput, LaunchReview, LaunchView,
    TemplateDetail, TemplateInput, TemplateSummary, approval, brand, contacts, sending, service,
    templates,
};
use crate::server::rest::{ApiCaller, ApiJson, ApiPath, Problem};
use crate::server::{AppState, now};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/campaigns",
            get(list_templates).post(create_template),
        )
        .route("/api/v1/campaigns/{id}", get(get_template))
        .route("/api/v1/campaigns/{id}/stats", get(get_stats))
        .route("/api/v1/campaigns/{id}/launches", post(launch))
        .route("/api/v1/launches/{id}", get(get_launch))
        .route("/api/v1/launches/{id}/review", post(review_launch))
        .route("/api/v1/contacts", get(list_contacts).post(create_contact))
        .route("/api/v1/contacts/import", post(import_contacts))
        .route(
            "/api/v1/contacts/{id}",
            get(get_contact).put(update_contact).delete(delete_contact),
        )
        .route("/api/v1/brand-kit", get(get_brand_kit).post(save_brand_kit))
        .route("/api/v1/leads", get(list_leads))
        .route("/api/v1/leads/events", get(lead_events))
        .route("/api/v1/leads/{id}/deal", post(convert_lead))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(get, path = "/api/v1/campaigns",
    responses((status = 200, body = Vec<Object>, description = "campaign templates visible to the caller: id, name, description, language, status, touches, editable regions")),
    security(("bearer" = [])))]
pub async fn list_templates(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<TemplateSummary>>, Problem> {
    Ok(Json(templates::list_templates(&s.db, &c).await?))
}

/// Writes a template (vendor marketers and admins).
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = Object,
    responses((status = 201, body = Created, description = "the template's id")),
    security(("bearer" = [])))]
pub async fn create_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(input): ApiJson<TemplateInput>,
) -> Result<(StatusCode, Json<Created>), Problem> {
    let id = templates::create_template(&s.db, &c, &input, now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One template with everything it holds: emails (MJML), regions, landing page, posts.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}",
    params(("id" = i64, Path, description = "the template")),
    responses((status = 200, body = Object, description = "id, status and the template as written (name, language, touches with their MJML, editable regions, landing page, social posts, targeting, translation_of)")),
    security(("bearer" = [])))]
pub async fn get_template(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TemplateDetail>, Problem> {
    Ok(Json(templates::detail(&s.db, &c, id).await?))
}

/// A campaign's results: totals and per partner (vendor staff), or the caller's own.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/stats",
    params(("id" = i64, Path, description = "the template")),
    responses((status = 200, body = Object, description = "template_id, template_name, partners (that launched), totals and by_partner: launches, sent, clicks, opens, visits, submissions, leads. Counts only")),
    security(("bearer" = [])))]
pub async fn get_stats(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CampaignStats>, Problem> {
    Ok(Json(sending::stats(&s.db, &c, id).await?))
}

/// Launches a template to the caller's contacts: `{"contacts": "all"}` or a list of ids.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/launches", request_body = Object,
    params(("id" = i64, Path, description = "the template")),
    responses((status = 201, body = Created, description = "the launch's id"), (status = 422, body = Problem, description = "the brand kit lacks what the template needs, unknown contacts or regions")),
    security(("bearer" = [])))]
pub async fn launch(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LaunchInput>,
) -> Result<(StatusCode, Json<Created>), Problem> {
    let id = sending::launch(&s.db, &c, id, &input, now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/launches/{id}",
    params(("id" = i64, Path, description = "the launch")),
    responses((status = 200, body = Object, description = "status, recipients, skipped (no consent, suppressed), sent, queued, failed, clicks, visits, submissions, leads, unsubscribes")),
    security(("bearer" = [])))]
pub async fn get_launch(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<LaunchView>, Problem> {
    Ok(Json(sending::view(&s.db, &c, id).await?))
}

/// Approves a launch waiting for approval (`{"approve": true}`) or sends it back with a
/// note (`{"approve": false, "note": "…"}`). Vendor staff who manage campaigns.
#[utoipa::path(post, path = "/api/v1/launches/{id}/review", request_body = Object,
    params(("id" = i64, Path, description = "the launch")),
    responses((status = 200, body = Object, description = "the launch after the decision"), (status = 409, body = Problem, description = "the launch is not waiting for approval"), (status = 422, body = Problem, description = "a note is required to send it back")),
    security(("bearer" = [])))]
pub async fn review_launch(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LaunchReview>,
) -> Result<Json<LaunchView>, Problem> {
    Ok(Json(approval::review(&s.db, &c, id, &input, now()).await?))
}

#[utoipa::path(get, path = "/api/v1/contacts",
    responses((status = 200, body = Vec<Object>, description = "the caller's organisation's contacts, never another's")),
    security(("bearer" = [])))]
pub async fn list_contacts(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<Contact>>, Problem> {
    Ok(Json(contacts::list_contacts(&s.db, &c).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactBody {
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub company: String,
    pub consent: bool,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl NewContactBody {
    fn input(self) -> ContactInput {
        ContactInput {
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            company: self.company,
            consent: self.consent,
            consent_source: "api".into(),
            tags: self.tags,
        }
    }
}

/// Adds a contact (or updates the one with that address) for the caller's organisation.
#[utoipa::path(post, path = "/api/v1/contacts", request_body = NewContactBody,
    responses((status = 201, body = Created, description = "the contact's id")),
    security(("bearer" = [])))]
pub async fn create_contact(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(b): ApiJson<NewContactBody>,
) -> Result<(StatusCode, Json<Created>), Problem> {
    let id = contacts::save_contact(&s.db, &c, &b.input(), now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}",
    params(("id" = i64, Path, description = "the contact")),
    responses((status = 200, body = Object, description = "a contact of the caller's organisation")),
    security(("bearer" = [])))]
pub async fn get_contact(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Contact>, Problem> {
    Ok(Json(contacts::get_contact(&s.db, &c, id).await?))
}

/// Replaces a contact's fields (an unsubscribed contact stays unsubscribed).
#[utoipa::path(put, path = "/api/v1/contacts/{id}", request_body = NewContactBody,
    params(("id" = i64, Path, description = "the contact")),
    responses((status = 204, description = "saved")),
    security(("bearer" = [])))]
pub async fn update_contact(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewContactBody>,
) -> Result<StatusCode, Problem> {
    contacts::update_contact(&s.db, &c, id, &b.input(), now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Erases a contact: name and address are gone; results stay counted.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}",
    params(("id" = i64, Path, description = "the contact")),
    responses((status = 204, description = "erased")),
    security(("bearer" = [])))]
pub async fn delete_contact(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, Problem> {
    contacts::delete_contact(&s.db, &c, id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// CSV with a header row: email (required), first_name, last_name, company,
    /// consent (yes/no), tags (separated by `;`).
    pub csv: String,
    /// false: only check every row; true: save the good rows.
    #[serde(default)]
    pub commit: bool,
}

/// Imports contacts from CSV: every row with its problems, and the good rows saved when
/// `commit` is true.
#[utoipa::path(post, path = "/api/v1/contacts/import", request_body = ImportBody,
    responses((status = 200, body = Object, description = "rows (line, email, name, consent, errors), valid, invalid, saved")),
    security(("bearer" = [])))]
pub async fn import_contacts(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(b): ApiJson<ImportBody>,
) -> Result<Json<super::ContactImport>, Problem> {
    Ok(Json(
        contacts::import_contacts(&s.db, &c, &b.csv, b.commit, now()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/brand-kit",
    responses((status = 200, body = Object, description = "the caller's organisation's brand kit")),
    security(("bearer" = [])))]
pub async fn get_brand_kit(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<BrandKit>, Problem> {
    Ok(Json(brand::get_brand_kit(&s.db, &c).await?))
}

#[utoipa::path(post, path = "/api/v1/brand-kit", request_body = Object,
    responses((status = 204, description = "saved")),
    security(("bearer" = [])))]
pub async fn save_brand_kit(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(input): ApiJson<BrandKit>,
) -> Result<StatusCode, Problem> {
    brand::save_brand_kit(&s.db, &c, &input, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's organisation's leads, newest first.
#[utoipa::path(get, path = "/api/v1/leads",
    responses((status = 200, body = Vec<Object>, description = "leads from the organisation's landing pages: id, launch_id, template_id, email, name, company, message, deal_id, created_at")),
    security(("bearer" = [])))]
pub async fn list_leads(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<super::Lead>>, Problem> {
    Ok(Json(service::list_leads(&s.db, &c).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Only events after this one (the last id a reader has seen); 0 or absent: from the start.
    #[param(value_type = Option<i64>)]
    pub after: Option<String>,
}

/// What happened to the organisation's leads, oldest first, 500 at a time: `lead.created`
/// (with the lead) and `lead.converted` (with the deal). Read on with `after` = the last id.
#[utoipa::path(get, path = "/api/v1/leads/events", params(EventsQuery),
    responses((status = 200, body = Vec<super::store::LeadEvent>, description = "id, kind, lead_id, payload, created_at")),
    security(("bearer" = [])))]
pub async fn lead_events(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    crate::server::rest::ApiQuery(q): crate::server::rest::ApiQuery<EventsQuery>,
) -> Result<Json<Vec<super::store::LeadEvent>>, Problem> {
    Ok(Json(
        service::lead_events(&s.db, &c, q.after.as_deref()).await?,
    ))
}

/// Turns a lead into a deal registration draft (partner admins and sellers).
#[utoipa::path(post, path = "/api/v1/leads/{id}/deal",
    params(("id" = i64, Path, description = "the lead")),
    responses((status = 201, body = Created, description = "the deal draft's id (the same one when the lead was converted before)")),
    security(("bearer" = [])))]
pub async fn convert_lead(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<Created>), Problem> {
    let id = service::convert_lead(&s.db, &c, id).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
