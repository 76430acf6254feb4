//! Use cases of campaigns shared by the screens and the API: a partner's leads (turned into
//! deal drafts) and previews of a template as the partner would send it. Templates live in
//! `templates`, brand kits in `brand`, contacts and their imports in `contacts`; the small
//! field readers they share are here.

use super::BrandKit;
use super::render;
use super::store;
use super::templates::visible_template;
use crate::auth::Caller;
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::db::Db;

pub(super) fn text(p: &mut Problems, field: &str, raw: &str, max: usize, required: bool) -> String {
    let parsed = if required {
        crate::domain::parse_required_text(raw, max)
    } else {
        crate::domain::parse_optional_text(raw, max)
    };
    parsed.unwrap_or_else(|key| {
        p.add(field, key);
        String::new()
    })
}

/// Optional one-line text (names): empty, or as `parse_required_text` reads it.
pub(super) fn line(p: &mut Problems, field: &str, raw: &str, max: usize) -> String {
    if raw.trim().is_empty() {
        String::new()
    } else {
        text(p, field, raw, max, true)
    }
}

pub(super) fn https_or_empty(p: &mut Problems, field: &str, raw: &str) -> String {
    let v = raw.trim();
    if !v.is_empty()
        && (!v.starts_with("https://") || v.len() > 500 || v.chars().any(char::is_whitespace))
    {
        p.add(field, "err.url_invalid");
    }
    v.to_string()
}

/// A lead of the caller's organisation, for those who work leads (campaign staff and
/// sellers).
fn works_leads(c: &Caller) -> bool {
    !c.vendor
        && (crate::policy::role_allows(c.role, Action::LaunchCampaigns)
            || crate::policy::role_allows(c.role, Action::RegisterDeals))
}

pub async fn list_leads(db: &Db, c: &Caller) -> Result<Vec<super::Lead>, AppError> {
    if !works_leads(c) {
        return Err(AppError::Forbidden);
    }
    store::leads(db, c.org_id).await
}

/// The caller's organisation's lead events after `after` (an id in a query string).
pub async fn lead_events(
    db: &Db,
    c: &Caller,
    after: Option<&str>,
) -> Result<Vec<store::LeadEvent>, AppError> {
    if !works_leads(c) {
        return Err(AppError::Forbidden);
    }
    let after = crate::server::rest::query_id(after, "after")?.unwrap_or(0);
    store::lead_events(db, c.org_id, after).await
}

/// Turns a lead into a deal registration draft of the caller's organisation, in one
/// step; the lead keeps the deal for attribution. A lead converted before answers with
/// its deal. Another partner's lead is not found.
pub async fn convert_lead(db: &Db, c: &Caller, id: i64) -> Result<i64, AppError> {
    c.require(Action::RegisterDeals)?;
    let lead = store::lead(db, c.org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(deal) = lead.deal_id {
        return Ok(deal);
    }
    let input = crate::deals::DealInput {
        company: if lead.company.is_empty() {
            lead.name.clone()
        } else {
            lead.company.clone()
        },
        contact_name: lead.name.clone(),
        contact_email: lead.email.clone(),
        notes: format!(
            "From the campaign \"{}\" (lead {}).\n{}",
            lead.template_name, lead.id, lead.message
        )
        .chars()
        .take(1_900)
        .collect(),
        ..Default::default()
    };
    let deal = crate::deals::service::save_draft(db, c, None, &input).await?;
    // Two taps at once: the first deal stays with the lead.
    if !store::link_lead(db, c.org_id, id, deal).await? {
        if let Some(existing) = store::lead(db, c.org_id, id).await?.and_then(|l| l.deal_id) {
            return Ok(existing);
        }
        return Ok(deal);
    }
    store::lead_event(
        &db.pool,
        c.org_id,
        id,
        "lead.converted",
        &serde_json::json!({ "lead_id": id, "deal_id": deal, "by": c.email }),
        crate::server::now(),
    )
    .await?;
    Ok(deal)
}

/// The brand a preview shows: the caller's own organisation's; for vendor staff who see
/// partners, the chosen partner's (by slug), else a placeholder.
pub(super) async fn preview_brand(
    db: &Db,
    c: &Caller,
    as_partner: &str,
) -> Result<BrandKit, AppError> {
    if !c.vendor {
        return Ok(store::brand_kit(db, c.org_id).await?.unwrap_or_default());
    }
    let placeholder = BrandKit {
        display_name: "Partner name".into(),
        primary_color: "#0a4d8c".into(),
        postal_address: "Partner address".into(),
        sender_name: "Sender".into(),
        ..Default::default()
    };
    if as_partner.is_empty() || !crate::policy::role_allows(c.role, Action::ViewAllPartners) {
        return Ok(placeholder);
    }
    let org: Option<i64> =
        sqlx::query_scalar("SELECT id FROM orgs WHERE slug = $1 AND kind = 'partner'")
            .bind(as_partner)
            .fetch_optional(&db.pool)
            .await?;
    let Some(org) = org else {
        return Err(AppError::field("as_partner", "err.choice_invalid"));
    };
    Ok(store::brand_kit(db, org).await?.unwrap_or(placeholder))
}

/// Every touch of a visible template, and its landing page, rendered with a brand kit
/// (see `preview_brand`), `regions` and a sample contact; links are left as written
/// (nothing is tracked in a preview).
pub async fn preview(
    db: &Db,
    public_url: &str,
    c: &Caller,
    template_id: i64,
    regions: &std::collections::BTreeMap<String, String>,
    as_partner: &str,
) -> Result<super::CampaignPreview, AppError> {
    let template = visible_template(db, c, template_id).await?;
    let editable = template.editable();
    let brand = preview_brand(db, c, as_partner).await?;
    let recipient = render::Recipient {
        first_name: "Alex".into(),
        last_name: "Example".into(),
        email: "alex@example.com".into(),
        company: "Example Ltd".into(),
    };
    let ctx = render::Context {
        brand: &brand,
        recipient: &recipient,
        landing_url: format!("{public_url}/l/preview"),
        unsubscribe_url: format!("{public_url}/u/preview"),
        editable: &editable,
        region_values: regions,
        locale: crate::i18n::Locale::parse(&template.language).unwrap_or(crate::i18n::Locale::En),
    };
    let mut out = Vec::new();
    for t in store::touches(db, template_id).await? {
        let r = render::render(&t.subject, &t.mjml, &ctx, str::to_string)
            .map_err(|_| AppError::Conflict("campaign.render_failed".into()))?;
        out.push(super::PreviewTouch {
            position: t.position,
            delay_days: t.delay_days,
            subject: r.subject,
            html: r.html,
        });
    }
    Ok(super::CampaignPreview {
        touches: out,
        landing: super::web::landing_preview(&template, &brand),
    })
}
