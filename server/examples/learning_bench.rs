//! Learning figures on a fresh SQLite database with the demo data: the time to issue a
//! credential (canonicalise with RDFC-1.0 + sign with Ed25519, then the whole issue with
//! its database write), and quiz submission (grading on the server), each as p50/p95.
//! Prints the id of an issued credential for the public page's wrk run (scripts/bench).
//!
//!     cargo run --release -p trellis --example learning_bench -- [--credentials 1000] [--submissions 500] [--db PATH]

use app::learning::{
    AnswerInput, CourseInput, LessonInput, awards, credentials, di, issuer, service,
};
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(what: &str, mut t: Vec<Duration>) {
    t.sort();
    println!(
        "{what}: n={} p50={:.2} ms p95={:.2} ms max={:.2} ms",
        t.len(),
        pct(&t, 0.5),
        pct(&t, 0.95),
        t.last()
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or_default()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n_creds = arg("--credentials", 1000);
    let n_subs = arg("--submissions", 500);
    let args: Vec<String> = std::env::args().collect();
    let dir = tempfile::tempdir()?;
    let path = args
        .iter()
        .position(|a| a == "--db")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| dir.path().join("bench.db").display().to_string());
    let public_url =
        std::env::var("TRELLIS_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:3198".into());
    let db = trellis::connect(&format!("sqlite://{path}")).await?;
    trellis::seed::demo(&db).await?;
    trellis::seed::demo_learning(&db, &public_url).await?;
    let now = app::server::now();

    // Canonicalise + sign alone, on the document a certification gets.
    let (_, key) = issuer::signing_key(&db, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let method = issuer::method_id(&issuer::did_for(&public_url), 1);
    let mut sign_times = Vec::with_capacity(n_creds);
    for k in 0..n_creds {
        let id = format!("bench-{k}");
        let claim = credentials::Claim {
            id: &id,
            certification_id: 1,
            achievement: "Certified Partner Seller",
            description: "How deal registration works",
            criteria: "Pass the final exam with at least 75%.",
            holder_name: "Bench Holder",
            holder_email: "bench@example.com",
            issuer_name: "Acme Cloud",
            issued_at: now,
            valid_until: now + 365 * 86_400,
            status_index: k as i64,
        };
        let doc = credentials::document(&public_url, &claim, &credentials::salt());
        let t = Instant::now();
        let signed = di::sign(&doc, &key, &method, &credentials::xsd_datetime(now))?;
        sign_times.push(t.elapsed());
        std::hint::black_box(signed);
    }
    report("canonicalise + sign (eddsa-rdfc-2022)", sign_times);

    // The whole issue: next status index, sign, insert.
    let course = sqlx::query_scalar::<_, i64>("SELECT MIN(id) FROM courses")
        .fetch_one(&db.pool)
        .await?;
    let cert = awards::certification_of_course(&db, course)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .ok_or_else(|| anyhow::anyhow!("no certification"))?;
    let sam = app::auth::tokens::caller_for_email(&db, "sam@northwind.example")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut issue_times = Vec::with_capacity(n_creds);
    let mut last = String::new();
    for _ in 0..n_creds {
        let holder = awards::Holder {
            user_id: sam.user_id,
            org_id: sam.org_id,
            name: sam.name.clone(),
            email: sam.email.clone(),
        };
        let t = Instant::now();
        last = awards::issue(&db, &public_url, &cert, &holder, now)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        issue_times.push(t.elapsed());
    }
    report("issue (index + sign + store)", issue_times);

    // Quiz submissions: a course that allows 100 attempts, taken by the partner users.
    let marketer = app::auth::tokens::caller_for_email(&db, "marketing@acme.example")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let bank: String = (1..=20)
        .map(|q| {
            format!(
                "? Question {q}\ntopic: Topic {}\n* right\n- wrong\n- also wrong\n\n",
                q % 4
            )
        })
        .collect();
    // Wrong answers and a pass mark of 100%: nobody passes, so 100 attempts each are open.
    let quiz = service::create(
        &db,
        &marketer,
        &CourseInput {
            title: "Bench quiz".into(),
            lessons: vec![LessonInput {
                title: "Lesson".into(),
                ..Default::default()
            }],
            questions: bank,
            draw_count: "10".into(),
            pass_percent: "100".into(),
            max_attempts: "100".into(),
            cooldown_minutes: "0".into(),
            time_limit_minutes: "0".into(),
            publish: true,
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let state = app::server::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(app::server::AppConfig::for_public_url(&public_url)),
        leptos_options: trellis::leptos_options("target/site", "127.0.0.1:0".parse()?),
        files: app::server::storage::Files::local(&dir.path().join("files"))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
    };
    let mut takers = Vec::new();
    for email in [
        "sam@northwind.example",
        "nina@northwind.example",
        "carla@contoso.example",
        "mo@contoso.example",
        "gita@globex.example",
        "ivan@initech.example",
    ] {
        takers.push(
            app::auth::tokens::caller_for_email(&db, email)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        );
    }
    let mut sub_times = Vec::with_capacity(n_subs);
    for k in 0..n_subs {
        let who = &takers[k % takers.len()];
        let attempt = service::start(&db, who, quiz, now + k as i64)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let answers: Vec<AnswerInput> = attempt
            .questions
            .iter()
            .map(|q| AnswerInput {
                question_id: q.id,
                chosen: vec![1],
            })
            .collect();
        let t = Instant::now();
        let r = service::submit(&state, who, attempt.id, &answers, now + k as i64)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        sub_times.push(t.elapsed());
        assert!(!r.passed);
    }
    report("quiz submission (grade + store)", sub_times);
    println!("credential id for the page benchmark: {last}");
    Ok(())
}
