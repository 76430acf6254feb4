//! The match model: Fellegi–Sunter. Two records are compared field by field, and each
//! comparison lands on one level (exact, normalised, fuzzy-close, fuzzy-far, different, or
//! missing). Each level has an m probability (how often true matches land there) and a u
//! probability (how often unrelated records do); its evidence is the Bayes factor m/u. The
//! factors multiply the prior odds that a candidate is the same company, giving a match
//! probability, and each factor is a reason a reviewer can read.
//!
//! u comes from random pairs of the vendor's records; m is estimated by
//! expectation-maximisation on the vendor's candidate pairs (no labels needed). Agreement on
//! a name or domain is adjusted by how often that exact value occurs in the index, so the
//! name shared by a thousand records is weak evidence and a rare one strong.

use super::Reason;
use super::matching::{Fingerprint, NameKey, phones_match, similarity};
use serde::{Deserialize, Serialize};

/// The comparisons, in order.
pub const FIELDS: [&str; 5] = ["name", "domain", "phone", "address", "country"];
/// Levels per comparison, index 0 being "missing" (one side has no value: no evidence).
pub const LEVELS: [&[&str]; 5] = [
    &[
        "missing",
        "exact",
        "normalised",
        "fuzzy_close",
        "fuzzy_far",
        "different",
    ],
    &["missing", "exact", "email", "different"],
    &["missing", "exact", "normalised", "different"],
    &[
        "missing",
        "exact",
        "normalised",
        "postcode",
        "city",
        "different",
    ],
    &["missing", "exact", "different"],
];

/// One comparison vector: a level per field.
pub type Levels = [u8; 5];

/// Smallest probability a level may have: data has errors the training set may not show,
/// so no single comparison is allowed to be infinitely strong evidence.
const FLOOR: f64 = 1e-4;
const U_FLOOR: f64 = 1e-7;
/// Below this many records, value frequencies are too noisy to adjust by; the model's own
/// u is used instead.
pub const TF_MIN_RECORDS: f64 = 1000.0;

/// What a comparison found, for the words of its reasons.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub name: String,
    pub name_joined: String,
    pub name_dist: usize,
    pub name_pct: u32,
    pub acronym: Option<(String, String)>,
    pub domain: Option<String>,
    pub domains: (String, String),
    pub city: String,
    pub countries: (String, String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub levels: Levels,
    pub evidence: Evidence,
}

fn name_level(a: &NameKey, b: &NameKey, ev: &mut Evidence) -> u8 {
    if a.joined.is_empty() || b.joined.is_empty() {
        return 0;
    }
    ev.name = a.tokens.join(" ");
    ev.name_joined = a.joined.clone();
    if a.joined == b.joined {
        return 1;
    }
    if a.tokens.len() > 1 && a.sorted == b.sorted {
        return 2;
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
            ev.acronym = Some((short.joined.clone(), long.tokens.join(" ")));
            return 2;
        }
    }
    let (sim_joined, dist) = similarity(&a.joined, &b.joined);
    let (sim_sorted, _) = similarity(&a.sorted.replace(' ', ""), &b.sorted.replace(' ', ""));
    let sim = sim_joined.max(sim_sorted);
    ev.name_dist = dist;
    ev.name_pct = (sim * 100.0).round() as u32;
    let len = a.joined.len().min(b.joined.len());
    if (dist == 1 && len >= 5) || (dist == 2 && len >= 12) || sim >= 0.92 {
        3
    } else if sim >= 0.80 {
        4
    } else {
        5
    }
}

fn domains(f: &Fingerprint) -> Vec<&String> {
    let mut d: Vec<&String> = [&f.web_domain, &f.mail_domain]
        .into_iter()
        .flatten()
        .collect();
    d.dedup();
    d
}

