//! Matching at scale: imports a pipeline file (e.g. `gen_companies.py --existing 1000000`),
//! trains the match model from the database (u from random pipeline pairs, m by EM over
//! the registrations' candidate pairs; no labels), and times checks of the registrations
//! against it, on SQLite and, when `TRELLIS_TEST_POSTGRES_URL` is set, on Postgres. Prints
//! import rows/s, training time, check latency p50/p95/p99, candidates scored per check,
//! and, when the directory has the generator's `gold.csv`, precision, recall and F1 of the
//! (registration, external_id) pairs at the flagged and the conflict level.
//!
//!     python3 ../shared/tools/gen_companies.py /tmp/m1 --existing 1000000 --incoming 10000
//!     cargo run --release -p trellis --example match_bench -- /tmp/m1 [--checks 2000]
//!         [--only sqlite|postgres] [--keep (leave the Postgres schema for EXPLAIN)]

use app::deals::Customer;
use app::deals::pipeline::{check, parse_csv, upsert};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

async fn run(
    label: &str,
    url: &str,
    rows: &[app::deals::pipeline::PipelineRow],
    checks: &[(String, Customer)],
    gold: &HashMap<String, HashSet<String>>,
) -> anyhow::Result<()> {
    let db = trellis::connect(url).await?;
    let start = Instant::now();
    let stats = upsert(&db, rows, |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "[{label}] import: {} rows in {secs:.1}s = {:.0} rows/s",
        stats.rows,
        stats.rows as f64 / secs
    );
    let t = Instant::now();
    let queries: Vec<Customer> = checks.iter().map(|(_, c)| c.clone()).collect();
    let model = app::deals::model_store::train(&db, Default::default(), &queries, |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    app::deals::model_store::save(&db, &model)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!(
        "[{label}] trained the model in {:.1}s\n{}",
        t.elapsed().as_secs_f64(),
        app::deals::model::report(&model)
    );
    // Warm up, then time each check on its own.
    for (_, c) in checks.iter().take(50) {
        check(&db, c, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    let mut ms = Vec::with_capacity(checks.len());
    let mut flagged = 0;
    let mut scored = 0usize;
    // [flagged, conflict level]: (true, extra, missed)
    let mut counts = [(0usize, 0usize, 0usize); 2];
    for (reg, c) in checks {
        let t = Instant::now();
        let r = check(&db, c, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        flagged += usize::from(!r.matches.is_empty());
        scored += r.scored;
        let want = gold.get(reg);
        for (level, c) in counts.iter_mut().enumerate() {
            let found: HashSet<&str> = if level == 1 && r.verdict != app::deals::Verdict::Conflict {
                HashSet::new()
            } else {
                r.matches
                    .iter()
                    .filter_map(|m| m.external_id.as_deref())
                    .collect()
            };
            for f in &found {
                if want.is_some_and(|w| w.contains(*f)) {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
            c.2 += want.map_or(0, |w| {
                w.iter().filter(|e| !found.contains(e.as_str())).count()
            });
        }
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "[{label}] check: {} checks, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({flagged} flagged; {:.1} candidates scored per check)",
        ms.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.95),
        pct(&ms, 0.99),
        ms.last().copied().unwrap_or(0.0),
        scored as f64 / ms.len().max(1) as f64
    );
    if !gold.is_empty() {
        for (name, (tp, fp, missed)) in ["flagged", "conflict"].iter().zip(counts) {
            let p = tp as f64 / (tp + fp).max(1) as f64;
            let r = tp as f64 / (tp + missed).max(1) as f64;
            println!(
                "[{label}] {name} level: precision {p:.4}, recall {r:.4}, F1 {:.4} ({tp} found, {fp} extra, {missed} missed)",
                2.0 * p * r / (p + r).max(f64::EPSILON)
            );
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map(String::as_str).unwrap_or("/tmp/m1"));
    let n_checks: usize = args
        .iter()
        .position(|a| a == "--checks")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let t = Instant::now();
    let data = std::fs::read(dir.join("pipeline.csv"))?;
    let rows = parse_csv(&data).map_err(|e| anyhow::anyhow!("{:?}", e.first()))?;
    println!(
        "parsed {} pipeline rows in {:.1}s",
        rows.len(),
        t.elapsed().as_secs_f64()
    );
    let regs = std::fs::read(dir.join("registrations.csv"))?;
    let mut rdr = csv::Reader::from_reader(regs.as_slice());
    let mut checks = Vec::new();
    for rec in rdr.records().take(n_checks) {
        let r = rec?;
        checks.push((
            r[0].to_string(),
            Customer {
                company: r[1].into(),
                domain: r[2].into(),
                street: r[3].into(),
                city: r[4].into(),
                region: r[5].into(),
                postcode: r[6].into(),
                country: r[7].into(),
                phone: r[8].into(),
                contact_email: r[9].into(),
            },
        ));
    }
    let mut gold: HashMap<String, HashSet<String>> = HashMap::new();
    if let Ok(g) = std::fs::read(dir.join("gold.csv")) {
        for rec in csv::Reader::from_reader(g.as_slice()).records() {
            let r = rec?;
            gold.entry(r[0].to_string())
                .or_default()
                .insert(r[1].to_string());
        }
    }
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_default();
    let tmp = tempfile::tempdir()?;
    if only.is_empty() || only == "sqlite" {
        run(
            "sqlite",
            &format!("sqlite://{}/bench.db", tmp.path().display()),
            &rows,
            &checks,
            &gold,
        )
        .await?;
    }
    if let Ok(pg) = std::env::var("TRELLIS_TEST_POSTGRES_URL")
        && (only.is_empty() || only == "postgres")
    {
        let admin = app::server::db::Db::connect(&pg).await?;
        let schema = format!("bench_{}", std::process::id());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin.pool)
            .await?;
        let sep = if pg.contains('?') { '&' } else { '?' };
        let url = format!("{pg}{sep}options=-c%20search_path%3D{schema}");
        let r = run("postgres", &url, &rows, &checks, &gold).await;
        if args.iter().any(|a| a == "--keep") {
            println!("[postgres] kept the data in schema {schema} (DROP SCHEMA {schema} CASCADE)");
        } else {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin.pool)
                .await?;
        }
        r?;
    }
    Ok(())
}
