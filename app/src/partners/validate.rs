//! A partner organisation's form, checked field by field.

use super::*;
use crate::domain::{parse_optional_text, parse_org_name, parse_website};
use crate::error::{AppError, Problems, internal};
use crate::server::db::Db;
use sqlx::Row;

pub(super) fn opt<T>(
    p: &mut Problems,
    field: &str,
    raw: &str,
    parse: fn(&str) -> Result<T, &'static str>,
) -> Option<T> {
    if raw.trim().is_empty() {
        None
    } else {
        p.check(field, parse(raw))
    }
}

/// The validated program fields of a partner form.
pub struct ValidPartner {
    pub name: String,
    pub types: Vec<PartnerType>,
    pub tier: Tier,
    pub region: Option<Region>,
    pub status: OrgStatus,
    pub channel_manager_id: Option<i64>,
    pub website: String,
    pub description: String,
}

pub async fn validate_partner(db: &Db, input: &PartnerInput) -> Result<ValidPartner, AppError> {
    let mut p = Problems::new();
    let name = p.check("name", parse_org_name(&input.name));
    let mut types = Vec::new();
    if input.types.len() > PartnerType::ALL.len() {
        p.add("types", "err.choice_invalid");
    }
    for t in &input.types {
        if let Some(t) = p.check("types", PartnerType::parse(t))
            && !types.contains(&t)
        {
            types.push(t);
        }
    }
    if input.types.is_empty() {
        p.add("types", "err.pick_one");
    }
    let tier = p.check("tier", required(&input.tier).and_then(Tier::parse));
    let region = opt(&mut p, "region", &input.region, Region::parse);
    let status = p.check("status", required(&input.status).and_then(OrgStatus::parse));
    let website = p.check("website", parse_website(&input.website));
    let description = p.check("description", parse_optional_text(&input.description, 2000));
    let mut cm = None;
    if !input.channel_manager_id.trim().is_empty() {
        match input.channel_manager_id.trim().parse::<i64>() {
            Ok(id) => {
                let ok = sqlx::query(
                    "SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1 \
                     AND o.kind = 'vendor' AND u.active = 1 AND u.role IN ('admin', 'channel_manager')",
                )
                .bind(id)
                .fetch_one(&db.pool)
                .await?
                .try_get::<i64, _>(0)?;
                if ok == 1 {
                    cm = Some(id);
                } else {
                    p.add("channel_manager_id", "err.choice_invalid");
                }
            }
            Err(_) => p.add("channel_manager_id", "err.choice_invalid"),
        }
    }
    p.into_result()?;
    match (name, tier, status, website, description) {
        (Some(name), Some(tier), Some(status), Some(website), Some(description)) => {
            Ok(ValidPartner {
                name,
                types,
                tier,
                region,
                status,
                channel_manager_id: cm,
                website,
                description,
            })
        }
        _ => Err(internal("validated partner has a missing field")),
    }
}

fn required(raw: &str) -> Result<&str, &'static str> {
    if raw.trim().is_empty() {
        Err("err.required")
    } else {
        Ok(raw)
    }
}
