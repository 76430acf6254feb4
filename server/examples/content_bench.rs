//! Content search at scale: seeds N assets (default 100,000) with metadata and extracted
//! text of realistic length (titles of 4–9 words, descriptions of 25–60, 300–900 words of
//! document text from a 25,000-word vocabulary with a Zipf-like spread), aimed at a mix of
//! tiers, partner types and regions, then times searches by a partner user through the real
//! search path (visibility, facets, ranking, match reasons, typo correction, search log).
//! Runs on SQLite and, when `TRELLIS_TEST_POSTGRES_URL` is set, on Postgres.
//!
//!     cargo run --release -p trellis --example content_bench -- [--assets 100000] [--queries 1000] [--only sqlite|postgres] [--keep]
//!
//! `--keep` leaves the Postgres schema (named in the output) in place for `EXPLAIN`;
//! `--reuse SCHEMA` times the searches again on a kept schema without seeding;
//! `--sqlite-db PATH` keeps the SQLite database at PATH (and re-times it if it exists).

use app::content::search;
use app::content::{ContentQuery, find};
use app::server::db::Db;
use std::time::Instant;

/// A small deterministic generator (xorshift64*), so both backends get the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// An index skewed towards small values (roughly Zipf).
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as usize % n
    }
}

const COMMON: &[&str] = &[
    "cloud",
    "security",
    "partner",
    "pricing",
    "migration",
    "customer",
    "deal",
    "margin",
    "renewal",
    "discovery",
    "proposal",
    "integration",
    "compliance",
    "identity",
    "network",
    "backup",
    "analytics",
    "platform",
    "onboarding",
    "support",
    "roadmap",
    "enterprise",
    "managed",
    "services",
    "competitive",
    "battlecard",
    "datasheet",
    "webinar",
    "campaign",
    "workshop",
    "license",
    "subscription",
    "firewall",
    "endpoint",
    "zero",
    "trust",
    "storage",
    "database",
    "kubernetes",
    "edge",
    "retail",
    "healthcare",
    "finance",
    "manufacturing",
    "public",
    "sector",
    "channel",
    "reseller",
    "distributor",
    "marketplace",
];

fn vocabulary(rng: &mut Rng, n: usize) -> Vec<String> {
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ser", "vin", "tra", "pol", "den", "qua", "rix", "bel", "cor", "nam",
        "tis", "fer", "gul", "hep", "jor", "lux", "mor", "nex", "opt", "pra", "sul", "tev", "ur",
        "vak", "wen", "xyl", "zor",
    ];
    let mut v: Vec<String> = COMMON.iter().map(|s| s.to_string()).collect();
    let mut seen: std::collections::HashSet<String> = v.iter().cloned().collect();
    while v.len() < n {
        let parts = 2 + rng.below(3);
        let w: String = (0..parts).map(|_| SYL[rng.below(SYL.len())]).collect();
        if seen.insert(w.clone()) {
            v.push(w);
        }
    }
    v
}