fn domain_level(a: &Fingerprint, b: &Fingerprint, ev: &mut Evidence) -> u8 {
    if let (Some(x), Some(y)) = (&a.web_domain, &b.web_domain)
        && x == y
    {
        ev.domain = Some(x.clone());
        return 1;
    }
    let (da, db) = (domains(a), domains(b));
    if da.is_empty() || db.is_empty() {
        return 0;
    }
    if let Some(d) = da.iter().find(|d| db.contains(d)) {
        ev.domain = Some((*d).clone());
        return 2;
    }
    let join = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    ev.domains = (join(&da), join(&db));
    3
}

fn phone_level(a: &Fingerprint, b: &Fingerprint) -> u8 {
    match (&a.phone, &b.phone) {
        (Some(x), Some(y)) if x == y => 1,
        (Some(x), Some(y)) if phones_match(x, y) => 2,
        (Some(_), Some(_)) => 3,
        _ => 0,
    }
}

fn address_level(a: &Fingerprint, b: &Fingerprint, ev: &mut Evidence) -> u8 {
    let both = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    let postcode = both(&a.postcode, &b.postcode);
    let number = both(&a.street_number, &b.street_number);
    let street = both(&a.street, &b.street);
    let city = both(&a.city, &b.city);
    if let Some(c) = &a.city {
        ev.city = c.clone();
    }
    match (postcode, number, street, city) {
        (Some(true), Some(true), _, _) => 1,
        (None, Some(true), Some(true), Some(true)) => 2,
        (Some(true), _, _, _) => 3,
        (_, _, _, Some(true)) => 4,
        (None, _, _, None) => 0,
        _ => 5,
    }
}

fn country_level(a: &Fingerprint, b: &Fingerprint, ev: &mut Evidence) -> u8 {
    match (&a.country, &b.country) {
        (Some(x), Some(y)) => {
            ev.countries = (x.clone(), y.clone());
            if x == y { 1 } else { 2 }
        }
        _ => 0,
    }
}

/// Compares two fingerprints field by field.
pub fn compare(a: &Fingerprint, b: &Fingerprint) -> Comparison {
    let mut ev = Evidence::default();
    let levels = [
        name_level(&a.name, &b.name, &mut ev),
        domain_level(a, b, &mut ev),
        phone_level(a, b),
        address_level(a, b, &mut ev),
        country_level(a, b, &mut ev),
    ];
    Comparison {
        levels,
        evidence: ev,
    }
}

/// The index key whose record count is the frequency of this record's exact name.
pub fn name_key(n: &NameKey) -> Option<String> {
    (!n.joined.is_empty()).then(|| format!("nf:{}", n.joined))
}

/// The index key whose record count is the frequency of a domain.
pub fn domain_key(d: &str) -> String {
    format!("d:{d}")
}

/// How often values occur among the records a check searches: `records` in all, and
/// records per index key (`nf:` names, `d:` domains).
#[derive(Debug, Clone, Default)]
pub struct Frequencies {
    pub records: f64,
    pub counts: std::collections::HashMap<String, u64>,
}

/// How the model was trained, for its report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub at: i64,
    pub records: u64,
    pub random_pairs: u64,
    pub queries: u64,
    pub candidate_pairs: u64,
    pub iterations: u32,
    pub converged: bool,
    /// Share of candidate pairs EM took for matches.
    pub candidate_match_share: f64,
}

/// The parameters: `m[field][level]`, `u[field][level]` (level 0 unused) and the expected
/// number of true matches per checked record, which with the record count gives the prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    pub matches_per_check: f64,
    #[serde(default)]
    pub training: Option<Training>,
}

impl Default for Model {
    /// Starting values from the shape of business data: used until the vendor's own data
    /// trains the model, and as EM's starting point.
    fn default() -> Self {
        Model {
            m: vec![
                vec![0.0, 0.70, 0.08, 0.12, 0.05, 0.05],
                vec![0.0, 0.80, 0.15, 0.05],
                vec![0.0, 0.90, 0.07, 0.03],
                vec![0.0, 0.80, 0.06, 0.06, 0.05, 0.03],
                vec![0.0, 0.98, 0.02],
            ],
            u: vec![
                vec![0.0, 2e-5, 1e-5, 1e-4, 2e-3, 0.99787],
                vec![0.0, 2e-5, 2e-5, 0.99996],
                vec![0.0, 1e-6, 1e-6, 0.999998],
                vec![0.0, 1e-6, 1e-6, 5e-5, 0.03, 0.96995],
                vec![0.0, 0.2, 0.8],
            ],
            matches_per_check: 0.5,
            training: None,
        }
    }
}

