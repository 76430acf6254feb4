//! Evaluates the matching engine on a data set in the layout of
//! `gen_companies.py` (pipeline.csv, registrations.csv, gold.csv): precision, recall and F1
//! over (registration, external_id) pairs, at review level and at conflict level.
//!
//!     cargo run --release -p trellis --example match_eval -- ../shared/data/dedupe-dev [--show 10]

use app::deals::matching::{
    REVIEW_AT, SHOW_WITHIN, blocking_keys, compare, fingerprint, verdict_for,
};
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
    let p = if flagged.is_empty() {
        0.0
    } else {
        tp as f64 / flagged.len() as f64
    };
    let r = if gold.is_empty() {
        0.0
    } else {
        tp as f64 / gold.len() as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f, flagged.len() - tp, gold.len() - tp)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(
        args.get(1)
            .map(String::as_str)
            .unwrap_or("../shared/data/dedupe-dev"),
    );
    let show: usize = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let pipeline = read(&dir.join("pipeline.csv"), "external_id")?;
    let regs = read(&dir.join("registrations.csv"), "registration_id")?;
    let mut gold = HashSet::new();
    let mut rdr = csv::Reader::from_path(dir.join("gold.csv"))?;
    for rec in rdr.records() {
        let rec = rec?;
        gold.insert((rec[0].to_string(), rec[1].to_string()));
    }
    let prints: Vec<_> = pipeline.iter().map(|(_, c)| fingerprint(c)).collect();
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in prints.iter().enumerate() {
        for k in blocking_keys(f) {
            index.entry(k).or_default().push(i);
        }
    }
    let mut review = HashSet::new();
    let mut conflict = HashSet::new();
    let mut candidates_total = 0usize;
    let mut best: HashMap<String, Vec<(f64, String, Vec<String>)>> = HashMap::new();
    for (rid, c) in &regs {
        let f = fingerprint(c);
        let mut cands: HashSet<usize> = HashSet::new();
        for k in blocking_keys(&f) {
            if let Some(v) = index.get(&k) {
                cands.extend(v.iter().copied());
            }
        }
        candidates_total += cands.len();
        let mut scored: Vec<(f64, usize, Vec<String>)> = cands
            .into_iter()
            .map(|i| {
                let (s, reasons) = compare(&f, &prints[i]);
                (s, i, reasons.into_iter().map(|r| r.detail).collect())
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let top = scored.first().map(|s| s.0).unwrap_or(0.0);
        let verdict = verdict_for(top);
        for (s, i, reasons) in scored.iter().take(5) {
            if *s >= REVIEW_AT && *s >= top - SHOW_WITHIN {
                let pair = (rid.clone(), pipeline[*i].0.clone());
                review.insert(pair.clone());
                if verdict == Verdict::Conflict {
                    conflict.insert(pair);
                }
            }
            best.entry(rid.clone()).or_default().push((
                *s,
                pipeline[*i].0.clone(),
                reasons.clone(),
            ));
        }
    }
    let (p, r, f, fp, fn_) = prf(&review, &gold);
    println!(
        "review level:   precision {p:.4}  recall {r:.4}  F1 {f:.4}  (false pos {fp}, missed {fn_})"
    );
    let (p, r, f, fp, fn_) = prf(&conflict, &gold);
    println!(
        "conflict level: precision {p:.4}  recall {r:.4}  F1 {f:.4}  (false pos {fp}, missed {fn_})"
    );
    println!(
        "{} registrations, {} pipeline records, {} true pairs, {:.1} candidates scored per check",
        regs.len(),
        pipeline.len(),
        gold.len(),
        candidates_total as f64 / regs.len() as f64
    );
    if show > 0 {
        let by_id: HashMap<&str, &Customer> = pipeline
            .iter()
            .map(|(i, c)| (i.as_str(), c))
            .chain(regs.iter().map(|(i, c)| (i.as_str(), c)))
            .collect();
        println!("\n-- false positives");
        for (rid, eid) in review.difference(&gold).take(show) {
            let s = best
                .get(rid)
                .and_then(|v| v.iter().find(|x| &x.1 == eid))
                .map(|x| (x.0, x.2.join("; ")))
                .unwrap_or_default();
            println!(
                "{rid} {:?}\n  {eid} {:?}\n  score {:.2}: {}",
                by_id.get(rid.as_str()),
                by_id.get(eid.as_str()),
                s.0,
                s.1
            );
        }
        println!("\n-- missed");
        for (rid, eid) in gold.difference(&review).take(show) {
            let s = best
                .get(rid)
                .and_then(|v| v.iter().find(|x| &x.1 == eid))
                .map(|x| (x.0, x.2.join("; ")))
                .unwrap_or((0.0, "not a candidate".into()));
            println!(
                "{rid} {:?}\n  {eid} {:?}\n  score {:.2}: {}",
                by_id.get(rid.as_str()),
                by_id.get(eid.as_str()),
                s.0,
                s.1
            );
        }
    }
    Ok(())
}
