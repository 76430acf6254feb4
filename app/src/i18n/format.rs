//! Locale-aware formatting of dates, numbers and money. Small and dependency-free so the
//! browser bundle stays light; unit-tested against the conventions of each locale.

use super::Locale;
use time::OffsetDateTime;

fn group(int_part: u64, sep: char) -> String {
    let digits = int_part.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn seps(locale: Locale) -> (char, char) {
    match locale {
        Locale::En => (',', '.'),
        Locale::De => ('.', ','),
    }
}

/// An integer with grouping: 1,234,567 / 1.234.567.
pub fn integer(locale: Locale, n: i64) -> String {
    let (g, _) = seps(locale);
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(n.unsigned_abs(), g))
}

/// A decimal with `places` fraction digits: 1,234.50 / 1.234,50.
pub fn decimal(locale: Locale, value: f64, places: usize) -> String {
    let (g, d) = seps(locale);
    let sign = if value < 0.0 { "-" } else { "" };
    let scale = 10u64.pow(places as u32);
    let scaled = (value.abs() * scale as f64).round() as u64;
    let int_part = scaled / scale;
    let frac = scaled % scale;
    if places == 0 {
        format!("{sign}{}", group(int_part, g))
    } else {
        format!("{sign}{}{d}{:0places$}", group(int_part, g), frac)
    }
}

/// A number the server wrote in English punctuation ("×40,000", "×0.05", "1,200"),
/// re-punctuated for the locale ("×40.000", "×0,05", "1.200"). Anything that is not
/// such a number comes back unchanged.
pub fn english_number(locale: Locale, text: &str) -> String {
    let numeric = !text.is_empty()
        && text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '×' | '/' | '-'));
    match locale {
        Locale::De if numeric => text
            .chars()
            .map(|c| match c {
                ',' => '.',
                '.' => ',',
                c => c,
            })
            .collect(),
        _ => text.to_string(),
    }
}

/// Money from integer minor units and an ISO 4217 code: $1,234.50 / 1.234,50 $.
pub fn money(locale: Locale, minor_units: i64, currency: &str) -> String {
    let places = match currency {
        "JPY" | "KRW" => 0,
        _ => 2,
    };
    let value = minor_units as f64 / 10f64.powi(places as i32);
    let amount = decimal(locale, value, places);
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        other => other,
    };
    match locale {
        Locale::En if symbol.len() <= 2 || symbol.chars().count() == 1 => {
            if let Some(rest) = amount.strip_prefix('-') {
                format!("-{symbol}{rest}")
            } else {
                format!("{symbol}{amount}")
            }
        }
        Locale::En => format!("{symbol} {amount}"),
        Locale::De => format!("{amount}\u{a0}{symbol}"),
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date from UTC epoch seconds: Nov 21, 2026 / 21.11.2026.
pub fn date(locale: Locale, epoch_secs: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(epoch_secs) else {
        return String::new();
    };
    let (y, m, d) = (t.year(), u8::from(t.month()), t.day());
    match locale {
        Locale::En => format!("{} {d}, {y}", MONTHS_EN[(m - 1) as usize]),
        Locale::De => format!("{d:02}.{m:02}.{y}"),
    }
}

/// A calendar date as forms store it (`2026-11-21`) in the locale's format; anything else
/// as it is.
pub fn iso_date(locale: Locale, iso: &str) -> String {
    let mut parts = iso.trim().splitn(3, '-').map(str::parse::<u16>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d)))
            if (1..=12).contains(&m) && (1..=31).contains(&d) && y >= 1000 =>
        {
            match locale {
                Locale::En => format!("{} {d}, {y}", MONTHS_EN[usize::from(m - 1)]),
                Locale::De => format!("{d:02}.{m:02}.{y}"),
            }
        }
        _ => iso.to_string(),
    }
}

/// A date and time (UTC) from epoch seconds: Nov 21, 2026, 14:05 UTC / 21.11.2026, 14:05 UTC.
pub fn date_time(locale: Locale, epoch_secs: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(epoch_secs) else {
        return String::new();
    };
    format!(
        "{}, {:02}:{:02} UTC",
        date(locale, epoch_secs),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_dates_follow_the_locale() {
        assert_eq!(iso_date(Locale::En, "2026-03-09"), "Mar 9, 2026");
        assert_eq!(iso_date(Locale::De, "2026-03-09"), "09.03.2026");
        assert_eq!(iso_date(Locale::De, "2026-13-09"), "2026-13-09");
        assert_eq!(iso_date(Locale::En, ""), "");
    }

    #[test]
    fn integers_group_per_locale() {
        assert_eq!(integer(Locale::En, 1234567), "1,234,567");
        assert_eq!(integer(Locale::De, 1234567), "1.234.567");
        assert_eq!(integer(Locale::En, -1000), "-1,000");
        assert_eq!(integer(Locale::En, 999), "999");
    }

    #[test]
    fn decimals_use_the_locale_separator() {
        assert_eq!(decimal(Locale::En, 1234.5, 2), "1,234.50");
        assert_eq!(decimal(Locale::De, 1234.5, 2), "1.234,50");
        assert_eq!(decimal(Locale::De, 0.05, 1), "0,1");
    }

    #[test]
    fn english_numbers_are_repunctuated_per_locale() {
        assert_eq!(english_number(Locale::De, "×40,000"), "×40.000");
        assert_eq!(english_number(Locale::De, "×0.05"), "×0,05");
        assert_eq!(english_number(Locale::De, "×1/20,000"), "×1/20.000");
        assert_eq!(english_number(Locale::De, "1,200"), "1.200");
        assert_eq!(english_number(Locale::En, "×40,000"), "×40,000");
        assert_eq!(english_number(Locale::De, "acme.de"), "acme.de");
        assert_eq!(english_number(Locale::De, ""), "");
    }

    #[test]
    fn money_places_the_symbol_per_locale() {
        assert_eq!(money(Locale::En, 123450, "USD"), "$1,234.50");
        assert_eq!(money(Locale::De, 123450, "EUR"), "1.234,50\u{a0}€");
        assert_eq!(money(Locale::En, -500, "EUR"), "-€5.00");
        assert_eq!(money(Locale::En, 1000, "JPY"), "¥1,000");
        assert_eq!(money(Locale::En, 1000, "CHF"), "CHF 10.00");
    }

    #[test]
    fn dates_follow_locale_order() {
        // 2026-11-21T14:05:00Z
        let t = 1_795_269_900;
        assert_eq!(date(Locale::En, t), "Nov 21, 2026");
        assert_eq!(date(Locale::De, t), "21.11.2026");
        assert_eq!(date_time(Locale::De, t), "21.11.2026, 14:05 UTC");
    }
}