/// A scored candidate: the probability, the prior it started from (log2 odds) and one
/// reason per comparison with its weight in bits (log2 of its Bayes factor).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub probability: f64,
    pub prior_bits: f64,
    pub reasons: Vec<Reason>,
}

fn log2(x: f64) -> f64 {
    x.log2()
}

/// A Bayes factor in words: "×40", "×1.8", "×0.05".
pub fn factor_text(bits: f64) -> String {
    let f = 2f64.powf(bits);
    if f >= 100.0 {
        format!("×{}", group(f.round() as u64))
    } else if f >= 10.0 {
        format!("×{f:.0}")
    } else if f >= 0.095 {
        format!("×{f:.1}")
    } else if f >= 0.001 {
        format!("×{f:.3}").trim_end_matches('0').to_string()
    } else {
        format!("×1/{}", group((1.0 / f).round() as u64))
    }
}

/// 1234567 as "1,234,567".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn reason(code: &str, detail: String, bits: f64, args: &[(&str, String)]) -> Reason {
    let mut all: Vec<(String, String)> = args
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    all.push(("x".into(), factor_text(bits)));
    Reason {
        code: code.into(),
        args: all,
        detail: format!("{detail}: {}", factor_text(bits)),
        weight: (bits * 100.0).round() / 100.0,
    }
}

impl Model {
    fn clamp(&mut self) {
        for (f, levels) in LEVELS.iter().enumerate() {
            for l in 1..levels.len() {
                self.m[f][l] = self.m[f][l].max(FLOOR);
                self.u[f][l] = self.u[f][l].max(U_FLOOR);
            }
        }
    }

    /// Whether the parameters have the shape of `FIELDS` and `LEVELS` (a stored model from
    /// another version is not used).
    pub fn fits(&self) -> bool {
        self.m.len() == FIELDS.len()
            && self.u.len() == FIELDS.len()
            && (0..FIELDS.len())
                .all(|f| self.m[f].len() == LEVELS[f].len() && self.u[f].len() == LEVELS[f].len())
            && self.matches_per_check > 0.0
    }

    /// Prior log2 odds that a candidate is the checked company among `records` records.
    pub fn prior_bits(&self, records: f64) -> f64 {
        let lambda = (self.matches_per_check / records.max(1.0)).min(0.5);
        log2(lambda / (1.0 - lambda))
    }

    /// The weight in bits of level `l` of field `f`, with `u` replaced by a term frequency
    /// where one is given.
    pub fn bits(&self, f: usize, l: usize, u_tf: Option<f64>) -> f64 {
        let u = u_tf.unwrap_or(self.u[f][l]).max(U_FLOOR);
        log2(self.m[f][l].max(FLOOR) / u)
    }

