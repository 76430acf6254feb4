//! Normalising what partners type about a customer into a `Fingerprint` the matching
//! engine compares: company names without legal forms and with abbreviations expanded,
//! registrable domains, employer mail domains (free-mail dropped), phone digits and
//! street, number, postcode, city and country.

use super::Customer;

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
