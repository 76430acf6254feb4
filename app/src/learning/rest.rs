//! Learning over HTTP outside server functions: REST API v1 (courses, credentials,
//! revocation) for tokens, and the public, sign-in-free documents a verifier fetches: a
//! credential's JSON, the status list and the issuer's DID document.

use super::{
    AssignedPath, CourseSummary, CredentialSummary, Enrolment, PathSummary, awards, credentials,
    issuer, service,
};
use crate::error::AppError;
use crate::policy::{Action, Actor};
use crate::server::rest::{ApiCaller, ApiJson, ApiPath, ApiQuery, Problem, session_caller};
use crate::server::{AppState, now};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub const LD_JSON: &str = "application/ld+json";

/// The REST and public routes of learning.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/courses", get(list_courses))
        .route("/api/v1/credentials", get(list_credentials).post(issue))
        .route("/api/v1/certifications", get(list_certifications))
        .route("/api/v1/enrolments", get(list_enrolments))
        .route("/api/v1/learning-paths", get(list_paths))
        .route("/api/v1/learning-paths/assigned", get(assigned_paths))
        .route("/api/v1/credentials/{id}/revoke", post(revoke))
        .route("/credentials/status/{list}", get(status_list))
        .route("/issuers/{slug}/did.json", get(did_document))
        .route("/learning/credentials.csv", get(credentials_csv))
        .route("/learning/xapi.json", get(xapi_export))
}

/// A private download: no caching, saved under `filename`.
fn download(content_type: &'static str, filename: &'static str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// Every xAPI statement, for vendor admins, as a JSON download.
async fn xapi_export(
    State(s): State<AppState>,
    caller: Option<axum::Extension<crate::auth::Caller>>,
) -> Response {
    match async { super::xapi::export(&s.db, &session_caller(caller)?, 100_000).await }.await {
        Ok(list) => download(
            "application/json",
            "xapi-statements.json",
            serde_json::Value::Array(list).to_string(),
        ),
        Err(e) => e.into_response(),
    }
}

/// The credentials within the signed-in reader's reach as a CSV download.
async fn credentials_csv(
    State(s): State<AppState>,
    caller: Option<axum::Extension<crate::auth::Caller>>,
) -> Response {
    let csv = async {
        super::reports::credentials_csv(
            &s.db,
            &s.config.public_url,
            &session_caller(caller)?,
            now(),
        )
        .await
    };
    match csv.await {
        Ok(csv) => download("text/csv; charset=utf-8", "credentials.csv", csv),
        Err(e) => e.into_response(),
    }
}

#[utoipa::path(get, path = "/api/v1/courses",
    responses((status = 200, body = Vec<Object>, description = "courses with the token owner's progress: published ones, or every one for vendor staff who write courses")),
    security(("bearer" = [])))]
