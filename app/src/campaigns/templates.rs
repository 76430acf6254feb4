//! Campaign templates: who may write them (vendor marketers and admins), each field
//! checked, and which templates a partner sees (published, aimed at its types, tier and
//! region, as content is).

use super::render::{self, FIELDS, Token};
use super::service::{https_or_empty, text};
use super::store::{self, NewTemplate, TemplateRow};
use super::{RegionSpec, TemplateInput, TemplateStatus, TemplateSummary};
use crate::auth::Caller;
use crate::domain::{PartnerType, Region, Tier};
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::db::Db;

pub const MAX_MJML: usize = 100_000;

/// Codes of a closed set as stored: `,a,b,` (empty: everyone).
fn code_list(
    p: &mut Problems,
    field: &str,
    raw: &[String],
    parse: impl Fn(&str) -> Result<&'static str, &'static str>,
) -> String {
    let mut out: Vec<&str> = Vec::new();
    for r in raw {
        match parse(r) {
            Ok(c) if !out.contains(&c) => out.push(c),
            Ok(_) => {}
            Err(_) => {
                p.add(field, "err.choice_invalid");
                return String::new();
            }
        }
    }
    if out.is_empty() {
        String::new()
    } else {
        format!(",{},", out.join(","))
    }
}

/// The references of `text` are known fields and declared regions.
fn check_tokens(p: &mut Problems, field: &str, text: &str, editable: &[RegionSpec]) {
    for t in render::tokens(text) {
        let known = match &t {
            Token::Field(f) => FIELDS.contains(&f.as_str()),
            Token::Region(r) => editable.iter().any(|e| &e.name == r),
        };
        if !known {
            p.add(field, "err.merge_field_unknown");
            return;
        }
    }
}