fn words(rng: &mut Rng, vocab: &[String], n: usize) -> String {
    (0..n)
        .map(|_| vocab[rng.skewed(vocab.len())].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

const KINDS: [&str; 7] = [
    "sales_play",
    "battlecard",
    "datasheet",
    "deck",
    "marketing_kit",
    "case_study",
    "training_aid",
];

async fn seed(db: &Db, n: usize, vocab: &[String]) -> anyhow::Result<()> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let author: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'marketing@acme.example'")
            .fetch_one(&db.pool)
            .await?;
    let t0 = app::server::now();
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(1000);
        let mut tx = db.pool.begin().await?;
        for _ in 0..batch {
            let n_title = 4 + rng.below(6);
            let title = words(&mut rng, vocab, n_title);
            let n_desc = 25 + rng.below(36);
            let description = words(&mut rng, vocab, n_desc);
            let tags = (0..3 + rng.below(3))
                .map(|_| COMMON[rng.below(COMMON.len())])
                .collect::<Vec<_>>()
                .join(",");
            let n_body = 300 + rng.below(601);
            let body = words(&mut rng, vocab, n_body);
            let tiers = match rng.below(10) {
                0 => ",gold,platinum,",
                1 => ",platinum,",
                2 => ",silver,gold,platinum,",
                _ => "",
            };
            let types = match rng.below(10) {
                0 => ",msp,",
                1 => ",reseller,var,",
                _ => "",
            };
            let regions = match rng.below(10) {
                0 => ",emea,",
                1 => ",na,",
                _ => "",
            };
            let stages = [
                ",qualify,",
                ",discovery,",
                ",proposal,",
                ",negotiation,",
                ",closing,",
                "",
            ][rng.below(6)];
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO assets (title, description, kind, products, stages, partner_types, tiers, regions, language, tags, published, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, ',Acme Cloud,', $4, $5, $6, $7, 'en', $8, 1, $9, $10, $10) RETURNING id",
            )
            .bind(&title)
            .bind(&description)
            .bind(KINDS[rng.below(KINDS.len())])
            .bind(stages)
            .bind(types)
            .bind(tiers)
            .bind(regions)
            .bind(format!(",{tags},"))
            .bind(author)
            .bind(t0 - rng.below(400 * 86_400) as i64)
            .fetch_one(&mut *tx)
            .await?;
            let vid: i64 = sqlx::query_scalar(
                "INSERT INTO asset_versions (asset_id, version_no, object_key, file_name, content_type, size_bytes, sha256, text_content, created_by, created_at) \
                 VALUES ($1, 1, $2, 'doc.pdf', 'application/pdf', $3, '', $4, $5, $6) RETURNING id",
            )
            .bind(id)
            .bind(format!("assets/bench-{id}"))
            .bind(body.len() as i64 * 2)
            .bind(&body)
            .bind(author)
            .bind(t0)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE assets SET current_version_id = $1 WHERE id = $2")
                .bind(vid)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            search::index(
                &mut tx,
                db.backend,
                id,
                &title,
                &tags.replace(',', " "),
                &description,
                &body,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
        tx.commit().await?;
        done += batch;
        if done % 20_000 == 0 {
            eprintln!("  {done} assets");
        }
    }
    if db.backend == app::server::db::Backend::Postgres {
        // What autovacuum does soon after a bulk load: statistics for the planner, and the
        // visibility map that lets the vocabulary be read from its index alone.
        sqlx::query("VACUUM ANALYZE").execute(&db.pool).await?;
    }
    Ok(())
}

/// A mix of what people type: one rare or mid-frequency word, two or three words, a
/// prefix still being typed, a typo, and a word with a facet.
fn queries(n: usize, vocab: &[String]) -> Vec<ContentQuery> {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let pick = |rng: &mut Rng| vocab[50 + rng.skewed(vocab.len() - 50)].clone();
    (0..n)
        .map(|k| {
            let mut q = ContentQuery::default();
            q.q = match k % 6 {
                0 => pick(&mut rng),
                1 => format!("{} {}", COMMON[rng.below(COMMON.len())], pick(&mut rng)),
                2 => format!("{} {} {}", pick(&mut rng), pick(&mut rng), pick(&mut rng)),
                3 => {
                    let w = pick(&mut rng);
                    w[..w.len().min(4)].to_string()
                }
                4 => {
                    let mut w: Vec<char> = pick(&mut rng).chars().collect();
                    if w.len() > 4 {
                        w.swap(2, 3);
                    }
                    w.into_iter().collect()
                }
                _ => {
                    q.kind = KINDS[rng.below(KINDS.len())].into();
                    COMMON[rng.below(COMMON.len())].to_string()
                }
            };
            q
        })
        .collect()
}

async fn run(
    label: &str,
    url: &str,
    n: usize,
    n_queries: usize,
    reuse: bool,
) -> anyhow::Result<()> {
    let db = trellis::connect(url).await?;
    let mut rng = Rng(42);
    let vocab = vocabulary(&mut rng, 25_000);
    if !reuse {
        trellis::seed::demo(&db).await?;
        let start = Instant::now();
        seed(&db, n, &vocab).await?;
        let secs = start.elapsed().as_secs_f64();
        println!(
            "[{label}] seeded {n} assets in {secs:.1}s = {:.0} assets/s",
            n as f64 / secs
        );
    }
    let partner = app::auth::tokens::caller_for_email(&db, "sam@northwind.example")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let qs = queries(n_queries, &vocab);
    for q in qs.iter().take(50) {
        find::find(&db, &partner, q, 20)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    let mut ms = Vec::with_capacity(qs.len());
    let mut by_kind: Vec<Vec<f64>> = vec![Vec::new(); 6];
    let mut found = 0;
    for (k, q) in qs.iter().enumerate() {
        let t = Instant::now();
        let r = find::find(&db, &partner, q, 20)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let took = t.elapsed().as_secs_f64() * 1000.0;
        ms.push(took);
        by_kind[k % 6].push(took);
        found += usize::from(!r.items.is_empty());
    }
    for (name, v) in [
        "one word",
        "common + rare",
        "three words",
        "prefix",
        "typo",
        "word + kind facet",
    ]
    .iter()
    .zip(by_kind.iter_mut())
    {
        v.sort_by(f64::total_cmp);
        println!(
            "[{label}]   {name:<18} p50 {:.2} ms, p95 {:.2} ms",
            pct(v, 0.5),
            pct(v, 0.95)
        );
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "[{label}] search: {} queries, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({found} found something)",
        ms.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.95),
        pct(&ms, 0.99),
        ms.last().copied().unwrap_or(0.0)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let n: usize = arg("--assets")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let n_queries: usize = arg("--queries")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let only = arg("--only").unwrap_or_default();
    let tmp = tempfile::tempdir()?;
    if only.is_empty() || only == "sqlite" {
        // `--sqlite-db PATH` keeps the database there, and re-times an existing one.
        let kept = arg("--sqlite-db");
        let path = kept
            .clone()
            .unwrap_or_else(|| format!("{}/bench.db", tmp.path().display()));
        let reuse = kept.is_some() && std::path::Path::new(&path).exists();
        run("sqlite", &format!("sqlite://{path}"), n, n_queries, reuse).await?;
    }
    if let Ok(pg) = std::env::var("TRELLIS_TEST_POSTGRES_URL")
        && (only.is_empty() || only == "postgres")
    {
        let admin = Db::connect(&pg).await?;
        let reuse = arg("--reuse");
        let schema = reuse
            .clone()
            .unwrap_or_else(|| format!("cbench_{}", std::process::id()));
        if reuse.is_none() {
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin.pool)
                .await?;
        }
        let sep = if pg.contains('?') { '&' } else { '?' };
        let url = format!("{pg}{sep}options=-c%20search_path%3D{schema}");
        let r = run("postgres", &url, n, n_queries, reuse.is_some()).await;
        if args.iter().any(|a| a == "--keep") || reuse.is_some() {
            println!("[postgres] kept schema {schema}");
        } else {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin.pool)
                .await?;
        }
        r?;
    }
    Ok(())
}
