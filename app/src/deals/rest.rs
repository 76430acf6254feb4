//! REST API v1 of deal registration and the pipeline, for CRM and ERP integrations.
//! Handlers are thin: the token's caller, then the same services the UI uses, so scoping
//! and redaction are identical.

use super::pipeline::{self, PipelineRow};
use super::service;
use super::{Customer, DealDetail, DealFilter, DealInput, DecisionInput, RedactedVerdict};
use crate::error::AppError;
use crate::server::AppState;
use crate::server::rest::{ApiCaller, ApiJson, ApiPath, ApiQuery, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Most pipeline records accepted in one request.
pub const MAX_BATCH: usize = 2_000;

/// The deal and pipeline routes of API v1.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/pipeline", post(upsert_pipeline))
        .route("/api/v1/deal-checks", post(check_deal))
        .route("/api/v1/deals", get(list_deals).post(create_deal))
        .route("/api/v1/deals/{id}", get(get_deal))
        .route("/api/v1/deals/{id}/decision", post(decide_deal))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineBatch {
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<ApiRecord>,
}

/// One pipeline record as the API takes it: the CSV's columns and nothing else.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ApiRecord {
    pub external_id: String,
    pub company: String,
    pub domain: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub contact_email: String,
}

/// The end-customer fields, named as the CSV columns; unknown fields are refused.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ApiCustomer {
    pub company: String,
    pub domain: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub contact_email: String,
}

impl From<ApiCustomer> for Customer {
    fn from(c: ApiCustomer) -> Customer {
        Customer {
            company: c.company,
            domain: c.domain,
            street: c.street,
            city: c.city,
            region: c.region,
            postcode: c.postcode,
            country: c.country,
            phone: c.phone,
            contact_email: c.contact_email,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PipelineResult {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
}

/// Batch upsert of pipeline records by external_id. Vendor tokens only. All or nothing.
#[utoipa::path(post, path = "/api/v1/pipeline", request_body = PipelineBatch,
    responses((status = 200, body = PipelineResult), (status = 409, body = Problem, description = "records repeat an external_id"), (status = 422, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn upsert_pipeline(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiJson(batch): ApiJson<PipelineBatch>,
) -> Result<Json<PipelineResult>, Problem> {
    c.require(crate::policy::Action::ImportPipeline)?;
    if batch.records.len() > MAX_BATCH {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("at most {MAX_BATCH} records per request"),
        ));
    }
    let records: Vec<PipelineRow> = batch
        .records
        .into_iter()
        .map(|r| PipelineRow {
            external_id: r.external_id,
            customer: Customer {
                company: r.company,
                domain: r.domain,
                street: r.street,
                city: r.city,
                region: r.region,
                postcode: r.postcode,
                country: r.country,
                phone: r.phone,
                contact_email: r.contact_email,
            },
        })
        .collect();
    let errors = pipeline::validate(&records, 0);
    if !errors.is_empty() {
        // Records that are each well-formed but repeat an external_id conflict with one
        // another (409); anything else is invalid input (422).
        let only_repeats = errors.iter().all(|e| e.message.starts_with("repeats line"));
        let (status, detail) = if only_repeats {
            (
                StatusCode::CONFLICT,
                "records repeat an external_id; nothing was written (lines count records from 0)",
            )
        } else {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "some records are invalid; nothing was written (lines count records from 0)",
            )
        };
        return Err(Problem {
            rows: Some(errors),
            ..Problem::new(status, detail)
        });
    }
    let stats = pipeline::upsert(&s.db, &records, |_| {}).await?;
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
    /// Calibrated probability (0..1) that this record is the same company.
    pub score: f64,
    /// Prior log2 odds before any evidence; each reason's `weight` adds its log2 Bayes
    /// factor, and the sum is the log2 odds of `score`.
    pub prior_bits: f64,
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<crate::deals::Reason>,
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
    ApiJson(customer): ApiJson<ApiCustomer>,
) -> Result<Json<CheckResponse>, Problem> {
    let customer = Customer::from(customer);
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
                    prior_bits: m.prior_bits,
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
            ..DealFilter::default()
        },
    )
    .await?;
    Ok(Json(list).into_response())
}

/// A registration in the API: the end-customer fields carry the CSV column names.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
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
