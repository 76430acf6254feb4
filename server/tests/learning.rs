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
            video_url: String::new(),
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

/// The right answers for a drawn attempt, read from the bank (the test knows it).
fn right(view: &app::learning::AttemptView) -> Vec<AnswerInput> {
    view.questions
        .iter()
        .map(|q| AnswerInput {
            question_id: q.id,
            chosen: match q.prompt.as_str() {
                "Pick red" => vec![q.options.iter().position(|o| o == "red").unwrap()],
                "Pick two" => vec![0, 1],
                _ => vec![0],
            },
        })
        .collect()
}

fn wrong(view: &app::learning::AttemptView) -> Vec<AnswerInput> {
    view.questions
        .iter()
        .map(|q| AnswerInput {
            question_id: q.id,
            chosen: vec![q.options.len() - 1],
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

both_backends!(
    course_flow,
    quiz_limits,
    isolation_expiry_and_rotation,
    learning_paths
);
