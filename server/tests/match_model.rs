//! The match model on a synthetic population of its own (not the shared dev set): trained
//! without labels from the database, its probabilities must be calibrated (the flagged
//! pairs are true about as often as their probabilities say), precise and complete. On
//! both backends. (Partners' redacted verdicts are covered by `deals.rs` and the probe.)

mod common;

use app::deals::Customer;
use app::deals::matching::REVIEW_AT;
use app::deals::model_store::{self, TrainOptions};
use app::deals::pipeline::{PipelineRow, check, upsert};
use common::{Backend, spawn_app};
use std::collections::{HashMap, HashSet};

/// A small deterministic generator (xorshift), so the data is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const WORDS: &[&str] = &[
    "Alpine", "Bolt", "Canyon", "Dynamo", "Elevate", "Fjord", "Gamma", "Helix", "Ion", "Jupiter",
    "Krypton", "Lotus", "Matrix", "Neon", "Omega", "Prism", "Quasar", "Rocket", "Spark", "Tundra",
    "Ultra", "Vortex", "Wave", "Xenon", "Yonder", "Zinc",
];
const CORES: &[&str] = &[
    "Data", "Systems", "Foods", "Robotics", "Media", "Freight", "Legal", "Dental", "Print",
    "Solar", "Audio", "Textile",
];
const PLACES: &[(&str, &str, &[&str], &str)] = &[
    ("US", "Denver", &["Inc", "LLC", "Corp"], ".com"),
    ("US", "Omaha", &["Inc", "LLC", "Corp"], ".com"),
    ("GB", "York", &["Ltd", "Limited", "PLC"], ".co.uk"),
    ("DE", "Bremen", &["GmbH", "AG"], ".de"),
    ("FR", "Nantes", &["SA", "SARL"], ".fr"),
];
const STREETS: &[&str] = &[
    "Mill Road",
    "Station Street",
    "Harbour Avenue",
    "Chapel Lane",
];

#[derive(Clone)]
struct Company {
    core: String,
    suffix: String,
    customer: Customer,
}

fn company(rng: &mut Rng, i: usize) -> Company {
    let (country, city, suffixes, tld) = PLACES[rng.below(PLACES.len())];
    let mut words = vec![rng.pick(WORDS)];
    if rng.chance(0.5) {
        words.push(rng.pick(WORDS));
    }
    words.push(rng.pick(CORES));
    let core = words.join(" ");
    let suffix = rng.pick(suffixes).to_string();
    let slug = words.concat().to_lowercase();
    let domain = if rng.chance(0.3) {
        format!("{slug}{i}{tld}")
    } else {
        format!("{slug}{tld}")
    };
    Company {
        customer: Customer {
            company: format!("{core} {suffix}"),
            street: format!("{} {}", 1 + rng.below(2000), rng.pick(STREETS)),
            city: city.into(),
            postcode: format!("{:05}", 10_000 + rng.below(90_000)),
            country: country.into(),
            phone: format!(
                "+{} {} {}",
                1 + rng.below(60),
                100 + rng.below(900),
                100_000 + rng.below(900_000)
            ),
            contact_email: format!("sales@{domain}"),
            domain,
            ..Default::default()
        },
        core,
        suffix,
    }
}

/// The same company as someone else typed it.
fn variant(rng: &mut Rng, c: &Company) -> Customer {
    let mut name = c.core.clone();
    if rng.chance(0.3) && name.len() > 5 {
        let i = 1 + rng.below(name.len() - 3);
        if name.is_char_boundary(i) && name.is_char_boundary(i + 1) {
            name.remove(i);
        }
    }
    if rng.chance(0.7) {
        name = format!("{name} {}", c.suffix);
    }
    if rng.chance(0.3) {
        name = name.to_uppercase();
    }
    let mut v = c.customer.clone();
    v.company = name;
    if rng.chance(0.2) {
        v.domain.clear();
    } else if rng.chance(0.3) {
        v.domain = format!("https://www.{}", v.domain);
    }
    if rng.chance(0.2) {
        v.phone.clear();
    } else if rng.chance(0.5) {
        v.phone = v.phone.chars().filter(char::is_ascii_digit).collect();
    }
    if rng.chance(0.15) {
        v.street.clear();
    } else {
        v.street = v.street.replace("Street", "St.").replace("Road", "Rd");
    }
    v
}

/// Another company that looks like `c`: one word changed, its own identifiers.
fn near_miss(rng: &mut Rng, c: &Company, i: usize) -> Customer {
    let mut other = company(rng, i).customer;
    let mut words: Vec<&str> = c.core.split(' ').collect();
    let last = words.len() - 1;
    words[last] = loop {
        let w = rng.pick(CORES);
        if w != words[last] {
            break w;
        }
    };
    other.company = format!("{} {}", words.join(" "), c.suffix);
    if rng.chance(0.6) {
        other.city = c.customer.city.clone();
        other.country = c.customer.country.clone();
    }
    other
}

struct Data {
    rows: Vec<PipelineRow>,
    regs: Vec<Customer>,
    /// Registration index → the external ids of the same company.
    gold: HashMap<usize, HashSet<String>>,
}

