//! HTTP routes of the content library that are not server functions: multipart uploads
//! (larger bodies than the rest of the app accepts), file downloads and previews, and the
//! REST API for content. Sessions and API tokens reach the same `crate::content` code.

use crate::auth::Caller;
use crate::content::http::{self as content_http, Upload, Uploaded};
use crate::content::{AssetDetail, AssetSummary, ContentQuery, find, service};
use crate::error::AppError;
use crate::server::AppState;
use crate::server::rest::{ApiCaller, ApiPath, ApiQuery, Problem, RateBudget, session_caller};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;

/// The upload's body, looked at only once the caller may upload at all: who is calling
/// and their role are decided before a malformed body is (401/403 before 400).
fn upload_form(
    c: &Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Multipart, AppError> {
    c.require(crate::policy::Action::ManageContent)?;
    form.map_err(|e| AppError::BadRequest(e.body_text()))
}

async fn upload_page(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    match async {
        let c = session_caller(caller)?;
        let form = upload_form(&c, form)?;
        content_http::receive(&s, &s.files, &c, Upload::NewAsset, form).await
    }
    .await
    {
        Ok(u) => (StatusCode::CREATED, Json(u)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn version_page(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    match async {
        let c = session_caller(caller)?;
        let form = upload_form(&c, form)?;
        content_http::receive(&s, &s.files, &c, Upload::NewVersion(id), form).await
    }
    .await
    {
        Ok(u) => (StatusCode::CREATED, Json(u)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FileQuery {
    /// A version number (vendor staff only); the current version otherwise.
    pub version: Option<i64>,
    /// `1` to show in the browser (images and PDFs) instead of downloading.
    pub inline: Option<u8>,
}

async fn file_for(s: &AppState, c: &Caller, id: i64, q: &FileQuery) -> Result<Response, AppError> {
    let inline = q.inline == Some(1);
    let f = service::file_for(&s.db, c, id, q.version, !inline).await?;
    let preview = content_http::previewable(&f.content_type);
    content_http::serve(&s.files, &f, inline, preview).await
}

async fn file_page(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> Response {
    match async { file_for(&s, &session_caller(caller)?, id, &q).await }.await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Upload an asset: multipart form with the metadata fields (`title`, `kind`, `description`,
/// `products`, `stages`, `partner_types`, `tiers`, `regions`, `language`, `tags`,
/// `link_url`, `expires_on`, `published`) first, then `file`. Vendor marketers and admins.
#[utoipa::path(post, path = "/api/v1/content", request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, description = "created: {id, version}"), (status = 413), (status = 422, description = "invalid fields or file type")),
    security(("bearer" = [])), tag = "content")]
pub async fn api_upload(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Uploaded>), Problem> {
    let form = upload_form(&c, form)?;
    let u = content_http::receive(&s, &s.files, &c, Upload::NewAsset, form).await?;
    Ok((StatusCode::CREATED, Json(u)))
}

/// Upload a new version of an asset's file (multipart field `file`). It becomes current.
#[utoipa::path(post, path = "/api/v1/content/{id}/versions", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, description = "created: {id, version}"), (status = 404), (status = 422)),
    security(("bearer" = [])), tag = "content")]
pub async fn api_version(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Uploaded>), Problem> {
    let form = upload_form(&c, form)?;
    let u = content_http::receive(&s, &s.files, &c, Upload::NewVersion(id), form).await?;
    Ok((StatusCode::CREATED, Json(u)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ApiContentQuery {
    pub q: String,
    pub kind: String,
    pub stage: String,
    pub product: String,
    pub language: String,
}

/// Search the library within the token's visibility; ranked when `q` is given.
#[utoipa::path(get, path = "/api/v1/content", params(ApiContentQuery),
    responses((status = 200, body = Vec<Object>)), security(("bearer" = [])), tag = "content")]
pub async fn api_list(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiQuery(q): ApiQuery<ApiContentQuery>,
) -> Result<Json<Vec<AssetSummary>>, Problem> {
    let query = ContentQuery {
        q: q.q,
        kind: q.kind,
        stage: q.stage,
        product: q.product,
        language: q.language,
        ..ContentQuery::default()
    };
    Ok(Json(find::find(&s.db, &c, &query, 100).await?.items))
}

/// One asset. Outside the token's visibility it does not exist (404).
#[utoipa::path(get, path = "/api/v1/content/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404)), security(("bearer" = [])), tag = "content")]
pub async fn api_get(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AssetDetail>, Problem> {
    Ok(Json(service::detail(&s.db, &c, id).await?))
}

/// The asset's current file (vendor tokens may ask for `?version=N`).
#[utoipa::path(get, path = "/api/v1/content/{id}/download", params(("id" = i64, Path), ("version" = Option<i64>, Query)),
    responses((status = 200, description = "the file, with its own content type", content_type = "*/*"), (status = 404)),
    security(("bearer" = [])), tag = "content")]
pub async fn api_download(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<FileQuery>,
) -> Result<Response, Problem> {
    let q = FileQuery {
        version: q.version,
        inline: None,
    };
    Ok(file_for(&s, &c, id, &q).await?)
}

/// The content routes, with a body limit sized for uploads.
pub fn routes(max_upload_bytes: u64, per_minute: u32) -> Router<AppState> {
    let limit = usize::try_from(max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/content/upload", post(upload_page))
        .route("/content/{id}/versions", post(version_page))
        .route("/content/{id}/file", get(file_page))
        .route("/api/v1/content", get(api_list).post(api_upload))
        .route("/api/v1/content/{id}", get(api_get))
        .route("/api/v1/content/{id}/download", get(api_download))
        .route("/api/v1/content/{id}/versions", post(api_version))
        .layer(Extension(RateBudget(per_minute)))
        .layer(DefaultBodyLimit::max(limit))
}
