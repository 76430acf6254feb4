//! The matching engine. Each record is reduced to a `Fingerprint` (normalised name, domains,
//! phone digits, address parts); two fingerprints are compared evidence by evidence, each
//! piece with a weight, combined as a noisy-or so that independent evidence adds up and
//! the score stays in 0..1. Every match carries its reasons.

use super::{Customer, Reason, Verdict};

/// Scores at or above this are shown to a channel manager for review.
pub const REVIEW_AT: f64 = 0.55;
/// Scores at or above this are conflicts.
pub const CONFLICT_AT: f64 = 0.85;

/// Legal-form words dropped from the end of a name ("Pty Ltd", "GmbH & Co KG", "S.A.").
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "lc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ev",
    "se",
    "sa",
    "sas",
    "sarl",
    "sasu",
    "eurl",
    "bv",
    "nv",
    "vof",
    "pty",
    "pte",
    "pvt",
    "private",
    "srl",
    "spa",
    "sl",
    "slu",
    "sau",
    "oy",
    "oyj",
    "ab",
    "as",
    "asa",
    "aps",
    "kk",
    "bhd",
    "sdn",
    "pllc",
    "pc",
    "kft",
    "sro",
    "zoo",
    "doo",
    "ltda",
    "cia",
    "nl",
];

/// Common abbreviations, mapped to one spelling.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("natl", "national"),
    ("mfg", "manufacturing"),
    ("svcs", "services"),
    ("svc", "services"),
    ("srvcs", "services"),
    ("grp", "group"),
    ("hldgs", "holdings"),
    ("hldg", "holding"),
    ("assoc", "associates"),
    ("assocs", "associates"),
    ("bros", "brothers"),
    ("ctr", "center"),
    ("centre", "center"),
    ("univ", "university"),
    ("mgmt", "management"),
    ("mktg", "marketing"),
    ("engg", "engineering"),
    ("eng", "engineering"),
    ("dist", "distribution"),
    ("tech", "technologies"),
    ("technology", "technologies"),
    ("laboratories", "labs"),
    ("laboratory", "labs"),
    ("lab", "labs"),
    ("sys", "systems"),
    ("solns", "solutions"),
    ("comms", "communications"),
    ("telecommunications", "telecom"),
];

/// Mail providers whose domains say nothing about the employer.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "ymail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "t-online.de",
    "mail.ru",
    "yandex.ru",
    "yandex.com",
    "protonmail.com",
    "proton.me",
    "qq.com",
    "163.com",
    "126.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "libero.it",
    "btinternet.com",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "mail.com",
    "inbox.com",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "naver.com",
];

/// A normalised company name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NameKey {
    pub tokens: Vec<String>,
    /// Tokens concatenated: "Falcon-Bright" and "FalconBright" agree.
    pub joined: String,
    /// Tokens sorted, for reordered names.
    pub sorted: String,
}

/// What the engine compares.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fingerprint {
    pub name: NameKey,
    /// The registrable domain of the website, if any.
    pub web_domain: Option<String>,
    /// The registrable domain of the contact email, unless a free-mail provider.
    pub mail_domain: Option<String>,
    /// Phone digits (at least 7).
    pub phone: Option<String>,
    pub postcode: Option<String>,
    pub street_number: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// Normalises a company name: accents, case, punctuation, `&`/`and`, a leading "The",
