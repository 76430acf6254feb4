//! The channel manager's side: the review page with the rules' recommendation, decisions,
//! extensions, and the email that tells the partner.

use super::pipeline::{self, CheckResult};
use super::rules::rules;
use super::service::{add_event, detail, transition};
use super::store::{self, DealRow};
use super::*;
use crate::auth::Caller;
use crate::domain::{DealStatus, Decision, parse_optional_text};
use crate::error::AppError;
use crate::policy::{Action, Actor};
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::now;
use sqlx::Row;

const DAY: i64 = 24 * 3600;

/// A registration the caller may decide on: `Forbidden` for roles that never decide.
async fn decidable_deal(db: &Db, caller: &Caller, id: i64) -> Result<DealRow, AppError> {
    caller.require(Action::DecideDeals)?;
    store::find(db, caller.scope(Action::DecideDeals), id).await
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

/// A channel manager corrects a reported outcome (won ↔ lost), with a reason: on the
/// timeline, in the audit trail, and the partner hears of it. A deal corrected to won
/// claims its customer again; one corrected to lost no longer does.
pub async fn correct_outcome(
    db: &Db,
    caller: &Caller,
    id: i64,
    won: bool,
    reason: &str,
) -> Result<(), AppError> {
    let row = decidable_deal(db, caller, id).await?;
    let from = row.status()?;
    if !matches!(from, DealStatus::Won | DealStatus::Lost) {
        return Err(AppError::Conflict("deal.not_closed".into()));
    }
    let to = super::service::outcome(won);
    if from == to {
        return Err(AppError::field("won", "err.outcome_unchanged"));
    }
    let reason = super::service::outcome_reason(reason, true)?;
    let mut tx = db.pool.begin().await?;
    transition(&mut tx, caller, &row, to, &reason, "", &[]).await?;
    if won {
        pipeline::index_registration(&mut tx, id, &row.input().customer()).await?;
    } else {
        pipeline::unindex_registration(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Takes a submitted registration into review: an explicit act, recorded on the timeline
/// and in the audit trail, which the partner hears of. Reading the review page changes
/// nothing.
pub async fn start_review(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    let row = decidable_deal(db, caller, id).await?;
    if row.status()? != DealStatus::Submitted {
        return Err(AppError::Conflict("deal.not_submitted".into()));
    }
    let mut tx = db.pool.begin().await?;
    transition(&mut tx, caller, &row, DealStatus::UnderReview, "", "", &[]).await?;
    tx.commit().await?;
    Ok(())
}

/// The review page's data: the registration, its matches now and what the rules
/// recommend. Only reads.
pub async fn review(db: &Db, caller: &Caller, id: i64) -> Result<ReviewView, AppError> {
    let row = decidable_deal(db, caller, id).await?;
    let deal = detail(db, caller, id).await?;
    let result = pipeline::check(db, &deal.input.customer(), Some(id)).await?;
    let rules = rules(db).await?;
    let recommendation = recommend(
        &rules,
        id,
        &deal.input,
        row.value_minor,
        &deal.summary.currency,
        deal.summary.submitted_at.unwrap_or_else(now),
        row.org_id,
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
            detail: [m.facts.city.as_str(), m.facts.country.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
            status: m.facts.status.clone().filter(|s| !s.is_empty()),
            score: m.score,
            prior_bits: m.prior_bits,
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
    let row = decidable_deal(db, caller, d.deal_id).await?;
    if !row.status()?.decidable() {
        return Err(AppError::Conflict("deal.not_decidable".into()));
    }
    let reason = parse_optional_text(&d.reason, 2000).map_err(|m| AppError::field("reason", m))?;
    let decision = Decision::parse(&d.decision).map_err(|m| AppError::field("decision", m))?;
    let rules = rules(db).await?;
    let mut tx = db.pool.begin().await?;
    match decision {
        Decision::Approve => {
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
        Decision::Reject => {
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
        Decision::RequestInfo => {
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
    }
    tx.commit().await?;
    Ok(())
}

/// A channel manager grants one extension of the rules' length, up to the rules' maximum.
pub async fn grant_extension(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    let row = decidable_deal(db, caller, id).await?;
    if row.status()? != DealStatus::Approved {
        return Err(AppError::Conflict("deal.not_approved".into()));
    }
    let r = rules(db).await?;
    let used = row.extensions;
    if used >= r.max_extensions {
        return Err(AppError::Conflict("deal.no_extensions_left".into()));
    }
    let before = row.protected_until;
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
            actor: Actor::User(caller),
            org_id: Some(row.org_id),
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
            ..Default::default()
        },
    )
    .await
}
