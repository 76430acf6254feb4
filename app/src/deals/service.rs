//! Deal registration's use cases for partners: drafts, submission with the conflict check,
//! the deal page, messages, extension requests and outcomes. Reads go through
//! [`store`], bound to the caller's [`Scope`]: a partner reaches only its own
//! organisation's registrations, and anything else is `NotFound`.

use super::pipeline::{self, CheckResult};
use super::store::{self, DealRow};
use super::validate::validate;
use super::*;
use crate::auth::Caller;
use crate::domain::{DealStatus, parse_optional_text};
use crate::error::AppError;
use crate::notifications;
use crate::policy::{Action, Actor, OrgAction, Scope};
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::keyset::Keyset;
use crate::server::now;
use crate::ui::{Page, PageRequest};

pub use super::jobs::expire_due;
pub use super::review::{
    correct_outcome, decide, grant_extension, notify_decision, recommend, review, start_review,
};
pub use super::rules::{rules, set_rules};

/// The scope of the caller's reads of registrations: every partner's (not drafts) for
/// vendor staff who see all deals, else the own organisation's. Vendor staff without that
/// right (the marketer) have no deals to read.
fn read_scope(caller: &Caller) -> Result<Scope, AppError> {
    let scope = caller.scope(Action::ViewAllDeals);
    if caller.vendor && !scope.all() {
        return Err(AppError::Forbidden);
    }
    Ok(scope)
}

/// A registration the caller may read.
pub(super) async fn readable_deal(db: &Db, caller: &Caller, id: i64) -> Result<DealRow, AppError> {
    store::find(db, read_scope(caller).map_err(|_| AppError::NotFound)?, id).await
}

/// A registration of the caller's own organisation that the caller may work on
/// (register, submit, extend, close): `Forbidden` for roles that never may, `NotFound`
/// for anyone else's.
async fn own_deal(db: &Db, caller: &Caller, id: i64) -> Result<DealRow, AppError> {
    caller.require(Action::RegisterDeals)?;
    store::find(db, caller.scope(Action::RegisterDeals), id).await
}

