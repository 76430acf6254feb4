//! The durable job queue on both backends: a killed worker's job finished by another
//! server, two servers taking each job once, retries with backoff into the dead state and
//! an admin's retry, and email through an SMTP server that is down and then up.

mod common;

use app::server::db::Db;
use app::server::jobs::{self, Enqueue, Registry, Worker};
use common::smtp::SmtpSink;
use common::{Backend, TestApp, client, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use sqlx::Row;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn worker(name: &str, registry: Registry) -> Worker {
    let mut w = Worker::new(registry);
    w.name = name.to_string();
    w.lease_secs = 2;
    w.backoff_secs = 1;
    w.poll = Duration::from_millis(50);
    w
}

async fn job_state(db: &Db, id: i64) -> (String, i64, Option<String>, Option<String>) {
    let r = sqlx::query("SELECT state, attempts, locked_by, last_error FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .expect("job");
    (
        r.try_get("state").expect("state"),
        r.try_get("attempts").expect("attempts"),
        r.try_get("locked_by").expect("locked_by"),
        r.try_get("last_error").expect("last_error"),
    )
}

async fn queue(app: &TestApp, kind: &str, max_attempts: i64) -> i64 {
    jobs::enqueue(
        &app.db.pool,
        kind,
        &serde_json::json!({}),
        Enqueue {
            max_attempts,
            ..Enqueue::default()
        },
    )
    .await
    .expect("enqueue")
    .expect("id")
}

async fn a_killed_workers_job_is_finished_by_another_server(b: Backend) {
    let app = spawn_app(b).await;
    app.worker.abort();
    let done = Arc::new(Mutex::new(Vec::<(String, i64)>::new()));
    // The first attempt hangs (its worker will be killed); later ones finish.
    let registry = |who: &'static str| {
        let done = done.clone();
        Registry::new().on("test.hang_once", move |_s, job| {
            let done = done.clone();
            async move {
                if job.attempt == 1 {
                    std::future::pending::<()>().await;
                }
                done.lock().expect("lock").push((who.to_string(), job.id));
                Ok(())
            }
        })
    };
    let id = queue(&app, "test.hang_once", 5).await;
    // A lease of 6 s (a heartbeat every 2 s): a busy test machine cannot stall the living
    // worker's heartbeat long enough to lose the job.
    let lease = |mut w: Worker| {
        w.lease_secs = 6;
        w
    };
    let a = lease(worker("server-a", registry("a")));
    let job = a.claim(&app.db).await.expect("claim").expect("a job");
    let state = app.state.clone();
    let running = tokio::spawn(async move { a.run(&state, job).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (s, attempts, by, _) = job_state(&app.db, id).await;
    assert_eq!(
        (s.as_str(), attempts, by.as_deref()),
        ("running", 1, Some("server-a"))
    );

    // Server B, on its own connection pool: it leaves a job with a live heartbeat alone.
    let other = Db::connect(&app.database_url).await.expect("second pool");
    let mut b_state = app.state.clone();
    b_state.db = other.clone();
    let b_worker = lease(worker("server-b", registry("b")));
    assert!(b_worker.claim(&other).await.expect("claim").is_none());
    // A's heartbeat keeps the job while A lives, past one lease.
    tokio::time::sleep(Duration::from_millis(7000)).await;
    assert!(b_worker.claim(&other).await.expect("claim").is_none());

    // A dies mid-job. Once its lease runs out, B takes the job over and finishes it.
    running.abort();
    let start = Instant::now();
    loop {
        if b_worker.run_due(&b_state).await.expect("run") > 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never taken over"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (s, attempts, _, _) = job_state(&app.db, id).await;
    assert_eq!((s.as_str(), attempts), ("done", 2));
    assert_eq!(*done.lock().expect("lock"), vec![("b".to_string(), id)]);
}

async fn two_servers_take_each_job_once(b: Backend) {
    let app = spawn_app(b).await;
    app.worker.abort();
    let seen = Arc::new(Mutex::new(Vec::<i64>::new()));
    let registry = {
        let seen = seen.clone();
        Registry::new().on("test.count", move |_s, job| {
            let seen = seen.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(3)).await;
                seen.lock().expect("lock").push(job.id);
                Ok(())
            }
        })
    };
    let mut ids = Vec::new();
    for _ in 0..60 {
        ids.push(queue(&app, "test.count", 3).await);
    }
    let mut handles = Vec::new();
    for name in ["server-a", "server-b"] {
        let db = Db::connect(&app.database_url).await.expect("pool");
        let mut state = app.state.clone();
        state.db = db;
        let w = worker(name, registry.clone());
        handles.push(tokio::spawn(async move { w.run_due(&state).await }));
    }
    let mut attempts = 0;
    for h in handles {
        attempts += h.await.expect("join").expect("run");
    }
    let mut got = seen.lock().expect("lock").clone();
    got.sort_unstable();
    assert_eq!(got, ids, "every job ran exactly once");
    assert_eq!(attempts, 60);
    let not_done = app
        .scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND (state <> 'done' OR attempts <> 1)",
            "test.count",
        )
        .await;
    assert_eq!(not_done, 0);
    // A week later they are forgotten; a dead job is kept for the admin.
    sqlx::query("UPDATE jobs SET finished_at = finished_at - 8 * 24 * 3600 WHERE kind = $1")
        .bind("test.count")
        .execute(&app.db.pool)
        .await
        .expect("age");
    let dead = queue(&app, "test.count", 1).await;
    sqlx::query("UPDATE jobs SET state = 'dead', finished_at = 0 WHERE id = $1")
        .bind(dead)
        .execute(&app.db.pool)
        .await
        .expect("dead");
    let pruned = jobs::prune_done(&app.db, 7 * 24 * 3600)
        .await
        .expect("prune");
    assert_eq!(pruned, 60);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1", "test.count")
            .await,
        1
    );
}

