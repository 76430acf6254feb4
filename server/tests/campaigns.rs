//! Campaigns on both backends: sending through the real SMTP sink exactly once per
//! recipient and touch (a second and a concurrent run send nothing more), consent and
//! suppression, merge escaping and header injection, one-click unsubscribe without a
//! cookie while a GET changes nothing, signed click links, the landing form's abuse
//! guards, and isolation of contacts, launches and leads between partners.

#![allow(clippy::unwrap_used)]

mod common;

use app::campaigns::{ContactInput, LaunchInput, Recipients, sending, service};
use common::smtp::SmtpSink;
use common::{Backend, TestApp, api, client, spawn_app, spawn_app_with, token};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn caller(app: &TestApp, email: &str) -> app::auth::Caller {
    app::auth::tokens::caller_for_email(&app.db, email)
        .await
        .unwrap()
}

async fn demo_template(app: &TestApp) -> i64 {
    app.scalar(
        "SELECT MIN(id) FROM campaign_templates WHERE status = $1",
        "published",
    )
    .await
}

/// Waits until the mail jobs are done and returns what the sink received.
async fn received(app: &TestApp, sink: &SmtpSink, want: usize) -> Vec<common::smtp::Received> {
    for _ in 0..300 {
        let n = sink.messages.lock().unwrap().len();
        let pending = app
            .scalar(
                "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state <> 'done'",
                app::server::mail::SEND_JOB,
            )
            .await;
        if n >= want && pending == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    sink.messages.lock().unwrap().clone()
}

async fn sending_exactly_once(backend: Backend) {
    let (sink, url) = SmtpSink::start().await;
    let app = spawn_app_with(backend, Some(url)).await;
    let nina = caller(&app, "nina@northwind.example").await;
    let t = app::server::now();
    // A contact named <script>, one without consent, one suppressed.
    service::save_contact(
        &app.db,
        &nina,
        &ContactInput {
            email: "script@customer.example".into(),
            first_name: "<script>alert(1)</script>".into(),
            consent: true,
            ..Default::default()
        },
        t,
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO suppressions (org_id, email, reason, created_at) VALUES (NULL, $1, 'bounced', $2)")
        .bind("grace@customer.example")
        .bind(t)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let template = demo_template(&app).await;
    let launch = sending::launch(
        &app.db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            regions: [("body".to_string(), "Our <b>offer</b>\nLine two".to_string())].into(),
            // Later than now, so the running worker leaves it to the calls below.
            starts_at: Some(t + 1_000),
        },
        t,
    )
    .await
    .unwrap();
    let t = t + 1_000;
    let view = sending::view(&app.db, &nina, launch).await.unwrap();
    // ada and <script> get it; linus has no consent; grace is suppressed.
    assert_eq!(
        (
            view.recipients,
            view.skipped_no_consent,
            view.skipped_suppressed
        ),
        (2, 1, 1)
    );
    // Two runs at once, then a third: the first touch goes once to each recipient.
    let (a, b) = tokio::join!(
        sending::send_due(&app.state, launch, t + 1),
        sending::send_due(&app.state, launch, t + 1)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2);
    assert_eq!(
        sending::send_due(&app.state, launch, t + 2).await.unwrap(),
        0
    );
    let mails = received(&app, &sink, 2).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let to_script = mails
        .iter()
        .find(|m| m.rcpt.iter().any(|r| r.contains("script@customer.example")))
        .unwrap()
        .decoded();
    // In the HTML part the name is text; the subject and the text part carry it as text.
    let html_part = to_script.split("Content-Type: text/html").nth(1).unwrap();
    assert!(!html_part.contains("<script>alert"), "{html_part}");
    assert!(html_part.contains("&lt;script&gt;"), "{html_part}");
    assert!(to_script.contains("Our &lt;b&gt;offer&lt;/b&gt;<br />Line two"));
    assert!(to_script.contains("List-Unsubscribe: <"), "{to_script}");
    assert!(to_script.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(to_script.contains("multipart/alternative"));
    assert!(
        to_script.contains("1 Harbour Road"),
        "postal address in every email"
    );
    // The second touch is due three days later, once.
    assert_eq!(
        sending::send_due(&app.state, launch, t + 3 * 86_400 + 5)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        sending::send_due(&app.state, launch, t + 3 * 86_400 + 6)
            .await
            .unwrap(),
        0
    );
    assert_eq!(received(&app, &sink, 4).await.len(), 4);
    let view = sending::view(&app.db, &nina, launch).await.unwrap();
    assert_eq!((view.sent, view.queued), (4, 0));
}

async fn unsubscribe_clicks_and_landing(backend: Backend) {
    let app = spawn_app(backend).await;
    let nina = caller(&app, "nina@northwind.example").await;
    let t = app::server::now();
    let template = demo_template(&app).await;
    let launch = sending::launch(
        &app.db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            // Later than now, so the running worker leaves it to the calls below.
            starts_at: Some(t + 1_000),
            ..Default::default()
        },
        t,
    )
    .await
    .unwrap();
    let t = t + 1_000;
    assert_eq!(sending::send_due(&app.state, launch, t).await.unwrap(), 2);
    // Embedded mode: the messages are in the outbox.
    let html: String =
        sqlx::query_scalar("SELECT html FROM outbox WHERE to_addr = $1 ORDER BY id LIMIT 1")
            .bind("ada@customer.example")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let unsubscribe = {
        let at = html.find("/u/").unwrap();
        let start = html[..at].rfind('"').unwrap() + 1;
        html[start..].split('"').next().unwrap().to_string()
    };
    assert!(!html.contains("fonts.googleapis"), "no third-party fonts");
    let path = |u: &str| {
        u.split_once("127.0.0.1")
            .unwrap()
            .1
            .split_once('/')
            .map(|(_, p)| format!("/{p}"))
            .unwrap()
    };
    let unsub_path = path(&unsubscribe);
    let c = client();
    // GET shows a confirmation and changes nothing.
    let res = c.get(app.url(&unsub_path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let still: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM contacts WHERE email = $1 AND unsubscribed_at IS NULL",
            "ada@customer.example",
        )
        .await;
    assert_eq!(still, 1);
    // A tampered token is 400; the one-click POST, with no cookie, unsubscribes.
    let forged = format!("{}x", unsub_path);
    let res = c
        .post(app.url(&forged))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = c
        .post(app.url(&unsub_path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let gone: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM contacts WHERE email = $1 AND unsubscribed_at IS NOT NULL",
            "ada@customer.example",
        )
        .await;
    assert_eq!(gone, 1);
    // The second touch is not sent to ada.
    assert_eq!(
        sending::send_due(&app.state, launch, t + 4 * 86_400)
            .await
            .unwrap(),
        1
    );

    // Click tracking: the signed link redirects; a changed target is 400.
    let tracked = {
        let at = html.find("/c/").unwrap();
        let start = html[..at].rfind('"').unwrap() + 1;
        html[start..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&")
    };
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = no_redirect
        .get(app.url(&path(&tracked)))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains(&format!("/l/{launch}")), "{location}");
    let evil = format!(
        "{}?u=https%3A%2F%2Fevil.example%2F",
        path(&tracked).split('?').next().unwrap()
    );
    let res = no_redirect.get(app.url(&evil)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // The landing page and its form.
    let landing = format!("/l/{launch}");
    let (status, page) = app.get(&c, &landing).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Northwind MSP") && page.contains("name=\"website\""));
    let post = |body: String| {
        let c = c.clone();
        let url = app.url(&landing);
        async move {
            c.post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let leads = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM leads")
                .fetch_one(&db.pool)
                .await
                .unwrap()
        }
    };
    // The honeypot is thanked and dropped.
    let res = post("name=Bot&email=bot%40spam.example&website=http%3A%2F%2Fspam".into()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(leads(&app).await, 0);
    // Oversized and invalid fields: 422, what was typed kept.
    let long = "x".repeat(3_000);
    let res = post(format!("name=Eve&email=not-an-email&message={long}")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("Email:") && body.contains("Message:") && body.contains("value=\"Eve\""));
    let res = post("name=Dana+Buyer&email=dana%40buyer.example&company=Buyer+Ltd".into()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(leads(&app).await, 1);
    // One tap turns the lead into a deal draft of Northwind's (sam sells there); twice is
    // the same deal; Contoso cannot touch it.
    let lead: i64 = app
        .scalar(
            "SELECT MAX(id) FROM leads WHERE email = $1",
            "dana@buyer.example",
        )
        .await;
    let sam = caller(&app, "sam@northwind.example").await;
    let deal = service::convert_lead(&app.db, &sam, lead).await.unwrap();
    assert_eq!(
        service::convert_lead(&app.db, &sam, lead).await.unwrap(),
        deal
    );
    let carla = caller(&app, "carla@contoso.example").await;
    assert!(matches!(
        service::convert_lead(&app.db, &carla, lead).await,
        Err(app::error::AppError::NotFound)
    ));
    let (company, status): (String, String) =
        sqlx::query_as("SELECT company, status FROM deals WHERE id = $1")
            .bind(deal)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((company.as_str(), status.as_str()), ("Buyer Ltd", "draft"));
    // Northwind sees its lead; Contoso sees none; the vendor sees counts, not people.
    let (_, mine, _) = api(
        &app,
        "GET",
        "/api/v1/leads",
        &token(&app, "nina@northwind.example").await,
        None,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["email"], "dana@buyer.example");
    let (_, theirs, _) = api(
        &app,
        "GET",
        "/api/v1/leads",
        &token(&app, "carla@contoso.example").await,
        None,
    )
    .await;
    assert_eq!(theirs, json!([]));
    let (status, stats, _) = api(
        &app,
        "GET",
        &format!("/api/v1/launches/{launch}"),
        &token(&app, "marketing@acme.example").await,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(
        (stats["leads"].as_i64(), stats["unsubscribes"].as_i64()),
        (Some(1), Some(1)),
        "{stats}"
    );
    assert!(stats["clicks"].as_i64().unwrap() >= 1 && stats["visits"].as_i64().unwrap() >= 1);
    assert!(
        !stats.to_string().contains("customer.example"),
        "no contacts for the vendor"
    );
    let (status, _, _) = api(
        &app,
        "GET",
        &format!("/api/v1/launches/{launch}"),
        &token(&app, "carla@contoso.example").await,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The per-address limit: after ten posts in ten minutes, 429.
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = post("name=Flood&email=flood%40x.example".into())
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

async fn contacts_templates_and_launch_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let (nina_t, carla_t, mkt_t) = (
        token(&app, "nina@northwind.example").await,
        token(&app, "carla@contoso.example").await,
        token(&app, "marketing@acme.example").await,
    );
    // Contacts through REST, each partner its own.
    let (status, made, _) = api(&app, "POST", "/api/v1/contacts", &carla_t,
        Some(json!({ "email": "Buyer@Contoso-Customer.example", "first_name": "Bo", "last_name": "Buyer", "consent": true }))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, e, _) = api(&app, "POST", "/api/v1/contacts", &carla_t,
        Some(json!({ "email": "x@y.example\r\nBcc: z@evil.example", "first_name": "A\r\nB", "consent": true }))).await;
    assert!(status.is_client_error(), "{e}");
    let (_, nw, _) = api(&app, "GET", "/api/v1/contacts", &nina_t, None).await;
    let (_, cs, _) = api(&app, "GET", "/api/v1/contacts", &carla_t, None).await;
    let emails = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["email"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(emails(&cs), ["buyer@contoso-customer.example"]);
    assert!(emails(&nw).iter().all(|e| e.ends_with("@customer.example")) && emails(&nw).len() == 3);
    // Launching Northwind's contact ids from Contoso: unknown contacts.
    let nw_id = nw[0]["id"].as_i64().unwrap();
    let template = demo_template(&app).await;
    let (status, e, _) = api(
        &app,
        "POST",
        &format!("/api/v1/campaigns/{template}/launches"),
        &carla_t,
        Some(json!({ "contacts": [nw_id] })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // Contoso has no brand kit yet: the launch says which fields are missing.
    assert!(e["errors"]["brand.partner.name"].is_array(), "{e}");
    assert!(e["errors"]["contacts"].is_array(), "{e}");
    // A brand kit with a colour too light for white text is refused.
    let kit = json!({ "display_name": "Contoso", "postal_address": "2 Main St", "sender_name": "Carla",
        "sender_email": "carla@contoso.example", "primary_color": "#ffee00" });
    let (status, e, _) = api(
        &app,
        "POST",
        "/api/v1/brand-kit",
        &carla_t,
        Some(kit.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["errors"]["primary_color"].is_array(), "{e}");
    let mut kit = kit;
    kit["primary_color"] = json!("#8a1538");
    let (status, _, _) = api(&app, "POST", "/api/v1/brand-kit", &carla_t, Some(kit)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, made, _) = api(
        &app,
        "POST",
        &format!("/api/v1/campaigns/{template}/launches"),
        &carla_t,
        Some(json!({ "contacts": "all" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, view, _) = api(
        &app,
        "GET",
        &format!("/api/v1/launches/{}", made["id"]),
        &carla_t,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["recipients"], 1);

    // Templates: unknown merge fields and bad MJML are field errors; drafts stay with
    // the vendor; targeting follows the partner's tier.
    let body = |name: &str, mjml: &str, tiers: Value, publish: bool| {
        json!({
            "name": name, "language": "en", "landing_title": "Hi",
            "touches": [{ "subject": "Hello {{contact.first_name}}", "delay_days": "0", "mjml": mjml }],
            "tiers": tiers, "publish": publish
        })
    };
    let (status, e, _) = api(&app, "POST", "/api/v1/campaigns", &mkt_t,
        Some(body("Bad", "<mjml><mj-body><mj-section><mj-column><mj-text>{{contact.password}}</mj-text></mj-column></mj-section></mj-body></mjml>", json!([]), true))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["errors"]["touches.0.mjml"][0]
            .as_str()
            .unwrap()
            .contains("not one the template knows"),
        "{e}"
    );
    let ok = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{contact.first_name}}</mj-text></mj-column></mj-section></mj-body></mjml>";
    let (status, gold, _) = api(
        &app,
        "POST",
        "/api/v1/campaigns",
        &mkt_t,
        Some(body("Gold only", ok, json!(["gold"]), true)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{gold}");
    let (_, draft, _) = api(
        &app,
        "POST",
        "/api/v1/campaigns",
        &mkt_t,
        Some(body("Draft", ok, json!([]), false)),
    )
    .await;
    let names = |tok: &str| {
        let tok = tok.to_string();
        let app = &app;
        async move {
            let (_, list, _) = api(app, "GET", "/api/v1/campaigns", &tok, None).await;
            list.as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let northwind = names(&nina_t).await; // gold
    let contoso = names(&carla_t).await; // silver
    assert!(
        northwind.contains(&"Gold only".to_string()) && !northwind.contains(&"Draft".to_string())
    );
    assert!(!contoso.contains(&"Gold only".to_string()));
    assert!(names(&mkt_t).await.contains(&"Draft".to_string()));
    let (status, _, _) = api(
        &app,
        "POST",
        &format!("/api/v1/campaigns/{}/launches", draft["id"]),
        &carla_t,
        Some(json!({ "contacts": "all" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a draft is not launchable");

    // CSV import: a preview saves nothing and names each bad row; the import saves the
    // good rows for the importer's organisation only.
    let carla = caller(&app, "carla@contoso.example").await;
    let csv = "Email,First Name,consent,tags\n\
               one@import.example,One,yes,vip;emea\n\
               not-an-email,Two,yes,\n\
               three@import.example,Three,no,\n\
               four@import.example,Four,maybe,\n";
    let preview = service::import_contacts(&app.db, &carla, csv, false, 1)
        .await
        .unwrap();
    assert_eq!((preview.valid, preview.invalid, preview.saved), (2, 2, 0));
    assert_eq!(preview.rows[1].line, 3);
    assert_eq!(preview.rows[1].errors[0].0, "email");
    assert_eq!(
        preview.rows[3].errors[0],
        ("consent".into(), "err.consent_cell".into())
    );
    let before = service::list_contacts(&app.db, &carla).await.unwrap().len();
    assert_eq!(before, 1, "a preview saves nothing");
    let done = service::import_contacts(&app.db, &carla, csv, true, 1)
        .await
        .unwrap();
    assert_eq!(done.saved, 2);
    let list = service::list_contacts(&app.db, &carla).await.unwrap();
    let one = list
        .iter()
        .find(|c| c.email == "one@import.example")
        .unwrap();
    assert!(one.consent && one.tags == ["vip", "emea"] && one.consent_source == "import");
    assert!(
        list.iter()
            .any(|c| c.email == "three@import.example" && !c.consent)
    );
    let nina = caller(&app, "nina@northwind.example").await;
    assert!(
        service::list_contacts(&app.db, &nina)
            .await
            .unwrap()
            .iter()
            .all(|c| !c.email.ends_with("@import.example"))
    );
    let e = service::import_contacts(&app.db, &carla, "name\nx\n", false, 1)
        .await
        .unwrap_err();
    let app::error::AppError::Validation(map) = e else {
        panic!("{e:?}")
    };
    assert_eq!(map["csv"], vec!["err.csv_no_email"]);
}

both_backends!(
    sending_exactly_once,
    unsubscribe_clicks_and_landing,
    contacts_templates_and_launch_rules
);