/// common abbreviations and trailing legal suffixes.
pub fn normalize_name(raw: &str) -> NameKey {
    let folded = fold(raw)
        .replace(['&', '+'], " and ")
        .replace(['.', '\'', '’'], "");
    let mut tokens: Vec<String> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| {
            ABBREVIATIONS
                .iter()
                .find(|(a, _)| *a == t)
                .map(|(_, full)| full.to_string())
                .unwrap_or_else(|| t.to_string())
        })
        .collect();
    // "S A" (from "S. A.") reads as "sa": join runs of single letters.
    let mut merged: Vec<String> = Vec::with_capacity(tokens.len());
    let mut last_was_letter = false;
    for t in tokens.drain(..) {
        let single = t.len() == 1 && t.chars().all(|c| c.is_ascii_alphabetic());
        match merged.last_mut() {
            Some(prev) if single && last_was_letter => prev.push_str(&t),
            _ => merged.push(t),
        }
        last_was_letter = single;
    }
    let original = merged.clone();
    if merged.first().is_some_and(|t| t == "the") && merged.len() > 1 {
        merged.remove(0);
    }
    merged.retain(|t| t != "and");
    while merged.len() > 1
        && merged
            .last()
            .is_some_and(|t| LEGAL_SUFFIXES.contains(&t.as_str()))
    {
        merged.pop();
    }
    if merged.is_empty() {
        merged = original;
    }
    let joined = merged.concat();
    let mut sorted = merged.clone();
    sorted.sort();
    NameKey {
        sorted: sorted.join(" "),
        joined,
        tokens: merged,
    }
}

/// The registrable domain of a website or host: scheme, `www.`, subdomains, port and path
/// removed ("https://www.shop.example.co.uk/x" → "example.co.uk").
pub fn normalize_domain(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let s = s.split("://").last().unwrap_or_default();
    let host = s.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default().trim_matches('.');
    if host.is_empty()
        || !host.contains('.')
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return None;
    }
    let host = host.strip_prefix("www.").unwrap_or(host);
    psl::domain_str(host)
        .map(|d| d.to_string())
        .or_else(|| Some(host.to_string()))
}

/// The registrable domain of an email address, unless it is a free-mail provider.
pub fn employer_mail_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let d = normalize_domain(domain)?;
    if FREE_MAIL.contains(&d.as_str()) {
        None
    } else {
        Some(d)
    }
}

/// Phone digits; numbers shorter than 7 digits are ignored.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() >= 7).then_some(digits)
}

const STREET_KINDS: &[(&str, &str)] = &[
    ("st", "street"),
    ("str", "strasse"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("rd", "road"),
    ("blvd", "boulevard"),
    ("dr", "drive"),
    ("ln", "lane"),
    ("ct", "court"),
    ("pl", "place"),
    ("sq", "square"),
    ("hwy", "highway"),
    ("pkwy", "parkway"),
    ("ter", "terrace"),
];

/// Street tokens with kinds spelled out ("9549 Oak Rd." → number "9549", "oak road").
pub fn normalize_street(raw: &str) -> (Option<String>, Option<String>) {
    let folded = fold(raw).replace('.', " ");
    let mut number = None;
    let mut words = Vec::new();
    for t in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        if number.is_none() && t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            number = Some(t.to_string());
            continue;
        }
        let t = STREET_KINDS
            .iter()
            .find(|(a, _)| *a == t)
            .map(|(_, f)| *f)
            .unwrap_or(t);
        words.push(t.to_string());
    }
    let street = (!words.is_empty()).then(|| words.join(" "));
    (number, street)
}

