//! Deal registration follow-ups: pipeline uploads from the browser (chunks, preview, row
//! errors, job progress), in-app notifications, and the review queue status.

mod common;

use common::{Backend, TestApp, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const GOOD_CSV: &str =
    "external_id,company,domain,street,city,region,postcode,country,phone,contact_email\n";

fn pipeline_csv(n: usize) -> String {
    let mut s = GOOD_CSV.to_string();
    for k in 0..n {
        s.push_str(&format!(
            "UP-{k:05},Ünited Widgets {k} GmbH,widgets{k}.de,Hauptstraße {k},München,BY,80331,DE,+49 89 {k:07},buyer@widgets{k}.de\n"
        ));
    }
    s
}

async fn put_chunk(app: &TestApp, c: &Client, id: i64, seq: i64, data: &str) -> StatusCode {
    c.post(app.url("/api/put_pipeline_chunk"))
        .json(&json!({ "id": id, "seq": seq, "data": data }))
        .send()
        .await
        .expect("chunk")
        .status()
}

/// Uploads `csv` in chunks of `chunk` bytes and returns the import id and the preview.
async fn upload(app: &TestApp, c: &Client, csv: &str, chunk: usize) -> (i64, Value) {
    let (status, view) = app
        .call(
            c,
            "start_pipeline_upload",
            &[
                ("file_name", "pipeline.csv"),
                ("bytes", &csv.len().to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let id = view["id"].as_i64().expect("id");
    for (seq, part) in app::deals::import_page::chunks(csv, chunk)
        .iter()
        .enumerate()
    {
        assert_eq!(
            put_chunk(app, c, id, seq as i64, part).await,
            StatusCode::OK
        );
    }
    let (status, preview) = app
        .call(c, "finish_pipeline_upload", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    (id, preview)
}

/// Polls an import until it ends.
async fn wait_done(app: &TestApp, c: &Client, id: i64) -> Value {
    for _ in 0..1200 {
        let (_, v) = app
            .call(c, "pipeline_import_status", &[("id", &id.to_string())])
            .await;
        if v["state"] == "done" || v["state"] == "failed" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.scalar(sql, "").await
}

async fn pipeline_upload_previews_validates_and_imports_with_progress(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let before = count(&app, "SELECT COUNT(*) FROM pipeline_records WHERE $1 = ''").await;

    // A file with problems: every one reported with its line, nothing written.
    let bad = format!(
        "{GOOD_CSV}BAD-1,,nobody.de,,,,,,,\nBAD-2,Fine Corp,fine.de,,,,,,,\nBAD-2,Twice Corp,twice.de,,,,,,,\n"
    );
    let (bad_id, preview) = upload(&app, &cam, &bad, 40).await;
    assert_eq!(preview["import"]["state"], "invalid", "{preview}");
    assert_eq!(preview["error_count"], 2, "{preview}");
    assert_eq!(preview["errors"][0]["line"], 2);
    assert_eq!(preview["errors"][0]["field"], "company");
    assert_eq!(preview["errors"][1]["line"], 4);
    assert!(
        preview["errors"][1]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("repeats line 3")
    );
    let (status, _) = app
        .call(&cam, "run_pipeline_import", &[("id", &bad_id.to_string())])
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "an invalid file cannot be imported"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pipeline_records WHERE $1 = ''").await,
        before
    );
    // A mistyped header is caught before any row.
    let (_, preview) = upload(&app, &cam, "external_id,compnay\nX-1,Acme\n", 1024).await;
    assert_eq!(preview["errors"][0]["line"], 1, "{preview}");

    // A good file in many chunks (cut inside multi-byte characters): preview, then import.
    let csv = pipeline_csv(4_500);
    let (id, preview) = upload(&app, &cam, &csv, 7_001).await;
    assert_eq!(preview["import"]["state"], "ready", "{preview}");
    assert_eq!(preview["import"]["total_rows"], 4_500);
    assert_eq!(preview["sample"].as_array().map(Vec::len), Some(10));
    assert_eq!(preview["sample"][0]["company"], "Ünited Widgets 0 GmbH");
    let (status, view) = app
        .call(&cam, "run_pipeline_import", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let mut seen = Vec::new();
    let done = loop {
        let (_, v) = app
            .call(&cam, "pipeline_import_status", &[("id", &id.to_string())])
            .await;
        seen.push(v["done_rows"].as_i64().unwrap_or_default());
        if v["state"] == "done" || v["state"] == "failed" {
            break v;
        }
        assert!(seen.len() < 1200, "import did not finish: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["done_rows"], 4_500);
    assert_eq!(done["inserted"], 4_500);
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress went backwards: {seen:?}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pipeline_records WHERE $1 = ''").await,
        before + 4_500
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pipeline_import_chunks WHERE $1 = ''"
        )
        .await,
        0,
        "chunks are removed once imported"
    );
    // The imported records are in the index at once.
    let (_, v) = app
        .call(
            &cam,
            "check_deal",
            &[
                ("input[company]", "United Widgets 42"),
                ("input[domain]", "www.widgets42.de"),
            ],
        )
        .await;
    assert_eq!(v, "may_be_registered", "{v}");
    // Re-importing the same ids updates them.
    let (id2, _) = upload(&app, &cam, &pipeline_csv(10), 100_000).await;
    app.call(&cam, "run_pipeline_import", &[("id", &id2.to_string())])
        .await;
    let v = wait_done(&app, &cam, id2).await;
    assert_eq!(
        (v["state"].as_str(), v["updated"].as_i64()),
        (Some("done"), Some(10)),
        "{v}"
    );
    // The audit log has the import, by the user who uploaded it.
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'pipeline.import' AND $1 = ''"
        )
        .await
            >= 2
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.actor_user_id \
             WHERE e.action = 'pipeline.import' AND u.email = $1 AND e.actor_email = u.email \
             AND e.org_id = u.org_id",
            "cam@acme.example"
        )
        .await,
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'pipeline.import' AND $1 = ''"
        )
        .await
    );
}

async fn pipeline_upload_is_guarded(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let admin = app.as_user("admin@acme.example").await;
    let sam = app.as_user("sam@northwind.example").await;
    // Partners may not upload, or read anyone's upload.
    let (status, _) = app
        .call(
            &sam,
            "start_pipeline_upload",
            &[("file_name", "p.csv"), ("bytes", "10")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (id, _) = upload(&app, &cam, &pipeline_csv(3), 1024).await;
    let (status, _) = app
        .call(&sam, "pipeline_import_status", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another vendor user does not see this one's upload either.
    let (status, _) = app
        .call(&admin, "pipeline_import_status", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(&admin, "run_pipeline_import", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Oversized files are refused at the start, with the field named.
    let (status, body) = app
        .call(
            &cam,
            "start_pipeline_upload",
            &[
                ("file_name", "huge.csv"),
                ("bytes", &(200 * 1024 * 1024).to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["file"][0], "err.file_too_large");
    // Sending more than announced is refused; a chunk after the end of the upload too.
    let (_, view) = app
        .call(
            &cam,
            "start_pipeline_upload",
            &[("file_name", "p.csv"), ("bytes", "20")],
        )
        .await;
    let small = view["id"].as_i64().expect("id");
    assert_eq!(
        put_chunk(&app, &cam, small, 0, &"x".repeat(30)).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        put_chunk(&app, &cam, id, 9, "late").await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        put_chunk(&app, &cam, small, 1, &"y".repeat(300 * 1024)).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Malformed JSON gets a client error, not a crash.
    let status = cam
        .post(app.url("/api/put_pipeline_chunk"))
        .header("content-type", "application/json")
        .body("{\"id\": \"nope\"")
        .send()
        .await
        .expect("send")
        .status();
    assert!(!status.is_success(), "{status}");
    let (status, _) = app
        .call(
            &cam,
            "pipeline_import_status",
            &[("id", &small.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the server carries on");
}

/// Queues the upload's job as if a server had claimed it: its heartbeat at `heartbeat`.
async fn claimed_job(app: &TestApp, import: i64, worker: &str, heartbeat: i64) -> i64 {
    let job = app::server::jobs::enqueue(
        &app.db.pool,
        app::deals::imports::IMPORT_JOB,
        &serde_json::json!({ "import_id": import }),
        app::server::jobs::Enqueue::default(),
    )
    .await
    .expect("enqueue")
    .expect("job id");
    sqlx::query(
        "UPDATE jobs SET state = 'running', locked_by = $1, heartbeat_at = $2, attempts = 1 WHERE id = $3",
    )
    .bind(worker)
    .bind(heartbeat)
    .bind(job)
    .execute(&app.db.pool)
    .await
    .expect("claimed job");
    job
}

async fn a_job_left_by_a_dead_server_is_resumed(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let (id, _) = upload(&app, &cam, &pipeline_csv(3_000), 200_000).await;
    // As if a server had claimed it, written the first batch, and died.
    let first: Vec<app::deals::PipelineRow> =
        app::deals::pipeline::parse_csv(pipeline_csv(2_000).as_bytes()).expect("rows");
    app::deals::pipeline::upsert(&app.db, &first, |_| {})
        .await
        .expect("first batch");
    sqlx::query(
        "UPDATE pipeline_imports SET state = 'running', done_rows = 2000, inserted = 2000, heartbeat_at = 0 WHERE id = $1",
    )
    .bind(id)
    .execute(&app.db.pool)
    .await
    .expect("fake a stale upload");
    let job = claimed_job(&app, id, "a-dead-server", 0).await;
    // This server's worker takes the job over and finishes from the committed batch.
    let v = wait_done(&app, &cam, id).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(
        (v["inserted"].as_i64(), v["updated"].as_i64()),
        (Some(3_000), Some(0))
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM pipeline_records WHERE external_id LIKE 'UP-%' AND $1 = ''"
        )
        .await,
        3_000
    );
    // The job itself is marked done just after the upload's last batch commits.
    let mut job_state = (String::new(), 0);
    for _ in 0..100 {
        job_state = sqlx::query_as("SELECT state, attempts FROM jobs WHERE id = $1")
            .bind(job)
            .fetch_one(&app.db.pool)
            .await
            .expect("job");
        if job_state.0 == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!((job_state.0.as_str(), job_state.1), ("done", 2));
    // A job whose server is alive (a fresh heartbeat) is left alone.
    let (id2, _) = upload(&app, &cam, &pipeline_csv(5), 200_000).await;
    sqlx::query("UPDATE pipeline_imports SET state = 'running', heartbeat_at = $1 WHERE id = $2")
        .bind(app::server::now())
        .bind(id2)
        .execute(&app.db.pool)
        .await
        .expect("fresh upload");
    claimed_job(&app, id2, "a-live-server", app::server::now()).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (_, v) = app
        .call(&cam, "pipeline_import_status", &[("id", &id2.to_string())])
        .await;
    assert_eq!(
        (v["state"].as_str(), v["done_rows"].as_i64()),
        (Some("running"), Some(0)),
        "{v}"
    );
}

async fn unread(app: &TestApp, c: &Client) -> i64 {
    let (_, u) = app.call(c, "get_current_user", &[]).await;
    u["unread"].as_i64().expect("unread")
}

async fn notifications_reach_the_other_side_only(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let carla = app.as_user("carla@contoso.example").await;
    let sam = app.as_user("sam@northwind.example").await;
    let cam_before = unread(&app, &cam).await;
    let carla_before = unread(&app, &carla).await;
    let sam_before = unread(&app, &sam).await;

    let fields = [
        ("input[company]", "Notify Test Ltd"),
        ("input[domain]", "notify-test.co.uk"),
        ("input[city]", "Leeds"),
        ("input[country]", "gb"),
        ("input[contact_name]", "Nora Buyer"),
        ("input[contact_email]", "nora@notify-test.co.uk"),
        ("input[products]", "Acme Cloud"),
        ("input[value]", "12000"),
        ("input[currency]", "GBP"),
        ("input[expected_close]", "2099-01-31"),
        ("input[stage]", "proposal"),
    ];
    let (_, id) = app.call(&carla, "save_deal_draft", &fields).await;
    let id = id.as_i64().expect("id").to_string();
    app.call(&carla, "submit_deal", &[("id", &id)]).await;
    // The partner's channel manager hears of the submission.
    assert_eq!(unread(&app, &cam).await, cam_before + 1);
    // Opening the review page changes nothing: no status, no notice for the partner.
    let (status, review) = app.call(&cam, "get_deal_review", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(review["deal"]["summary"]["status"], "submitted");
    assert_eq!(unread(&app, &carla).await, carla_before);
    // Starting the review is an act of its own, which the partner hears of; once.
    let (status, body) = app.call(&cam, "start_deal_review", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(unread(&app, &carla).await, carla_before + 1);
    let (status, _) = app.call(&cam, "start_deal_review", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, review) = app.call(&cam, "get_deal_review", &[("id", &id)]).await;
    assert_eq!(review["deal"]["summary"]["status"], "under_review");
    let (_, queue) = app
        .call(
            &cam,
            "list_deals",
            &[("filter[q]", "Notify Test"), ("filter[status]", "queue")],
        )
        .await;
    assert_eq!(queue["rows"].as_array().map(Vec::len), Some(1), "{queue}");
    // An internal note is not news for the partner; a question is.
    app.call(
        &cam,
        "post_deal_message",
        &[
            ("id", &id),
            ("body", "Check with direct team"),
            ("internal", "true"),
        ],
    )
    .await;
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &id),
                ("input[decision]", "request_info"),
                ("input[reason]", "Which region?"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unread(&app, &carla).await, carla_before + 2);
    let (_, list) = app.call(&carla, "list_notifications", &[]).await;
    let newest = &list["rows"][0];
    assert_eq!(newest["title"], "Notify Test Ltd");
    assert_eq!(newest["subject_type"], "deal");
    assert_eq!(newest["link"], format!("/deals/{id}"));
    assert_eq!(newest["to_status"], "info_requested");
    assert_eq!(newest["body"], "Which region?");
    assert_eq!(newest["read"], false);
    assert!(
        !list.to_string().contains("Check with direct team"),
        "{list}"
    );
    // Nobody else hears of it.
    assert_eq!(unread(&app, &sam).await, sam_before);
    let (_, other) = app.call(&sam, "list_notifications", &[]).await;
    assert!(!other.to_string().contains("Notify Test"), "{other}");
    // Opening the deal reads its notifications.
    app.call(&carla, "get_deal", &[("id", &id)]).await;
    assert_eq!(unread(&app, &carla).await, carla_before);
    // Mark all read.
    let (status, n) = app.call(&cam, "mark_notifications_read", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(n.as_i64().unwrap_or_default() >= 1);
    assert_eq!(unread(&app, &cam).await, 0);
    // Signed out: no notifications.
    let (status, _) = app.call(&common::client(), "list_notifications", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Another feature (learning, campaigns, MDF) notifies by subject type and id, with its
/// own text and link; the list shows it beside deal notifications, and only to its
/// recipient.
async fn other_features_notify_by_subject(b: Backend) {
    use app::notifications::store::{Notice, notify};
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let carla = app.as_user("carla@contoso.example").await;
    let sam_id = app
        .scalar(
            "SELECT id FROM users WHERE email = $1",
            "sam@northwind.example",
        )
        .await;
    let notice = |subject_type: &'static str, link: &'static str| Notice {
        user_id: sam_id,
        subject_type,
        subject_id: 7,
        kind: "tasks.title",
        title: "Zero Trust Fundamentals",
        body: "Due in 14 days",
        link,
    };
    let before = unread(&app, &sam).await;
    notify(&app.db.pool, notice("course", "/learning/courses/7"))
        .await
        .expect("notify");
    // A notice may not pose as a deal's, nor lead off the site.
    assert!(
        notify(&app.db.pool, notice("deal", "/deals/7"))
            .await
            .is_err()
    );
    assert!(
        notify(&app.db.pool, notice("course", "https://evil.example"))
            .await
            .is_err()
    );
    assert_eq!(unread(&app, &sam).await, before + 1);
    let (status, list) = app.call(&sam, "list_notifications", &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let n = list["rows"]
        .as_array()
        .expect("list")
        .iter()
        .find(|n| n["subject_type"] == "course")
        .expect("the course notice")
        .clone();
    assert_eq!(
        (
            n["subject_id"].as_i64(),
            n["title"].as_str(),
            n["link"].as_str(),
            n["body"].as_str()
        ),
        (
            Some(7),
            Some("Zero Trust Fundamentals"),
            Some("/learning/courses/7"),
            Some("Due in 14 days")
        )
    );
    let (_, theirs) = app.call(&carla, "list_notifications", &[]).await;
    assert!(!theirs.to_string().contains("Zero Trust Fundamentals"));
    let (status, _) = app.call(&sam, "mark_notifications_read", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unread(&app, &sam).await, 0);
}

/// A backlog of unread notifications is counted only up to the cap, and the bell says "99+".
async fn a_long_unread_backlog_reads_99_plus(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    trellis::seed::synthetic_notifications(&app.db, "sam@northwind.example", 150)
        .await
        .expect("seed notifications");
    assert_eq!(unread(&app, &sam).await, app::notifications::UNREAD_CAP);
    let (status, html) = app.get(&sam, "/deals").await;
    assert_eq!(status, StatusCode::OK);
    // The bell's text, without the hydration markers (`<!>`) the server may put beside it.
    let bell = html
        .split("data-testid=\"bell-count\"")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, text)| text.split_once("</span>"))
        .map(|(text, _)| text.replace("<!>", ""))
        .expect("the bell's count");
    assert_eq!(bell, "99+");
    app.call(&sam, "mark_notifications_read", &[]).await;
    assert_eq!(unread(&app, &sam).await, 0);
}

both_backends!(
    a_long_unread_backlog_reads_99_plus,
    other_features_notify_by_subject,
    pipeline_upload_previews_validates_and_imports_with_progress,
    pipeline_upload_is_guarded,
    a_job_left_by_a_dead_server_is_resumed,
    notifications_reach_the_other_side_only,
);
