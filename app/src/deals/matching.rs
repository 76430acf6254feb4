//! The matching engine. Each record is reduced to a `Fingerprint` (normalised name, domains,
//! phone digits, address parts); two fingerprints are compared evidence by evidence, each
//! piece with a weight, combined as a noisy-or so that independent evidence adds up and
//! the score stays in 0..1. Every match carries its reasons.

use super::{Reason, Verdict};

/// Scores at or above this are shown to a channel manager for review.
pub const REVIEW_AT: f64 = 0.55;
/// Scores at or above this are conflicts.
pub const CONFLICT_AT: f64 = 0.85;

pub use super::normalize::*;

/// Damerau-Levenshtein similarity in 0..1.
fn similarity(a: &str, b: &str) -> (f64, usize) {
    let max = a.chars().count().max(b.chars().count());
    if max == 0 {
        return (0.0, 0);
    }
    let d = strsim::damerau_levenshtein(a, b);
    (1.0 - d as f64 / max as f64, d)
}

fn reason(code: &str, detail: String, weight: f64) -> Reason {
    Reason {
        code: code.to_string(),
        args: Vec::new(),
        detail,
        weight,
    }
}

/// `r` with a value its text names.
fn with(mut r: Reason, name: &str, value: impl ToString) -> Reason {
    r.args.push((name.to_string(), value.to_string()));
    r
}

fn name_evidence(a: &NameKey, b: &NameKey) -> Option<Reason> {
    if a.joined.is_empty() || b.joined.is_empty() {
        return None;
    }
    if a.joined == b.joined {
        return Some(reason(
            "match.name_equal",
            "name equal after normalising case, punctuation, accents and legal suffix".into(),
            0.70,
        ));
    }
    if a.tokens.len() > 1 && a.sorted == b.sorted {
        return Some(reason(
            "match.name_reordered",
            "same name words in a different order".into(),
            0.65,
        ));
    }
    let initials = |k: &NameKey| {
        k.tokens
            .iter()
            .filter_map(|t| t.chars().next())
            .collect::<String>()
    };
    for (short, long) in [(a, b), (b, a)] {
        if short.tokens.len() == 1
            && long.tokens.len() >= 2
            && short.joined.len() >= 2
            && short.joined == initials(long)
        {
            let r = reason(
                "match.name_acronym",
                format!(
                    "\"{}\" is the initials of \"{}\"",
                    short.joined,
                    long.tokens.join(" ")
                ),
                0.45,
            );
            return Some(with(
                with(r, "short", &short.joined),
                "long",
                long.tokens.join(" "),
            ));
        }
    }
    let (sim_joined, dist) = similarity(&a.joined, &b.joined);
    let (sim_sorted, _) = similarity(&a.sorted.replace(' ', ""), &b.sorted.replace(' ', ""));
    let len = a.joined.len().min(b.joined.len());
    if (dist == 1 && len >= 5) || (dist == 2 && len >= 12) || sim_joined.max(sim_sorted) >= 0.92 {
        return Some(with(
            reason(
                "match.name_typo",
                format!("name differs by {dist} typing error(s) after normalising"),
                0.55,
            ),
            "n",
            dist,
        ));
    }
    let sim = sim_joined.max(sim_sorted);
    if sim >= 0.85 {
        return Some(with(
            reason(
                "match.name_similar",
                format!("names {:.0}% similar", sim * 100.0),
                0.35,
            ),
            "pct",
            format!("{:.0}", sim * 100.0),
        ));
    }
    None
}

fn phones_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // One side may carry a country code or a trunk zero the other lacks.
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 9 && long.ends_with(short)
}