pub async fn list_courses(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<CourseSummary>>, Problem> {
    Ok(Json(service::list(&s.db, &c).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CredentialQuery {
    /// Only this partner organisation's credentials.
    #[param(value_type = Option<i64>)]
    pub partner_id: Option<String>,
}

/// Issued credentials, for vendor staff who read all learning.
#[utoipa::path(get, path = "/api/v1/credentials", params(CredentialQuery),
    responses((status = 200, body = Vec<Object>, description = "issued credentials (every partner's, or one partner's with partner_id): id, status (active, expired or revoked), holder_email, certification, url (the credential's public address; its JSON with Accept: application/ld+json)")),
    security(("bearer" = [])))]
pub async fn list_credentials(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiQuery(q): ApiQuery<CredentialQuery>,
) -> Result<Json<Vec<CredentialSummary>>, Problem> {
    if !c.vendor {
        return Err(AppError::Forbidden.into());
    }
    c.require(Action::ViewAllLearning)?;
    let reach = match crate::server::rest::query_id(q.partner_id.as_deref(), "partner_id")? {
        Some(org) => awards::Reach::Org(org),
        None => awards::Reach::All,
    };
    Ok(Json(
        awards::list(&s.db, &s.config.public_url, reach, now()).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    #[serde(deserialize_with = "crate::domain::whole::int")]
    pub certification_id: i64,
    /// The partner user who receives it.
    pub holder_email: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub id: String,
    /// The credential's public address (its JSON with Accept: application/ld+json).
    pub url: String,
}

/// Issues a certification to a partner user by hand.
#[utoipa::path(post, path = "/api/v1/credentials", request_body = IssueInput,
    responses((status = 201, body = Issued, description = "issued and signed"), (status = 409, body = Problem, description = "the person holds it and is not due to renew"), (status = 422, body = Problem, description = "unknown certification or partner user")),
    security(("bearer" = [])))]
pub async fn issue(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(input): ApiJson<IssueInput>,
) -> Result<(StatusCode, Json<Issued>), Problem> {
    if !c.vendor {
        return Err(AppError::Forbidden.into());
    }
    let id = awards::issue_by_hand(
        &s.db,
        &s.config.public_url,
        Actor::User(&c),
        input.certification_id,
        &input.holder_email,
        now(),
    )
    .await?;
    let url = format!("{}/credentials/{id}", s.config.public_url);
    Ok((StatusCode::CREATED, Json(Issued { id, url })))
}

/// The certifications there are: public facts about the programme.
#[utoipa::path(get, path = "/api/v1/certifications",
    responses((status = 200, body = Vec<Object>, description = "certifications: id, name, course_id (its final exam), validity_days, tier_requirements")),
    security(("bearer" = [])))]
pub async fn list_certifications(
    State(s): State<AppState>,
    ApiCaller(_c): ApiCaller,
) -> Result<Json<Vec<serde_json::Value>>, Problem> {
    Ok(Json(awards::certifications(&s.db).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EnrolmentQuery {
    /// Only this person's.
    #[param(value_type = Option<i64>)]
    pub user_id: Option<String>,
}

/// Progress per person and course, within the token owner's reach: every partner's for
/// vendor staff who read all learning, the team's for a partner admin, else one's own.
#[utoipa::path(get, path = "/api/v1/enrolments", params(EnrolmentQuery),
    responses((status = 200, body = Vec<Object>, description = "user_id, user_name, user_email, org_name, course_id, course_title, lessons_done, lessons_total, attempts, passed_at")),
    security(("bearer" = [])))]
pub async fn list_enrolments(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiQuery(q): ApiQuery<EnrolmentQuery>,
) -> Result<Json<Vec<Enrolment>>, Problem> {
    Ok(Json(
        super::progress::enrolments(
            &s.db,
            awards::reach(&c),
            crate::server::rest::query_id(q.user_id.as_deref(), "user_id")?,
        )
        .await?,
    ))
}

/// Learning paths and their rules, for vendor staff who write courses.
#[utoipa::path(get, path = "/api/v1/learning-paths",
    responses((status = 200, body = Vec<Object>, description = "paths: id, name, courses, partner_types, tiers, regions, roles, due_days")),
    security(("bearer" = [])))]
pub async fn list_paths(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<PathSummary>>, Problem> {
    Ok(Json(super::paths::list(&s.db, &c).await?))
}

/// The token owner's assigned paths, with due dates and each course's state.
#[utoipa::path(get, path = "/api/v1/learning-paths/assigned",
    responses((status = 200, body = Vec<Object>, description = "assigned paths: id, name, due_at, overdue, completed, courses")),
    security(("bearer" = [])))]
