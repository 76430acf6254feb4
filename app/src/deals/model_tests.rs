use super::*;
use crate::deals::Customer;
use crate::deals::matching::fingerprint;

fn fp(
    company: &str,
    domain: &str,
    phone: &str,
    street: &str,
    postcode: &str,
    city: &str,
    country: &str,
) -> Fingerprint {
    fingerprint(&Customer {
        company: company.into(),
        domain: domain.into(),
        phone: phone.into(),
        street: street.into(),
        postcode: postcode.into(),
        city: city.into(),
        country: country.into(),
        ..Default::default()
    })
}

#[test]
fn comparison_levels_follow_the_fields() {
    let a = fp(
        "Acme Analytics Inc",
        "acme.com",
        "+1 555 123 4567",
        "12 Main Street",
        "10001",
        "New York",
        "US",
    );
    let same = fp(
        "ACME ANALYTICS, LLC",
        "https://www.acme.com",
        "15551234567",
        "12 Main St.",
        "10001",
        "new york",
        "US",
    );
    assert_eq!(compare(&a, &same).levels, [1, 1, 1, 1, 1]);
    let reordered = fp("Analytics Acme", "", "555 123 4567", "", "", "New York", "");
    // name normalised, domain missing, phone by its tail, city only, country missing
    assert_eq!(compare(&a, &reordered).levels, [2, 0, 2, 4, 0]);
    let typo = fp(
        "Acme Analytcs",
        "acme-analytics.com",
        "+44 20 1234 5678",
        "99 Oak Road",
        "EC1",
        "London",
        "GB",
    );
    assert_eq!(compare(&a, &typo).levels, [3, 3, 3, 5, 2]);
    let acronym = fp("AA", "", "", "12 Main Street", "", "New York", "US");
    let c = compare(&a, &acronym);
    assert_eq!(c.levels, [2, 0, 0, 2, 1]);
    assert_eq!(
        c.evidence.acronym,
        Some(("aa".into(), "acme analytics".into()))
    );
    let postcode = fp(
        "Zeta Widgets",
        "zeta.io",
        "",
        "40 Elm Road",
        "10001",
        "New York",
        "US",
    );
    assert_eq!(compare(&a, &postcode).levels, [5, 3, 0, 3, 1]);
}

#[test]
fn mail_domains_count_as_shared_domains() {
    let a = fingerprint(&Customer {
        company: "Acme".into(),
        contact_email: "jo@acme.com".into(),
        ..Default::default()
    });
    let b = fp("Acme", "acme.com", "", "", "", "", "");
    let c = compare(&a, &b);
    assert_eq!(c.levels[1], 2);
    assert_eq!(c.evidence.domain.as_deref(), Some("acme.com"));
}

/// A tiny population with known parameters: EM, given only the comparison vectors, must
/// recover the m probabilities and the share of matches.
#[test]
fn em_recovers_known_parameters() {
    let truth_m = [
        [0.0, 0.6, 0.1, 0.1, 0.1, 0.1],
        [0.0, 0.7, 0.2, 0.1, 0.0, 0.0],
        [0.0, 0.8, 0.1, 0.1, 0.0, 0.0],
    ];
    let truth_u = [
        [0.0, 0.01, 0.01, 0.03, 0.05, 0.9],
        [0.0, 0.02, 0.03, 0.95, 0.0, 0.0],
        [0.0, 0.01, 0.01, 0.98, 0.0, 0.0],
    ];
    let lambda = 0.2;
    // Expected counts over the full product of levels (deterministic, no sampling noise);
    // the last two fields are missing throughout.
    let mut vectors = Vec::new();
    for a in 1..=5u8 {
        for b in 1..=3u8 {
            for c in 1..=3u8 {
                let pm = truth_m[0][a as usize] * truth_m[1][b as usize] * truth_m[2][c as usize];
                let pu = truth_u[0][a as usize] * truth_u[1][b as usize] * truth_u[2][c as usize];
                let n = 100_000.0 * (lambda * pm + (1.0 - lambda) * pu);
                vectors.push(([a, b, c, 0, 0], n));
            }
        }
    }
    let fit = em(&vectors, &Model::default(), 0.0, 2000, [true; 5]);
    assert!(fit.converged, "{fit:?}");
    assert!((fit.lambda - lambda).abs() < 0.01, "{}", fit.lambda);
    for f in 0..3 {
        for (l, &truth) in truth_m[f]
            .iter()
            .enumerate()
            .take(LEVELS[f].len().min(6))
            .skip(1)
        {
            if truth > 0.0 {
                assert!(
                    (fit.m[f][l] - truth).abs() < 0.02,
                    "m[{f}][{l}] = {} not {}",
                    fit.m[f][l],
                    truth
                );
            }
        }
    }
}

