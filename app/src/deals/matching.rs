//! The matching engine's frame: each record is reduced to a `Fingerprint` (normalised name,
//! domains, phone digits, address parts) and filed under blocking keys; candidates sharing
//! a key are compared and scored by the match model (`super::model`, Fellegi–Sunter), whose
//! score is a calibrated match probability. Here: the thresholds on that probability, which
//! matches are shown, and the keys.

use super::Verdict;

/// Match probabilities at or above this are shown to a channel manager for review.
pub const REVIEW_AT: f64 = 0.5;
/// Match probabilities at or above this are conflicts.
pub const CONFLICT_AT: f64 = 0.95;

pub use super::normalize::*;

/// Damerau-Levenshtein similarity in 0..1.
pub(crate) fn similarity(a: &str, b: &str) -> (f64, usize) {
    let max = a.chars().count().max(b.chars().count());
    if max == 0 {
        return (0.0, 0);
    }
    let d = strsim::damerau_levenshtein(a, b);
    (1.0 - d as f64 / max as f64, d)
}

pub(crate) fn phones_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // One side may carry a country code or a trunk zero the other lacks.
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 9 && long.ends_with(short)
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

/// Most candidates scored per check: the ones sharing the most index keys.
pub const MAX_CANDIDATES: usize = 120;

/// How much sharing a key counts when choosing candidates: identifiers (domain, phone,
/// address) outweigh name keys, so a record sharing a domain is always among the
/// candidates even when many share a name.
pub fn key_weight(key: &str) -> i64 {
    if key.starts_with('n') || key.starts_with("i:") {
        1
    } else {
        4
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
    if let Some(k) = super::model::name_key(&f.name) {
        keys.push(k);
    }
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
