//! Deal registration on the server: drafts, submission with the conflict check, the
//! review queue with recommendations from the rules of engagement, decisions, messages,
//! outcomes and expiry. Every function takes the `Caller` and scopes by it: a partner only
//! ever reaches its own organisation's deals, and anything else is `NotFound`.

use super::pipeline::{self, CheckResult};
use super::*;
use crate::auth::Caller;
use crate::domain::{
    Action, Currency, DealStage, DealStatus, Email, parse_date, parse_money, parse_optional_text,
};
use crate::error::{AppError, Problems, internal};
use crate::notifications;
use crate::server::audit::{self, AuditEvent};
use crate::server::db::{Db, like_pattern};
use crate::server::now;
use sqlx::Row;
use sqlx::any::AnyRow;

const DAY: i64 = 24 * 3600;

fn bool_of(r: &AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    Ok(r.try_get::<i64, _>(col)? == 1)
}

pub async fn rules(db: &Db) -> Result<Rules, AppError> {
    let r = sqlx::query("SELECT * FROM roe_versions ORDER BY id DESC LIMIT 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(Rules {
        version: r.try_get("id")?,
        protection_days: r.try_get("protection_days")?,
        extension_days: r.try_get("extension_days")?,
        max_extensions: r.try_get("max_extensions")?,
        first_to_register: bool_of(&r, "first_to_register")?,
        named_accounts_direct_only: bool_of(&r, "named_accounts_direct_only")?,
        cosell_allowed: bool_of(&r, "cosell_allowed")?,
        min_deal_minor: r.try_get("min_deal_minor")?,
        min_deal_currency: r.try_get("min_deal_currency")?,
        auto_expire: bool_of(&r, "auto_expire")?,
        created_at: r.try_get("created_at")?,
    })
}

fn parse_days(p: &mut Problems, field: &str, raw: &str, min: i64, max: i64) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        Ok(_) => {
            p.add(field, "err.out_of_range");
            0
        }
        Err(_) => {
            p.add(
                field,
                if raw.trim().is_empty() {
                    "err.required"
                } else {
                    "err.number_invalid"
                },
            );
            0
        }
    }
}

