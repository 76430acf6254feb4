//! The rules of engagement: versioned, so every decision points at the rules it followed.

use super::*;
use crate::auth::Caller;
use crate::domain::{Currency, parse_money};
use crate::error::{AppError, Problems};
use crate::policy::{Action, Actor};
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::now;
use sqlx::FromRow;

pub async fn rules(db: &Db) -> Result<Rules, AppError> {
    let r = sqlx::query("SELECT * FROM roe_versions ORDER BY id DESC LIMIT 1")
        .fetch_one(&db.pool)
        .await?;
    let r = RulesRecord::from_row(&r)?;
    Ok(Rules {
        version: r.id,
        protection_days: r.protection_days,
        extension_days: r.extension_days,
        max_extensions: r.max_extensions,
        first_to_register: r.first_to_register == 1,
        named_accounts_direct_only: r.named_accounts_direct_only == 1,
        cosell_allowed: r.cosell_allowed == 1,
        min_deal_minor: r.min_deal_minor,
        min_deal_currency: r.min_deal_currency,
        auto_expire: r.auto_expire == 1,
        created_at: r.created_at,
    })
}

/// A version of the rules as stored (flags are 0 or 1).
#[derive(FromRow)]
struct RulesRecord {
    id: i64,
    protection_days: i64,
    extension_days: i64,
    max_extensions: i64,
    first_to_register: i64,
    named_accounts_direct_only: i64,
    cosell_allowed: i64,
    min_deal_minor: i64,
    min_deal_currency: String,
    auto_expire: i64,
    created_at: i64,
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
            actor: Actor::User(caller),
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
