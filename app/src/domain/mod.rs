//! Domain newtypes that parse. The browser uses them for instant feedback and the server as
//! the authority. Errors are i18n message keys.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid, lower-cased email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("err.required");
        }
        if s.len() > 254 {
            return Err("err.too_long");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("err.email_invalid");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(s))
        } else {
            Err("err.email_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name: trimmed, 1 to 100 characters, no control characters.
pub fn parse_person_name(raw: &str) -> Result<String, &'static str> {
    parse_required_text(raw, 100)
}

/// An organisation's name: trimmed, 2 to 120 characters, no control characters.
pub fn parse_org_name(raw: &str) -> Result<String, &'static str> {
    let s = parse_required_text(raw, 120)?;
    if s.chars().count() < 2 {
        return Err("err.too_short");
    }
    Ok(s)
}

/// Required one-line text: trimmed, 1 to `max` characters, no control characters, runs of
/// whitespace made one space.
pub fn parse_required_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("err.required");
    }
    if s.chars().count() > max {
        return Err("err.too_long");
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("err.invalid_chars");
    }
    Ok(s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Optional free text (descriptions): at most `max` characters, control characters other
/// than newlines rejected.
pub fn parse_optional_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err("err.too_long");
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("err.invalid_chars");
    }
    Ok(s.to_string())
}

/// Whole numbers that arrive as JSON numbers of any spelling (`12` or `12.0`, both
/// integers to JSON Schema), for `#[serde(deserialize_with)]`; a fraction is refused.
pub mod whole {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(i64),
        Float(f64),
    }

    fn whole<E: Error>(n: Number) -> Result<i64, E> {
        match n {
            Number::Int(i) => Ok(i),
            // Beyond 2^53 a JSON number is no longer exact as a double.
            Number::Float(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                Ok(f as i64)
            }
            Number::Float(_) => Err(E::custom("expected a whole number")),
        }
    }

    pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        whole(Number::deserialize(d)?)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<Number>::deserialize(d)?.map(whole).transpose()
    }

    pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        Vec::<Number>::deserialize(d)?
            .into_iter()
            .map(whole)
            .collect()
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An optional website: empty, or an http(s) URL with a dotted host.
pub fn parse_website(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let rest = with_scheme
        .strip_prefix("https://")
        .or_else(|| with_scheme.strip_prefix("http://"))
        .ok_or("err.url_invalid")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !host_ok || with_scheme.len() > 300 || with_scheme.chars().any(char::is_whitespace) {
        return Err("err.url_invalid");
    }
    Ok(with_scheme)
}

/// A URL slug: lower-case ASCII letters, digits and single hyphens, 2 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        let ok = (2..=60).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err("err.slug_invalid")
        }
    }

    /// Derives a slug from a name: "Müller & Söhne GmbH" → "muller-sohne-gmbh".
    pub fn from_name(name: &str) -> Self {
        let mut out = String::new();
        for c in name.chars() {
            let mapped = fold_char(c);
            for m in mapped.chars() {
                if m.is_ascii_alphanumeric() {
                    out.push(m.to_ascii_lowercase());
                } else if !out.ends_with('-') && !out.is_empty() {
                    out.push('-');
                }
            }
        }
        let mut s = out.trim_matches('-').to_string();
        s.truncate(50);
        let s = s.trim_matches('-').to_string();
        if s.len() < 2 {
            Slug("org".to_string())
        } else {
            Slug(s)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_char(c: char) -> String {
    match c {
        'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'Ä' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => {
            "a".into()
        }
        'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => {
            "o".into()
        }
        'ü' | 'ù' | 'ú' | 'û' | 'Ü' | 'Ù' | 'Ú' | 'Û' => "u".into(),
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e".into(),
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => "i".into(),
        'ç' | 'Ç' => "c".into(),
        'ñ' | 'Ñ' => "n".into(),
        'ß' => "ss".into(),
        '&' => "-".into(),
        other => other.to_string(),
    }
}

/// A password a user chooses: 10 to 128 characters.
pub fn check_new_password(raw: &str) -> Result<(), &'static str> {
    let n = raw.chars().count();
    if n < 10 {
        Err("err.password_short")
    } else if n > 128 {
        Err("err.too_long")
    } else {
        Ok(())
    }
}

mod codes;
pub(crate) use codes::code_enum;
pub use codes::*;

/// Parses an amount typed by a person ("12,500.50", "12500", "12.500,50") into minor
/// units of the currency. Positive, at most 1e12 major units.
pub fn parse_money(raw: &str, currency: Currency) -> Result<i64, &'static str> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'' && *c != '\u{a0}')
        .collect();
    if s.is_empty() {
        return Err("err.required");
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err("err.money_invalid");
    }
    // The last separator followed by 1 or 2 digits is the decimal point; others group.
    let last_sep = s.rfind(['.', ',']);
    let (int_part, frac_part) = match last_sep {
        Some(i) if s.len() - i - 1 <= 2 && s.len() - i > 1 => (&s[..i], &s[i + 1..]),
        _ => (s.as_str(), ""),
    };
    // Grouping must be well-formed: one separator kind, groups of three, and not the
    // decimal separator ("12.5.5,0" is refused rather than guessed).
    let group_seps: Vec<char> = int_part.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(g) = group_seps.first() {
        let dec = last_sep
            .filter(|_| !frac_part.is_empty())
            .map(|i| s.as_bytes()[i] as char);
        let groups: Vec<&str> = int_part.split(*g).collect();
        let ok = group_seps.iter().all(|c| c == g)
            && dec != Some(*g)
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|x| x.len() == 3);
        if !ok {
            return Err("err.money_invalid");
        }
    }
    let int_digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if int_digits.is_empty() && frac_part.is_empty() {
        return Err("err.money_invalid");
    }
    let digits = currency.minor_digits() as usize;
    if frac_part.len() > digits {
        return Err("err.money_invalid");
    }
    let major: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| "err.money_invalid")?
    };
    if major > 1_000_000_000_000 {
        return Err("err.too_large");
    }
    let mut frac = frac_part.to_string();
    while frac.len() < digits {
        frac.push('0');
    }
    let minor: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| "err.money_invalid")?
    };
    let total = major * 10i64.pow(digits as u32) + minor;
    if total <= 0 {
        Err("err.must_be_positive")
    } else {
        Ok(total)
    }
}

/// A calendar date as YYYY-MM-DD.
pub fn parse_date(raw: &str) -> Result<time::Date, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("err.required");
    }
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("err.date_invalid");
    };
    let y: i32 = y.parse().map_err(|_| "err.date_invalid")?;
    let m: u8 = m.parse().map_err(|_| "err.date_invalid")?;
    let d: u8 = d.parse().map_err(|_| "err.date_invalid")?;
    let month = time::Month::try_from(m).map_err(|_| "err.date_invalid")?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| "err.date_invalid")
}

#[cfg(test)]
mod tests;