async fn failures_back_off_then_die_and_admins_retry(b: Backend) {
    let app = spawn_app(b).await;
    app.worker.abort();
    let registry = Registry::new()
        .on("test.fail", |_s, _job| async {
            Err::<(), _>("the remote said no".to_string())
        })
        .on("test.panic", |_s, _job| async {
            if app::server::now() > 0 {
                panic!("a bug in a handler");
            }
            Ok(())
        });
    let id = queue(&app, "test.fail", 2).await;
    let unknown = queue(&app, "test.nobody_handles_this", 1).await;
    let panics = queue(&app, "test.panic", 1).await;
    let mut w = worker("server-a", registry);
    // A backoff long enough that no retry comes due while the test runs, however slow the
    // machine; the test moves the retry time itself.
    w.backoff_secs = 60;
    assert_eq!(w.run_due(&app.state).await.expect("run"), 3);
    // A panicking handler fails its attempt; the worker carries on.
    let (s, _, _, err) = job_state(&app.db, panics).await;
    assert_eq!(s, "dead");
    assert!(err.unwrap_or_default().contains("panicked"));
    // Failed once: queued again, later, with the error kept.
    let (s, attempts, _, err) = job_state(&app.db, id).await;
    assert_eq!((s.as_str(), attempts), ("queued", 1));
    assert_eq!(err.as_deref(), Some("the remote said no"));
    let run_at: i64 = sqlx::query_scalar("SELECT run_at FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("run_at");
    assert!(
        run_at > app::server::now() + 30,
        "a backoff was set: {run_at}"
    );
    assert_eq!(
        w.run_due(&app.state).await.expect("run"),
        0,
        "not before its time"
    );
    let (s, _, _, err) = job_state(&app.db, unknown).await;
    assert_eq!(s, "dead");
    assert!(err.unwrap_or_default().contains("no handler"));
    // Its time comes: the second and last attempt fails too.
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1")
        .bind(id)
        .execute(&app.db.pool)
        .await
        .expect("due now");
    assert_eq!(w.run_due(&app.state).await.expect("run"), 1);
    let (s, attempts, _, _) = job_state(&app.db, id).await;
    assert_eq!((s.as_str(), attempts), ("dead", 2));

    // The admin page's data: counts per state and the dead job with its error.
    let admin = app.as_user("admin@acme.example").await;
    let (status, o) = app.call(&admin, "list_jobs", &[("state", "dead")]).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert!(
        o["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .any(|j| j["id"] == id && j["last_error"] == "the remote said no"),
        "{o}"
    );
    assert!(o["counts"].to_string().contains("dead"), "{o}");
    let (status, _) = app.call(&admin, "list_jobs", &[("state", "bogus")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only admins see or retry jobs.
    let cam = app.as_user("cam@acme.example").await;
    let (status, _) = app.call(&cam, "list_jobs", &[("state", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&client(), "list_jobs", &[("state", "")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(&cam, "retry_job", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(&admin, "retry_job", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (s, attempts, _, _) = job_state(&app.db, id).await;
    assert_eq!((s.as_str(), attempts), ("queued", 0));
    // A job that is not dead cannot be retried; one that does not exist is not found.
    let (status, _) = app
        .call(&admin, "retry_job", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app.call(&admin, "retry_job", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn email_survives_an_smtp_outage_and_arrives_once(b: Backend) {
    // A port with no SMTP server behind it yet.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = reserved.local_addr().expect("addr");
    drop(reserved);
    let app = spawn_app_with(b, Some(format!("smtp://{addr}"))).await;
    let anon = client();
    let start = Instant::now();
    let (status, _) = app
        .call(
            &anon,
            "request_password_reset",
            &[("email", "sam@northwind.example")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "the request does not wait for SMTP"
    );
    // The worker tries, fails and keeps the message queued with the error.
    let started = Instant::now();
    loop {
        let failed = app
            .scalar(
                "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND last_error IS NOT NULL AND state = 'queued'",
                "mail.send",
            )
            .await;
        if failed > 0 {
            break;
        }
        assert!(
            // The port was free when reserved, but another test's server may bind it in
            // between; then the attempt fails only when the relay's 10 s timeout runs out.
            started.elapsed() < Duration::from_secs(30),
            "no failed attempt"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND status = 'queued'",
            "sam@northwind.example"
        )
        .await,
        1
    );
    // SMTP comes back: the message arrives once, and stays delivered once.
    let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
    let (sink, _) = SmtpSink::start_on(listener);
    assert_eq!(sink.wait_for("sam@northwind.example", 1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(sink.for_rcpt("sam@northwind.example").len(), 1);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND status = 'sent'",
            "sam@northwind.example"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state <> 'done'",
            "mail.send"
        )
        .await,
        0
    );
}

both_backends!(
    a_killed_workers_job_is_finished_by_another_server,
    two_servers_take_each_job_once,
    failures_back_off_then_die_and_admins_retry,
    email_survives_an_smtp_outage_and_arrives_once,
);