pub async fn assigned_paths(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Json<Vec<AssignedPath>>, Problem> {
    Ok(Json(super::paths::assigned(&s.db, &c, now()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInput {
    /// Why the credential no longer holds (kept by the issuer, not shown publicly).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/credentials/{id}/revoke", request_body = RevokeInput,
    params(("id" = String, Path, description = "the credential's id (a UUID)",
        pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")),
    responses((status = 204, description = "revoked; the status list shows it at once"), (status = 409, body = Problem, description = "already revoked")),
    security(("bearer" = [])))]
pub async fn revoke(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> Result<StatusCode, Problem> {
    awards::revoke(&s.db, Actor::User(&c), &id, &input.reason, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn ld_json(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(LD_JSON)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        body,
    )
        .into_response()
}

fn problem(e: AppError) -> Response {
    Problem::from(e).into_response()
}

#[utoipa::path(get, path = "/credentials/status/{list}",
    params(("list" = String, Path, description = "the status list's number (1)", pattern = "^[0-9]+$")),
    responses((status = 200, content_type = "application/ld+json", body = Object, description = "the signed BitstringStatusListCredential")))]
pub async fn status_list(State(s): State<AppState>, Path(list): Path<String>) -> Response {
    if list != credentials::STATUS_LIST_ID.to_string() {
        return problem(AppError::NotFound);
    }
    match credentials::status_list(&s.db, &s.config.public_url, now()).await {
        Ok(doc) => ld_json(doc.to_string()),
        Err(e) => problem(e),
    }
}

async fn did_document(State(s): State<AppState>, Path(slug): Path<String>) -> Response {
    if slug != issuer::ISSUER_SLUG {
        return problem(AppError::NotFound);
    }
    match issuer::did_document(&s.db, &s.config.public_url).await {
        Ok(doc) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/did+ld+json"),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                ),
            ],
            doc.to_string(),
        )
            .into_response(),
        Err(e) => problem(e),
    }
}

/// Whether a request for `/credentials/{id}` wants the JSON rather than the page: an
/// `Accept` that names JSON (and not HTML first), or `?format=json`.
pub fn wants_json(accept: Option<&str>, query: Option<&str>) -> bool {
    if query.is_some_and(|q| q.split('&').any(|p| p == "format=json")) {
        return true;
    }
    let Some(accept) = accept else { return false };
    let first_json = accept
        .split(',')
        .map(|p| p.split(';').next().unwrap_or_default().trim())
        .find(|t| {
            matches!(
                *t,
                "text/html" | "application/ld+json" | "application/json" | "application/vc+ld+json"
            )
        });
    matches!(first_json, Some(t) if t != "text/html")
}

/// In front of the page `/credentials/{id}`: the signed credential itself for clients
/// that ask for JSON, byte for byte as issued. Everything else goes on to the page.
pub async fn negotiate(State(s): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let id = path
        .strip_prefix("/credentials/")
        .filter(|rest| !rest.is_empty() && !rest.contains('/'));
    if req.method() == Method::GET
        && let Some(id) = id
        && wants_json(
            req.headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok()),
            req.uri().query(),
        )
    {
        let id = id.to_string();
        let download = req.uri().query().is_some_and(|q| q.contains("format=json"));
        return match awards::document(&s.db, &id).await {
            Ok(doc) => {
                let mut resp = ld_json(doc);
                if download
                    && let Ok(v) = HeaderValue::from_str(&format!(
                        "attachment; filename=\"credential-{}.json\"",
                        id.chars()
                            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                            .collect::<String>()
                    ))
                {
                    resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
                }
                resp
            }
            Err(e) => problem(e),
        };
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::wants_json;

    #[test]
    fn json_when_asked_for() {
        assert!(wants_json(Some("application/ld+json"), None));
        assert!(wants_json(Some("application/json, text/plain"), None));
        assert!(wants_json(None, Some("format=json")));
        assert!(!wants_json(
            Some("text/html,application/xhtml+xml,*/*;q=0.8"),
            None
        ));
        assert!(!wants_json(Some("*/*"), None));
        assert!(!wants_json(None, None));
        assert!(!wants_json(Some("text/html, application/json"), None));
    }
}
