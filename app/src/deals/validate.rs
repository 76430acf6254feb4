//! A registration form's validation: lenient for drafts, strict for submission.

use super::*;
use crate::domain::{Currency, DealStage, Email, parse_date, parse_money, parse_optional_text};
use crate::error::{AppError, Problems, internal};
use crate::server::now;

/// A registration's fields after validation.
pub struct ValidDeal {
    pub input: DealInput,
    pub value_minor: i64,
    pub currency: Currency,
    pub stage: DealStage,
}

/// The most characters of the form's free-text fields (the API's schema states the same).
pub const TEXT_LIMITS: [(&str, usize); 8] = [
    ("company", 200),
    ("street", 200),
    ("city", 100),
    ("region", 100),
    ("postcode", 20),
    ("contact_name", 100),
    ("products", 500),
    ("notes", 4000),
];

/// Validates the form. Drafts need only a company and well-formed optional fields;
/// submission (`strict`) needs everything a channel manager decides on.
pub fn validate(input: &DealInput, strict: bool) -> Result<ValidDeal, AppError> {
    let mut p = Problems::new();
    let mut v = input.clone();
    for (field, max) in TEXT_LIMITS {
        let value = match field {
            "company" => &input.company,
            "street" => &input.street,
            "city" => &input.city,
            "region" => &input.region,
            "postcode" => &input.postcode,
            "contact_name" => &input.contact_name,
            "products" => &input.products,
            _ => &input.notes,
        };
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
    let country_ok = country.is_empty() || crate::i18n::countries::is_country(&country);
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
