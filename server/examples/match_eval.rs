//! Evaluates the matching engine on a data set in the layout of `gen_companies.py`
//! (pipeline.csv, registrations.csv, gold.csv), in memory: the same blocking keys,
//! candidate choice, model training (u from random pairs, m by EM on the registrations'
//! candidates, no labels) and scoring as a check. Prints precision, recall and F1 of the
//! (registration, external_id) pairs at review and conflict level, candidate recall and
//! candidates per check, the reliability table of the probabilities, and the model.
//!
//!     cargo run --release -p trellis --example match_eval -- ../shared/data/dedupe-dev [--show 10]

use app::deals::matching::{
    CONFLICT_AT, Fingerprint, MAX_CANDIDATES, REVIEW_AT, blocking_keys, fingerprint, key_weight,
    shown,
};
use app::deals::model::{self, Frequencies, Model, Training};
use app::deals::{Customer, Verdict};
use std::collections::{HashMap, HashSet};
use std::path::Path;

fn read(path: &Path, id_col: &str) -> anyhow::Result<Vec<(String, Customer)>> {
    let mut rdr = csv::Reader::from_path(path)?;
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let id =
        col(id_col).ok_or_else(|| anyhow::anyhow!("{} has no {id_col} column", path.display()))?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let get = |n: &str| {
            col(n)
                .and_then(|i| rec.get(i))
                .unwrap_or_default()
                .to_string()
        };
        out.push((
            rec.get(id).unwrap_or_default().to_string(),
            Customer {
                company: get("company"),
                domain: get("domain"),
                street: get("street"),
                city: get("city"),
                region: get("region"),
                postcode: get("postcode"),
                country: get("country"),
                phone: get("phone"),
                contact_email: get("contact_email"),
            },
        ));
    }
    Ok(out)
}

fn prf(
    flagged: &HashSet<(String, String)>,
    gold: &HashSet<(String, String)>,
) -> (f64, f64, f64, usize, usize) {
    let tp = flagged.intersection(gold).count();
    let p = tp as f64 / flagged.len().max(1) as f64;
    let r = tp as f64 / gold.len().max(1) as f64;
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f, flagged.len() - tp, gold.len() - tp)
}

struct Index {
    keys: HashMap<String, Vec<u32>>,
}