/// Compares two records; returns the score and the reasons, strongest first.
pub fn compare(a: &Fingerprint, b: &Fingerprint) -> (f64, Vec<Reason>) {
    let mut reasons = Vec::new();
    if let Some(r) = name_evidence(&a.name, &b.name) {
        reasons.push(r);
    }
    match (&a.web_domain, &b.web_domain) {
        (Some(x), Some(y)) if x == y => reasons.push(with(
            reason(
                "match.domain_equal",
                format!("domain {x} equal after normalising www. and subdomain"),
                0.75,
            ),
            "domain",
            x,
        )),
        _ => {
            let cross = [
                (&a.web_domain, &b.mail_domain),
                (&a.mail_domain, &b.web_domain),
            ]
            .into_iter()
            .find_map(|(w, m)| match (w, m) {
                (Some(w), Some(m)) if w == m => Some(w.clone()),
                _ => None,
            });
            if let Some(d) = cross {
                reasons.push(with(
                    reason(
                        "match.email_domain",
                        format!("contact email at {d}, the other record's website"),
                        0.60,
                    ),
                    "domain",
                    &d,
                ));
            } else if let (Some(x), Some(y)) = (&a.mail_domain, &b.mail_domain)
                && x == y
            {
                reasons.push(with(
                    reason(
                        "match.email_domain",
                        format!("contact emails at the same company domain {x}"),
                        0.55,
                    ),
                    "domain",
                    x,
                ));
            }
        }
    }
    if let (Some(x), Some(y)) = (&a.phone, &b.phone)
        && phones_match(x, y)
    {
        reasons.push(reason("match.phone", "same phone digits".into(), 0.60));
    }
    let same_number = matches!((&a.street_number, &b.street_number), (Some(x), Some(y)) if x == y);
    match (&a.postcode, &b.postcode) {
        (Some(x), Some(y)) if x == y && same_number => reasons.push(reason(
            "match.address",
            "same postcode and street number".into(),
            0.45,
        )),
        _ if same_number && a.street.is_some() && a.street == b.street && a.city == b.city => {
            reasons.push(reason(
                "match.address",
                "same street and number in the same city".into(),
                0.40,
            ))
        }
        _ => {}
    }
    if a.city.is_some() && a.city == b.city && a.country == b.country {
        reasons.push(reason("match.city", "same city".into(), 0.10));
    }
    let mut keep = 1.0;
    for r in &reasons {
        keep *= 1.0 - r.weight;
    }
    let mut score = 1.0 - keep;
    // Evidence against: identifiers both records have, and that disagree.
    if let (Some(x), Some(y)) = (&a.country, &b.country)
        && x != y
    {
        score *= 0.6;
        let r = reason(
            "match.country_differs",
            format!("different countries ({x} and {y})"),
            -0.4,
        );
        reasons.push(with(with(r, "a", x), "b", y));
    }
    let domains = |f: &Fingerprint| {
        [&f.web_domain, &f.mail_domain]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
    };
    let (da, db) = (domains(a), domains(b));
    if !da.is_empty() && !db.is_empty() && !da.iter().any(|d| db.contains(d)) {
        score *= 0.75;
        let r = reason(
            "match.domains_differ",
            format!("no shared domain ({} and {})", da.join(", "), db.join(", ")),
            -0.25,
        );
        reasons.push(with(with(r, "a", da.join(", ")), "b", db.join(", ")));
    }
    let postcodes_differ = matches!((&a.postcode, &b.postcode), (Some(x), Some(y)) if x != y);
    let phones_differ = matches!((&a.phone, &b.phone), (Some(x), Some(y)) if !phones_match(x, y));
    if postcodes_differ && phones_differ {
        score *= 0.8;
        reasons.push(reason(
            "match.address_phone_differ",
            "different postcode and phone".into(),
            -0.2,
        ));
    }
    reasons.sort_by(|x, y| y.weight.total_cmp(&x.weight));
    (score, reasons)
}

/// Matches worth showing: at review level, and not far below the best one (a weaker
/// look-alike next to a near-certain match is noise for the reviewer).
pub const SHOW_WITHIN: f64 = 0.2;

pub fn shown(scores: &[f64]) -> Vec<bool> {
    let best = scores.iter().copied().fold(0.0, f64::max);
    scores
        .iter()
        .map(|s| *s >= REVIEW_AT && *s >= best - SHOW_WITHIN)
        .collect()
}

pub fn verdict_for(score: f64) -> Verdict {
    if score >= CONFLICT_AT {
        Verdict::Conflict
    } else if score >= REVIEW_AT {
        Verdict::Review
    } else {
        Verdict::Clear
    }
}

/// Index keys under which a record is found: any record sharing a key with a query is a
/// candidate and gets scored. Keys are selective (domains, phones, address, pairs of
/// name-word prefixes), so a lookup reads few rows even with millions of records.
pub fn blocking_keys(f: &Fingerprint) -> Vec<String> {
    let mut keys = Vec::new();
    for d in [&f.web_domain, &f.mail_domain].into_iter().flatten() {
        keys.push(format!("d:{d}"));
    }
    if let Some(p) = &f.phone {
        let tail = &p[p.len().saturating_sub(9)..];
        keys.push(format!("p:{tail}"));
    }
    if let (Some(pc), Some(n)) = (&f.postcode, &f.street_number) {
        keys.push(format!("a:{pc}|{n}"));
    }
    let prefixes: Vec<String> = f
        .name
        .tokens
        .iter()
        .map(|t| t.chars().take(3).collect())
        .collect();
    if prefixes.len() == 1 {
        keys.push(format!(
            "n:{}",
            f.name.joined.chars().take(5).collect::<String>()
        ));
    }
    for i in 0..prefixes.len() {
        for j in i + 1..prefixes.len() {
            let (x, y) = if prefixes[i] <= prefixes[j] {
                (&prefixes[i], &prefixes[j])
            } else {
                (&prefixes[j], &prefixes[i])
            };
            keys.push(format!("n:{x}|{y}"));
        }
    }
    if f.name.tokens.len() >= 2 {
        let initials: String = f
            .name
            .tokens
            .iter()
            .filter_map(|t| t.chars().next())
            .collect();
        keys.push(format!("i:{initials}"));
    } else if f.name.joined.len() <= 6 {
        keys.push(format!("i:{}", f.name.joined));
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
