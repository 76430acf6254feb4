//! Campaigns on both backends: sending through the real SMTP sink exactly once per
//! recipient and touch (a second and a concurrent run send nothing more), consent and
//! suppression, merge escaping and header injection, one-click unsubscribe without a
//! cookie while a GET changes nothing, signed click links, the landing form's abuse
//! guards, and isolation of contacts, launches and leads between partners.

#![allow(clippy::unwrap_used)]

mod common;

use app::campaigns::{ContactInput, LaunchInput, Recipients, contacts, sending, service};
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
    contacts::save_contact(
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
            ..Default::default()
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
    // The lead's events, in order, for integrations: created, then converted; Contoso's
    // feed is empty; reading on after the last id gives nothing new.
    let nina_t = token(&app, "nina@northwind.example").await;
    let (status, events, _) = api(&app, "GET", "/api/v1/leads/events", &nina_t, None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["lead.created", "lead.converted"], "{events}");
    assert_eq!(events[0]["payload"]["email"], "dana@buyer.example");
    assert_eq!(events[1]["payload"]["deal_id"], deal);
    let last = events[1]["id"].as_i64().unwrap();
    let (_, after, _) = api(
        &app,
        "GET",
        &format!("/api/v1/leads/events?after={last}"),
        &nina_t,
        None,
    )
    .await;
    assert_eq!(after, json!([]));
    let (_, contoso_events, _) = api(
        &app,
        "GET",
        "/api/v1/leads/events",
        &token(&app, "carla@contoso.example").await,
        None,
    )
    .await;
    assert_eq!(contoso_events, json!([]));
    let (status, _, _) = api(&app, "GET", "/api/v1/leads/events?after=x", &nina_t, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
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
    let preview = contacts::import_contacts(&app.db, &carla, csv, false, 1)
        .await
        .unwrap();
    assert_eq!((preview.valid, preview.invalid, preview.saved), (2, 2, 0));
    assert_eq!(preview.rows[1].line, 3);
    assert_eq!(preview.rows[1].errors[0].0, "email");
    assert_eq!(
        preview.rows[3].errors[0],
        ("consent".into(), "err.consent_cell".into())
    );
    let before = contacts::list_contacts(&app.db, &carla)
        .await
        .unwrap()
        .len();
    assert_eq!(before, 1, "a preview saves nothing");
    let done = contacts::import_contacts(&app.db, &carla, csv, true, 1)
        .await
        .unwrap();
    assert_eq!(done.saved, 2);
    let list = contacts::list_contacts(&app.db, &carla).await.unwrap();
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
        contacts::list_contacts(&app.db, &nina)
            .await
            .unwrap()
            .iter()
            .all(|c| !c.email.ends_with("@import.example"))
    );
    let e = contacts::import_contacts(&app.db, &carla, "name\nx\n", false, 1)
        .await
        .unwrap_err();
    let app::error::AppError::Validation(map) = e else {
        panic!("{e:?}")
    };
    assert_eq!(map["csv"], vec!["err.csv_no_email"]);
}

