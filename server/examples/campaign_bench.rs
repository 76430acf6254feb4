//! Campaign sending at volume: N personalised emails (100,000 by default) of the demo
//! campaign's first touch, rendered and handed to an SMTP server on loopback, through the
//! same code the `campaigns.send` job runs (claim, outbox, batched delivery over pooled
//! connections). Prints messages per second and the process's peak memory (VmHWM).
//! The SMTP server is in this process (a small one that accepts everything), so its work
//! is in the figures too.
//!
//!     cargo run --release -p trellis --example campaign_bench -- [--emails 100000] [--connections 64] [--db postgres://…]

use app::campaigns::{LaunchInput, Recipients};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Peak resident memory of this process, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// An SMTP server that accepts every message and counts them.
async fn sink() -> anyhow::Result<(String, Arc<AtomicUsize>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("smtp://{}", listener.local_addr()?);
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let c = c.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 bench ESMTP\r\n").await;
                let mut data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if data {
                        if line == "." {
                            data = false;
                            c.fetch_add(1, Ordering::Relaxed);
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        let upper = line.to_ascii_uppercase();
                        if upper.starts_with("EHLO") {
                            b"250-bench\r\n250 8BITMIME\r\n"
                        } else if upper == "DATA" {
                            data = true;
                            b"354 go ahead\r\n"
                        } else if upper == "QUIT" {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        }
                    };
                    if w.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok((url, count))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = arg("--emails")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let url = arg("--db").unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.path().display()));
    let db = trellis::connect(&url).await?;
    let err = |e: app::error::AppError| anyhow::anyhow!("{e:?}");
    trellis::seed::demo(&db).await?;
    trellis::seed_campaigns::demo_campaigns(&db).await?;
    let (smtp_url, received) = sink().await?;
    let mut config = app::server::AppConfig::for_public_url("http://127.0.0.1:3198");
    config.smtp_url = Some(smtp_url);
    // The volume is what is measured here, not the partner's rate limit.
    config.campaign_rate_per_minute = i64::MAX / 2;
    config.smtp_connections = arg("--connections")
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let state = app::server::AppState {
        db: db.clone(),
        config: Arc::new(config),
        leptos_options: trellis::leptos_options("target/site", "127.0.0.1:3198".parse()?),
        files: app::server::storage::Files::local(&dir.path().join("files"))?,
    };
    let nina = app::auth::tokens::caller_for_email(&db, "nina@northwind.example")
        .await
        .map_err(err)?;

    // N contacts with consent, written in one transaction (not measured).
    let t = Instant::now();
    let mut tx = db.pool.begin().await?;
    for k in 0..n {
        sqlx::query(
            "INSERT INTO contacts (org_id, email, first_name, last_name, company, consent, consent_source, \
             tags, created_at, updated_at) VALUES ($1, $2, $3, 'Example', 'Example Ltd', 1, 'import', '', 0, 0)",
        )
        .bind(nina.org_id)
        .bind(format!("contact{k}@bench.example"))
        .bind(format!("Person{k}"))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    println!("{n} contacts written in {:.1} s", t.elapsed().as_secs_f64());

    let template: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM campaign_templates WHERE status = 'published' AND language = 'en'",
    )
    .fetch_one(&db.pool)
    .await?;
    let now = app::server::now();
    let t = Instant::now();
    let launch = app::campaigns::sending::launch(
        &db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            // Later than now, so no worker could start it; this process sends it below.
            starts_at: Some(now + 10),
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(err)?;
    println!(
        "launch (one send row per recipient and touch): {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let written = app::campaigns::sending::send_due(&state, launch, now + 11)
        .await
        .map_err(err)?;
    let secs = t.elapsed().as_secs_f64();
    let got = received.load(Ordering::Relaxed);
    println!(
        "first touch: {written} emails rendered and written, {got} accepted by the SMTP server \
         over {} connections in {secs:.1} s = {:.0} messages/s; peak RSS {:.0} MiB",
        state.config.smtp_connections,
        got as f64 / secs,
        peak_rss_mib()
    );
    let view = app::campaigns::sending::view(&db, &nina, launch)
        .await
        .map_err(err)?;
    println!(
        "launch counts: recipients {} sent {} failed {} queued (later touch) {}",
        view.recipients, view.sent, view.failed, view.queued
    );
    Ok(())
}
