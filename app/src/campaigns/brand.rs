//! A partner's brand kit: set once, merged into every campaign it launches; its colour
//! must be legible on white.

use super::BrandKit;
use super::service::{https_or_empty, line, text};
use super::store;
use crate::auth::Caller;
use crate::domain::Email;
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::db::Db;

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

/// Checks a brand kit field by field. `kept_logo` is the logo address stored now: an
/// uploaded logo's address is kept as it is (it is the server's own, http on a laptop).
pub fn validate_brand_kit(b: &BrandKit, kept_logo: &str) -> Result<BrandKit, AppError> {
    let mut p = Problems::new();
    let out = BrandKit {
        display_name: text(&mut p, "display_name", &b.display_name, 100, true),
        logo_url: if !kept_logo.is_empty() && b.logo_url.trim() == kept_logo {
            kept_logo.to_string()
        } else {
            https_or_empty(&mut p, "logo_url", &b.logo_url)
        },
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
    let kept = store::brand_kit(db, c.org_id)
        .await?
        .map(|k| k.logo_url)
        .unwrap_or_default();
    let kit = validate_brand_kit(input, &kept)?;
    store::save_brand_kit(db, c.org_id, &kit, now).await
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
        let AppError::Validation(m) = validate_brand_kit(&kit, "").unwrap_err() else {
            panic!()
        };
        assert_eq!(m["primary_color"], vec!["err.contrast_low"]);
        kit.primary_color = "blue".into();
        let AppError::Validation(m) = validate_brand_kit(&kit, "").unwrap_err() else {
            panic!()
        };
        assert_eq!(m["primary_color"], vec!["err.color_invalid"]);
        kit.primary_color = "#0A4D8C".into();
        assert_eq!(
            validate_brand_kit(&kit, "").unwrap().primary_color,
            "#0a4d8c"
        );
    }
}
