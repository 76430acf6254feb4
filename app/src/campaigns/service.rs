//! Use cases of campaigns: who may write templates (vendor marketers and admins), which
//! templates a partner sees (published, aimed at its types, tier and region, as content
//! is), and a partner's brand kit and contacts, each checked field by field.

use super::render::{self, FIELDS, Token};
use super::store::{self, NewContact, NewTemplate, TemplateRow};
use super::{
    BrandKit, Contact, ContactInput, RegionSpec, TemplateInput, TemplateStatus, TemplateSummary,
};
use crate::auth::Caller;
use crate::domain::{Email, PartnerType, Region, Tier};
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::db::Db;

pub const MAX_TOUCHES: usize = 10;
pub const MAX_MJML: usize = 100_000;

fn text(p: &mut Problems, field: &str, raw: &str, max: usize, required: bool) -> String {
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

/// Optional one-line text (names): empty, or as `parse_required_text` reads it.
fn line(p: &mut Problems, field: &str, raw: &str, max: usize) -> String {
    if raw.trim().is_empty() {
        String::new()
    } else {
        text(p, field, raw, max, true)
    }
}

fn https_or_empty(p: &mut Problems, field: &str, raw: &str) -> String {
    let v = raw.trim();
    if !v.is_empty()
        && (!v.starts_with("https://") || v.len() > 500 || v.chars().any(char::is_whitespace))
    {
        p.add(field, "err.url_invalid");
    }
    v.to_string()
}

pub async fn create_template(
    db: &Db,
    c: &Caller,
    input: &TemplateInput,
    now: i64,
) -> Result<i64, AppError> {
    c.require(Action::ManageCampaigns)?;
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
    if input.touches.len() > MAX_TOUCHES {
        p.add("touches", "err.too_many");
    }
    let mut touches = Vec::new();
    for (i, t) in input.touches.iter().take(MAX_TOUCHES).enumerate() {
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
        if t.mjml.len() > MAX_MJML {
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
    p.into_result()?;
    let status = if input.publish {
        TemplateStatus::Published
    } else {
        TemplateStatus::Draft
    };
    store::insert_template(
        db,
        &NewTemplate {
            name: &name,
            description: &description,
            language: &input.language,
            status,
            partner_types,
            tiers,
            regions,
            editable: &editable,
            touches,
            landing_title: &landing_title,
            landing_body: &landing_body,
            social_posts: serde_json::to_string(&input.social_posts).unwrap_or_default(),
        },
        c.user_id,
        now,
    )
    .await
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

/// WCAG relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> Option<f64> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let ch = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(h.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * ch(0)? + 0.7152 * ch(2)? + 0.0722 * ch(4)?)
}

/// The contrast ratio of a colour against white text or background, whichever is worse
/// for a brand colour used as a button or heading on white: against white.
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    luminance(hex).map(|l| 1.05 / (l + 0.05))
}

/// Checks a brand kit field by field.
pub fn validate_brand_kit(b: &BrandKit) -> Result<BrandKit, AppError> {
    let mut p = Problems::new();
    let out = BrandKit {
        display_name: text(&mut p, "display_name", &b.display_name, 100, true),
        logo_url: https_or_empty(&mut p, "logo_url", &b.logo_url),
        primary_color: {
            let c = b.primary_color.trim().to_ascii_lowercase();
            match contrast_with_white(&c) {
                _ if c.is_empty() => {}
                Some(r) if r >= 4.5 => {}
                Some(_) => p.add("primary_color", "err.contrast_low"),
                None => p.add("primary_color", "err.color_invalid"),
            }
            c
        },
        postal_address: text(&mut p, "postal_address", &b.postal_address, 300, true),
        phone: line(&mut p, "phone", &b.phone, 40),
        website: crate::domain::parse_website(&b.website).unwrap_or_else(|k| {
            p.add("website", k);
            String::new()
        }),
        sender_name: text(&mut p, "sender_name", &b.sender_name, 100, true),
        sender_email: Email::parse(&b.sender_email)
            .map(|e| e.as_str().to_string())
            .unwrap_or_else(|k| {
                p.add("sender_email", k);
                String::new()
            }),
        signature: text(&mut p, "signature", &b.signature, 1_000, false),
    };
    p.into_result()?;
    Ok(out)
}

pub async fn get_brand_kit(db: &Db, c: &Caller) -> Result<BrandKit, AppError> {
    c.require(Action::LaunchCampaigns)?;
    Ok(store::brand_kit(db, c.org_id).await?.unwrap_or_default())
}

pub async fn save_brand_kit(
    db: &Db,
    c: &Caller,
    input: &BrandKit,
    now: i64,
) -> Result<(), AppError> {
    c.require(Action::LaunchCampaigns)?;
    let kit = validate_brand_kit(input)?;
    store::save_brand_kit(db, c.org_id, &kit, now).await
}

/// Checks a contact; `field` prefixes each field's name (`rows.3.` in an import).
pub fn validate_contact(input: &ContactInput, prefix: &str) -> Result<NewContact, AppError> {
    let mut p = Problems::new();
    let f = |n: &str| format!("{prefix}{n}");
    let email = Email::parse(&input.email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|k| {
            p.add(&f("email"), k);
            String::new()
        });
    let first_name = line(&mut p, &f("first_name"), &input.first_name, 100);
    let last_name = line(&mut p, &f("last_name"), &input.last_name, 100);
    let company = line(&mut p, &f("company"), &input.company, 160);
    let source = input.consent_source.trim();
    let consent_source = if source.is_empty() {
        "manual".to_string()
    } else if matches!(source, "manual" | "import" | "api" | "form") {
        source.to_string()
    } else {
        p.add(&f("consent_source"), "err.choice_invalid");
        String::new()
    };
    let mut tags: Vec<String> = Vec::new();
    for t in input.tags.iter().take(20) {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.len() > 40 || t.contains(',') || t.chars().any(char::is_control) {
            p.add(&f("tags"), "err.tag_invalid");
        } else if !tags.contains(&t) {
            tags.push(t);
        }
    }
    p.into_result()?;
    Ok(NewContact {
        email,
        first_name,
        last_name,
        company,
        consent: input.consent,
        consent_source,
        tags: if tags.is_empty() {
            String::new()
        } else {
            format!(",{},", tags.join(","))
        },
    })
}

/// Adds a contact to the caller's organisation (or updates the one with that address).
pub async fn save_contact(
    db: &Db,
    c: &Caller,
    input: &ContactInput,
    now: i64,
) -> Result<i64, AppError> {
    c.require(Action::LaunchCampaigns)?;
    let contact = validate_contact(input, "")?;
    store::upsert_contact(db, c.org_id, &contact, now).await
}

/// The caller's organisation's contacts; nobody else's, ever.
pub async fn list_contacts(db: &Db, c: &Caller) -> Result<Vec<Contact>, AppError> {
    c.require(Action::LaunchCampaigns)?;
    Ok(store::contacts(db, c.org_id, None)
        .await?
        .into_iter()
        .map(Contact::from)
        .collect())
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
    if !store::link_lead(db, c.org_id, id, deal).await?
        && let Some(existing) = store::lead(db, c.org_id, id).await?.and_then(|l| l.deal_id)
    {
        return Ok(existing);
    }
    Ok(deal)
}

/// Every touch of a visible template rendered with the caller's brand kit, `regions` and
/// a sample contact; links are left as written (nothing is tracked in a preview).
pub async fn preview(
    db: &Db,
    public_url: &str,
    c: &Caller,
    template_id: i64,
    regions: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<super::PreviewTouch>, AppError> {
    let template = visible_template(db, c, template_id).await?;
    let editable = template.editable();
    let brand = if c.vendor {
        BrandKit {
            display_name: "Partner name".into(),
            primary_color: "#0a4d8c".into(),
            postal_address: "Partner address".into(),
            sender_name: "Sender".into(),
            ..Default::default()
        }
    } else {
        store::brand_kit(db, c.org_id).await?.unwrap_or_default()
    };
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
    Ok(out)
}

/// At most this many contacts in one import.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// Reads a consent cell: yes/no, true/false, 1/0, y/n (any case); empty is no.
fn consent_cell(raw: &str) -> Result<bool, &'static str> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "ja" => Ok(true),
        "" | "no" | "n" | "false" | "0" | "nein" => Ok(false),
        _ => Err("err.consent_cell"),
    }
}

/// Imports contacts from CSV (columns by header, any order and case: email, first_name,
/// last_name, company, consent, tags separated by `;`). With `commit` false nothing is
/// saved and every row says whether it can be; with `commit` true the good rows are saved
/// (an address already there is updated) and the bad ones reported.
pub async fn import_contacts(
    db: &Db,
    c: &Caller,
    csv_text: &str,
    commit: bool,
    now: i64,
) -> Result<super::ContactImport, AppError> {
    c.require(Action::LaunchCampaigns)?;
    if csv_text.len() > 2_000_000 {
        return Err(AppError::field("csv", "err.file_too_large"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::field("csv", "err.csv_unreadable"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(email_col) = col("email") else {
        return Err(AppError::field("csv", "err.csv_no_email"));
    };
    let (first, last, company, consent, tags) = (
        col("first_name"),
        col("last_name"),
        col("company"),
        col("consent"),
        col("tags"),
    );
    let mut rows = Vec::new();
    let mut good = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_IMPORT_ROWS {
            return Err(AppError::field("csv", "err.too_many"));
        }
        let line = n as i64 + 2;
        let Ok(record) = record else {
            rows.push(super::ImportRow {
                line,
                email: String::new(),
                name: String::new(),
                consent: false,
                errors: vec![("row".into(), "err.csv_unreadable".into())],
            });
            continue;
        };
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let mut errors: Vec<(String, String)> = Vec::new();
        let consent_value = consent_cell(&cell(consent)).unwrap_or_else(|k| {
            errors.push(("consent".into(), k.into()));
            false
        });
        let input = ContactInput {
            email: cell(Some(email_col)),
            first_name: cell(first),
            last_name: cell(last),
            company: cell(company),
            consent: consent_value,
            consent_source: "import".into(),
            tags: cell(tags)
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        };
        match validate_contact(&input, "") {
            Ok(v) if errors.is_empty() => good.push(v),
            Ok(_) => {}
            Err(AppError::Validation(map)) => {
                for (field, keys) in map {
                    for k in keys {
                        errors.push((field.clone(), k));
                    }
                }
            }
            Err(e) => return Err(e),
        }
        rows.push(super::ImportRow {
            line,
            email: input.email.chars().take(254).collect(),
            name: format!("{} {}", input.first_name, input.last_name)
                .trim()
                .chars()
                .take(200)
                .collect(),
            consent: consent_value,
            errors,
        });
    }
    let invalid = rows.iter().filter(|r| !r.errors.is_empty()).count() as i64;
    let mut saved = 0;
    if commit {
        for contact in &good {
            store::upsert_contact(db, c.org_id, contact, now).await?;
            saved += 1;
        }
    }
    Ok(super::ContactImport {
        valid: good.len() as i64,
        invalid,
        saved,
        rows,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn brand_colours_need_contrast() {
        assert!(contrast_with_white("#0a4d8c").unwrap() > 4.5);
        assert!(contrast_with_white("#ffff00").unwrap() < 4.5);
        let mut kit = BrandKit {
            display_name: "N".into(),
            postal_address: "1 Road".into(),
            sender_name: "Nina".into(),
            sender_email: "nina@northwind.example".into(),
            primary_color: "#ffff00".into(),
            ..Default::default()
        };
        let AppError::Validation(m) = validate_brand_kit(&kit).unwrap_err() else {
            panic!()
        };
        assert_eq!(m["primary_color"], vec!["err.contrast_low"]);
        kit.primary_color = "blue".into();
        let AppError::Validation(m) = validate_brand_kit(&kit).unwrap_err() else {
            panic!()
        };
        assert_eq!(m["primary_color"], vec!["err.color_invalid"]);
        kit.primary_color = "#0A4D8C".into();
        assert_eq!(validate_brand_kit(&kit).unwrap().primary_color, "#0a4d8c");
    }

    #[test]
    fn contacts_refuse_header_injection() {
        let bad = ContactInput {
            email: "ada@example.com\r\nBcc: x@evil.example".into(),
            first_name: "Ada\r\nBcc: x".into(),
            ..Default::default()
        };
        let AppError::Validation(m) = validate_contact(&bad, "").unwrap_err() else {
            panic!()
        };
        assert!(
            m.contains_key("email") && m.contains_key("first_name"),
            "{m:?}"
        );
    }

    #[test]
    fn consent_cells() {
        assert_eq!(consent_cell("Yes"), Ok(true));
        assert_eq!(consent_cell(" 1 "), Ok(true));
        assert_eq!(consent_cell(""), Ok(false));
        assert_eq!(consent_cell("maybe"), Err("err.consent_cell"));
    }
}