fn non_empty(s: &str) -> Option<String> {
    let t = fold(s).split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

pub fn fingerprint(c: &Customer) -> Fingerprint {
    let (street_number, street) = normalize_street(&c.street);
    Fingerprint {
        name: normalize_name(&c.company),
        web_domain: normalize_domain(&c.domain),
        mail_domain: employer_mail_domain(&c.contact_email),
        phone: normalize_phone(&c.phone),
        postcode: non_empty(&c.postcode).map(|p| p.replace(' ', "").to_uppercase()),
        street_number,
        street,
        city: non_empty(&c.city),
        country: non_empty(&c.country).map(|c| c.to_uppercase()),
    }
}

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
        detail,
        weight,
    }
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
            return Some(reason(
                "match.name_acronym",
                format!(
                    "\"{}\" is the initials of \"{}\"",
                    short.joined,
                    long.tokens.join(" ")
                ),
                0.45,
            ));
        }
    }
    let (sim_joined, dist) = similarity(&a.joined, &b.joined);
    let (sim_sorted, _) = similarity(&a.sorted.replace(' ', ""), &b.sorted.replace(' ', ""));
    let len = a.joined.len().min(b.joined.len());
    if (dist == 1 && len >= 5) || (dist == 2 && len >= 12) || sim_joined.max(sim_sorted) >= 0.92 {
        return Some(reason(
            "match.name_typo",
            format!("name differs by {dist} typing error(s) after normalising"),
            0.55,
        ));
    }
    let sim = sim_joined.max(sim_sorted);
    if sim >= 0.85 {
        return Some(reason(
            "match.name_similar",
            format!("names {:.0}% similar", sim * 100.0),
            0.35,
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
        (Some(x), Some(y)) if x == y => reasons.push(reason(
            "match.domain_equal",
            format!("domain {x} equal after normalising www. and subdomain"),
            0.75,
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
                reasons.push(reason(
                    "match.email_domain",
                    format!("contact email at {d}, the other record's website"),
                    0.60,
                ));
            } else if let (Some(x), Some(y)) = (&a.mail_domain, &b.mail_domain)
                && x == y
            {
                reasons.push(reason(
                    "match.email_domain",
                    format!("contact emails at the same company domain {x}"),
                    0.55,
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
        reasons.push(reason(
            "match.country_differs",
            format!("different countries ({x} and {y})"),
            -0.4,
        ));
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
        reasons.push(reason(
            "match.domains_differ",
            format!("no shared domain ({} and {})", da.join(", "), db.join(", ")),
            -0.25,
        ));
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
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        normalize_name(s).joined
    }

    fn cust(company: &str) -> Customer {
        Customer {
            company: company.into(),
            ..Default::default()
        }
    }

    #[test]
    fn legal_suffixes_are_removed_across_countries() {
        for (a, b) in [
            ("Falcon Bright Networks KG", "falconbrightnetworks"),
            ("Sage Consulting Inc.", "sageconsulting"),
            ("Sage Consulting L.L.C.", "sageconsulting"),
            ("Crimson Telecom Limited", "crimsontelecom"),
            ("Lumen Ventures S.A.S.", "lumenventures"),
            ("Cobalt Logistics Pty. Ltd.", "cobaltlogistics"),
            ("Müller Maschinenbau GmbH & Co. KG", "mullermaschinenbau"),
            ("Delta Data B.V.", "deltadata"),
            ("Nova Foods S. A.", "novafoods"),
        ] {
            assert_eq!(key(a), b, "{a}");
        }
    }

    #[test]
    fn case_punctuation_accents_and_the_are_ignored() {
        assert_eq!(key("ZEPHYR, STORAGE LIMITED"), key("Zephyr Storage Ltd"));
        assert_eq!(key("The Société Générale"), key("societe generale"));
        assert_eq!(key("Ben & Jerry's"), key("Ben and Jerrys"));
        assert_eq!(key("AT&T Inc"), "att");
    }

    #[test]
    fn abbreviations_are_expanded() {
        assert_eq!(
            key("Intl. Business Machines Corp"),
            key("International Business Machines Corporation")
        );
        assert_eq!(key("Acme Tech"), key("ACME Technologies"));
        assert_eq!(key("Acme Mfg Co"), key("Acme Manufacturing Company"));
    }

    #[test]
    fn a_name_that_is_only_a_suffix_is_kept() {
        assert_eq!(key("Company"), "company");
    }

    #[test]
    fn domains_lose_scheme_www_subdomains_and_paths() {
        assert_eq!(
            normalize_domain("HTTP://www.Example.co.uk/about"),
            Some("example.co.uk".into())
        );
        assert_eq!(
            normalize_domain("https://shop.example.com:8443"),
            Some("example.com".into())
        );
        assert_eq!(
            normalize_domain("example.com.au"),
            Some("example.com.au".into())
        );
        assert_eq!(normalize_domain("not a domain"), None);
        assert_eq!(normalize_domain(""), None);
    }

    #[test]
    fn free_mail_domains_are_ignored() {
        assert_eq!(employer_mail_domain("jo@gmail.com"), None);
        assert_eq!(
            employer_mail_domain("jo@sales.acme.de"),
            Some("acme.de".into())
        );
    }

    #[test]
    fn phones_compare_by_digits_and_tolerate_a_country_code() {
        assert_eq!(
            normalize_phone("+27 171-346 (2486)"),
            Some("271713462486".into())
        );
        assert_eq!(normalize_phone("12 34"), None);
        assert!(phones_match("271713462486", "1713462486"));
        assert!(!phones_match("1234567", "7654321"));
    }

    #[test]
    fn streets_spell_out_kinds_and_keep_the_number() {
        assert_eq!(
            normalize_street("9549 Oak Rd."),
            (Some("9549".into()), Some("oak road".into()))
        );
        assert_eq!(
            normalize_street("9549 Oak Road"),
            (Some("9549".into()), Some("oak road".into()))
        );
    }

    #[test]
    fn the_same_company_written_differently_is_a_conflict_with_reasons() {
        let a = fingerprint(&Customer {
            company: "Falcon Bright Networks KG".into(),
            domain: "falconbrightnetworks0.de".into(),
            street: "9549 Oak Road".into(),
            postcode: "10830".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            phone: "+27 171 346 2486".into(),
            ..Default::default()
        });
        let b = fingerprint(&Customer {
            company: "FALCON BRIGHT NETWORKS K.G.".into(),
            domain: "https://www.falconbrightnetworks0.de".into(),
            street: "9549 Oak Rd".into(),
            postcode: "10830".into(),
            city: "BERLIN".into(),
            country: "DE".into(),
            phone: "271713462486".into(),
            ..Default::default()
        });
        let (score, reasons) = compare(&a, &b);
        assert_eq!(verdict_for(score), Verdict::Conflict, "{score}");
        let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
        for c in [
            "match.name_equal",
            "match.domain_equal",
            "match.phone",
            "match.address",
            "match.city",
        ] {
            assert!(codes.contains(&c), "{c} in {codes:?}");
        }
    }

    #[test]
    fn a_typo_alone_is_worth_a_review_not_a_conflict() {
        let a = fingerprint(&Customer {
            city: "Leeds".into(),
            country: "GB".into(),
            ..cust("Crimson Telecom Ltd")
        });
        let b = fingerprint(&Customer {
            city: "Leeds".into(),
            country: "GB".into(),
            ..cust("Crimson Telcom Limited")
        });
        let (score, reasons) = compare(&a, &b);
        assert_eq!(verdict_for(score), Verdict::Review, "{score} {reasons:?}");
        assert_eq!(reasons[0].code, "match.name_typo");
    }

    #[test]
    fn a_sibling_name_in_the_same_city_is_clear() {
        let a = fingerprint(&Customer {
            city: "Paris".into(),
            country: "FR".into(),
            ..cust("Lumen Bright Ventures SAS")
        });
        let b = fingerprint(&Customer {
            city: "Paris".into(),
            country: "FR".into(),
            ..cust("Lumen Bright Analytics SAS")
        });
        let (score, _) = compare(&a, &b);
        assert_eq!(verdict_for(score), Verdict::Clear, "{score}");
    }

    #[test]
    fn the_same_name_in_another_country_is_not_a_conflict() {
        let a = fingerprint(&Customer {
            country: "US".into(),
            ..cust("Sage Consulting Inc")
        });
        let b = fingerprint(&Customer {
            country: "GB".into(),
            ..cust("Sage Consulting Ltd")
        });
        let (score, reasons) = compare(&a, &b);
        assert_eq!(verdict_for(score), Verdict::Clear, "{score}");
        assert!(reasons.iter().any(|r| r.code == "match.country_differs"));
    }

    #[test]
    fn acronyms_match_their_long_form() {
        let a = fingerprint(&cust("IBM"));
        let b = fingerprint(&cust("Intl. Business Machines Corp"));
        let (_, reasons) = compare(&a, &b);
        assert_eq!(reasons[0].code, "match.name_acronym");
        assert!(
            blocking_keys(&a)
                .iter()
                .any(|k| blocking_keys(&b).contains(k)),
            "found by the index"
        );
    }

    #[test]
    fn variants_share_a_blocking_key() {
        let a = fingerprint(&cust("Falcon Bright Networks"));
        let b = fingerprint(&cust("Bright Falcon Netwroks Inc"));
        assert!(
            blocking_keys(&a)
                .iter()
                .any(|k| blocking_keys(&b).contains(k))
        );
    }
}