    /// The match probability of a comparison, with its reasons.
    pub fn score(&self, c: &Comparison, freq: &Frequencies) -> Scored {
        let prior = self.prior_bits(freq.records);
        let ev = &c.evidence;
        // Records carrying a value (at least the candidate itself), and, in an index big
        // enough for frequencies to mean something, its share as u. A value only the
        // candidate carries says nothing about how common it is beyond "rare": its share,
        // 1 in the index, is then no more than the model's own u for the level, which in a
        // small index is far rarer than 1/records.
        let tf = |key: String, level_u: f64| -> (Option<f64>, u64) {
            let n = freq.counts.get(&key).copied().unwrap_or(1).max(1);
            let u = (freq.records >= TF_MIN_RECORDS).then(|| {
                let share = n as f64 / freq.records;
                if n == 1 { share.min(level_u) } else { share }
            });
            (u, n)
        };
        // The exact name's and the domain's frequencies, looked up once: their reasons
        // and `implied_by_the_other` both weigh by them.
        let (name_level, domain_level) = (c.levels[0] as usize, c.levels[1] as usize);
        let name_tf = (name_level == 1).then(|| tf(format!("nf:{}", ev.name_joined), self.u[0][1]));
        let domain_tf = (1..=2).contains(&domain_level).then(|| {
            tf(
                domain_key(ev.domain.as_deref().unwrap_or_default()),
                self.u[1][domain_level],
            )
        });
        let mut reasons = Vec::new();
        for (f, &level) in c.levels.iter().enumerate() {
            let l = level as usize;
            if l == 0 {
                continue;
            }
            let r = match (f, l) {
                (0, 1) => {
                    let (u, n) = name_tf.unwrap_or((None, 1));
                    reason(
                        "match.name_exact_shared",
                        format!(
                            "same name \"{}\" after normalising ({} in the index)",
                            ev.name,
                            group(n)
                        ),
                        self.bits(f, l, u),
                        &[("name", ev.name.clone()), ("n", group(n))],
                    )
                }
                (0, 2) => {
                    let bits = self.bits(f, l, None);
                    match &ev.acronym {
                        Some((short, long)) => reason(
                            "match.name_acronym",
                            format!("\"{short}\" is the initials of \"{long}\""),
                            bits,
                            &[("short", short.clone()), ("long", long.clone())],
                        ),
                        None => reason(
                            "match.name_reordered",
                            "same name words in a different order".into(),
                            bits,
                            &[],
                        ),
                    }
                }
                (0, 3) => reason(
                    "match.name_typo",
                    format!("name differs by {} typing error(s)", ev.name_dist),
                    self.bits(f, l, None),
                    &[("n", ev.name_dist.to_string())],
                ),
                (0, 4) => reason(
                    "match.name_similar",
                    format!("names {}% similar", ev.name_pct),
                    self.bits(f, l, None),
                    &[("pct", ev.name_pct.to_string())],
                ),
                (0, _) => reason(
                    "match.name_differs",
                    "different names".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (1, 1 | 2) => {
                    let d = ev.domain.clone().unwrap_or_default();
                    let (u, n) = domain_tf.unwrap_or((None, 1));
                    let bits = self.bits(f, l, u);
                    let n = group(n);
                    if l == 1 {
                        reason(
                            "match.domain_equal",
                            format!("same registrable domain {d} ({n} in the index)"),
                            bits,
                            &[("domain", d), ("n", n)],
                        )
                    } else {
                        reason(
                            "match.email_domain",
                            format!(
                                "contact email and website share the domain {d} ({n} in the index)"
                            ),
                            bits,
                            &[("domain", d), ("n", n)],
                        )
                    }
                }
                (1, _) => reason(
                    "match.domains_differ",
                    format!("no shared domain ({} and {})", ev.domains.0, ev.domains.1),
                    self.bits(f, l, None),
                    &[("a", ev.domains.0.clone()), ("b", ev.domains.1.clone())],
                ),
                (2, 1) => reason(
                    "match.phone",
                    "same phone number".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (2, 2) => reason(
                    "match.phone_prefix",
                    "same phone number apart from the country code or trunk zero".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (2, _) => reason(
                    "match.phone_differs",
                    "different phone numbers".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (3, 1) => reason(
                    "match.address",
                    "same postcode and street number".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (3, 2) => reason(
                    "match.address_street",
                    "same street and number in the same city".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (3, 3) => reason(
                    "match.address_postcode",
                    "same postcode, another street number".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (3, 4) => reason(
                    "match.city",
                    format!("same city ({}), another address", ev.city),
                    self.bits(f, l, None),
                    &[("city", ev.city.clone())],
                ),
                (3, _) => reason(
                    "match.address_differs",
                    "different address and city".into(),
                    self.bits(f, l, None),
                    &[],
                ),
                (_, 1) => reason(
                    "match.country",
                    format!("same country ({})", ev.countries.0),
                    self.bits(f, l, None),
                    &[("a", ev.countries.0.clone())],
                ),
                _ => reason(
                    "match.country_differs",
                    format!(
                        "different countries ({} and {})",
                        ev.countries.0, ev.countries.1
                    ),
                    self.bits(f, l, None),
                    &[("a", ev.countries.0.clone()), ("b", ev.countries.1.clone())],
                ),
            };
            reasons.push(r);
        }
        self.implied_by_the_other(
            c,
            &mut reasons,
            name_tf.and_then(|t| t.0),
            domain_tf.and_then(|t| t.0),
        );
        let total = prior + reasons.iter().map(|r| r.weight).sum::<f64>();
        reasons.sort_by(|x, y| y.weight.abs().total_cmp(&x.weight.abs()));
        Scored {
            probability: 1.0 / (1.0 + 2f64.powf(-total)),
            prior_bits: (prior * 100.0).round() / 100.0,
            reasons,
        }
    }
}

impl Model {
    /// Name and domain are not independent: a company's web domain is usually its name
    /// (`junipersystems.co.uk` for "Juniper Systems"), so two different companies that
    /// share a name very often share the domain too. Counting both agreements as if they
    /// were independent multiplies the same evidence twice, and made two look-alikes with
    /// different addresses certain matches. When both agree, the pair agreeing on both is
    /// about as rare as the rarer of the two (`u` of both ≈ the smaller `u`), so the more
    /// common one adds no evidence of its own: its weight becomes 0, and its reason says
    /// that it goes with the other. `name_tf` and `domain_tf` are the term-frequency `u`s
    /// the two reasons were weighed by, where there were any.
    fn implied_by_the_other(
        &self,
        c: &Comparison,
        reasons: &mut [Reason],
        name_tf: Option<f64>,
        domain_tf: Option<f64>,
    ) {
        let (name, domain) = (c.levels[0] as usize, c.levels[1] as usize);
        if !(1..=4).contains(&name) || !(1..=2).contains(&domain) {
            return;
        }
        let u_name = name_tf.unwrap_or(self.u[0][name]);
        let u_domain = domain_tf.unwrap_or(self.u[1][domain]);
        // Reasons are in field order here (name first, then domain), before sorting.
        let (weaker, other) = if u_name >= u_domain {
            (0, "domain")
        } else {
            (1, "name")
        };
        if let Some(r) = reasons.get_mut(weaker)
            && r.weight > 0.0
        {
            r.weight = 0.0;
            for (k, v) in r.args.iter_mut() {
                if k == "x" {
                    *v = factor_text(0.0);
                }
            }
            r.args.push(("implied".into(), other.into()));
            if let Some((text, _)) = r.detail.rsplit_once(": ") {
                r.detail = format!("{text}: ×1, it goes with the same {other}");
            }
        }
    }
}

/// u from random pairs: every pair among `sample` (records drawn at random), with half a
/// pair of smoothing per level so no level has probability zero.
pub fn estimate_u(sample: &[Fingerprint]) -> (Vec<Vec<f64>>, u64) {
    let mut counts: Vec<Vec<f64>> = LEVELS.iter().map(|l| vec![0.0; l.len()]).collect();
    let mut pairs = 0u64;
    for i in 0..sample.len() {
        for j in i + 1..sample.len() {
            let c = compare(&sample[i], &sample[j]);
            for (f, l) in c.levels.iter().enumerate() {
                counts[f][*l as usize] += 1.0;
            }
            pairs += 1;
        }
    }
    let u = counts
        .iter()
        .map(|row| {
            let seen: f64 = row[1..].iter().sum::<f64>() + 0.5 * (row.len() - 1) as f64;
            let mut out = vec![0.0];
            out.extend(row[1..].iter().map(|c| (c + 0.5) / seen));
            out
        })
        .collect();
    (u, pairs)
}

/// The result of EM.
#[derive(Debug, Clone, PartialEq)]
pub struct EmResult {
    pub m: Vec<Vec<f64>>,
    /// Share of the pairs taken for matches.
    pub lambda: f64,
    pub iterations: u32,
    pub converged: bool,
}

/// Estimates the m probabilities (and the share of matches) from unlabelled comparison
/// vectors with their counts, by expectation-maximisation. u among the candidate pairs is
/// estimated alongside, as it differs from u among random pairs, but only m is kept.
/// `prior` supplies starting values and `strength` pseudo-pairs of smoothing toward its m,
/// so a level that few pairs reach keeps a sensible value.
pub fn em(
    vectors: &[(Levels, f64)],
    prior: &Model,
    strength: f64,
    max_iter: u32,
    estimate: [bool; 5],
) -> EmResult {
    let mut m = prior.m.clone();
    // u among candidates starts at the levels' overall shares: most candidate pairs are
    // not matches, and starting there keeps EM from taking what blocking made common (a
    // shared name word) for the mark of a match.
    let mut u: Vec<Vec<f64>> = LEVELS.iter().map(|l| vec![0.0; l.len()]).collect();
    for (levels, n) in vectors {
        for (f, l) in levels.iter().enumerate() {
            u[f][*l as usize] += n;
        }
    }
    for row in u.iter_mut() {
        let seen: f64 = row[1..].iter().sum::<f64>() + (row.len() - 1) as f64;
        row[0] = 0.0;
        for x in row[1..].iter_mut() {
            *x = (*x + 1.0) / seen;
        }
    }
    let mut lambda = 0.1;
    let total: f64 = vectors.iter().map(|v| v.1).sum();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < max_iter && total > 0.0 {
        iterations += 1;
        let mut mc: Vec<Vec<f64>> = LEVELS.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut uc = mc.clone();
        let mut matched = 0.0;
        for (levels, n) in vectors {
            let (mut pm, mut pu) = (lambda, 1.0 - lambda);
            for (f, l) in levels.iter().enumerate() {
                let l = *l as usize;
                if l > 0 {
                    pm *= m[f][l].max(FLOOR);
                    pu *= u[f][l].max(U_FLOOR);
                }
            }
            let p = pm / (pm + pu);
            matched += p * n;
            for (f, l) in levels.iter().enumerate() {
                mc[f][*l as usize] += p * n;
                uc[f][*l as usize] += (1.0 - p) * n;
            }
        }
        let mut change: f64 = (matched / total - lambda).abs();
        lambda = (matched / total).clamp(1e-6, 1.0 - 1e-6);
        for f in (0..FIELDS.len()).filter(|f| estimate[*f]) {
            let seen_m: f64 = mc[f][1..].iter().sum::<f64>() + strength;
            let levels = LEVELS[f].len() - 1;
            for l in 1..=levels {
                let nm = (mc[f][l] + strength * prior.m[f][l]) / seen_m;
                change = change.max((nm - m[f][l]).abs());
                m[f][l] = nm;
            }
        }
        for f in 0..FIELDS.len() {
            let seen_u: f64 = uc[f][1..].iter().sum::<f64>() + 1.0;
            let levels = LEVELS[f].len() - 1;
            for l in 1..=levels {
                u[f][l] = (uc[f][l] + 1.0 / levels as f64) / seen_u;
            }
        }
        if change < 1e-6 {
            converged = true;
            break;
        }
    }
    EmResult {
        m,
        lambda,
        iterations,
        converged,
    }
}

/// Counts identical comparison vectors, so EM iterates over a few hundred distinct ones.
pub fn tally(levels: impl IntoIterator<Item = Levels>) -> Vec<(Levels, f64)> {
    let mut map: std::collections::BTreeMap<Levels, f64> = Default::default();
    for l in levels {
        *map.entry(l).or_default() += 1.0;
    }
    map.into_iter().collect()
}

/// Pairs chosen by `rule`, with the fields in `hide` made missing.
fn session(
    vectors: &[(Levels, f64)],
    rule: impl Fn(&Levels) -> bool,
    hide: &[usize],
) -> Vec<(Levels, f64)> {
    vectors
        .iter()
        .filter(|(l, _)| rule(l))
        .map(|(l, n)| {
            let mut l = *l;
            for f in hide {
                l[*f] = 0;
            }
            (l, *n)
        })
        .collect()
}

/// EM in sessions, each comparison trained on pairs chosen by the others (Splink's way):
/// phone, address and country on pairs whose names agree (names hidden, as the choice
/// depends on them); name and domain on pairs sharing a phone or an address (those
/// hidden). Every field sees a mixture its own agreement did not select, so records that
/// merely share a common name and the domain made from it are not taken for the mark of a
/// match. A last run with all m fixed estimates the share of matches among all pairs.
pub fn sessions(vectors: &[(Levels, f64)], defaults: &Model) -> EmResult {
    let mut start = defaults.clone();
    let by_name = session(vectors, |l| (1..=3).contains(&l[0]), &[0, 1]);
    let a = em(
        &by_name,
        &start,
        20.0,
        500,
        [false, false, true, true, true],
    );
    for f in [2, 3, 4] {
        start.m[f] = a.m[f].clone();
    }
    let by_ids = session(vectors, |l| l[2] == 1 || l[3] == 1, &[2, 3]);
    let b = em(
        &by_ids,
        &start,
        20.0,
        500,
        [true, true, false, false, false],
    );
    for f in [0, 1] {
        start.m[f] = b.m[f].clone();
    }
    let all = em(vectors, &start, 0.0, 500, [false; 5]);
    EmResult {
        m: start.m,
        lambda: all.lambda,
        iterations: a.iterations + b.iterations + all.iterations,
        converged: a.converged && b.converged && all.converged,
    }
}

/// A model trained from u (random pairs) and EM over candidate pairs from `queries` checks.
pub fn trained(
    u: Vec<Vec<f64>>,
    vectors: &[(Levels, f64)],
    queries: u64,
    mut training: Training,
) -> Model {
    let fit = sessions(vectors, &Model::default());
    let pairs: f64 = vectors.iter().map(|v| v.1).sum();
    training.candidate_pairs = pairs as u64;
    training.queries = queries;
    training.iterations = fit.iterations;
    training.converged = fit.converged;
    training.candidate_match_share = fit.lambda;
    let mut model = Model {
        m: fit.m,
        u,
        matches_per_check: if queries > 0 && pairs > 0.0 {
            (fit.lambda * pairs / queries as f64).max(0.01)
        } else {
            Model::default().matches_per_check
        },
        training: Some(training),
    };
    model.clamp();
    model
}

/// The model as a table: field, level, m, u and the weight in bits.
pub fn report(model: &Model) -> String {
    let mut out = String::new();
    if let Some(t) = &model.training {
        out.push_str(&format!(
            "trained on {} records: u from {} random pairs; m by EM over {} candidate pairs from {} checks ({} iterations{}); {:.1}% of candidate pairs taken for matches\n",
            t.records,
            t.random_pairs,
            t.candidate_pairs,
            t.queries,
            t.iterations,
            if t.converged { ", converged" } else { ", not converged" },
            t.candidate_match_share * 100.0
        ));
    } else {
        out.push_str("default parameters (not trained on this data yet)\n");
    }
    out.push_str(&format!(
        "expected true matches per check: {:.3}\n\n{:<8} {:<12} {:>10} {:>12} {:>8}\n",
        model.matches_per_check, "field", "level", "m", "u", "bits"
    ));
    for (f, (name, levels)) in FIELDS.iter().zip(LEVELS.iter()).enumerate() {
        for (l, level) in levels.iter().enumerate().skip(1) {
            out.push_str(&format!(
                "{:<8} {:<12} {:>10.5} {:>12.7} {:>8.2}\n",
                name,
                level,
                model.m[f][l],
                model.u[f][l],
                model.bits(f, l, None)
            ));
        }
    }
    out
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