/// Saves a new version of the rules; earlier decisions keep pointing at theirs.
pub async fn set_rules(db: &Db, caller: &Caller, input: &RulesInput) -> Result<Rules, AppError> {
    caller.require(Action::SetRules)?;
    let mut p = Problems::new();
    let protection = parse_days(&mut p, "protection_days", &input.protection_days, 1, 730);
    let extension = parse_days(&mut p, "extension_days", &input.extension_days, 0, 365);
    let max_ext = parse_days(&mut p, "max_extensions", &input.max_extensions, 0, 10);
    let currency = p.check(
        "min_deal_currency",
        Currency::parse(&input.min_deal_currency),
    );
    let min_deal = if input.min_deal.trim().is_empty() || input.min_deal.trim() == "0" {
        Some(0)
    } else {
        currency.and_then(|c| p.check("min_deal", parse_money(&input.min_deal, c)))
    };
    p.into_result()?;
    let before = rules(db).await?;
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO roe_versions (protection_days, extension_days, max_extensions, first_to_register, \
         named_accounts_direct_only, cosell_allowed, min_deal_minor, min_deal_currency, auto_expire, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(protection)
    .bind(extension)
    .bind(max_ext)
    .bind(i64::from(input.first_to_register))
    .bind(i64::from(input.named_accounts_direct_only))
    .bind(i64::from(input.cosell_allowed))
    .bind(min_deal.unwrap_or(0))
    .bind(currency.map(|c| c.code()).unwrap_or("USD"))
    .bind(i64::from(input.auto_expire))
    .bind(caller.user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let after = rules(db).await?;
    audit::record(
        &db.pool,
        AuditEvent {
            actor: Some(caller),
            actor_label: "",
            org_id: Some(caller.org_id),
            action: "rules.update",
            entity_type: "rules",
            entity_id: after.version.to_string(),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    Ok(after)
}

/// A registration's fields after validation.
struct ValidDeal {
    input: DealInput,
    value_minor: i64,
    currency: Currency,
    stage: DealStage,
}

/// Validates the form. Drafts need only a company and well-formed optional fields;
/// submission (`strict`) needs everything a channel manager decides on.
fn validate(input: &DealInput, strict: bool) -> Result<ValidDeal, AppError> {
    let mut p = Problems::new();
    let mut v = input.clone();
    for (field, value, max) in [
        ("company", &input.company, 200),
        ("street", &input.street, 200),
        ("city", &input.city, 100),
        ("region", &input.region, 100),
        ("postcode", &input.postcode, 20),
        ("contact_name", &input.contact_name, 100),
        ("products", &input.products, 500),
        ("notes", &input.notes, 4000),
    ] {
        p.check(field, parse_optional_text(value, max));
    }
    if input.company.trim().chars().count() < 2 {
        p.add(
            "company",
            if input.company.trim().is_empty() {
                "err.required"
            } else {
                "err.too_short"
            },
        );
    }
    if !input.domain.trim().is_empty() && super::matching::normalize_domain(&input.domain).is_none()
    {
        p.add("domain", "err.domain_invalid");
    }
    let country = input.country.trim().to_uppercase();
    let country_ok = country.is_empty()
        || (country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()));
    if !country_ok {
        p.add("country", "err.country_invalid");
    }
    v.country = country;
    if !input.contact_email.trim().is_empty()
        && let Some(e) = p.check("contact_email", Email::parse(&input.contact_email))
    {
        v.contact_email = e.as_str().to_string();
    }
    let phone_digits = input
        .contact_phone
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if !input.contact_phone.trim().is_empty()
        && (!(7..=15).contains(&phone_digits)
            || input
                .contact_phone
                .chars()
                .any(|c| !(c.is_ascii_digit() || " +-()./".contains(c))))
    {
        p.add("contact_phone", "err.phone_invalid");
    }
    let currency = if input.currency.trim().is_empty() {
        Some(Currency::Usd)
    } else {
        p.check("currency", Currency::parse(&input.currency))
    };
    let mut value_minor = 0;
    if (!input.value.trim().is_empty() || strict)
        && let Some(c) = currency
        && let Some(m) = p.check("value", parse_money(&input.value, c))
    {
        value_minor = m;
    }
    let stage = if input.stage.trim().is_empty() {
        Some(DealStage::Qualify)
    } else {
        p.check("stage", DealStage::parse(&input.stage))
    };
    if (!input.expected_close.trim().is_empty() || strict)
        && let Some(d) = p.check("expected_close", parse_date(&input.expected_close))
    {
        let today = time::OffsetDateTime::from_unix_timestamp(now())
            .map(|t| t.date())
            .map_err(internal)?;
        if strict && d < today {
            p.add("expected_close", "err.date_past");
        }
        v.expected_close = d.to_string();
    }
    if strict {
        for (field, value) in [
            ("country", &v.country),
            ("contact_name", &input.contact_name),
            ("products", &input.products),
        ] {
            if value.trim().is_empty() {
                p.add(field, "err.required");
            }
        }
        if input.domain.trim().is_empty() && input.contact_email.trim().is_empty() {
            p.add("domain", "err.domain_or_email");
        }
    }
    p.into_result()?;
    Ok(ValidDeal {
        input: v,
        value_minor,
        currency: currency.unwrap_or(Currency::Usd),
        stage: stage.unwrap_or(DealStage::Qualify),
    })
}

/// The deal row, if the caller may see it: vendor staff see all; partner users their
/// organisation's.
/// Whether the caller reads every partner's registrations (vendor admins and channel
/// managers); everyone else reads their own organisation's only.
fn sees_all_deals(caller: &Caller) -> bool {
    caller.vendor && crate::domain::role_allows(caller.role, Action::ViewAllDeals)
}

/// A deal the caller may read: their own organisation's, or, for vendor staff who see all
/// deals, any partner's that has left draft. Drafts stay private to the partner.
async fn visible_deal(db: &Db, caller: &Caller, id: i64) -> Result<AnyRow, AppError> {
    let sees_all = sees_all_deals(caller);
    sqlx::query(
        "SELECT d.*, o.name AS org_name FROM deals d JOIN orgs o ON o.id = d.org_id \
         WHERE d.id = $1 AND (($2 = 1 AND d.status <> 'draft') OR d.org_id = $3)",
    )
    .bind(id)
    .bind(i64::from(sees_all))
    .bind(caller.org_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

fn status_of(r: &AnyRow) -> Result<DealStatus, AppError> {
    let s: String = r.try_get("status")?;
    DealStatus::parse(&s).map_err(internal)
}

fn input_of(r: &AnyRow) -> Result<DealInput, AppError> {
    let value_minor: i64 = r.try_get("value_minor")?;
    let currency: String = r.try_get("currency")?;
    let digits = Currency::parse(&currency)
        .map(|c| c.minor_digits())
        .unwrap_or(2);
    let value = if value_minor == 0 {
        String::new()
    } else if digits == 0 {
        value_minor.to_string()
    } else {
        format!("{}.{:02}", value_minor / 100, value_minor % 100)
    };
    Ok(DealInput {
        company: r.try_get("company")?,
        domain: r.try_get("domain")?,
        street: r.try_get("street")?,
        city: r.try_get("city")?,
        region: r.try_get("region")?,
        postcode: r.try_get("postcode")?,
        country: r.try_get("country")?,
        contact_name: r.try_get("contact_name")?,
        contact_email: r.try_get("contact_email")?,
        contact_phone: r.try_get("contact_phone")?,
        products: r.try_get("products")?,
        value,
        currency,
        expected_close: r.try_get("expected_close")?,
        stage: r.try_get("stage")?,
        notes: r.try_get("notes")?,
        cosell: bool_of(r, "cosell")?,
    })
}

fn summary_of(r: &AnyRow, vendor: bool) -> Result<DealSummary, AppError> {
    let verdict: Option<String> = r.try_get("verdict")?;
    let stage: String = r.try_get("stage")?;
    Ok(DealSummary {
        id: r.try_get("id")?,
        company: r.try_get("company")?,
        org_name: r.try_get("org_name")?,
        status: status_of(r)?,
        stage: DealStage::parse(&stage).unwrap_or(DealStage::Qualify),
        value_minor: r.try_get("value_minor")?,
        currency: r.try_get("currency")?,
        expected_close: r.try_get("expected_close")?,
        verdict: if vendor {
            verdict.as_deref().and_then(Verdict::parse)
        } else {
            None
        },
        submitted_at: r.try_get("submitted_at")?,
        updated_at: r.try_get("updated_at")?,
    })
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
    let i = &v.input;
    let mut tx = db.pool.begin().await?;
    let id = match id {
        None => {
            let id: i64 = sqlx::query(
                "INSERT INTO deals (org_id, created_by, status, company, domain, street, city, region, postcode, country, \
                 contact_name, contact_email, contact_phone, products, value_minor, currency, expected_close, stage, notes, cosell, \
                 created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
                 RETURNING id",
            )
            .bind(caller.org_id).bind(caller.user_id)
            .bind(i.company.trim()).bind(i.domain.trim()).bind(i.street.trim()).bind(i.city.trim()).bind(i.region.trim())
            .bind(i.postcode.trim()).bind(&i.country).bind(i.contact_name.trim()).bind(i.contact_email.trim())
            .bind(i.contact_phone.trim()).bind(i.products.trim()).bind(v.value_minor).bind(v.currency.code())
            .bind(&i.expected_close).bind(v.stage.code()).bind(i.notes.trim()).bind(i64::from(i.cosell)).bind(t)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
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
            let row = visible_deal(db, caller, id).await?;
            let org: i64 = row.try_get("org_id")?;
            let status = status_of(&row)?;
            if org != caller.org_id
                || !matches!(status, DealStatus::Draft | DealStatus::InfoRequested)
            {
                return Err(AppError::Conflict("deal.not_editable".into()));
            }
            sqlx::query(
                "UPDATE deals SET company = $1, domain = $2, street = $3, city = $4, region = $5, postcode = $6, country = $7, \
                 contact_name = $8, contact_email = $9, contact_phone = $10, products = $11, value_minor = $12, currency = $13, \
                 expected_close = $14, stage = $15, notes = $16, cosell = $17, updated_at = $18 WHERE id = $19",
            )
            .bind(i.company.trim()).bind(i.domain.trim()).bind(i.street.trim()).bind(i.city.trim()).bind(i.region.trim())
            .bind(i.postcode.trim()).bind(&i.country).bind(i.contact_name.trim()).bind(i.contact_email.trim())
            .bind(i.contact_phone.trim()).bind(i.products.trim()).bind(v.value_minor).bind(v.currency.code())
            .bind(&i.expected_close).bind(v.stage.code()).bind(i.notes.trim()).bind(i64::from(i.cosell)).bind(t).bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn add_event(
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
async fn transition(
    conn: &mut sqlx::AnyConnection,
    caller: &Caller,
    row: &AnyRow,
    to: DealStatus,
    body: &str,
    extra_sql: &str,
    extra: &[i64],
) -> Result<(), AppError> {
    let id: i64 = row.try_get("id")?;
    let org: i64 = row.try_get("org_id")?;
    let from = status_of(row)?;
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
            actor: Some(caller),
            actor_label: "",
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
    caller.require(Action::RegisterDeals)?;
    let row = visible_deal(db, caller, id).await?;
    if row.try_get::<i64, _>("org_id")? != caller.org_id {
        return Err(AppError::NotFound);
    }
    let status = status_of(&row)?;
    if !matches!(status, DealStatus::Draft | DealStatus::InfoRequested) {
        return Err(AppError::Conflict("deal.not_editable".into()));
    }
    let input = input_of(&row)?;
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
            visible_deal(db, caller, id).await?;
            Some(id)
        }
        None => None,
    };
    let r = pipeline::check(db, &input.customer(), exclude).await?;
    let red = redact(&r);
    if caller.vendor && crate::domain::role_allows(caller.role, Action::DecideDeals) {
        Ok((red, Some(r)))
    } else {
        Ok((red, None))
    }
}

pub async fn list(db: &Db, caller: &Caller, f: &DealFilter) -> Result<Vec<DealSummary>, AppError> {
    let sees_all = sees_all_deals(caller);
    if !sees_all && !crate::domain::role_allows(caller.role, Action::RegisterDeals) && caller.vendor
    {
        return Err(AppError::Forbidden);
    }
    // `queue` is the review queue: submitted and under review.
    if !f.status.is_empty() && f.status != "queue" {
        DealStatus::parse(&f.status).map_err(|m| AppError::field("status", m))?;
    }
    if f.q.chars().count() > 100 {
        return Err(AppError::field("q", "err.too_long"));
    }
    let rows = sqlx::query(
        "SELECT d.*, o.name AS org_name FROM deals d JOIN orgs o ON o.id = d.org_id \
         WHERE ($1 = 1 OR d.org_id = $2) AND ($3 = '' OR d.status = $3 OR ($3 = 'queue' AND d.status IN ('submitted', 'under_review'))) AND ($4 = '' OR LOWER(d.company) LIKE $5 ESCAPE '\\') \
         AND ($1 = 0 OR d.status <> 'draft') ORDER BY d.updated_at DESC, d.id DESC LIMIT 500",
    )
    .bind(i64::from(sees_all))
    .bind(caller.org_id)
    .bind(f.status.trim())
    .bind(f.q.trim())
    .bind(like_pattern(f.q.trim()))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| summary_of(r, sees_all)).collect()
}

pub async fn detail(db: &Db, caller: &Caller, id: i64) -> Result<DealDetail, AppError> {
    let row = visible_deal(db, caller, id).await?;
    // Opening the deal is reading what happened on it.
    notifications::store::mark_read(db, caller, Some((notifications::DEAL, id))).await?;
    let vendor = caller.vendor;
    let status = status_of(&row)?;
    let own = row.try_get::<i64, _>("org_id")? == caller.org_id;
    let events = sqlx::query(
        "SELECT at, actor_name, kind, from_status, to_status, body, visibility FROM deal_events \
         WHERE deal_id = $1 AND ($2 = 1 OR visibility = 'all') ORDER BY at, id",
    )
    .bind(id)
    .bind(i64::from(vendor))
    .fetch_all(&db.pool)
    .await?;
    let events = events
        .iter()
        .map(|e| {
            let from: Option<String> = e.try_get("from_status")?;
            let to: Option<String> = e.try_get("to_status")?;
            let vis: String = e.try_get("visibility")?;
            Ok(DealEventView {
                at: e.try_get("at")?,
                actor: e.try_get("actor_name")?,
                kind: e.try_get("kind")?,
                from_status: from.and_then(|s| DealStatus::parse(&s).ok()),
                to_status: to.and_then(|s| DealStatus::parse(&s).ok()),
                body: e.try_get("body")?,
                internal: vis == "vendor",
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(DealDetail {
        summary: summary_of(&row, vendor)?,
        input: input_of(&row)?,
        protected_until: row.try_get("protected_until")?,
        decision_reason: row.try_get("decision_reason")?,
        events,
        can_edit: own
            && crate::domain::role_allows(caller.role, Action::RegisterDeals)
            && matches!(status, DealStatus::Draft | DealStatus::InfoRequested),
        can_decide: vendor
            && crate::domain::role_allows(caller.role, Action::DecideDeals)
            && status.decidable(),
        can_close: own
            && crate::domain::role_allows(caller.role, Action::RegisterDeals)
            && status == DealStatus::Approved,
        extensions: row.try_get("extensions")?,
        extensions_left: if status == DealStatus::Approved {
            (rules(db).await?.max_extensions - row.try_get::<i64, _>("extensions")?).max(0)
        } else {
            0
        },
    })
}

/// What the rules recommend for this registration given its matches.
#[allow(clippy::too_many_arguments)]
pub fn recommend(
    rules: &Rules,
    deal_id: i64,
    deal: &DealInput,
    value_minor: i64,
    currency: &str,
    submitted_at: i64,
    org_id: i64,
    r: &CheckResult,
) -> Recommendation {
    use RecAction::*;
    let mut reasons = Vec::new();
    let mut action = Approve;
    if rules.min_deal_minor > 0
        && currency == rules.min_deal_currency
        && value_minor < rules.min_deal_minor
    {
        action = Reject;
        reasons.push(RecReason::BelowMinimum {
            minor: rules.min_deal_minor,
            currency: rules.min_deal_currency.clone(),
        });
    }
    for m in r
        .matches
        .iter()
        .filter(|m| m.score >= super::matching::REVIEW_AT)
    {
        let company = m.facts.company.clone();
        match m.kind.as_str() {
            "pipeline" if m.facts.named_account && rules.named_accounts_direct_only => {
                if deal.cosell && rules.cosell_allowed {
                    if action == Approve {
                        action = ApproveCosell;
                    }
                    reasons.push(RecReason::NamedAccountCosell { company });
                } else {
                    action = Reject;
                    reasons.push(RecReason::NamedAccountDirectOnly { company });
                }
            }
            "pipeline" => {
                if action == Approve {
                    action = if deal.cosell && rules.cosell_allowed {
                        ApproveCosell
                    } else {
                        Review
                    };
                }
                reasons.push(RecReason::PipelineOverlap {
                    external_id: m.external_id.clone().unwrap_or_default(),
                    company,
                });
            }
            _ => {
                let other_first = m
                    .facts
                    .submitted_at
                    .is_some_and(|t| (t, m.id) < (submitted_at, deal_id));
                let same_partner = m.facts.org_id == Some(org_id);
                let partner = m.facts.org_name.clone().unwrap_or_default();
                if same_partner {
                    if action == Approve {
                        action = Review;
                    }
                    reasons.push(RecReason::SamePartner {
                        company,
                        deal_id: m.id,
                    });
                } else if rules.first_to_register && other_first {
                    action = Reject;
                    reasons.push(RecReason::FirstToRegister {
                        partner,
                        company,
                        deal_id: m.id,
                    });
                } else {
                    if action == Approve {
                        action = Review;
                    }
                    reasons.push(RecReason::AlsoRegistered {
                        partner,
                        company,
                        deal_id: m.id,
                    });
                }
            }
        }
    }
    if reasons.is_empty() {
        reasons.push(RecReason::Clear {
            days: rules.protection_days,
        });
    }
    Recommendation {
        action,
        reasons,
        roe_version: rules.version,
    }
}

pub async fn review(db: &Db, caller: &Caller, id: i64) -> Result<ReviewView, AppError> {
    caller.require(Action::DecideDeals)?;
    let row = visible_deal(db, caller, id).await?;
    if status_of(&row)? == DealStatus::Submitted {
        // The first reviewer to open it takes it into review; the partner sees that.
        let mut tx = db.pool.begin().await?;
        match transition(&mut tx, caller, &row, DealStatus::UnderReview, "", "", &[]).await {
            Ok(()) => tx.commit().await?,
            // Another reviewer opened it at the same moment.
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let deal = detail(db, caller, id).await?;
    let result = pipeline::check(db, &deal.input.customer(), Some(id)).await?;
    let rules = rules(db).await?;
    let recommendation = recommend(
        &rules,
        id,
        &deal.input,
        row.try_get("value_minor")?,
        &deal.summary.currency,
        deal.summary.submitted_at.unwrap_or_else(now),
        row.try_get("org_id")?,
        &result,
    );
    let matches = result
        .matches
        .iter()
        .map(|m| MatchView {
            kind: m.kind.clone(),
            id: m.id,
            external_id: m.external_id.clone(),
            label: match &m.facts.org_name {
                Some(org) => format!("{} · {}", m.facts.company, org),
                None => m.facts.company.clone(),
            },
            detail: [
                m.facts.city.as_str(),
                m.facts.country.as_str(),
                m.facts.status.as_deref().unwrap_or(""),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
            score: m.score,
            reasons: m.reasons.clone(),
        })
        .collect();
    Ok(ReviewView {
        deal,
        verdict: result.verdict,
        matches,
        recommendation,
    })
}

/// Approves (protected for the rules' window), rejects (a reason is required) or asks the
/// partner for information, recording the rules version used.
pub async fn decide(db: &Db, caller: &Caller, d: &DecisionInput) -> Result<(), AppError> {
    caller.require(Action::DecideDeals)?;
    let row = visible_deal(db, caller, d.deal_id).await?;
    if !status_of(&row)?.decidable() {
        return Err(AppError::Conflict("deal.not_decidable".into()));
    }
    let reason = parse_optional_text(&d.reason, 2000).map_err(|m| AppError::field("reason", m))?;
    let rules = rules(db).await?;
    let mut tx = db.pool.begin().await?;
    match d.decision.as_str() {
        "approve" => {
            let until = now() + rules.protection_days * DAY;
            transition(
                &mut tx,
                caller,
                &row,
                DealStatus::Approved,
                &reason,
                ", protected_until = $5, decided_at = $2, roe_version_id = $6",
                &[until, rules.version],
            )
            .await?;
            sqlx::query("UPDATE deals SET decision_reason = $1 WHERE id = $2")
                .bind(&reason)
                .bind(d.deal_id)
                .execute(&mut *tx)
                .await?;
        }
        "reject" => {
            if reason.is_empty() {
                return Err(AppError::field("reason", "err.reason_required"));
            }
            transition(
                &mut tx,
                caller,
                &row,
                DealStatus::Rejected,
                &reason,
                ", decided_at = $2, roe_version_id = $5",
                &[rules.version],
            )
            .await?;
            sqlx::query("UPDATE deals SET decision_reason = $1 WHERE id = $2")
                .bind(&reason)
                .bind(d.deal_id)
                .execute(&mut *tx)
                .await?;
            pipeline::unindex_registration(&mut tx, d.deal_id).await?;
        }
        "request_info" => {
            if reason.is_empty() {
                return Err(AppError::field("reason", "err.question_required"));
            }
            transition(
                &mut tx,
                caller,
                &row,
                DealStatus::InfoRequested,
                &reason,
                "",
                &[],
            )
            .await?;
        }
        _ => return Err(AppError::field("decision", "err.choice_invalid")),
    }
    tx.commit().await?;
    Ok(())
}

/// A message on the deal's timeline. Vendor staff may mark it internal.
pub async fn post_message(
    db: &Db,
    caller: &Caller,
    id: i64,
    body: &str,
    internal_only: bool,
) -> Result<(), AppError> {
    visible_deal(db, caller, id).await?;
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
    caller.require(Action::RegisterDeals)?;
    let row = visible_deal(db, caller, id).await?;
    if row.try_get::<i64, _>("org_id")? != caller.org_id {
        return Err(AppError::NotFound);
    }
    if status_of(&row)? != DealStatus::Approved {
        return Err(AppError::Conflict("deal.not_approved".into()));
    }
    let used: i64 = row.try_get("extensions")?;
    if used >= rules(db).await?.max_extensions {
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

/// A channel manager grants one extension of the rules' length, up to the rules' maximum.
pub async fn grant_extension(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require(Action::DecideDeals)?;
    let row = visible_deal(db, caller, id).await?;
    if status_of(&row)? != DealStatus::Approved {
        return Err(AppError::Conflict("deal.not_approved".into()));
    }
    let r = rules(db).await?;
    let used: i64 = row.try_get("extensions")?;
    if used >= r.max_extensions {
        return Err(AppError::Conflict("deal.no_extensions_left".into()));
    }
    let before: Option<i64> = row.try_get("protected_until")?;
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE deals SET protected_until = protected_until + $1, extensions = extensions + 1, updated_at = $2 \
         WHERE id = $3 AND status = 'approved' AND extensions = $4",
    )
    .bind(r.extension_days * DAY)
    .bind(now())
    .bind(id)
    .bind(used)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("deal.changed".into()));
    }
    let body = format!("+{} days", r.extension_days);
    add_event(
        &mut tx,
        id,
        caller,
        "extension_granted",
        None,
        None,
        &body,
        false,
    )
    .await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Some(caller),
            actor_label: "",
            org_id: Some(row.try_get("org_id")?),
            action: "deal.extend",
            entity_type: "deal",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "protected_until": before, "extensions": used })),
            after: Some(serde_json::json!({ "protected_until": before.map(|b| b + r.extension_days * DAY), "extensions": used + 1, "roe_version": r.version })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Emails the partner user who registered a deal that a decision was made on it.
pub async fn notify_decision(state: &crate::server::AppState, id: i64) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT d.company, d.status, d.decision_reason, u.email, u.locale FROM deals d JOIN users u ON u.id = d.created_by WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    let locale: Option<String> = row.try_get("locale")?;
    let locale = locale
        .as_deref()
        .and_then(crate::i18n::Locale::parse)
        .unwrap_or_default();
    let status: String = row.try_get("status")?;
    let company: String = row.try_get("company")?;
    let reason: String = row.try_get("decision_reason")?;
    let status_text = locale.text(&format!("deal_status.{status}"));
    let link = format!("{}/deals/{id}", state.config.public_url);
    crate::server::mail::send(
        state,
        crate::server::mail::Mail {
            to: row.try_get("email")?,
            subject: locale
                .text("mail.deal_subject")
                .replace("{company}", &company)
                .replace("{status}", status_text),
            body: locale
                .text("mail.deal_body")
                .replace("{company}", &company)
                .replace("{status}", status_text)
                .replace("{reason}", &reason)
                .replace("{link}", &link),
        },
    )
    .await
}

/// The partner reports the outcome of an approved deal.
pub async fn close(db: &Db, caller: &Caller, id: i64, won: bool) -> Result<(), AppError> {
    caller.require(Action::RegisterDeals)?;
    let row = visible_deal(db, caller, id).await?;
    if row.try_get::<i64, _>("org_id")? != caller.org_id {
        return Err(AppError::NotFound);
    }
    if status_of(&row)? != DealStatus::Approved {
        return Err(AppError::Conflict("deal.not_approved".into()));
    }
    let mut tx = db.pool.begin().await?;
    transition(
        &mut tx,
        caller,
        &row,
        if won {
            DealStatus::Won
        } else {
            DealStatus::Lost
        },
        "",
        "",
        &[],
    )
    .await?;
    if !won {
        pipeline::unindex_registration(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Expires approved registrations whose protection ended, when the rules say so. Safe to
/// run on every server at once: each row changes once, guarded by its status.
pub async fn expire_due(db: &Db) -> Result<u64, AppError> {
    if !rules(db).await?.auto_expire {
        return Ok(0);
    }
    let t = now();
    let due = sqlx::query(
        "SELECT id, org_id FROM deals WHERE status = 'approved' AND protected_until < $1",
    )
    .bind(t)
    .fetch_all(&db.pool)
    .await?;
    let mut n = 0;
    for r in due {
        let id: i64 = r.try_get("id")?;
        let org: i64 = r.try_get("org_id")?;
        let mut tx = db.pool.begin().await?;
        let done = sqlx::query("UPDATE deals SET status = 'expired', updated_at = $1 WHERE id = $2 AND status = 'approved'")
            .bind(t)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            let event_id: i64 = sqlx::query_scalar(
                "INSERT INTO deal_events (deal_id, at, actor_user_id, actor_name, kind, from_status, to_status, body, visibility) \
                 VALUES ($1, $2, NULL, 'Trellis', 'status', 'approved', 'expired', 'protection window ended', 'all') RETURNING id",
            )
            .bind(id)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            notifications::store::for_event(&mut tx, id, event_id, None, true).await?;
            pipeline::unindex_registration(&mut tx, id).await?;
            audit::record(
                &mut *tx,
                AuditEvent {
                    actor: None,
                    actor_label: "expiry job",
                    org_id: Some(org),
                    action: "deal.expired",
                    entity_type: "deal",
                    entity_id: id.to_string(),
                    before: Some(serde_json::json!({ "status": "approved" })),
                    after: Some(serde_json::json!({ "status": "expired" })),
                },
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}
