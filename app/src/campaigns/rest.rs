//! REST API v1 of campaigns: templates (read; vendor marketers write), the partner's brand
//! kit and contacts (its own organisation's only), launches (create, read) and leads.

use super::{
    BrandKit, Contact, ContactInput, LaunchInput, LaunchView, TemplateInput, TemplateSummary,
    sending, service,
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
        .route("/api/v1/campaigns/{id}/launches", post(launch))
        .route("/api/v1/launches/{id}", get(get_launch))
        .route("/api/v1/contacts", get(list_contacts).post(create_contact))
        .route("/api/v1/brand-kit", get(get_brand_kit).post(save_brand_kit))
        .route("/api/v1/leads", get(list_leads))
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
    Ok(Json(service::list_templates(&s.db, &c).await?))
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
    let id = service::create_template(&s.db, &c, &input, now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
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

#[utoipa::path(get, path = "/api/v1/contacts",
    responses((status = 200, body = Vec<Object>, description = "the caller's organisation's contacts, never another's")),
    security(("bearer" = [])))]
pub async fn list_contacts(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<Contact>>, Problem> {
    Ok(Json(service::list_contacts(&s.db, &c).await?))
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

/// Adds a contact (or updates the one with that address) for the caller's organisation.
#[utoipa::path(post, path = "/api/v1/contacts", request_body = NewContactBody,
    responses((status = 201, body = Created, description = "the contact's id")),
    security(("bearer" = [])))]
pub async fn create_contact(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(b): ApiJson<NewContactBody>,
) -> Result<(StatusCode, Json<Created>), Problem> {
    let input = ContactInput {
        email: b.email,
        first_name: b.first_name,
        last_name: b.last_name,
        company: b.company,
        consent: b.consent,
        consent_source: "api".into(),
        tags: b.tags,
    };
    let id = service::save_contact(&s.db, &c, &input, now()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/brand-kit",
    responses((status = 200, body = Object, description = "the caller's organisation's brand kit")),
    security(("bearer" = [])))]
pub async fn get_brand_kit(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<BrandKit>, Problem> {
    Ok(Json(service::get_brand_kit(&s.db, &c).await?))
}

#[utoipa::path(post, path = "/api/v1/brand-kit", request_body = Object,
    responses((status = 204, description = "saved")),
    security(("bearer" = [])))]
pub async fn save_brand_kit(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(input): ApiJson<BrandKit>,
) -> Result<StatusCode, Problem> {
    service::save_brand_kit(&s.db, &c, &input, now()).await?;
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