/// Saves a draft (new when `id` is `None`); returns the deal id.
pub async fn save_draft(
    db: &Db,
    caller: &Caller,
    id: Option<i64>,
    input: &DealInput,
) -> Result<i64, AppError> {
    caller.require(Action::RegisterDeals)?;
    let v = validate(input, false)?;
    let t = now();
    let mut tx = db.pool.begin().await?;
    let id = match id {
        None => {
            let id = store::insert_draft(&mut tx, caller.org_id, caller.user_id, &v, t).await?;
            add_event(
                &mut tx,
                id,
                caller,
                "created",
                None,
                Some(DealStatus::Draft),
                "",
                false,
            )
            .await?;
            id
        }
        Some(id) => {
            let row = own_deal(db, caller, id).await?;
            if !matches!(row.status()?, DealStatus::Draft | DealStatus::InfoRequested) {
                return Err(AppError::Conflict("deal.not_editable".into()));
            }
            store::update_fields(&mut tx, id, &v, t).await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn add_event(
    conn: &mut sqlx::AnyConnection,
    deal_id: i64,
    caller: &Caller,
    kind: &str,
    from: Option<DealStatus>,
    to: Option<DealStatus>,
    body: &str,
    internal_only: bool,
) -> Result<(), AppError> {
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO deal_events (deal_id, at, actor_user_id, actor_name, kind, from_status, to_status, body, visibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(deal_id)
    .bind(now())
    .bind(caller.user_id)
    .bind(format!("{} ({})", caller.name, caller.org_name))
    .bind(kind)
    .bind(from.map(|s| s.code()))
    .bind(to.map(|s| s.code()))
    .bind(body)
    .bind(if internal_only { "vendor" } else { "all" })
    .fetch_one(&mut *conn)
    .await?;
    // A draft being created is nobody else's business yet.
    if !internal_only && kind != "created" {
        notifications::store::for_event(
            conn,
            deal_id,
            event_id,
            Some(caller.user_id),
            caller.vendor,
        )
        .await?;
    }
    Ok(())
}

/// Changes a deal's status with a timeline entry and an audit record, in one transaction.
pub(super) async fn transition(
    conn: &mut sqlx::AnyConnection,
    caller: &Caller,
    row: &DealRow,
    to: DealStatus,
    body: &str,
    extra_sql: &str,
    extra: &[i64],
) -> Result<(), AppError> {
    let (id, org) = (row.id, row.org_id);
    let from = row.status()?;
    let sql = format!(
        "UPDATE deals SET status = $1, updated_at = $2{extra_sql} WHERE id = $3 AND status = $4"
    );
    let mut q = sqlx::query(&sql)
        .bind(to.code())
        .bind(now())
        .bind(id)
        .bind(from.code());
    for x in extra {
        q = q.bind(*x);
    }
    let done = q.execute(&mut *conn).await?;
    if done.rows_affected() != 1 {
        // Someone else changed it first.
        return Err(AppError::Conflict("deal.changed".into()));
    }
    add_event(
        &mut *conn,
        id,
        caller,
        "status",
        Some(from),
        Some(to),
        body,
        false,
    )
    .await?;
    audit::record(
        &mut *conn,
        AuditEvent {
            actor: Actor::User(caller),
            org_id: Some(org),
            action: &format!("deal.{}", to.code()),
            entity_type: "deal",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "status": from.code() })),
            after: Some(serde_json::json!({ "status": to.code(), "note": body })),
        },
    )
    .await?;
    Ok(())
}

/// Submits a draft (or a deal returned for information): validates it strictly, runs the
/// conflict check, records the verdict and files the registration in the index.
pub async fn submit(db: &Db, caller: &Caller, id: i64) -> Result<RedactedVerdict, AppError> {
    let row = own_deal(db, caller, id).await?;
    if !matches!(row.status()?, DealStatus::Draft | DealStatus::InfoRequested) {
        return Err(AppError::Conflict("deal.not_editable".into()));
    }
    let input = row.input();
    validate(&input, true)?;
    let result = pipeline::check(db, &input.customer(), Some(id)).await?;
    let score = result
        .matches
        .first()
        .map(|m| (m.score * 1000.0).round() as i64)
        .unwrap_or(0);
    let verdict = result.verdict.code();
    let mut tx = db.pool.begin().await?;
    transition(&mut tx, caller, &row, DealStatus::Submitted, "", "", &[]).await?;
    sqlx::query("UPDATE deals SET verdict = $1, score_permille = $2, submitted_at = COALESCE(submitted_at, $3) WHERE id = $4")
        .bind(verdict)
        .bind(score)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    pipeline::index_registration(&mut tx, id, &input.customer()).await?;
    tx.commit().await?;
    Ok(redact(&result))
}

pub fn redact(r: &CheckResult) -> RedactedVerdict {
    if r.verdict == Verdict::Clear {
        RedactedVerdict::Clear
    } else {
        RedactedVerdict::MayBeRegistered
    }
}

/// The check while typing. Partners get the redacted verdict only.
pub async fn check_for(
    db: &Db,
    caller: &Caller,
    input: &DealInput,
    exclude: Option<i64>,
) -> Result<(RedactedVerdict, Option<CheckResult>), AppError> {
    if input.company.trim().chars().count() < 2 || input.company.len() > 200 {
        return Ok((RedactedVerdict::Clear, None));
    }
    let exclude = match exclude {
        Some(id) => {
            readable_deal(db, caller, id).await?;
            Some(id)
        }
        None => None,
    };
    let r = pipeline::check(db, &input.customer(), exclude).await?;
    let red = redact(&r);
    if caller.scope(Action::DecideDeals).all() {
        Ok((red, Some(r)))
    } else {
        Ok((red, None))
    }
}

/// One page of the registrations the caller may read, as the filter's page asks.
pub async fn page(db: &Db, caller: &Caller, f: &DealFilter) -> Result<Page<DealSummary>, AppError> {
    let keyset = Keyset::new(store::DEAL_SORTS, "d.id", &f.page)?;
    list_page(db, caller, f, &keyset).await
}

/// The latest-changed registrations the caller may read, up to `REST_LIST_LIMIT` (the
/// REST list).
pub async fn list(db: &Db, caller: &Caller, f: &DealFilter) -> Result<Vec<DealSummary>, AppError> {
    let keyset = Keyset::first(store::DEAL_SORTS, "d.id", REST_LIST_LIMIT);
    Ok(list_page(db, caller, f, &keyset).await?.rows)
}

/// How many registrations the REST list returns.
pub const REST_LIST_LIMIT: i64 = 500;

async fn list_page(
    db: &Db,
    caller: &Caller,
    f: &DealFilter,
    keyset: &Keyset,
) -> Result<Page<DealSummary>, AppError> {
    let scope = read_scope(caller)?;
    // `queue` is the review queue: submitted and under review; `expiring`, approved with
    // the protection ending soon.
    if !f.status.is_empty() && f.status != "queue" && f.status != "expiring" {
        DealStatus::parse(&f.status).map_err(|m| AppError::field("status", m))?;
    }
    if f.q.chars().count() > 100 {
        return Err(AppError::field("q", "err.too_long"));
    }
    let horizon = crate::server::now() + crate::dashboard::EXPIRING_DAYS * 86_400;
    let filter = store::ListFilter {
        status: f.status.trim(),
        q: f.q.trim(),
        horizon,
        created_by: if f.mine { caller.user_id } else { 0 },
    };
    let (rows, total) = store::list(db, scope, &filter, keyset).await?;
    let rows = rows
        .into_iter()
        .map(|(key, r)| Ok((key, r.summary(scope.all())?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(keyset.page(rows, |(k, _)| k.clone(), total).map(|(_, d)| d))
}

/// The registration a reviewer takes next: the longest-waiting one in the review queue
/// other than `after` (reviewers only).
pub async fn next_in_queue(db: &Db, caller: &Caller, after: i64) -> Result<Option<i64>, AppError> {
    if !caller.scope(Action::DecideDeals).all() {
        return Err(AppError::Forbidden);
    }
    // The two that have waited longest: one of them is not `after`.
    let queue = DealFilter {
        status: "queue".into(),
        page: PageRequest {
            dir: "a".into(),
            size: 2,
            ..PageRequest::default()
        },
        ..DealFilter::default()
    };
    Ok(page(db, caller, &queue)
        .await?
        .rows
        .into_iter()
        .find(|d| d.id != after)
        .map(|d| d.id))
}

pub async fn detail(db: &Db, caller: &Caller, id: i64) -> Result<DealDetail, AppError> {
    let row = readable_deal(db, caller, id).await?;
    // Opening the deal is reading what happened on it.
    notifications::store::mark_read(db, caller, Some((notifications::DEAL, id))).await?;
    let vendor = caller.vendor;
    let status = row.status()?;
    let events = store::events(db, &row, vendor).await?;
    Ok(DealDetail {
        summary: row.summary(vendor)?,
        input: row.input(),
        protected_until: row.protected_until,
        decision_reason: row.decision_reason.clone(),
        events,
        can_edit: caller.may(OrgAction::WorkOnDeal, row.owner())
            && matches!(status, DealStatus::Draft | DealStatus::InfoRequested),
        can_decide: caller.scope(Action::DecideDeals).all() && status.decidable(),
        can_close: caller.may(OrgAction::WorkOnDeal, row.owner()) && status == DealStatus::Approved,
        can_correct: caller.scope(Action::DecideDeals).all()
            && matches!(status, DealStatus::Won | DealStatus::Lost),
        extensions: row.extensions,
        extensions_left: if status == DealStatus::Approved {
            (rules(db).await?.max_extensions - row.extensions).max(0)
        } else {
            0
        },
    })
}

/// A message on the deal's timeline. Vendor staff may mark it internal.
pub async fn post_message(
    db: &Db,
    caller: &Caller,
    id: i64,
    body: &str,
    internal_only: bool,
) -> Result<(), AppError> {
    readable_deal(db, caller, id).await?;
    let body = parse_optional_text(body, 4000).map_err(|m| AppError::field("body", m))?;
    if body.is_empty() {
        return Err(AppError::field("body", "err.required"));
    }
    let mut conn = db.pool.acquire().await?;
    add_event(
        &mut conn,
        id,
        caller,
        "message",
        None,
        None,
        &body,
        internal_only && caller.vendor,
    )
    .await
}

/// The partner asks for more protection time on an approved registration.
pub async fn request_extension(
    db: &Db,
    caller: &Caller,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let row = own_deal(db, caller, id).await?;
    if row.status()? != DealStatus::Approved {
        return Err(AppError::Conflict("deal.not_approved".into()));
    }
    if row.extensions >= rules(db).await?.max_extensions {
        return Err(AppError::field("reason", "err.no_extensions_left"));
    }
    let reason = parse_optional_text(reason, 2000).map_err(|m| AppError::field("reason", m))?;
    if reason.is_empty() {
        return Err(AppError::field("reason", "err.required"));
    }
    let mut conn = db.pool.acquire().await?;
    add_event(
        &mut conn,
        id,
        caller,
        "extension_requested",
        None,
        None,
        &reason,
        false,
    )
    .await
}

/// The partner reports the outcome of an approved deal.
pub async fn close(
    db: &Db,
    caller: &Caller,
    id: i64,
    won: bool,
    reason: &str,
) -> Result<(), AppError> {
    let row = own_deal(db, caller, id).await?;
    if row.status()? != DealStatus::Approved {
        return Err(AppError::Conflict("deal.not_approved".into()));
    }
    let reason = outcome_reason(reason, !won)?;
    let mut tx = db.pool.begin().await?;
    transition(&mut tx, caller, &row, outcome(won), &reason, "", &[]).await?;
    if !won {
        pipeline::unindex_registration(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) fn outcome(won: bool) -> DealStatus {
    if won {
        DealStatus::Won
    } else {
        DealStatus::Lost
    }
}

/// The words that go with an outcome: required for a loss (and for any correction), at
/// most 2,000 characters.
pub(super) fn outcome_reason(raw: &str, required: bool) -> Result<String, AppError> {
    let reason = parse_optional_text(raw, 2000).map_err(|m| AppError::field("reason", m))?;
    if required && reason.is_empty() {
        return Err(AppError::field("reason", "err.outcome_reason_required"));
    }
    Ok(reason)
}

/// What another feature may know of a registration the caller can read: its stage, its
/// products and the partner's types (the content library's "for this deal"). Reading it
/// marks nothing read. `NotFound` for a registration out of the caller's reach.
pub struct DealContext {
    pub stage: String,
    pub products: String,
    pub partner_types: String,
}

pub async fn context(db: &Db, caller: &Caller, id: i64) -> Result<DealContext, AppError> {
    let row = readable_deal(db, caller, id).await?;
    let partner_types: String = sqlx::query_scalar("SELECT partner_types FROM orgs WHERE id = $1")
        .bind(row.org_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(DealContext {
        stage: row.stage,
        products: row.products,
        partner_types,
    })
}