#[test]
fn u_from_random_pairs_is_mostly_different() {
    let sample: Vec<Fingerprint> = (0..40)
        .map(|i| {
            fp(
                &format!("Company{i} Widgets"),
                &format!("c{i}.com"),
                &format!("+1 555 000 {:04}", i),
                &format!("{i} Main Street"),
                &format!("{:05}", 10000 + i),
                "Springfield",
                "US",
            )
        })
        .collect();
    let (u, pairs) = estimate_u(&sample);
    assert_eq!(pairs, 40 * 39 / 2);
    assert!(u[1][3] > 0.99, "domains differ in almost every random pair");
    assert!(u[3][4] > 0.99, "same city, other address");
    assert!(u[4][1] > 0.99, "one country");
    for row in &u {
        assert!((row[1..].iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}

#[test]
fn a_common_name_is_weaker_evidence_than_a_rare_one() {
    let m = Model::default();
    let a = fp("Acme Solutions", "", "", "", "", "", "");
    let c = compare(&a, &a.clone());
    let mut freq = Frequencies {
        records: 1_000_000.0,
        ..Default::default()
    };
    freq.counts.insert("nf:acmesolutions".into(), 1200);
    let common = m.score(&c, &freq);
    freq.counts.insert("nf:acmesolutions".into(), 1);
    let rare = m.score(&c, &freq);
    assert!(rare.probability > common.probability);
    let w = |s: &Scored| s.reasons[0].weight;
    assert!(
        w(&rare) - w(&common) > 10.0,
        "log2(1200) apart: {} {}",
        w(&rare),
        w(&common)
    );
    assert_eq!(common.reasons[0].code, "match.name_exact_shared");
    assert!(
        common.reasons[0]
            .args
            .contains(&("n".into(), "1,200".into()))
    );
    assert!(
        common.reasons[0].detail.contains("(1,200 in the index)"),
        "{}",
        common.reasons[0].detail
    );
}

#[test]
fn the_probability_is_the_prior_plus_the_evidence() {
    let m = Model::default();
    let a = fp(
        "Acme Analytics",
        "acme.com",
        "+1 555 123 4567",
        "12 Main Street",
        "10001",
        "New York",
        "US",
    );
    let b = fp(
        "Acme Analytics",
        "acme.com",
        "+44 20 7946 0000",
        "9 Oak Road",
        "EC1",
        "London",
        "GB",
    );
    let freq = Frequencies {
        records: 500.0,
        ..Default::default()
    };
    let s = m.score(&compare(&a, &b), &freq);
    let total = s.prior_bits + s.reasons.iter().map(|r| r.weight).sum::<f64>();
    assert!((s.probability - 1.0 / (1.0 + 2f64.powf(-total))).abs() < 1e-3);
    assert!(
        s.reasons
            .iter()
            .any(|r| r.code == "match.country_differs" && r.weight < 0.0)
    );
    assert!(
        s.reasons
            .iter()
            .any(|r| r.code == "match.phone_differs" && r.weight < 0.0)
    );
    // strongest first, by size
    for w in s.reasons.windows(2) {
        assert!(w[0].weight.abs() >= w[1].weight.abs());
    }
}

#[test]
fn factors_read_as_multipliers() {
    assert_eq!(factor_text(40f64.log2()), "×40");
    assert_eq!(factor_text(0.05f64.log2()), "×0.05");
    assert_eq!(factor_text(1.8f64.log2()), "×1.8");
    assert_eq!(factor_text(40000f64.log2()), "×40,000");
    assert_eq!(factor_text((1.0 / 20000.0f64).log2()), "×1/20,000");
    assert_eq!(group(1234567), "1,234,567");
}

#[test]
fn a_stored_model_of_another_shape_is_not_used() {
    let mut m = Model::default();
    assert!(m.fits());
    m.m.pop();
    assert!(!m.fits());
}

#[test]
fn a_shared_name_and_domain_count_once_and_the_rarer_one_carries_it() {
    let m = Model::default();
    let a = fp(
        "Zephyr Construction",
        "zephyrconstruction.com",
        "",
        "",
        "",
        "",
        "",
    );
    let c = compare(&a, &a.clone());
    let mut freq = Frequencies {
        records: 1_000_000.0,
        ..Default::default()
    };
    let weight_of = |s: &Scored, field: &str| {
        s.reasons
            .iter()
            .find(|r| r.code.contains(field))
            .map(|r| (r.weight, r.args.iter().any(|(k, _)| k == "implied")))
            .expect("a reason for the field")
    };
    // The name is common, the domain is not: the domain carries the evidence.
    freq.counts.insert("nf:zephyrconstruction".into(), 1200);
    freq.counts.insert(domain_key("zephyrconstruction.com"), 1);
    let s = m.score(&c, &freq);
    let (name_w, name_implied) = weight_of(&s, "name");
    let (domain_w, domain_implied) = weight_of(&s, "domain");
    assert_eq!(name_w, 0.0);
    assert!(name_implied && !domain_implied);
    assert!(domain_w > 10.0, "{domain_w}");
    let name_reason = s
        .reasons
        .iter()
        .find(|r| r.code.contains("name"))
        .expect("a name reason");
    assert!(
        name_reason
            .detail
            .ends_with("×1, it goes with the same domain"),
        "{}",
        name_reason.detail
    );
    // The other way round, the name carries it.
    freq.counts.insert("nf:zephyrconstruction".into(), 1);
    freq.counts
        .insert(domain_key("zephyrconstruction.com"), 5000);
    let s = m.score(&c, &freq);
    let (name_w, name_implied) = weight_of(&s, "name");
    let (domain_w, domain_implied) = weight_of(&s, "domain");
    assert_eq!(domain_w, 0.0);
    assert!(domain_implied && !name_implied);
    assert!(name_w > 10.0, "{name_w}");
    // Only a name agreement, with no domain on one side: nothing is taken away.
    let b = fp("Zephyr Construction", "", "", "", "", "", "");
    let s = m.score(&compare(&a, &b), &freq);
    assert!(weight_of(&s, "name").0 > 10.0);
}
