//! The REST edge shared by every feature: RFC 9457 problem+json errors (the one mapping
//! from `AppError` for REST), extractors whose rejections are problems too, and the caller
//! behind a bearer token, with the per-token rate limit counted in the database.

use crate::auth::Caller;
use crate::deals::RowError;
use crate::error::{AppError, FieldErrors};
use crate::server::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An RFC 9457 problem.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field name → messages, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<FieldErrors>,
    /// Line-level problems of a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub rows: Option<Vec<RowError>>,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            errors: None,
            rows: None,
            retry_after: None,
        }
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let en = crate::i18n::Locale::En;
        match e {
            AppError::Validation(fields) => {
                let readable = fields
                    .iter()
                    .map(|(f, ms)| {
                        (
                            f.clone(),
                            ms.iter().map(|m| en.text(m).to_string()).collect(),
                        )
                    })
                    .collect();
                Problem {
                    errors: Some(readable),
                    ..Problem::new(status, "the request has invalid fields")
                }
            }
            AppError::NotFound => {
                Problem::new(status, "no such resource, or not visible to this token")
            }
            AppError::Forbidden => Problem::new(status, "this token's role may not do that"),
            AppError::Unauthorized => Problem::new(status, "a valid bearer token is required"),
            AppError::Conflict(key) => Problem::new(
                status,
                en.known(&key)
                    .unwrap_or("the request conflicts with the resource's current state"),
            ),
            AppError::RateLimited => Problem::new(status, "rate limit exceeded"),
            AppError::Internal(id) => {
                Problem::new(status, format!("internal error, reference {id}"))
            }
            AppError::Transport(_) | AppError::BadRequest(_) => {
                Problem::new(StatusCode::BAD_REQUEST, "malformed request")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.retry_after;
        let mut res = (status, Json(self)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = retry {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

/// A path parameter whose rejection (not a number, out of range) is a problem too.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, e.body_text()))
    }
}

/// A query string whose rejection is a problem too.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, e.body_text()))
    }
}

/// JSON bodies whose rejections are problems too.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(match e {
                JsonRejection::MissingJsonContentType(_) => Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "send Content-Type: application/json",
                ),
                other => Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!("malformed JSON: {}", other.body_text()),
                ),
            }),
        }
    }
}

/// The API budget: requests per token per minute, counted in the database so that every
/// server behind a load balancer draws on the same budget.
#[derive(Clone, Copy)]
pub struct RateBudget(pub u32);

/// The caller behind the request's bearer token.
/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(|| Problem::from(AppError::Unauthorized))?;
        let (token_id, caller) = crate::auth::tokens::authenticate(&state.db, token)
            .await?
            .ok_or_else(|| Problem::from(AppError::Unauthorized))?;
        if let Some(RateBudget(per_minute)) = parts.extensions.get::<RateBudget>().copied()
            && let Err(wait) =
                crate::auth::tokens::count_hit(&state.db, token_id, per_minute).await?
        {
            return Err(Problem {
                retry_after: Some(wait),
                ..Problem::from(AppError::RateLimited)
            });
        }
        Ok(ApiCaller(caller))
    }
}

/// The signed-in caller of a plain route (the session middleware put it there), or 401.
pub fn session_caller(c: Option<axum::Extension<Caller>>) -> Result<Caller, AppError> {
    c.map(|axum::Extension(c)| c).ok_or(AppError::Unauthorized)
}

/// An id in a query string: any integer (one beyond 64 bits names nothing, so it finds
/// nothing); anything else is a field error.
pub fn query_id(raw: Option<&str>, name: &str) -> Result<Option<i64>, AppError> {
    let Some(raw) = raw else { return Ok(None) };
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field(name, "err.number_invalid"));
    }
    Ok(Some(raw.parse::<i64>().unwrap_or(-1)))
}
