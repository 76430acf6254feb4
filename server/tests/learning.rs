//! Learning and certifications on both backends: a course taken through the server
//! functions (answers never in a response before submission), the quiz's limits with a
//! clock the test controls, partner isolation, credentials that verify against the
//! served DID document, revocation flipping the status list bit, expiry and renewal, and
//! key rotation.

// Each step is one line that panics with its location when it fails.
#![allow(clippy::unwrap_used)]

mod common;

use app::learning::{
    AnswerInput, CourseInput, LessonInput, Verification, awards, credentials, di, service,
};
use common::{Backend, TestApp, api, spawn_app, token};
use reqwest::StatusCode;
use serde_json::Value;

const BANK: &str = "? Pick red\ntopic: Colours\n* red\n- blue\n\n? Pick two\ntopic: Numbers\n* one\n* two\n- three\n\n? The sky is blue.\n* True\n- False\n";

fn course_input(title: &str, cert: &str) -> CourseInput {
    CourseInput {
        title: title.into(),
        summary: "A test course".into(),
        lessons: vec![LessonInput {
            title: "Only lesson".into(),
            body: "Hello <script>alert(1)</script> **world**".into(),
            ..Default::default()
        }],
        questions: BANK.into(),
        draw_count: "3".into(),
        pass_percent: "100".into(),
        max_attempts: "3".into(),
        cooldown_minutes: "10".into(),
        time_limit_minutes: "5".into(),
        publish: true,
        certification_name: cert.into(),
        certification_validity_days: "365".into(),
        tier_requirements: String::new(),
    }
}

async fn caller(app: &TestApp, email: &str) -> app::auth::Caller {
    app::auth::tokens::caller_for_email(&app.db, email)
        .await
        .expect("caller")
}

/// The options of `q`, as shown in this attempt, whose texts are `texts`.
fn pick(q: &app::learning::QuestionView, texts: &[&str]) -> Vec<usize> {
    texts
        .iter()
        .map(|t| q.options.iter().position(|o| o == t).unwrap())
        .collect()
}

/// The right answers for a drawn attempt, read from the bank (the test knows it). Options
/// are shuffled per attempt, so they are chosen by their text.
fn right(view: &app::learning::AttemptView) -> Vec<AnswerInput> {
    answer(view, true)
}

fn wrong(view: &app::learning::AttemptView) -> Vec<AnswerInput> {
    answer(view, false)
}

fn answer(view: &app::learning::AttemptView, right: bool) -> Vec<AnswerInput> {
    view.questions
        .iter()
        .map(|q| AnswerInput {
            question_id: q.id,
            chosen: match (q.prompt.as_str(), right) {
                ("Pick red", true) => pick(q, &["red"]),
                ("Pick red", false) => pick(q, &["blue"]),
                ("Pick two", true) => pick(q, &["one", "two"]),
                ("Pick two", false) => pick(q, &["three"]),
                (_, true) => pick(q, &["True"]),
                (_, false) => pick(q, &["False"]),
            },
        })
        .collect()
}

/// Has any object in `v` a key that would give an answer away?
fn leaks_answers(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| {
            matches!(
                k.as_str(),
                "answer" | "answers" | "correct" | "right_options" | "feedback"
            ) || leaks_answers(v)
        }),
        Value::Array(a) => a.iter().any(leaks_answers),
        _ => false,
    }
}