/// A template written, translated and edited; partners see both languages; its results
/// per partner for vendor staff and a partner's own for the partner.
async fn editing_translations_and_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (carla_t, nina_t, mkt_t) = (
        token(&app, "carla@contoso.example").await,
        token(&app, "nina@northwind.example").await,
        token(&app, "marketing@acme.example").await,
    );
    let body = |name: &str, language: &str, translation_of: Value| {
        json!({
            "name": name, "language": language, "landing_title": "Hi", "publish": true,
            "editable": [{ "name": "body", "label": "Body", "default": "Hello", "max_len": 200 }],
            "touches": [{ "subject": "Hi {{contact.first_name}}", "delay_days": "0",
                "mjml": app::campaigns::STARTER_MJML }],
            "translation_of": translation_of,
        })
    };
    let (status, en, _) = api(
        &app,
        "POST",
        "/api/v1/campaigns",
        &mkt_t,
        Some(body("Spring offer", "en", Value::Null)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{en}");
    let en = en["id"].as_i64().unwrap();
    let (status, de, _) = api(
        &app,
        "POST",
        "/api/v1/campaigns",
        &mkt_t,
        Some(body("Frühjahrsangebot", "de", json!(en))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{de}");
    let de = de["id"].as_i64().unwrap();
    // A translation in the same language, of a translation, or of nothing: field errors.
    for (language, of) in [("en", en), ("en", de), ("de", 999_999)] {
        let (status, e, _) = api(
            &app,
            "POST",
            "/api/v1/campaigns",
            &mkt_t,
            Some(body("X", language, json!(of))),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["errors"]["translation_of"].is_array(), "{e}");
    }
    // Partners cannot write templates.
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/campaigns",
        &carla_t,
        Some(body("X", "en", Value::Null)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An edit: a second email; the API then shows both, MJML included.
    let mkt = caller(&app, "marketing@acme.example").await;
    let mut input = app::campaigns::templates::detail(&app.db, &mkt, en)
        .await
        .unwrap()
        .template;
    let mut second = input.touches[0].clone();
    second.subject = "Still interested?".into();
    second.delay_days = "4".into();
    input.touches.push(second);
    app::campaigns::templates::update_template(&app.db, &mkt, en, &input, 5)
        .await
        .unwrap();
    let (status, got, _) = api(
        &app,
        "GET",
        &format!("/api/v1/campaigns/{en}"),
        &carla_t,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(
        got["template"]["touches"][1]["subject"],
        "Still interested?"
    );
    assert!(
        got["template"]["touches"][0]["mjml"]
            .as_str()
            .unwrap()
            .contains("<mjml>")
    );
    // An edit that breaks the MJML is refused and changes nothing.
    input.touches[0].mjml = "<mjml><mj-body><mj-section>".into();
    let e = app::campaigns::templates::update_template(&app.db, &mkt, en, &input, 6)
        .await
        .unwrap_err();
    assert!(
        matches!(e, app::error::AppError::Validation(ref m) if m.contains_key("touches.0.mjml")),
        "{e:?}"
    );
    // The partner's library holds both versions, linked.
    let (_, list, _) = api(&app, "GET", "/api/v1/campaigns", &carla_t, None).await;
    let german = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == de)
        .unwrap();
    assert_eq!(german["translation_of"], en);

    // Results: Contoso launches the English version to its one contact.
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/contacts",
        &carla_t,
        Some(json!({ "email": "buyer@contoso-customer.example", "consent": true })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let kit = json!({ "display_name": "Contoso", "postal_address": "2 Main St", "sender_name": "Carla",
        "sender_email": "carla@contoso.example", "primary_color": "#8a1538" });
    api(&app, "POST", "/api/v1/brand-kit", &carla_t, Some(kit)).await;
    let (status, made, _) = api(
        &app,
        "POST",
        &format!("/api/v1/campaigns/{en}/launches"),
        &carla_t,
        Some(json!({ "contacts": "all" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, st, _) = api(
        &app,
        "GET",
        &format!("/api/v1/campaigns/{en}/stats"),
        &mkt_t,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(st["partners"], 1);
    assert_eq!(st["totals"]["launches"], 1);
    assert!(
        st["by_partner"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Contoso"),
        "{st}"
    );
    // No contact reaches the vendor's view.
    assert!(!st.to_string().contains("contoso-customer"), "{st}");
    // Vendor staff preview the emails and the landing page as Contoso sends them; an
    // unknown partner is a field error; a partner always previews as itself.
    let slug: String = sqlx::query_scalar("SELECT slug FROM orgs WHERE name LIKE 'Contoso%'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let regions = std::collections::BTreeMap::new();
    let as_contoso = service::preview(&app.db, &app.base, &mkt, en, &regions, &slug)
        .await
        .unwrap();
    assert!(
        as_contoso.landing.contains("Contoso") && as_contoso.landing.contains("2 Main St"),
        "{}",
        as_contoso.landing
    );
    assert!(as_contoso.touches[0].html.contains("#8a1538"));
    let e = service::preview(&app.db, &app.base, &mkt, en, &regions, "no-such-partner")
        .await
        .unwrap_err();
    assert!(
        matches!(e, app::error::AppError::Validation(ref m) if m.contains_key("as_partner")),
        "{e:?}"
    );
    let nina = caller(&app, "nina@northwind.example").await;
    let own_preview = service::preview(&app.db, &app.base, &nina, en, &regions, &slug)
        .await
        .unwrap();
    assert!(own_preview.landing.contains("Northwind") && !own_preview.landing.contains("Contoso"));
    let (_, own, _) = api(
        &app,
        "GET",
        &format!("/api/v1/campaigns/{en}/stats"),
        &nina_t,
        None,
    )
    .await;
    assert_eq!(
        own["totals"]["launches"], 0,
        "Northwind sees only its own launches: {own}"
    );
}

/// Lists (tags) narrow a launch; opens are counted only when asked, once per send; a
/// recipient's server refusing the message is recorded for that recipient, not retried;
/// contacts are changed and erased through REST, each partner its own.
async fn lists_opens_refusals_and_contacts(backend: Backend) {
    let (sink, url) = SmtpSink::start().await;
    let app = spawn_app_with(backend, Some(url)).await;
    let nina = caller(&app, "nina@northwind.example").await;
    let t = app::server::now();
    for email in ["bounce@customer.example", "vip@customer.example"] {
        contacts::save_contact(
            &app.db,
            &nina,
            &ContactInput {
                email: email.into(),
                consent: true,
                tags: vec!["VIP".into()],
                ..Default::default()
            },
            t,
        )
        .await
        .unwrap();
    }
    let template = demo_template(&app).await;
    let e = sending::launch(
        &app.db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            list: "nobody".into(),
            ..Default::default()
        },
        t,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, app::error::AppError::Validation(ref m) if m.contains_key("list")),
        "{e:?}"
    );
    let launch = sending::launch(
        &app.db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            list: "vip".into(),
            track_opens: true,
            starts_at: Some(t + 1_000),
            ..Default::default()
        },
        t,
    )
    .await
    .unwrap();
    let view = sending::view(&app.db, &nina, launch).await.unwrap();
    assert_eq!(
        (view.recipients, view.list.as_str(), view.opens),
        (2, "vip", Some(0))
    );
    assert_eq!(
        sending::send_due(&app.state, launch, t + 1_001)
            .await
            .unwrap(),
        2
    );
    let mails = received(&app, &sink, 1).await;
    assert_eq!(mails.len(), 1, "the refused address got nothing: {mails:?}");
    let mail = mails[0].decoded();
    let pixel =
        common::smtp::link(&mail, &format!("{}/o/", app.base)).expect("an open-tracking image");
    let pixel = pixel.trim_end_matches(['"', '\'']).to_string();
    let c = client();
    for _ in 0..2 {
        let res = c.get(&pixel).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/gif");
    }
    let forged = pixel.replace("/o/", "/o/9").replace(".gif", "x.gif");
    assert_eq!(
        c.get(&forged).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let view = sending::view(&app.db, &nina, launch).await.unwrap();
    assert_eq!(
        view.opens,
        Some(1),
        "one open per send, however often the image loads"
    );
    // The refusal: recorded with the server's answer, once (not retried).
    let jobs_for_bounce = app
        .scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND status = 'failed'",
            "bounce@customer.example",
        )
        .await;
    assert_eq!(jobs_for_bounce, 1);
    assert_eq!((view.sent, view.failed), (1, 1), "{view:?}");
    assert_eq!(view.rejections.len(), 1);
    assert_eq!(view.rejections[0].email, "bounce@customer.example");
    assert!(
        view.rejections[0].error.contains("550")
            || view.rejections[0].error.contains("no such user"),
        "{:?}",
        view.rejections
    );
    // Vendor staff see the count, never the address.
    let admin = caller(&app, "admin@acme.example").await;
    let vendor_view = sending::view(&app.db, &admin, launch).await.unwrap();
    assert_eq!((vendor_view.failed, vendor_view.rejections.len()), (1, 0));

    // Contacts through REST: change, erase; another partner's are not found.
    let (nina_t, carla_t) = (
        token(&app, "nina@northwind.example").await,
        token(&app, "carla@contoso.example").await,
    );
    let vip = app
        .scalar(
            "SELECT id FROM contacts WHERE email = $1",
            "vip@customer.example",
        )
        .await;
    let path = format!("/api/v1/contacts/{vip}");
    for method in ["GET", "PUT", "DELETE"] {
        let body =
            (method == "PUT").then(|| json!({ "email": "taken@x.example", "consent": true }));
        let (status, _, _) = api(&app, method, &path, &carla_t, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} as another partner");
    }
    let (status, e, _) = api(
        &app,
        "PUT",
        &path,
        &nina_t,
        Some(json!({ "email": "ada@customer.example", "consent": true })),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another contact's address: {e}"
    );
    assert!(e["errors"]["email"].is_array(), "{e}");
    let (status, _, _) = api(&app, "PUT", &path, &nina_t, Some(json!({ "email": "vip2@customer.example", "first_name": "Vi", "consent": false, "tags": ["vip", "q3"] }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, got, _) = api(&app, "GET", &path, &nina_t, None).await;
    assert_eq!(
        (
            got["email"].as_str(),
            got["consent"].as_bool(),
            got["tags"].clone()
        ),
        (
            Some("vip2@customer.example"),
            Some(false),
            json!(["vip", "q3"])
        )
    );
    let (status, _, _) = api(&app, "DELETE", &path, &nina_t, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = api(&app, "GET", &path, &nina_t, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all, _) = api(&app, "GET", "/api/v1/contacts", &nina_t, None).await;
    assert!(!all.to_string().contains("vip2@"), "{all}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM contacts WHERE first_name = $1", "Vi")
            .await,
        0,
        "the name is erased"
    );
    // Import through REST: a preview saves nothing.
    let csv = "email,consent\nnew@customer.example,yes\nbroken,yes\n";
    let (status, r, _) = api(
        &app,
        "POST",
        "/api/v1/contacts/import",
        &nina_t,
        Some(json!({ "csv": csv })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["valid"].as_i64(),
            r["invalid"].as_i64(),
            r["saved"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    let (_, r, _) = api(
        &app,
        "POST",
        "/api/v1/contacts/import",
        &nina_t,
        Some(json!({ "csv": csv, "commit": true })),
    )
    .await;
    assert_eq!(r["saved"], 1, "{r}");
}

/// A logo is taken by its bytes (PNG, JPEG, GIF, WebP; never SVG) within size limits,
/// served to anyone with a long cache, and kept when the brand kit is saved again.
async fn logo_upload(backend: Backend) {
    use reqwest::multipart::{Form, Part};
    let app = spawn_app(backend).await;
    let (carla_t, sam_t) = (
        token(&app, "carla@contoso.example").await,
        token(&app, "sam@northwind.example").await,
    );
    let png = |w: u32, h: u32| {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    };
    let send = |tok: String, name: &'static str, bytes: Vec<u8>| {
        let url = app.url("/api/v1/brand-kit/logo");
        async move {
            let form = Form::new().part(
                "logo",
                Part::bytes(bytes)
                    .file_name(name)
                    .mime_str("image/png")
                    .unwrap(),
            );
            let res = client()
                .post(url)
                .bearer_auth(tok)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // Not a role that keeps the brand kit: refused before the body is read.
    let (status, _) = send(sam_t, "logo.png", png(200, 80)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An SVG named .png, a picture too large, one too small: field errors.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    for bytes in [svg, png(5_000, 100), png(4, 4)] {
        let (status, e) = send(carla_t.clone(), "logo.png", bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["errors"]["logo"].is_array(), "{e}");
    }
    let (status, got) = send(carla_t.clone(), "logo.png", png(240, 80)).await;
    assert_eq!(status, StatusCode::CREATED, "{got}");
    let url = got["logo_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&app.base) && url.ends_with(".png"), "{url}");
    // Served to anyone (emails load it), for a year.
    let res = client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), png(240, 80));
    let forged = url.replace(".png", ".svg");
    assert_eq!(
        client().get(&forged).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // The kit holds it, and saving the kit with it again keeps it (it is the server's own
    // address, plain http here).
    let (_, mut kit, _) = api(&app, "GET", "/api/v1/brand-kit", &carla_t, None).await;
    assert_eq!(kit["logo_url"], url.as_str());
    kit["display_name"] = json!("Contoso");
    kit["postal_address"] = json!("2 Main St");
    kit["sender_name"] = json!("Carla");
    kit["sender_email"] = json!("carla@contoso.example");
    let (status, e, _) = api(
        &app,
        "POST",
        "/api/v1/brand-kit",
        &carla_t,
        Some(kit.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{e}");
    kit["logo_url"] = json!("http://elsewhere.example/logo.png");
    let (status, e, _) = api(&app, "POST", "/api/v1/brand-kit", &carla_t, Some(kit)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another plain-http address is refused: {e}"
    );
}

/// A run that dies after writing a batch but before the relay has it (here: a relay that
/// never answers, and the run cut off) loses nothing: once its lease is over, the next run
/// takes the batch over and every recipient gets exactly one email.
async fn a_crash_mid_send_loses_and_doubles_nothing(backend: Backend) {
    let (sink, url) = SmtpSink::start().await;
    let app = spawn_app_with(backend, Some(url)).await;
    let nina = caller(&app, "nina@northwind.example").await;
    let t = app::server::now();
    let template = demo_template(&app).await;
    let launch = sending::launch(
        &app.db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            starts_at: Some(t + 1_000),
            ..Default::default()
        },
        t,
    )
    .await
    .unwrap();
    let recipients = sending::view(&app.db, &nina, launch)
        .await
        .unwrap()
        .recipients as usize;
    assert!(recipients >= 2);
    // A relay that accepts connections and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("smtp://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = silent.accept().await {
            held.push(conn);
        }
    });
    let mut config = (*app.state.config).clone();
    config.smtp_url = Some(silent_url);
    let dying = app::server::AppState {
        config: std::sync::Arc::new(config),
        ..app.state.clone()
    };
    let cut = tokio::time::timeout(
        std::time::Duration::from_millis(1_500),
        sending::send_due(&dying, launch, t + 1_001),
    )
    .await;
    assert!(cut.is_err(), "the run was cut off while delivering");
    let sending_now = app
        .scalar("SELECT COUNT(*) FROM outbox WHERE status = $1", "sending")
        .await;
    assert_eq!(
        sending_now as usize, recipients,
        "the batch was written before the crash"
    );
    // Within the lease nobody else takes it.
    assert_eq!(
        sending::send_due(&app.state, launch, t + 1_002)
            .await
            .unwrap(),
        0
    );
    assert!(sink.messages.lock().unwrap().is_empty());
    // After it, the next run delivers the batch, once.
    let later = t + 1_002 + app::server::mail::BATCH_LEASE_SECS + 1;
    assert_eq!(
        sending::send_due(&app.state, launch, later).await.unwrap(),
        0
    );
    assert_eq!(
        sending::send_due(&app.state, launch, later + 1)
            .await
            .unwrap(),
        0
    );
    let mails = received(&app, &sink, recipients).await;
    assert_eq!(mails.len(), recipients, "{mails:?}");
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt.clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), recipients, "one email per recipient");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE status = $1", "sending")
            .await,
        0
    );
}

both_backends!(
    sending_exactly_once,
    unsubscribe_clicks_and_landing,
    contacts_templates_and_launch_rules,
    editing_translations_and_results,
    lists_opens_refusals_and_contacts,
    logo_upload,
    a_crash_mid_send_loses_and_doubles_nothing
);