fn data(companies: usize, regs: usize) -> Data {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut rows = Vec::new();
    let mut base = Vec::new();
    let mut ids_of: Vec<Vec<String>> = Vec::new();
    for i in 0..companies {
        let c = company(&mut rng, i);
        let id = format!("P{i:05}");
        rows.push(PipelineRow {
            external_id: id.clone(),
            customer: c.customer.clone(),
        });
        let mut ids = vec![id];
        // CRMs hold duplicates: these teach EM what a match looks like.
        if rng.chance(0.12) {
            let id = format!("D{i:05}");
            rows.push(PipelineRow {
                external_id: id.clone(),
                customer: variant(&mut rng, &c),
            });
            ids.push(id);
        }
        base.push(c);
        ids_of.push(ids);
    }
    let mut out = Vec::new();
    let mut gold = HashMap::new();
    for j in 0..regs {
        let k = rng.below(base.len());
        let r = rng.below(4);
        if r < 2 {
            out.push(variant(&mut rng, &base[k]));
            gold.insert(j, ids_of[k].iter().cloned().collect());
        } else if r == 2 {
            out.push(near_miss(&mut rng, &base[k], companies + j));
        } else {
            out.push(company(&mut rng, companies + j).customer);
        }
    }
    Data {
        rows,
        regs: out,
        gold,
    }
}

async fn trained_probabilities_are_calibrated_and_precise(b: Backend) {
    let app = spawn_app(b).await;
    let d = data(2500, 500);
    upsert(&app.db, &d.rows, |_| {}).await.expect("import");
    let before = model_store::current(&app.db).await.expect("model");
    assert!(before.training.is_none(), "defaults until trained");
    let model = model_store::train(
        &app.db,
        TrainOptions {
            u_sample: 300,
            queries: 1000,
        },
        &[],
        |_| {},
    )
    .await
    .expect("train");
    let t = model.training.clone().expect("training facts");
    assert!(t.converged, "{t:?}");
    assert!(t.candidate_pairs > 1000, "{t:?}");
    // EM found what matches look like without being told: true matches share a phone far
    // more often than they differ, unrelated records the other way round.
    assert!(model.m[2][1] > 10.0 * model.m[2][3], "{:?}", model.m[2]);
    assert!(model.u[2][3] > 0.99, "{:?}", model.u[2]);
    model_store::save(&app.db, &model).await.expect("save");
    assert_eq!(*model_store::current(&app.db).await.expect("model"), model);

    let (mut tp, mut fp, mut missed) = (0usize, 0usize, 0usize);
    let mut flagged: Vec<(f64, bool)> = Vec::new();
    for (j, c) in d.regs.iter().enumerate() {
        let r = check(&app.db, c, None).await.expect("check");
        let want = d.gold.get(&j);
        let found: HashSet<String> = r
            .matches
            .iter()
            .filter(|m| m.score >= REVIEW_AT)
            .filter_map(|m| {
                let id = m.external_id.clone()?;
                flagged.push((m.score, want.is_some_and(|w| w.contains(&id))));
                Some(id)
            })
            .collect();
        for f in &found {
            if want.is_some_and(|w| w.contains(f)) {
                tp += 1;
            } else {
                fp += 1;
            }
        }
        missed += want.map_or(0, |w| w.iter().filter(|e| !found.contains(*e)).count());
        // Every reason carries its factor, and the evidence adds up to the probability.
        for m in &r.matches {
            let bits = m.prior_bits + m.reasons.iter().map(|x| x.weight).sum::<f64>();
            let p = 1.0 / (1.0 + 2f64.powf(-bits));
            assert!((p - m.score).abs() < 0.01, "{m:?}");
            assert!(
                m.reasons
                    .iter()
                    .all(|x| x.factor(app::i18n::I18n(app::i18n::Locale::En)).is_some()),
                "{m:?}"
            );
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + missed).max(1) as f64;
    eprintln!(
        "[{b:?}] precision {precision:.3} recall {recall:.3} ({tp} found, {fp} extra, {missed} missed)"
    );
    assert!(precision >= 0.9, "precision {precision}");
    assert!(recall >= 0.95, "recall {recall}");
    // Calibration: in each band of probability holding at least 20 pairs, the share of
    // true pairs is close to the mean probability (within three standard errors, and at
    // least 0.1); overall the flagged pairs are true about as often as their mean
    // probability says.
    let mut bands = Vec::new();
    for (lo, hi) in [(0.5, 0.8), (0.8, 0.95), (0.95, 1.01)] {
        let band: Vec<&(f64, bool)> = flagged.iter().filter(|x| x.0 >= lo && x.0 < hi).collect();
        if band.is_empty() {
            continue;
        }
        let n = band.len() as f64;
        let mean = band.iter().map(|x| x.0).sum::<f64>() / n;
        let share = band.iter().filter(|x| x.1).count() as f64 / n;
        let se = (mean * (1.0 - mean) / n).sqrt();
        eprintln!("[{b:?}] [{lo}, {hi}): {n} pairs, mean probability {mean:.3}, true {share:.3}");
        bands.push((lo, n, mean, share, se));
        // A band of a handful of pairs says little; those are reported, not judged.
        if n < 20.0 {
            continue;
        }
        assert!(
            (share - mean).abs() <= (3.0 * se).max(0.1),
            "band [{lo}, {hi}): {n} pairs, mean probability {mean:.3}, true share {share:.3}"
        );
    }
    assert!(bands.iter().any(|b| b.1 >= 20.0), "{bands:?}");
    let n = flagged.len() as f64;
    let mean = flagged.iter().map(|x| x.0).sum::<f64>() / n;
    assert!(
        (mean - precision).abs() < 0.06,
        "mean {mean} vs precision {precision}"
    );
}

both_backends!(trained_probabilities_are_calibrated_and_precise);
