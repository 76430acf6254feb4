//! REST API v1 for CRM and ERP integrations: bearer tokens, JSON in and out, RFC 9457
//! problem+json errors, a per-token rate limit. Handlers are thin: the token's caller,
//! then the same services the UI uses, so scoping and redaction are identical.

use app::auth::Caller;
use app::deals::pipeline::{self, PipelineRow, RowError};
use app::deals::service;
use app::deals::{Customer, DealDetail, DealFilter, DealInput, DecisionInput, RedactedVerdict};
use app::error::{AppError, FieldErrors};
use app::server::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

/// Most pipeline records accepted in one request.
pub const MAX_BATCH: usize = 2_000;

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
        let en = app::i18n::Locale::En;
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
        let (token_id, caller) = app::auth::tokens::authenticate(&state.db, token)
            .await?
            .ok_or_else(|| Problem::from(AppError::Unauthorized))?;
        if let Some(RateBudget(per_minute)) = parts.extensions.get::<RateBudget>().copied()
            && let Err(wait) = app::auth::tokens::count_hit(&state.db, token_id, per_minute).await?
        {
            return Err(Problem {
                retry_after: Some(wait),
                ..Problem::from(AppError::RateLimited)
            });
        }
        Ok(ApiCaller(caller))
    }
}

pub fn routes(per_minute: u32) -> Router<AppState> {
    Router::new()
        .route("/api/v1/pipeline", post(upsert_pipeline))
        .route("/api/v1/deal-checks", post(check_deal))
        .route("/api/v1/deals", get(list_deals).post(create_deal))
        .route("/api/v1/deals/{id}", get(get_deal))
        .route("/api/v1/deals/{id}/decision", post(decide_deal))
        .route(
            "/api/v1/openapi.json",
            get(|| async { Json(crate::openapi::document()) }),
        )
        .layer(Extension(RateBudget(per_minute)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PipelineBatch {
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<PipelineRow>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PipelineResult {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
}

/// Batch upsert of pipeline records by external_id. Vendor tokens only. All or nothing.
#[utoipa::path(post, path = "/api/v1/pipeline", request_body = PipelineBatch,
    responses((status = 200, body = PipelineResult), (status = 422, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn upsert_pipeline(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(batch): ApiJson<PipelineBatch>,
) -> Result<Json<PipelineResult>, Problem> {
    c.require(app::domain::Action::ImportPipeline)?;
    if batch.records.len() > MAX_BATCH {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("at most {MAX_BATCH} records per request"),
        ));
    }
    let errors = pipeline::validate(&batch.records, 0);
    if !errors.is_empty() {
        return Err(Problem {
            rows: Some(errors),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "some records are invalid; nothing was written (lines count records from 0)",
            )
        });
    }
    let stats = pipeline::upsert(&s.db, &batch.records, |_| {}).await?;
    Ok(Json(PipelineResult {
        rows: stats.rows,
        inserted: stats.inserted,
        updated: stats.updated,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckMatch {
    /// `pipeline` or `registration`
    pub kind: String,
    pub id: i64,
    pub external_id: Option<String>,
    pub score: f64,
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<app::deals::Reason>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckResponse {
    /// `clear`, `review` or `conflict`; for partner tokens `clear` or `may_be_registered`.
    pub verdict: String,
    pub matches: Vec<CheckMatch>,
}

/// Checks an end customer for existing registrations and direct pipeline. Partner tokens
/// get the redacted verdict only, with no matches.
#[utoipa::path(post, path = "/api/v1/deal-checks", request_body(content = Object, description = "company (required), domain, street, city, region, postcode, country, phone, contact_email"),
    responses((status = 200, body = CheckResponse), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn check_deal(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(customer): ApiJson<Customer>,
) -> Result<Json<CheckResponse>, Problem> {
    if customer.company.trim().is_empty() {
        return Err(AppError::field("company", "err.required").into());
    }
    let input = DealInput {
        company: customer.company.clone(),
        domain: customer.domain.clone(),
        street: customer.street.clone(),
        city: customer.city.clone(),
        region: customer.region.clone(),
        postcode: customer.postcode.clone(),
        country: customer.country.clone(),
        contact_phone: customer.phone.clone(),
        contact_email: customer.contact_email.clone(),
        ..Default::default()
    };
    let (redacted, full) = service::check_for(&s.db, &c, &input, None).await?;
    Ok(Json(match full {
        Some(r) => CheckResponse {
            verdict: r.verdict.code().into(),
            matches: r
                .matches
                .into_iter()
                .map(|m| CheckMatch {
                    kind: m.kind,
                    id: m.id,
                    external_id: m.external_id,
                    score: m.score,
                    reasons: m.reasons,
                })
                .collect(),
        },
        None => CheckResponse {
            verdict: if redacted == RedactedVerdict::Clear {
                "clear"
            } else {
                "may_be_registered"
            }
            .into(),
            matches: Vec::new(),
        },
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
}

/// Deal registrations visible to the token: a partner's own, or all for vendor staff.
#[utoipa::path(get, path = "/api/v1/deals", params(ListQuery), responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub async fn list_deals(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, Problem> {
    let list = service::list(
        &s.db,
        &c,
        &DealFilter {
            q: q.q,
            status: q.status,
        },
    )
    .await?;
    Ok(Json(list).into_response())
}

/// A registration in the API: the end-customer fields carry the CSV column names.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct NewDeal {
    pub company: String,
    pub domain: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub contact_email: String,
    pub contact_name: String,
    pub products: String,
    /// Decimal amount, e.g. "48000.00".
    pub value: String,
    pub currency: String,
    /// YYYY-MM-DD
    pub expected_close: String,
    pub stage: String,
    pub notes: String,
    pub cosell: bool,
    /// Save as a draft instead of submitting.
    pub draft: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedDeal {
    pub id: i64,
    /// For the registering partner: `clear` or `may_be_registered`; null for drafts.
    pub verdict: Option<String>,
}

/// Registers a deal for the token's partner organisation (and submits it unless `draft`).
#[utoipa::path(post, path = "/api/v1/deals", request_body = NewDeal, responses((status = 201, body = CreatedDeal), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_deal(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(d): ApiJson<NewDeal>,
) -> Result<Response, Problem> {
    let input = DealInput {
        company: d.company,
        domain: d.domain,
        street: d.street,
        city: d.city,
        region: d.region,
        postcode: d.postcode,
        country: d.country,
        contact_name: d.contact_name,
        contact_email: d.contact_email,
        contact_phone: d.phone,
        products: d.products,
        value: d.value,
        currency: d.currency,
        expected_close: d.expected_close,
        stage: d.stage,
        notes: d.notes,
        cosell: d.cosell,
    };
    let id = service::save_draft(&s.db, &c, None, &input).await?;
    let verdict = if d.draft {
        None
    } else {
        match service::submit(&s.db, &c, id).await {
            Ok(v) => Some(
                if v == RedactedVerdict::Clear {
                    "clear"
                } else {
                    "may_be_registered"
                }
                .to_string(),
            ),
            Err(e) => {
                // Keep the draft so nothing is lost; report why it was not submitted.
                let mut p = Problem::from(e);
                p.detail = Some(format!(
                    "saved as draft {id} but not submitted: {}",
                    p.detail.unwrap_or_default()
                ));
                return Err(p);
            }
        }
    };
    Ok((StatusCode::CREATED, Json(CreatedDeal { id, verdict })).into_response())
}

/// One registration, if visible to the token (otherwise 404, as if it did not exist).
#[utoipa::path(get, path = "/api/v1/deals/{id}", params(("id" = i64, Path)), responses((status = 200, body = Object), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_deal(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DealDetail>, Problem> {
    Ok(Json(service::detail(&s.db, &c, id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct Decision {
    /// approve, reject or request_info
    pub decision: String,
    /// Required to reject or request information.
    pub reason: String,
}

/// Approves, rejects or asks for information. Vendor tokens only.
#[utoipa::path(post, path = "/api/v1/deals/{id}/decision", params(("id" = i64, Path)), request_body = Decision,
    responses((status = 200, body = Object), (status = 403, body = Problem), (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn decide_deal(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<Json<DealDetail>, Problem> {
    service::decide(
        &s.db,
        &c,
        &DecisionInput {
            deal_id: id,
            decision: d.decision,
            reason: d.reason,
        },
    )
    .await?;
    service::notify_decision(&s, id).await?;
    Ok(Json(service::detail(&s.db, &c, id).await?))
}