impl Index {
    fn new(prints: &[Fingerprint]) -> Index {
        let mut keys: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, f) in prints.iter().enumerate() {
            for k in blocking_keys(f) {
                keys.entry(k).or_default().push(i as u32);
            }
        }
        Index { keys }
    }

    /// The candidates a check scores: those with the most weighted shared keys, as the
    /// database query chooses them.
    fn candidates(&self, f: &Fingerprint) -> Vec<usize> {
        let mut hits: HashMap<u32, i64> = HashMap::new();
        for k in blocking_keys(f) {
            if let Some(v) = self.keys.get(&k) {
                for i in v {
                    *hits.entry(*i).or_default() += key_weight(&k);
                }
            }
        }
        let mut v: Vec<(i64, u32)> = hits.into_iter().map(|(i, h)| (h, i)).collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v.truncate(MAX_CANDIDATES);
        v.into_iter().map(|(_, i)| i as usize).collect()
    }

    fn frequencies(&self, f: &Fingerprint, records: usize) -> Frequencies {
        let mut counts = HashMap::new();
        for k in blocking_keys(f) {
            if k.starts_with("nf:") || k.starts_with("d:") {
                counts.insert(k.clone(), self.keys.get(&k).map_or(0, |v| v.len() as u64));
            }
        }
        Frequencies {
            records: records as f64,
            counts,
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(
        args.get(1)
            .map(String::as_str)
            .unwrap_or("../shared/data/dedupe-dev"),
    );
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let show: usize = flag("--show").and_then(|s| s.parse().ok()).unwrap_or(0);
    let t0 = std::time::Instant::now();
    let pipeline = read(&dir.join("pipeline.csv"), "external_id")?;
    let regs = read(&dir.join("registrations.csv"), "registration_id")?;
    let mut gold = HashSet::new();
    let mut rdr = csv::Reader::from_path(dir.join("gold.csv"))?;
    for rec in rdr.records() {
        let rec = rec?;
        gold.insert((rec[0].to_string(), rec[1].to_string()));
    }
    let prints: Vec<_> = pipeline.iter().map(|(_, c)| fingerprint(c)).collect();
    let index = Index::new(&prints);
    let n = prints.len();
    eprintln!("indexed {n} records in {:.1}s", t0.elapsed().as_secs_f64());

    // Training, without the gold: u from all pairs of an evenly spread sample, m by EM
    // over the candidate pairs of (up to 5,000) registrations.
    let model = if let Some(path) = flag("--model") {
        serde_json::from_str::<Model>(&std::fs::read_to_string(path)?)?
    } else if args.iter().any(|a| a == "--default") {
        Model::default()
    } else {
        let step = (n / 1500).max(1);
        let sample: Vec<Fingerprint> = prints.iter().step_by(step).take(1500).cloned().collect();
        let (u, random_pairs) = model::estimate_u(&sample);
        let queries: Vec<&(String, Customer)> = regs.iter().take(5000).collect();
        let mut levels = Vec::new();
        for (_, c) in &queries {
            let f = fingerprint(c);
            for i in index.candidates(&f) {
                levels.push(model::compare(&f, &prints[i]).levels);
            }
        }
        let vectors = model::tally(levels);
        model::trained(
            u,
            &vectors,
            queries.len() as u64,
            Training {
                records: n as u64,
                random_pairs,
                ..Default::default()
            },
        )
    };
    if let Some(path) = flag("--save") {
        std::fs::write(path, serde_json::to_string_pretty(&model)?)?;
    }
    eprintln!("model ready at {:.1}s", t0.elapsed().as_secs_f64());

    let mut review = HashSet::new();
    let mut conflict = HashSet::new();
    let mut candidates_total = 0usize;
    let mut candidate_pairs = HashSet::new();
    // The blocking work per check: index entries the candidate query reads, by key kind,
    // and where in the candidate order each true pair comes (for choosing the cap).
    let mut postings: Vec<usize> = Vec::new();
    let mut by_kind: std::collections::BTreeMap<String, usize> = Default::default();
    let mut true_rank: Vec<usize> = Vec::new();
    // (probability, is true) of every candidate at or above 5%, for the reliability table.
    let mut calib: Vec<(f64, bool)> = Vec::new();
    let mut best: HashMap<(String, String), (f64, Vec<String>)> = HashMap::new();
    for (rid, c) in &regs {
        let f = fingerprint(c);
        let cands = index.candidates(&f);
        candidates_total += cands.len();
        let mut read = 0;
        for k in blocking_keys(&f) {
            let len = index.keys.get(&k).map_or(0, Vec::len);
            read += len;
            let kind = k.split(':').next().unwrap_or("").to_string();
            *by_kind.entry(kind).or_default() += len;
        }
        postings.push(read);
        for (rank, i) in cands.iter().enumerate() {
            if gold.contains(&(rid.clone(), pipeline[*i].0.clone())) {
                true_rank.push(rank + 1);
            }
        }
        let freq = index.frequencies(&f, n);
        let mut scored: Vec<(f64, usize, Vec<String>)> = cands
            .into_iter()
            .map(|i| {
                candidate_pairs.insert((rid.clone(), pipeline[i].0.clone()));
                let s = model.score(&model::compare(&f, &prints[i]), &freq);
                (
                    s.probability,
                    i,
                    s.reasons.into_iter().map(|r| r.detail).collect(),
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let keep = shown(&scored.iter().map(|s| s.0).collect::<Vec<_>>());
        let top = scored.first().map(|s| s.0).unwrap_or(0.0);
        let verdict = app::deals::matching::verdict_for(top);
        for ((p, i, reasons), k) in scored.iter().zip(keep).take(10) {
            let pair = (rid.clone(), pipeline[*i].0.clone());
            if *p >= 0.05 {
                calib.push((*p, gold.contains(&pair)));
            }
            if k {
                review.insert(pair.clone());
                if verdict == Verdict::Conflict {
                    conflict.insert(pair.clone());
                }
            }
            best.insert(pair, (*p, reasons.clone()));
        }
    }
    let (p, r, f, fp, fn_) = prf(&review, &gold);
    println!(
        "review level (p >= {REVIEW_AT}):   precision {p:.4}  recall {r:.4}  F1 {f:.4}  (false pos {fp}, missed {fn_})"
    );
    let (p, r, f, fp, fn_) = prf(&conflict, &gold);
    println!(
        "conflict level (p >= {CONFLICT_AT}): precision {p:.4}  recall {r:.4}  F1 {f:.4}  (false pos {fp}, missed {fn_})"
    );
    println!(
        "{} registrations, {n} pipeline records, {} true pairs; {:.1} candidates scored per check; candidate recall {:.4}",
        regs.len(),
        gold.len(),
        candidates_total as f64 / regs.len().max(1) as f64,
        gold.intersection(&candidate_pairs).count() as f64 / gold.len().max(1) as f64
    );
    postings.sort_unstable();
    let checks = postings.len().max(1);
    println!(
        "index entries read per check: mean {:.0}, p50 {}, p95 {}, max {}",
        postings.iter().sum::<usize>() as f64 / checks as f64,
        postings.get(checks / 2).copied().unwrap_or(0),
        postings.get(checks * 95 / 100).copied().unwrap_or(0),
        postings.last().copied().unwrap_or(0)
    );
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(k, v)| format!("{k}: {:.0}", *v as f64 / checks as f64))
        .collect();
    println!("  by key kind, mean per check: {}", kinds.join(", "));
    true_rank.sort_unstable();
    let within = |cap: usize| true_rank.iter().filter(|r| **r <= cap).count();
    println!(
        "true pairs among the first 10/20/40/60/120 candidates: {}/{}/{}/{}/{} of {} (worst rank {})",
        within(10),
        within(20),
        within(40),
        within(60),
        within(120),
        gold.len(),
        true_rank.last().copied().unwrap_or(0)
    );
    println!("\nreliability (candidates with probability >= 0.05):");
    println!(
        "{:<12} {:>7} {:>7} {:>10}",
        "probability", "pairs", "true", "true share"
    );
    for b in 0..10 {
        let lo = if b == 0 { 0.05 } else { b as f64 / 10.0 };
        let hi = (b + 1) as f64 / 10.0;
        let bin: Vec<&(f64, bool)> = calib
            .iter()
            .filter(|(p, _)| *p >= lo && (*p < hi || (b == 9 && *p <= 1.0)))
            .collect();
        let t = bin.iter().filter(|x| x.1).count();
        println!(
            "[{lo:.2}, {hi:.2}{} {:>7} {:>7} {:>10}",
            if b == 9 { "]" } else { ")" },
            bin.len(),
            t,
            if bin.is_empty() {
                "-".to_string()
            } else {
                format!("{:.3}", t as f64 / bin.len() as f64)
            }
        );
    }
    println!("\n{}", model::report(&model));
    if show > 0 {
        let by_id: HashMap<&str, &Customer> = pipeline
            .iter()
            .map(|(i, c)| (i.as_str(), c))
            .chain(regs.iter().map(|(i, c)| (i.as_str(), c)))
            .collect();
        let print = |title: &str, pairs: Vec<&(String, String)>| {
            println!("\n-- {title}");
            for pair in pairs.into_iter().take(show) {
                let (p, why) = best
                    .get(pair)
                    .cloned()
                    .unwrap_or((0.0, vec!["not among the candidates".into()]));
                println!(
                    "{} {:?}\n  {} {:?}\n  p {p:.3}: {}",
                    pair.0,
                    by_id.get(pair.0.as_str()),
                    pair.1,
                    by_id.get(pair.1.as_str()),
                    why.join("; ")
                );
            }
        };
        print("false positives", review.difference(&gold).collect());
        print("missed", gold.difference(&review).collect());
    }
    Ok(())
}