async fn course_flow(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = app::server::now();
    // A vendor marketer (enablement) writes the course through the server function.
    let marketer = app.as_user("marketing@acme.example").await;
    let (status, id) = app
        .call(
            &marketer,
            "create_course",
            &[
                ("input[title]", "Flow course"),
                ("input[lessons][0][title]", "Lesson one"),
                ("input[lessons][0][body]", "Read **this**"),
                ("input[questions]", BANK),
                ("input[draw_count]", "3"),
                ("input[pass_percent]", "100"),
                ("input[max_attempts]", "3"),
                ("input[cooldown_minutes]", "0"),
                ("input[time_limit_minutes]", "0"),
                ("input[publish]", "true"),
                ("input[certification_name]", "Flow Certified"),
                ("input[certification_validity_days]", "365"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let course_id = id.as_i64().unwrap();
    // Bad input: one message per field, nothing stored.
    let (status, e) = app
        .call(
            &marketer,
            "create_course",
            &[("input[title]", ""), ("input[questions]", "* x")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // A salesperson cannot write courses.
    let sam = app.as_user("sam@northwind.example").await;
    let (status, _) = app
        .call(&sam, "create_course", &[("input[title]", "x")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, view) = app
        .call(&sam, "get_course", &[("id", &course_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert!(!leaks_answers(&view), "{view}");
    let (status, attempt) = app
        .call(&sam, "start_quiz", &[("course_id", &course_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{attempt}");
    assert!(!leaks_answers(&attempt), "{attempt}");
    assert_eq!(attempt["questions"].as_array().unwrap().len(), 3);
    let attempt: app::learning::AttemptView = serde_json::from_value(attempt).unwrap();

    // Fail once, through the service (the clock is ours), then pass.
    let sam_c = caller(&app, "sam@northwind.example").await;
    let failed = service::submit(&app.state, &sam_c, attempt.id, &wrong(&attempt), now)
        .await
        .unwrap();
    assert!(!failed.passed);
    assert!(failed.topics_to_revisit.contains(&"Colours".to_string()));
    let again = service::start(&app.db, &sam_c, course_id, now + 1)
        .await
        .unwrap();
    let passed = service::submit(&app.state, &sam_c, again.id, &right(&again), now + 2)
        .await
        .unwrap();
    assert!(passed.passed, "{passed:?}");
    let cred_id = passed.credential_id.clone().expect("a credential");

    // The credential's JSON verifies against the key in the DID document Trellis serves.
    let c = reqwest::Client::new();
    let res = c
        .get(app.url(&format!("/credentials/{cred_id}")))
        .header("accept", "application/ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/ld+json")
    );
    let cred: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(cred["type"][1], "OpenBadgeCredential");
    assert!(cred["proof"].is_array() && cred["credentialSchema"].is_array());
    assert_eq!(cred["proof"][0]["cryptosuite"], "eddsa-rdfc-2022");
    let did = cred["issuer"]["id"].as_str().unwrap().to_string();
    let did_path = did
        .rsplit(":issuers:")
        .next()
        .map(|s| format!("/issuers/{s}/did.json"))
        .unwrap();
    let (status, did_doc, _) = api(&app, "GET", &did_path, "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(did_doc["id"], did);
    let method = cred["proof"][0]["verificationMethod"].as_str().unwrap();
    assert!(
        did_doc["assertionMethod"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == method)
    );
    let vm = did_doc["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == method)
        .unwrap();
    assert_eq!(vm["controller"], did);
    let key = di::public_key_from_multibase(vm["publicKeyMultibase"].as_str().unwrap()).unwrap();
    di::verify(&cred, &key).expect("the credential verifies");
    let mut tampered = cred.clone();
    tampered["credentialSubject"]["achievement"]["name"] = "Something else".into();
    assert!(di::verify(&tampered, &key).is_err());
    // The secret key is in no public document.
    let secret: String =
        sqlx::query_scalar("SELECT secret_key FROM issuer_keys ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(!did_doc.to_string().contains(&secret) && !cred.to_string().contains(&secret));

    // The public page says valid, without sign-in.
    let (status, html) = app.get(&c, &format!("/credentials/{cred_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-verification=\"valid\""), "{html}");

    // Revocation: marketer and partners may not; the admin may, once; the bit flips.
    let index: usize = cred["credentialStatus"]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let bit = |list: &Value| {
        credentials::decode_bit(
            list["credentialSubject"]["encodedList"].as_str().unwrap(),
            index,
        )
    };
    let (_, list, ctype) = api(&app, "GET", "/credentials/status/1", "", None).await;
    assert!(ctype.starts_with("application/ld+json"));
    assert_eq!(bit(&list), Some(false));
    di::verify(&list, &key).expect("the status list is signed");
    let body = serde_json::json!({ "reason": "Left the partner" });
    let path = format!("/api/v1/credentials/{cred_id}/revoke");
    for who in [
        "marketing@acme.example",
        "nina@northwind.example",
        "cam@acme.example",
    ] {
        let (status, _, _) = api(
            &app,
            "POST",
            &path,
            &token(&app, who).await,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let admin = token(&app, "admin@acme.example").await;
    let (status, p, _) = api(
        &app,
        "POST",
        &path,
        &admin,
        Some(serde_json::json!({ "reason": "" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (status, _, _) = api(&app, "POST", &path, &admin, Some(body.clone())).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = api(&app, "POST", &path, &admin, Some(body)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, list, _) = api(&app, "GET", "/credentials/status/1", "", None).await;
    assert_eq!(bit(&list), Some(true));
    let (_, html) = app.get(&c, &format!("/credentials/{cred_id}")).await;
    assert!(html.contains("data-verification=\"revoked\""));

    // xAPI: the lesson completed, the attempts, the pass and the certification are
    // statements; vendor admins export them, nobody else.
    let lesson = app
        .scalar(
            "SELECT MIN(id) FROM lessons WHERE course_id = CAST($1 AS BIGINT)",
            &course_id.to_string(),
        )
        .await;
    let (status, _) = app
        .call(
            &sam,
            "complete_lesson",
            &[("lesson_id", &lesson.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let admin_s = app.as_user("admin@acme.example").await;
    let (status, body) = app.get(&admin_s, "/learning/xapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let statements: Value = serde_json::from_str(&body).unwrap();
    let verbs: Vec<&str> = statements
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["actor"]["mbox"] == "mailto:sam@northwind.example")
        .filter_map(|s| s["verb"]["display"]["en-US"].as_str())
        .collect();
    for v in ["attempted", "failed", "passed", "earned", "completed"] {
        assert!(verbs.contains(&v), "{v} in {verbs:?}");
    }
    let passed_stmt = statements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["verb"]["display"]["en-US"] == "passed")
        .unwrap();
    assert_eq!(passed_stmt["result"]["success"], true);
    assert_eq!(passed_stmt["result"]["score"]["scaled"], 1.0);
    let (status, _) = app.get(&marketer, "/learning/xapi.json").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Delivery to an LRS: the job posts the statement with the xAPI version and Basic auth.
    let received =
        std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String, String)>::new()));
    let sink = received.clone();
    let lrs = axum::Router::new().route(
        "/xapi/statements",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let h = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string()
                };
                sink.lock().unwrap().push((
                    h("x-experience-api-version"),
                    h("authorization"),
                    body,
                ));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lrs_url = format!("http://{}/xapi", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, lrs).await });
    let mut state = app.state.clone();
    let mut config = (*state.config).clone();
    config.xapi_url = Some(lrs_url);
    config.xapi_username = Some("lrs-user".into());
    config.xapi_password = Some("lrs-pass".into());
    state.config = std::sync::Arc::new(config);
    let first_id = statements[0]["id"].as_str().unwrap().to_string();
    let job = app::server::jobs::Job {
        id: 0,
        kind: app::learning::xapi::SEND_JOB.into(),
        payload: serde_json::json!({ "id": first_id }),
        attempt: 1,
        max_attempts: 8,
    };
    app::learning::xapi::run_send_job(state.clone(), job.clone())
        .await
        .unwrap();
    // Sent once: a retried job does not send it again.
    app::learning::xapi::run_send_job(state, job).await.unwrap();
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "1.0.3");
    assert_eq!(got[0].1, "Basic bHJzLXVzZXI6bHJzLXBhc3M=");
    assert_eq!(
        serde_json::from_str::<Value>(&got[0].2).unwrap()["id"],
        first_id.as_str()
    );

    // The operators' list names it revoked.
    let (status, all, _) = api(&app, "GET", "/api/v1/credentials", &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    let row = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == cred_id.as_str())
        .unwrap();
    assert_eq!(row["status"], "revoked");
    assert_eq!(row["holder_email"], "sam@northwind.example");
    assert_eq!(row["certification"], "Flow Certified");
    assert!(
        row["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/credentials/{cred_id}"))
    );
    // The demo seed holds an active credential and a revoked one.
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|r| r["certification"] == "Certified Partner Seller" && r["status"] == "active")
    );
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|r| r["certification"] == "Certified Partner Seller" && r["status"] == "revoked")
    );
    let _ = now;
}

async fn quiz_limits(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let marketer = caller(&app, "marketing@acme.example").await;
    let course = service::create(&app.db, &marketer, &course_input("Limits", ""), t)
        .await
        .unwrap();
    let sam = caller(&app, "sam@northwind.example").await;
    let gita = caller(&app, "gita@globex.example").await;
    // Markdown is rendered without the script.
    let view = service::view(&app.db, &sam, course, t).await.unwrap();
    assert!(
        !view.lessons[0].html.contains("<script"),
        "{}",
        view.lessons[0].html
    );
    assert!(view.lessons[0].html.contains("<strong>world</strong>"));

    let a1 = service::start(&app.db, &sam, course, t).await.unwrap();
    // Starting again while it is open gives the same attempt.
    assert_eq!(
        service::start(&app.db, &sam, course, t + 5)
            .await
            .unwrap()
            .id,
        a1.id
    );
    // Another partner's user cannot see or submit it.
    let e = service::submit(&app.state, &gita, a1.id, &right(&a1), t + 10)
        .await
        .unwrap_err();
    assert_eq!(e, app::error::AppError::NotFound);
    service::submit(&app.state, &sam, a1.id, &wrong(&a1), t + 10)
        .await
        .unwrap();
    let e = service::submit(&app.state, &sam, a1.id, &right(&a1), t + 11)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        app::error::AppError::Conflict("quiz.already_submitted".into())
    );
    // Cool-down: 10 minutes after a failed attempt.
    let e = service::start(&app.db, &sam, course, t + 60)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        app::error::AppError::Conflict("quiz.cooling_down".into())
    );
    let info = service::view(&app.db, &sam, course, t + 60)
        .await
        .unwrap()
        .quiz;
    assert_eq!(info.next_attempt_at, Some(t + 10 + 600));
    // Time limit: 5 minutes (and a short grace); later counts as not passed.
    let a2 = service::start(&app.db, &sam, course, t + 700)
        .await
        .unwrap();
    assert_eq!(a2.deadline_at, Some(t + 700 + 300));
    let e = service::submit(&app.state, &sam, a2.id, &right(&a2), t + 700 + 400)
        .await
        .unwrap_err();
    assert_eq!(e, app::error::AppError::Conflict("quiz.time_up".into()));
    // The third and last attempt; then none are left.
    let a3 = service::start(&app.db, &sam, course, t + 2000)
        .await
        .unwrap();
    service::submit(&app.state, &sam, a3.id, &wrong(&a3), t + 2010)
        .await
        .unwrap();
    let e = service::start(&app.db, &sam, course, t + 9000)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        app::error::AppError::Conflict("quiz.no_attempts_left".into())
    );
    // Vendor staff do not take quizzes; drafts are not found by partners.
    assert_eq!(
        service::start(&app.db, &marketer, course, t)
            .await
            .unwrap_err(),
        app::error::AppError::Forbidden
    );
    let mut draft = course_input("Draft course", "");
    draft.publish = false;
    let draft = service::create(&app.db, &marketer, &draft, t)
        .await
        .unwrap();
    assert_eq!(
        service::view(&app.db, &sam, draft, t).await.unwrap_err(),
        app::error::AppError::NotFound
    );
    assert!(service::view(&app.db, &marketer, draft, t).await.is_ok());
}

async fn isolation_expiry_and_rotation(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let marketer = caller(&app, "marketing@acme.example").await;
    let mut renewals = course_input("Renewals", "Renewal Cert");
    renewals.tier_requirements = "gold=2, silver=1".into();
    let course = service::create(&app.db, &marketer, &renewals, t)
        .await
        .unwrap();
    let sam = caller(&app, "sam@northwind.example").await;
    let carla = caller(&app, "carla@contoso.example").await;
    let a = service::start(&app.db, &sam, course, t).await.unwrap();
    let first = service::submit(&app.state, &sam, a.id, &right(&a), t + 1)
        .await
        .unwrap()
        .credential_id
        .unwrap();
    let url = &app.base;
    // Partner isolation: another partner's admin lists only their own organisation's.
    let theirs = awards::list(&app.db, url, awards::reach(&carla), t)
        .await
        .unwrap();
    assert!(
        theirs
            .iter()
            .all(|c| c.org_name == "Contoso Partners"
                || c.holder_email.ends_with("@contoso.example")),
        "{theirs:?}"
    );
    assert!(theirs.iter().all(|c| c.id != first));
    let nina = caller(&app, "nina@northwind.example").await;
    let team = awards::list(&app.db, url, awards::reach(&nina), t)
        .await
        .unwrap();
    assert!(team.iter().any(|c| c.id == first));
    assert_eq!(awards::reach(&sam), awards::Reach::User(sam.user_id));
    // A partner token cannot list every credential.
    let (status, _, _) = api(
        &app,
        "GET",
        "/api/v1/credentials",
        &token(&app, "nina@northwind.example").await,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Reports: a partner admin sees their own organisation, a salesperson none, vendor
    // staff every partner; expiry windows count by the controlled clock.
    use app::learning::reports;
    let theirs = reports::report(&app.db, url, &carla, t).await.unwrap();
    assert!(
        theirs
            .by_partner
            .iter()
            .all(|o| o.org_name != "Northwind MSP"),
        "{theirs:?}"
    );
    assert!(
        theirs
            .courses
            .iter()
            .all(|c| c.passed == 0 || c.id != course)
    );
    let ours = reports::report(&app.db, url, &nina, t).await.unwrap();
    assert!(
        ours.by_partner
            .iter()
            .any(|o| o.org_name == "Northwind MSP" && o.people >= 1)
    );
    // Northwind (gold) needs two people with the certification and has one; Contoso's
    // admin sees nothing of it.
    let gap = ours
        .gaps
        .iter()
        .find(|g| g.certification == "Renewal Cert")
        .unwrap();
    assert_eq!(
        (
            gap.org_name.as_str(),
            gap.tier.as_str(),
            gap.required,
            gap.certified
        ),
        ("Northwind MSP", "gold", 2, 1)
    );
    assert!(theirs.gaps.iter().all(|g| g.org_name != "Northwind MSP"));
    let row = ours.courses.iter().find(|c| c.id == course).unwrap();
    assert_eq!(
        (row.learners, row.passed, row.attempts, row.pass_rate),
        (1, 1, 1, 100)
    );
    assert_eq!(
        reports::report(&app.db, url, &sam, t).await.unwrap_err(),
        app::error::AppError::Forbidden
    );
    let cam = caller(&app, "cam@acme.example").await;
    let all = reports::report(&app.db, url, &cam, t + 300 * 86_400)
        .await
        .unwrap();
    assert!(!all.by_partner.is_empty());
    assert_eq!(all.expiring[0], 0, "{:?}", all.expiring);
    assert!(all.expiring[2] >= 2, "{:?}", all.expiring);
    // The CSV export follows the same reach.
    let nina_s = app.as_user("nina@northwind.example").await;
    let (status, csv) = app.get(&nina_s, "/learning/credentials.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("id,certification,holder_name"), "{csv}");
    assert!(csv.contains(&first));
    let carla_s = app.as_user("carla@contoso.example").await;
    let (status, csv) = app.get(&carla_s, "/learning/credentials.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!csv.contains(&first));

    // Passed and not due: no retake. Inside the renewal window: retake, new credential.
    assert_eq!(
        service::start(&app.db, &sam, course, t + 10)
            .await
            .unwrap_err(),
        app::error::AppError::Conflict("quiz.already_passed".into())
    );
    let year = 365 * 86_400;
    let view = awards::public_view(&app.db, url, &first, t + year + 1)
        .await
        .unwrap();
    assert_eq!(view.verification, Verification::Expired);
    assert_eq!(
        awards::public_view(&app.db, url, &first, t + 5)
            .await
            .unwrap()
            .verification,
        Verification::Valid
    );

    // Expiry reminders go through the job queue, once per credential, in-app and by email.
    let remind_at = t + year - 25 * 86_400;
    for _ in 0..2 {
        app::server::jobs::enqueue(
            &app.db.pool,
            app::learning::jobs::REMIND_JOB,
            &serde_json::json!({ "now": remind_at }),
            Default::default(),
        )
        .await
        .unwrap();
    }
    let notified = |app: &TestApp| {
        let db = app.db.clone();
        let user = sam.user_id;
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'learning.expiring'",
            )
            .bind(user)
            .fetch_one(&db.pool)
            .await
            .unwrap()
        }
    };
    let mut waited = 0;
    while app
        .scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'done'",
            app::learning::jobs::REMIND_JOB,
        )
        .await
        < 2
    {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
        assert!(waited < 200, "the reminder jobs did not run");
    }
    // Sam holds the demo certification and this one: one reminder each, not two.
    assert_eq!(notified(&app).await, 2);
    let mails = app
        .scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject LIKE 'Your certification%'",
            "sam@northwind.example",
        )
        .await;
    assert_eq!(mails, 2);
    // Northwind's partner admin hears of both, in the app.
    let team_notices = app
        .scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.email = $1 AND n.kind = 'learning.team_expiring'",
            "nina@northwind.example",
        )
        .await;
    assert_eq!(team_notices, 2);

    // Rotate the key: old credentials still verify; new ones use the new key.
    let old_key = app::learning::issuer::signing_key(&app.db, t)
        .await
        .unwrap()
        .0;
    let new_key = app::learning::issuer::rotate(&app.db, t + 100)
        .await
        .unwrap();
    assert_ne!(old_key, new_key);
    let renew_at = t + year - 30 * 86_400;
    let b = service::start(&app.db, &sam, course, renew_at)
        .await
        .unwrap();
    let second = service::submit(&app.state, &sam, b.id, &right(&b), renew_at + 1)
        .await
        .unwrap()
        .credential_id
        .unwrap();
    assert_ne!(first, second);
    let doc: Value =
        serde_json::from_str(&awards::document(&app.db, &second).await.unwrap()).unwrap();
    assert!(
        doc["proof"][0]["verificationMethod"]
            .as_str()
            .unwrap()
            .ends_with(&format!("#key-{new_key}"))
    );
    for id in [&first, &second] {
        assert_eq!(
            awards::public_view(&app.db, url, id, t + 200)
                .await
                .unwrap()
                .verification,
            Verification::Valid,
            "{id}"
        );
    }
    let (_, did_doc, _) = api(&app, "GET", "/issuers/trellis/did.json", "", None).await;
    assert!(did_doc["assertionMethod"].as_array().unwrap().len() >= 2);
    // A credential whose stored document was altered fails verification.
    let mut forged = doc.clone();
    forged["credentialSubject"]["achievement"]["name"] = "Forged".into();
    sqlx::query("UPDATE credentials SET document = $1 WHERE id = $2")
        .bind(forged.to_string())
        .bind(&second)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        awards::public_view(&app.db, url, &second, t + 200)
            .await
            .unwrap()
            .verification,
        Verification::Invalid
    );
    // Unknown ids: 404 as page and as JSON.
    let (status, _, _) = api(&app, "GET", "/credentials/status/2", "", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A control character in the path: a problem, as the document promises.
    let (status, _, ctype) = api(&app, "GET", "/credentials/status/Y%11", "", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ctype, "application/problem+json");
    let res = reqwest::Client::new()
        .get(app.url("/credentials/nope"))
        .header("accept", "application/ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let _ = credentials::STATUS_LIST_BITS;
}

async fn learning_paths(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let marketer = caller(&app, "marketing@acme.example").await;
    let course = service::create(&app.db, &marketer, &course_input("Path course", ""), t)
        .await
        .unwrap();
    use app::learning::{PathInput, paths};
    let input = |name: &str, roles: &[&str]| PathInput {
        name: name.into(),
        courses: vec![course.to_string()],
        roles: roles.iter().map(|r| r.to_string()).collect(),
        due_days: "14".into(),
        ..Default::default()
    };
    // Bad input: one message per field; partners may not write paths.
    let bad = PathInput {
        name: String::new(),
        courses: vec!["x".into()],
        tiers: vec!["nope".into()],
        due_days: "0".into(),
        ..Default::default()
    };
    let app::error::AppError::Validation(e) = paths::create(&app.db, &marketer, &bad, t)
        .await
        .unwrap_err()
    else {
        panic!()
    };
    for f in ["name", "courses", "tiers", "due_days"] {
        assert!(e.contains_key(f), "{f}: {e:?}");
    }
    let sam = caller(&app, "sam@northwind.example").await;
    let nina = caller(&app, "nina@northwind.example").await;
    assert_eq!(
        paths::create(&app.db, &sam, &input("x", &[]), t)
            .await
            .unwrap_err(),
        app::error::AppError::Forbidden
    );
    paths::create(&app.db, &marketer, &input("Sellers", &["sales"]), t)
        .await
        .unwrap();
    paths::create(&app.db, &marketer, &input("Everyone", &[]), t)
        .await
        .unwrap();
    // The rule decides at each request: sam (sales) has both (and the demo's onboarding
    // path, for everyone), nina (partner admin) not the sellers' one.
    let ours = |list: Vec<app::learning::AssignedPath>| {
        list.into_iter()
            .filter(|p| p.name == "Sellers" || p.name == "Everyone")
            .collect::<Vec<_>>()
    };
    let sams = paths::assigned(&app.db, &sam, t).await.unwrap();
    assert!(sams.iter().any(|p| p.name == "Partner onboarding"));
    let sams = ours(sams);
    assert_eq!(sams.len(), 2, "{sams:?}");
    let ninas = ours(paths::assigned(&app.db, &nina, t).await.unwrap());
    assert_eq!(
        ninas.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        vec!["Everyone"]
    );
    assert!(
        paths::assigned(&app.db, &marketer, t)
            .await
            .unwrap()
            .is_empty()
    );
    // Due 14 days after assignment; overdue after that until the course is passed.
    let p = &sams[0];
    assert!(p.due_at >= t + 14 * 86_400 - 5 && !p.overdue && !p.completed);
    let late = ours(
        paths::assigned(&app.db, &sam, t + 15 * 86_400)
            .await
            .unwrap(),
    );
    assert!(late.iter().all(|p| p.overdue));
    let a = service::start(&app.db, &sam, course, t).await.unwrap();
    service::submit(&app.state, &sam, a.id, &right(&a), t + 1)
        .await
        .unwrap();
    let done = ours(
        paths::assigned(&app.db, &sam, t + 15 * 86_400)
            .await
            .unwrap(),
    );
    assert!(
        done.iter()
            .all(|p| p.completed && !p.overdue && p.courses[0].completed)
    );
    // The server function answers for a signed-in partner.
    let (status, _) = app
        .call(
            &app.as_user("nina@northwind.example").await,
            "my_learning_paths",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// Editing a course makes a new version and erases nobody's completion: a lesson kept by
/// title or place keeps its completions, a removed one is retired (not deleted), a new
/// bank retires the old questions, and a pass and its credential stay.
async fn versions_keep_progress(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let admin = caller(&app, "admin@acme.example").await;
    let sam = caller(&app, "sam@northwind.example").await;
    let mut input = course_input("Versioned", "Versioned Certified");
    input.cooldown_minutes = "0".into();
    input.lessons = ["Intro", "Middle", "End"]
        .iter()
        .map(|t| LessonInput {
            module: "Basics".into(),
            title: (*t).into(),
            ..Default::default()
        })
        .collect();
    let id = service::create(&app.db, &admin, &input, t).await.unwrap();
    let v1 = service::view(&app.db, &sam, id, t).await.unwrap();
    assert_eq!(v1.version, 1);
    assert!(v1.versions.is_empty(), "partners do not see the history");
    for l in &v1.lessons[..2] {
        service::complete_lesson(&app.state, &sam, l.id, t)
            .await
            .unwrap();
    }
    let a = service::start(&app.db, &sam, id, t).await.unwrap();
    let passed = service::submit(&app.state, &sam, a.id, &right(&a), t + 1)
        .await
        .unwrap();
    assert!(passed.passed);
    let credential = passed.credential_id.clone().unwrap();

    // The edit: "Middle" renamed in place, "End" dropped, a new bank.
    let mut edit = service::input(&app.db, &admin, id).await.unwrap();
    assert_eq!(edit.lessons.len(), 3);
    assert_eq!(edit.lessons[0].module, "Basics");
    assert!(edit.questions.contains("* red"), "{}", edit.questions);
    edit.lessons[1].title = "Middle, revised".into();
    edit.lessons.truncate(2);
    edit.questions = "? Pick red\ntopic: Colours\n* red\n- green\n".into();
    edit.draw_count = "1".into();
    // A partner cannot edit; a bad edit changes nothing.
    assert!(
        service::update(&app.db, &sam, id, &edit, t + 5)
            .await
            .is_err()
    );
    let mut bad = edit.clone();
    bad.lessons[1].title = String::new();
    let e = service::update(&app.db, &admin, id, &bad, t + 5)
        .await
        .unwrap_err();
    let app::error::AppError::Validation(map) = e else {
        panic!("{e:?}")
    };
    assert_eq!(map["lessons.1.title"], vec!["err.required"]);
    assert_eq!(
        service::update(&app.db, &admin, id, &edit, t + 10)
            .await
            .unwrap(),
        2
    );
    let v2 = service::view(&app.db, &sam, id, t + 10).await.unwrap();
    assert_eq!(v2.version, 2);
    let titles: Vec<&str> = v2.lessons.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Intro", "Middle, revised"]);
    assert_eq!(v2.lessons[0].id, v1.lessons[0].id);
    assert_eq!(v2.lessons[1].id, v1.lessons[1].id, "renamed in place");
    assert!(v2.lessons.iter().all(|l| l.done), "completions kept");
    assert!(v2.quiz.passed, "the pass stays");
    assert_eq!(v2.quiz.bank_size, 1);
    // The retired lesson and its completion are still stored.
    let retired: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM lessons WHERE course_id = $1 AND retired_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(retired, 1);
    // A second edit adds a lesson in a new module: the learner resumes there.
    let mut edit = service::input(&app.db, &admin, id).await.unwrap();
    edit.lessons.push(LessonInput {
        module: "Advanced".into(),
        title: "New lesson".into(),
        ..Default::default()
    });
    assert_eq!(
        service::update(&app.db, &admin, id, &edit, t + 12)
            .await
            .unwrap(),
        3
    );
    let v3 = service::view(&app.db, &sam, id, t + 12).await.unwrap();
    let done: Vec<bool> = v3.lessons.iter().map(|l| l.done).collect();
    assert_eq!(done, [true, true, false]);
    assert_eq!(v3.lessons[2].module, "Advanced");
    assert_eq!(v3.resume_lesson, Some(v3.lessons[2].id));
    assert!(v3.quiz.passed);
    let held = awards::list(
        &app.db,
        "http://x",
        awards::Reach::User(sam.user_id),
        t + 10,
    )
    .await
    .unwrap();
    assert!(
        held.iter().any(|c| c.id == credential),
        "the credential stays"
    );
    // The history, for those who write courses.
    let admin_view = service::view(&app.db, &admin, id, t + 10).await.unwrap();
    let versions: Vec<i64> = admin_view.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, [3, 2, 1]);
    // A certification is not dropped by clearing its name.
    let mut drop_cert = service::input(&app.db, &admin, id).await.unwrap();
    drop_cert.certification_name = String::new();
    let e = service::update(&app.db, &admin, id, &drop_cert, t + 20)
        .await
        .unwrap_err();
    let app::error::AppError::Validation(map) = e else {
        panic!("{e:?}")
    };
    assert_eq!(map["certification_name"], vec!["err.certification_kept"]);
    // Unknown courses are not found.
    assert!(matches!(
        service::update(&app.db, &admin, 999_999, &edit, t).await,
        Err(app::error::AppError::NotFound)
    ));
}

/// Options are shuffled per attempt and graded as shown; an open attempt keeps its order.
async fn shuffled_options(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let admin = caller(&app, "admin@acme.example").await;
    let sam = caller(&app, "sam@northwind.example").await;
    let mut input = course_input("Shuffled", "");
    input.questions = "? Pick c\n- a\n- b\n* c\n- d\n- e\n- f\n- g\n- h\n".into();
    input.draw_count = "1".into();
    input.max_attempts = "100".into();
    input.cooldown_minutes = "0".into();
    let id = service::create(&app.db, &admin, &input, t).await.unwrap();
    let mut orders = std::collections::BTreeSet::new();
    for n in 0..12 {
        let a = service::start(&app.db, &sam, id, t + n * 10).await.unwrap();
        let again = service::start(&app.db, &sam, id, t + n * 10 + 1)
            .await
            .unwrap();
        assert_eq!(
            (a.id, &a.questions),
            (again.id, &again.questions),
            "an open attempt is handed out as it was"
        );
        assert_eq!(again.seconds_left, Some(299));
        let q = &a.questions[0];
        orders.insert(q.options.join(""));
        // Choosing "c" wherever it is shown passes; the stored index of "c" (2) as shown
        // passes only when the order put it there.
        let pos = q.options.iter().position(|o| o == "c").unwrap();
        let r = service::submit(
            &app.state,
            &sam,
            a.id,
            &[AnswerInput {
                question_id: q.id,
                chosen: vec![pos],
            }],
            t + n * 10 + 2,
        )
        .await
        .unwrap();
        assert!(r.passed, "{:?}", q.options);
        let start = service::start(&app.db, &sam, id, t + n * 10 + 3).await;
        assert!(start.is_err(), "passed: no new attempt");
        // Reset the pass so the next round can start (the test's clock is its own).
        sqlx::query("UPDATE quiz_attempts SET passed = 0 WHERE id = $1")
            .bind(a.id)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    assert!(orders.len() > 1, "12 attempts, one order: not shuffled");
}

/// A lesson shows a content-library asset only when the library shows it to the reader.
async fn lesson_assets_follow_visibility(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let marketing = app.as_user("marketing@acme.example").await;
    let hidden = common::upload_pdf(
        &app,
        &marketing,
        "Internal deck",
        "datasheet",
        false,
        "secret",
    )
    .await;
    let shown =
        common::upload_pdf(&app, &marketing, "Public sheet", "datasheet", true, "hello").await;
    let admin = caller(&app, "admin@acme.example").await;
    let sam = caller(&app, "sam@northwind.example").await;
    let mut input = course_input("With assets", "");
    input.lessons = vec![
        LessonInput {
            title: "Hidden".into(),
            asset: format!("/content/{hidden}"),
            ..Default::default()
        },
        LessonInput {
            title: "Shown".into(),
            asset: format!("https://portal.example/content/{shown}"),
            ..Default::default()
        },
    ];
    let id = service::create(&app.db, &admin, &input, t).await.unwrap();
    let v = service::view(&app.db, &sam, id, t).await.unwrap();
    assert!(v.lessons[0].asset.is_none() && v.lessons[0].asset_hidden);
    let a = v.lessons[1].asset.clone().unwrap();
    assert_eq!((a.id, a.title.as_str()), (shown, "Public sheet"));
    let v = service::view(&app.db, &admin, id, t).await.unwrap();
    assert_eq!(v.lessons[0].asset.as_ref().map(|a| a.id), Some(hidden));
    // An asset that does not exist is a field error.
    let mut bad = input.clone();
    bad.lessons[0].asset = "999999".into();
    let e = service::create(&app.db, &admin, &bad, t).await.unwrap_err();
    let app::error::AppError::Validation(map) = e else {
        panic!("{e:?}")
    };
    assert_eq!(map["lessons.0.asset"], vec!["err.asset_not_found"]);
}

/// REST: enrolments within reach, credentials of one partner, issuing by hand, and the
/// team table of a partner admin's report.
async fn rest_progress_and_issuing(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = app::server::now();
    let (sam_t, carla_t, admin_t, cam_t) = (
        token(&app, "sam@northwind.example").await,
        token(&app, "carla@contoso.example").await,
        token(&app, "admin@acme.example").await,
        token(&app, "cam@acme.example").await,
    );
    // The demo seed: sam holds an active credential, nina (Northwind) a revoked one. Sam
    // and Carla each start the demo course.
    for email in ["sam@northwind.example", "carla@contoso.example"] {
        let who = caller(&app, email).await;
        let course = service::list(&app.db, &who).await.unwrap()[0].id;
        let lesson = service::view(&app.db, &who, course, t)
            .await
            .unwrap()
            .lessons[0]
            .id;
        service::complete_lesson(&app.state, &who, lesson, t)
            .await
            .unwrap();
    }
    let (status, all, _) = api(&app, "GET", "/api/v1/enrolments", &admin_t, None).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let (_, mine, _) = api(&app, "GET", "/api/v1/enrolments", &sam_t, None).await;
    let emails = |v: &Value| -> std::collections::BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["user_email"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(emails(&all).contains("sam@northwind.example"), "{all}");
    assert_eq!(
        emails(&mine).into_iter().collect::<Vec<_>>(),
        ["sam@northwind.example"]
    );
    let (_, contoso, _) = api(&app, "GET", "/api/v1/enrolments", &carla_t, None).await;
    assert!(
        emails(&contoso).contains("carla@contoso.example"),
        "{contoso}"
    );
    assert!(
        !emails(&contoso)
            .iter()
            .any(|e| e.ends_with("@northwind.example")),
        "{contoso}"
    );
    let sam_id = caller(&app, "sam@northwind.example").await.user_id;
    let (_, one, _) = api(
        &app,
        "GET",
        &format!("/api/v1/enrolments?user_id={sam_id}"),
        &admin_t,
        None,
    )
    .await;
    assert_eq!(emails(&one).len(), 1, "{one}");
    let e = &one[0];
    assert_eq!(e["lessons_done"].as_i64(), Some(1), "{e}");
    assert!(
        e["lessons_total"].as_i64().unwrap() >= 1 && e["passed_at"].is_null(),
        "{e}"
    );

    // Credentials of one partner.
    let northwind: i64 = app
        .scalar(
            "SELECT org_id FROM users WHERE email = $1",
            "sam@northwind.example",
        )
        .await;
    let contoso_id: i64 = app
        .scalar(
            "SELECT org_id FROM users WHERE email = $1",
            "carla@contoso.example",
        )
        .await;
    let (_, nw, _) = api(
        &app,
        "GET",
        &format!("/api/v1/credentials?partner_id={northwind}"),
        &cam_t,
        None,
    )
    .await;
    assert!(nw.as_array().unwrap().len() >= 2, "{nw}");
    let (_, cs, _) = api(
        &app,
        "GET",
        &format!("/api/v1/credentials?partner_id={contoso_id}"),
        &cam_t,
        None,
    )
    .await;
    assert!(
        cs.as_array().unwrap().iter().all(|c| !c["holder_email"]
            .as_str()
            .unwrap()
            .ends_with("@northwind.example")),
        "{cs}"
    );

    // Issuing by hand: vendor admins only; one field error per bad field; no double.
    let (_, certs, _) = api(&app, "GET", "/api/v1/certifications", &sam_t, None).await;
    let cert_id = certs[0]["id"].as_i64().unwrap();
    let body = |email: &str| {
        Some(serde_json::json!({ "certification_id": cert_id, "holder_email": email }))
    };
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/credentials",
        &cam_t,
        body("carla@contoso.example"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, e, _) = api(
        &app,
        "POST",
        "/api/v1/credentials",
        &admin_t,
        body("cam@acme.example"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "vendor staff hold no partner credential: {e}"
    );
    assert!(e["errors"]["holder_email"].is_array(), "{e}");
    let (status, issued, _) = api(
        &app,
        "POST",
        "/api/v1/credentials",
        &admin_t,
        body("Carla@Contoso.example"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let url = issued["url"].as_str().unwrap();
    let path = url
        .split_once("/credentials/")
        .map(|(_, id)| format!("/credentials/{id}"))
        .unwrap();
    let res = reqwest::Client::new()
        .get(app.url(&path))
        .header("accept", "application/ld+json")
        .send()
        .await
        .unwrap();
    let doc: Value = res.json().await.unwrap();
    assert_eq!(
        doc["credentialSubject"]["identifier"][0]["identityHash"], "Carla Diaz",
        "{doc}"
    );
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/credentials",
        &admin_t,
        body("carla@contoso.example"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The team table: a partner admin sees their own people only, certified or not.
    let carla = caller(&app, "carla@contoso.example").await;
    let report = app::learning::reports::report(&app.db, "http://x", &carla, t)
        .await
        .unwrap();
    assert!(!report.team.is_empty());
    assert!(
        report
            .team
            .iter()
            .all(|p| !p.email.ends_with("@northwind.example"))
    );
    let me = report
        .team
        .iter()
        .find(|p| p.email == "carla@contoso.example")
        .unwrap();
    assert_eq!(me.certified, 1);
    assert!(me.next_expiry.is_some());
    let admin = caller(&app, "admin@acme.example").await;
    let all = app::learning::reports::report(&app.db, "http://x", &admin, t)
        .await
        .unwrap();
    assert!(
        all.team
            .iter()
            .any(|p| p.email == "sam@northwind.example" && p.certified == 1)
    );
}

both_backends!(
    course_flow,
    quiz_limits,
    isolation_expiry_and_rotation,
    learning_paths,
    versions_keep_progress,
    shuffled_options,
    lesson_assets_follow_visibility,
    rest_progress_and_issuing
);