/// Checks a template field by field (`own` is its id when it is being edited).
async fn check(db: &Db, input: &TemplateInput, own: Option<i64>) -> Result<NewTemplate, AppError> {
    let mut p = Problems::new();
    let name = text(&mut p, "name", &input.name, 160, true);
    let description = text(&mut p, "description", &input.description, 2_000, false);
    if !matches!(input.language.as_str(), "en" | "de") {
        p.add("language", "err.choice_invalid");
    }
    let partner_types = code_list(&mut p, "partner_types", &input.partner_types, |r| {
        PartnerType::parse(r).map(PartnerType::code)
    });
    let tiers = code_list(&mut p, "tiers", &input.tiers, |r| {
        Tier::parse(r).map(Tier::code)
    });
    let regions = code_list(&mut p, "regions", &input.regions, |r| {
        Region::parse(r).map(Region::code)
    });
    let mut editable: Vec<RegionSpec> = Vec::new();
    for (i, r) in input.editable.iter().take(20).enumerate() {
        let f = |n: &str| format!("editable.{i}.{n}");
        let name = r.name.trim().to_string();
        if name.is_empty()
            || name.len() > 40
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || editable.iter().any(|e| e.name == name)
        {
            p.add(&f("name"), "err.region_name");
        }
        let label = text(&mut p, &f("label"), &r.label, 100, true);
        let max_len = if r.max_len == 0 { 1_000 } else { r.max_len };
        if !(1..=5_000).contains(&max_len) {
            p.add(&f("max_len"), "err.out_of_range");
        }
        let default = text(&mut p, &f("default"), &r.default, 5_000, false);
        if default.chars().count() as i64 > max_len {
            p.add(&f("default"), "err.too_long");
        }
        editable.push(RegionSpec {
            name,
            label,
            default,
            max_len,
        });
    }
    if input.touches.is_empty() {
        p.add("touches", "err.required");
    }
    if input.touches.len() > super::MAX_TOUCHES {
        p.add("touches", "err.too_many");
    }
    let mut touches = Vec::new();
    for (i, t) in input.touches.iter().take(super::MAX_TOUCHES).enumerate() {
        let f = |n: &str| format!("touches.{i}.{n}");
        let subject = text(&mut p, &f("subject"), &t.subject, 200, true);
        check_tokens(&mut p, &f("subject"), &subject, &[]);
        let delay = match t.delay_days.trim().parse::<i64>() {
            Ok(d) if (0..=365).contains(&d) => d,
            _ => {
                p.add(&f("delay_days"), "err.out_of_range");
                0
            }
        };
        if t.mjml.contains(render::MARK_STEM) || subject.contains(render::MARK_STEM) {
            // The renderer's own marker (see `render::prepare`) is not template text.
            p.add(&f("mjml"), "err.merge_field_unknown");
        } else if t.mjml.len() > MAX_MJML {
            p.add(&f("mjml"), "err.too_long");
        } else if render::check_mjml(&t.mjml).is_err() {
            p.add(&f("mjml"), "err.mjml_invalid");
        } else {
            check_tokens(&mut p, &f("mjml"), &t.mjml, &editable);
        }
        touches.push((delay, subject, t.mjml.clone()));
    }
    let landing_title = text(&mut p, "landing_title", &input.landing_title, 160, true);
    let landing_body = text(&mut p, "landing_body", &input.landing_body, 20_000, false);
    check_tokens(&mut p, "landing_body", &landing_body, &[]);
    if input.social_posts.len() > 10 {
        p.add("social_posts", "err.too_many");
    }
    for (i, s) in input.social_posts.iter().take(10).enumerate() {
        text(
            &mut p,
            &format!("social_posts.{i}.text"),
            &s.text,
            1_000,
            true,
        );
        https_or_empty(&mut p, &format!("social_posts.{i}.image_url"), &s.image_url);
        https_or_empty(&mut p, &format!("social_posts.{i}.link"), &s.link);
    }
    let one_pager_title = text(
        &mut p,
        "one_pager_title",
        &input.one_pager_title,
        120,
        false,
    );
    let one_pager_body = text(
        &mut p,
        "one_pager_body",
        &input.one_pager_body,
        3_000,
        false,
    );
    if one_pager_title.is_empty() && !one_pager_body.is_empty() {
        p.add("one_pager_title", "err.required");
    }
    check_tokens(&mut p, "one_pager_title", &one_pager_title, &[]);
    check_tokens(&mut p, "one_pager_body", &one_pager_body, &editable);
    if let Some(original) = input.translation_of {
        // The original must be another template, not a translation itself, in the other
        // language.
        match store::template(db, original).await? {
            Some(o)
                if Some(o.id) != own
                    && o.translation_of.is_none()
                    && o.language != input.language => {}
            Some(o) if o.language == input.language => p.add("translation_of", "err.same_language"),
            _ => p.add("translation_of", "err.choice_invalid"),
        }
        if let Some(own) = own
            && store::has_translations(db, own).await?
        {
            p.add("translation_of", "err.has_translations");
        }
    }
    p.into_result()?;
    Ok(NewTemplate {
        name,
        description,
        language: input.language.clone(),
        status: if input.publish {
            TemplateStatus::Published
        } else {
            TemplateStatus::Draft
        },
        partner_types,
        tiers,
        regions,
        editable,
        touches,
        landing_title,
        landing_body,
        social_posts: serde_json::to_string(&input.social_posts).unwrap_or_default(),
        translation_of: input.translation_of,
        approval_required: input.approval_required,
        one_pager_title,
        one_pager_body,
    })
}

pub async fn create_template(
    db: &Db,
    c: &Caller,
    input: &TemplateInput,
    now: i64,
) -> Result<i64, AppError> {
    c.require(Action::ManageCampaigns)?;
    let t = check(db, input, None).await?;
    let id = store::insert_template(db, &t, c.user_id, now).await?;
    audit(db, c, "campaign_template.create", id, input).await?;
    Ok(id)
}

