//! An asset's metadata, checked field by field with every problem reported at once.

use super::service::DAY;
use super::*;
use crate::domain::{
    DealStage, PartnerType, Region, Tier, parse_date, parse_optional_text, parse_website,
};
use crate::error::{AppError, Problems};

/// Validated metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidAsset {
    pub title: String,
    pub description: String,
    pub kind: AssetKind,
    pub products: Vec<String>,
    pub stages: Vec<String>,
    pub partner_types: Vec<String>,
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub language: String,
    pub tags: Vec<String>,
    pub link_url: String,
    pub expires_at: Option<i64>,
    pub published: bool,
}

fn codes<T>(
    p: &mut Problems,
    field: &str,
    raw: &str,
    parse: fn(&str) -> Result<T, &'static str>,
) -> Vec<String> {
    let items = split_list(raw);
    for i in &items {
        if parse(i).is_err() {
            p.add(field, "err.choice_invalid");
            break;
        }
    }
    items.into_iter().map(|i| i.to_ascii_lowercase()).collect()
}

fn free_list(p: &mut Problems, field: &str, raw: &str) -> Vec<String> {
    let items = split_list(raw);
    if items.len() > 20 {
        p.add(field, "err.too_many");
    }
    if items
        .iter()
        .any(|i| i.chars().count() > 60 || i.chars().any(char::is_control))
    {
        p.add(field, "err.item_invalid");
    }
    items
}

/// Checks every field and reports all problems at once.
pub fn validate(input: &AssetInput) -> Result<ValidAsset, AppError> {
    let mut p = Problems::new();
    let title = input.title.trim();
    if title.is_empty() {
        p.add("title", "err.required");
    } else if title.chars().count() > 200 || title.chars().any(char::is_control) {
        p.add("title", "err.too_long");
    }
    let description = p
        .check("description", parse_optional_text(&input.description, 4000))
        .unwrap_or_default();
    let kind = p.check("kind", AssetKind::parse(&input.kind));
    let products = free_list(&mut p, "products", &input.products);
    let tags = free_list(&mut p, "tags", &input.tags);
    let stages = codes(&mut p, "stages", &input.stages, DealStage::parse);
    let partner_types = codes(
        &mut p,
        "partner_types",
        &input.partner_types,
        PartnerType::parse,
    );
    let tiers = codes(&mut p, "tiers", &input.tiers, Tier::parse);
    let regions = codes(&mut p, "regions", &input.regions, Region::parse);
    let language = input.language.trim().to_ascii_lowercase();
    let language = if language.is_empty() {
        "en".to_string()
    } else {
        language
    };
    if !LANGUAGES.contains(&language.as_str()) {
        p.add("language", "err.choice_invalid");
    }
    let link_url = p
        .check("link_url", parse_website(&input.link_url))
        .unwrap_or_default();
    let expires_at = if input.expires_on.trim().is_empty() {
        None
    } else {
        p.check("expires_on", parse_date(&input.expires_on))
            .map(|d| d.midnight().assume_utc().unix_timestamp() + DAY)
    };
    p.into_result()?;
    Ok(ValidAsset {
        title: title.split_whitespace().collect::<Vec<_>>().join(" "),
        description,
        kind: kind.ok_or_else(|| AppError::field("kind", "err.choice_invalid"))?,
        products,
        stages,
        partner_types,
        tiers,
        regions,
        language,
        tags,
        link_url,
        expires_at,
        published: input.published,
    })
}

/// Binds the metadata columns in their order: title, description, kind, products, stages,
/// partner types, tiers, regions, language, tags, link, expiry, published.
pub(super) fn bind_meta<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: &ValidAsset,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(v.title.clone())
        .bind(v.description.clone())
        .bind(v.kind.code())
        .bind(list_col(&v.products))
        .bind(list_col(&v.stages))
        .bind(list_col(&v.partner_types))
        .bind(list_col(&v.tiers))
        .bind(list_col(&v.regions))
        .bind(v.language.clone())
        .bind(list_col(&v.tags))
        .bind(v.link_url.clone())
        .bind(v.expires_at)
        .bind(i64::from(v.published))
}

/// `",a,b,"`, or empty for "everyone".
pub(super) fn list_col(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!(",{},", items.join(","))
    }
}

pub(super) fn list_of(col: &str) -> Vec<String> {
    split_list(col)
}