/// Saves a template's new text. Launches already sending go on with it: a touch that no
/// longer exists is skipped for them.
pub async fn update_template(
    db: &Db,
    c: &Caller,
    id: i64,
    input: &TemplateInput,
    now: i64,
) -> Result<(), AppError> {
    c.require(Action::ManageCampaigns)?;
    if store::template(db, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let t = check(db, input, Some(id)).await?;
    store::update_template(db, id, &t, now).await?;
    audit(db, c, "campaign_template.update", id, input).await
}

async fn audit(
    db: &Db,
    c: &Caller,
    action: &'static str,
    id: i64,
    input: &TemplateInput,
) -> Result<(), AppError> {
    crate::server::audit::record(
        &db.pool,
        crate::server::audit::AuditEvent {
            actor: crate::policy::Actor::User(c),
            org_id: None,
            action,
            entity_type: "campaign_template",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "name": input.name,
                "language": input.language,
                "touches": input.touches.len(),
                "publish": input.publish,
            })),
        },
    )
    .await
}

/// A template with all it holds, for those who may see it.
pub async fn detail(db: &Db, c: &Caller, id: i64) -> Result<super::TemplateDetail, AppError> {
    let t = visible_template(db, c, id).await?;
    let touches = store::touches(db, id).await?;
    let social: Vec<super::SocialPost> = serde_json::from_str(&t.social_posts).unwrap_or_default();
    let codes = |list: &str| {
        list.split(',')
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    Ok(super::TemplateDetail {
        id: t.id,
        status: t.status,
        template: TemplateInput {
            editable: t.editable(),
            name: t.name,
            description: t.description,
            language: t.language,
            partner_types: codes(&t.partner_types),
            tiers: codes(&t.tiers),
            regions: codes(&t.regions),
            touches: touches
                .into_iter()
                .map(|r| super::TouchInput {
                    subject: r.subject,
                    delay_days: r.delay_days.to_string(),
                    mjml: r.mjml,
                })
                .collect(),
            landing_title: t.landing_title,
            landing_body: t.landing_body,
            social_posts: social,
            publish: t.status == TemplateStatus::Published,
            translation_of: t.translation_of,
            approval_required: t.approval_required == 1,
            one_pager_title: t.one_pager_title,
            one_pager_body: t.one_pager_body,
        },
    })
}

/// Whether a list rule admits one of `values` (an empty rule admits everyone).
fn admits(rule: &str, values: &[String]) -> bool {
    rule.is_empty() || values.iter().any(|v| rule.contains(&format!(",{v},")))
}

/// Whether the caller may see a template: vendor marketers and admins see all; everyone
/// else sees published ones aimed at their organisation, by the content library's rules.
async fn visible(db: &Db, c: &Caller, t: &TemplateRow) -> Result<bool, AppError> {
    if c.vendor && crate::policy::role_allows(c.role, Action::ManageCampaigns) {
        return Ok(true);
    }
    if t.status != TemplateStatus::Published {
        return Ok(false);
    }
    if c.vendor {
        return Ok(true);
    }
    let aud = crate::content::visibility::audience(db, c).await?;
    Ok(admits(&t.partner_types, &aud.types)
        && admits(&t.tiers, &aud.tier.into_iter().collect::<Vec<_>>())
        && admits(&t.regions, &aud.region.into_iter().collect::<Vec<_>>()))
}

fn summary(t: TemplateRow) -> TemplateSummary {
    TemplateSummary {
        editable: t.editable(),
        id: t.id,
        name: t.name,
        description: t.description,
        language: t.language,
        status: t.status,
        touches: t.touches,
        translation_of: t.translation_of,
        approval_required: t.approval_required == 1,
        one_pager: !t.one_pager_title.is_empty(),
    }
}

/// The templates the caller may see.
pub async fn list_templates(db: &Db, c: &Caller) -> Result<Vec<TemplateSummary>, AppError> {
    let mut out = Vec::new();
    for t in store::templates(db).await? {
        if visible(db, c, &t).await? {
            out.push(summary(t));
        }
    }
    Ok(out)
}

/// One template the caller may see; otherwise not found.
pub async fn visible_template(db: &Db, c: &Caller, id: i64) -> Result<TemplateRow, AppError> {
    match store::template(db, id).await? {
        Some(t) if visible(db, c, &t).await? => Ok(t),
        _ => Err(AppError::NotFound),
    }
}
