//! Deal registration end to end over HTTP: redaction, isolation, review, lifecycle, rules.

mod common;

use app::deals::Customer;
use app::deals::pipeline::{PipelineRow, upsert};
use common::{Backend, TestApp, spawn_app};
use reqwest::StatusCode;

fn deal_form(company: &str, domain: &str) -> Vec<(&'static str, String)> {
    vec![
        ("input[company]", company.into()),
        ("input[domain]", domain.into()),
        ("input[city]", "Berlin".into()),
        ("input[country]", "de".into()),
        ("input[contact_name]", "Dana Buyer".into()),
        ("input[contact_email]", format!("dana@{domain}")),
        ("input[products]", "Acme Cloud Enterprise".into()),
        ("input[value]", "48,000.00".into()),
        ("input[currency]", "EUR".into()),
        ("input[expected_close]", "2099-06-30".into()),
        ("input[stage]", "proposal".into()),
    ]
}

async fn register(
    app: &TestApp,
    c: &reqwest::Client,
    company: &str,
    domain: &str,
) -> (i64, serde_json::Value) {
    let form = deal_form(company, domain);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, id) = app.call(c, "save_deal_draft", &pairs).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id");
    let (status, verdict) = app.call(c, "submit_deal", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{verdict}");
    (id, verdict)
}

async fn seed_pipeline(app: &TestApp) {
    let rows = vec![PipelineRow {
        external_id: "SF-001".into(),
        customer: Customer {
            company: "Soylent Foods GmbH".into(),
            domain: "soylent.de".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            ..Default::default()
        },
    }];
    upsert(&app.db, &rows, |_| {}).await.expect("pipeline");
}

async fn conflicts_are_redacted_for_partners_and_explained_to_managers(b: Backend) {
    let app = spawn_app(b).await;
    seed_pipeline(&app).await;
    let sam = app.as_user("sam@northwind.example").await;
    let carla = app.as_user("carla@contoso.example").await;
    let cam = app.as_user("cam@acme.example").await;

    // Northwind registers first; a clear customer is clear.
    let (clear_id, v) = register(&app, &sam, "Initech Robotics AG", "initech-robotics.de").await;
    assert_eq!(v, "clear");
    let (nw_id, v) = register(&app, &sam, "Hooli Health GmbH", "hooli-health.de").await;
    assert_eq!(v, "clear");
    // Contoso registers the same customer, written differently: redacted warning only.
    let (status, v) = app
        .call(
            &carla,
            "check_deal",
            &[
                ("input[company]", "UMBRELLA HEALTH"),
                ("input[domain]", "https://www.umbrella-health.de"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v, "may_be_registered");
    let (ct_id, v) = register(&app, &carla, "Hooli Health", "www.hooli-health.de").await;
    assert_eq!(v, "may_be_registered");
    // Nothing about Northwind reaches Contoso, by any path.
    let (_, detail) = app
        .call(&carla, "get_deal", &[("id", &ct_id.to_string())])
        .await;
    let text = detail.to_string();
    assert!(
        !text.contains("Northwind") && !text.contains(&format!("#{nw_id}")),
        "{text}"
    );
    assert_eq!(detail["summary"]["verdict"], serde_json::Value::Null);
    for (ep, args) in [
        ("get_deal", vec![("id", nw_id.to_string())]),
        ("submit_deal", vec![("id", nw_id.to_string())]),
        (
            "close_deal",
            vec![("id", nw_id.to_string()), ("won", "true".into())],
        ),
        (
            "post_deal_message",
            vec![
                ("id", nw_id.to_string()),
                ("body", "hi".into()),
                ("internal", "false".into()),
            ],
        ),
        (
            "check_deal",
            vec![
                ("input[company]", "Hooli Health".into()),
                ("id", nw_id.to_string()),
            ],
        ),
    ] {
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = app.call(&carla, ep, &pairs).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{ep}: {body}");
    }
    let (_, list) = app
        .call(
            &carla,
            "list_deals",
            &[("filter[q]", ""), ("filter[status]", "")],
        )
        .await;
    assert!(
        list["rows"]
            .as_array()
            .expect("list")
            .iter()
            .all(|d| d["org_name"] == "Contoso Reseller"),
        "{list}"
    );
    let (status, _) = app
        .call(&carla, "get_deal_review", &[("id", &ct_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            &carla,
            "decide_deal",
            &[
                ("input[deal_id]", &ct_id.to_string()),
                ("input[decision]", "approve"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The channel manager sees both records with reasons and a recommendation.
    let (status, review) = app
        .call(&cam, "get_deal_review", &[("id", &ct_id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(review["verdict"], "conflict");
    let m = &review["matches"][0];
    assert_eq!(m["kind"], "registration");
    assert_eq!(m["id"], nw_id);
    assert!(
        m["label"]
            .as_str()
            .unwrap_or_default()
            .contains("Northwind MSP")
    );
    let reasons: Vec<&str> = m["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(
        reasons.contains(&"match.domain_equal") && reasons.contains(&"match.name_exact_shared"),
        "{reasons:?}"
    );
    assert_eq!(review["recommendation"]["action"], "reject", "{review}");
    assert_eq!(
        review["recommendation"]["reasons"][0]["code"], "first_to_register",
        "{review}"
    );
    assert!(
        review["recommendation"]["reasons"][0]["deal_id"].is_i64(),
        "{review}"
    );

    // Rejecting needs a reason; the partner then sees the outcome on the timeline.
    let (status, body) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &ct_id.to_string()),
                ("input[decision]", "reject"),
                ("input[reason]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["reason"][0], "err.reason_required");
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &ct_id.to_string()),
                ("input[decision]", "reject"),
                ("input[reason]", "Registered earlier by another partner."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &nw_id.to_string()),
                ("input[decision]", "approve"),
                ("input[reason]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = app
        .call(&carla, "get_deal", &[("id", &ct_id.to_string())])
        .await;
    assert_eq!(detail["summary"]["status"], "rejected");
    assert_eq!(
        detail["decision_reason"],
        "Registered earlier by another partner."
    );
    let last = detail["events"]
        .as_array()
        .expect("events")
        .last()
        .expect("event")
        .clone();
    assert_eq!(last["to_status"], "rejected");
    let (_, detail) = app
        .call(&sam, "get_deal", &[("id", &nw_id.to_string())])
        .await;
    assert_eq!(detail["summary"]["status"], "approved");
    assert!(detail["protected_until"].as_i64().unwrap_or_default() > 0);
    assert_eq!(detail["can_close"], true);

    // A registration overlapping the direct pipeline is flagged for review with the record.
    let (pl_id, v) = register(&app, &sam, "Soylent Foods", "soylent.de").await;
    assert_eq!(v, "may_be_registered");
    let (_, review) = app
        .call(&cam, "get_deal_review", &[("id", &pl_id.to_string())])
        .await;
    assert_eq!(review["matches"][0]["kind"], "pipeline");
    assert_eq!(review["matches"][0]["external_id"], "SF-001");
    let _ = clear_id;
}

async fn lifecycle_validation_rules_and_expiry(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let cam = app.as_user("cam@acme.example").await;
    let admin = app.as_user("admin@acme.example").await;
    // Submission validates strictly, with a message per field; nothing is lost.
    let (status, id) = app
        .call(
            &sam,
            "save_deal_draft",
            &[
                ("input[company]", "Initrode"),
                ("input[value]", "12.5.5,0"),
                ("input[expected_close]", "2020-13-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{id}");
    assert_eq!(id["Validation"]["value"][0], "err.money_invalid");
    assert_eq!(id["Validation"]["expected_close"][0], "err.date_invalid");
    let (status, id) = app
        .call(&sam, "save_deal_draft", &[("input[company]", "Initrode")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let id = id.as_i64().expect("id").to_string();
    let (status, body) = app.call(&sam, "submit_deal", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in [
        "country",
        "contact_name",
        "products",
        "value",
        "expected_close",
        "domain",
    ] {
        assert!(body["Validation"][f].is_array(), "{f}: {body}");
    }
    let (_, d) = app.call(&sam, "get_deal", &[("id", &id)]).await;
    assert_eq!(d["input"]["company"], "Initrode");
    assert_eq!(d["summary"]["status"], "draft");
    // Drafts stay private to the partner.
    let (_, list) = app
        .call(
            &cam,
            "list_deals",
            &[("filter[q]", ""), ("filter[status]", "")],
        )
        .await;
    let list = list["rows"].as_array().expect("list");
    assert!(
        !list.is_empty() && list.iter().all(|d| d["status"] != "draft"),
        "{list:?}"
    );

    // Rules are versioned; a decision records the version it used.
    let (status, r) = app
        .call(
            &admin,
            "set_rules",
            &[
                ("input[protection_days]", "30"),
                ("input[extension_days]", "15"),
                ("input[max_extensions]", "1"),
                ("input[first_to_register]", "true"),
                ("input[named_accounts_direct_only]", "true"),
                ("input[cosell_allowed]", "false"),
                ("input[min_deal]", "10,000"),
                ("input[min_deal_currency]", "EUR"),
                ("input[auto_expire]", "true"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let version = r["version"].as_i64().expect("version");
    assert!(version >= 2);
    let (status, _) = app
        .call(&cam, "set_rules", &[("input[protection_days]", "1")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .call(
            &admin,
            "set_rules",
            &[
                ("input[protection_days]", "0"),
                ("input[min_deal_currency]", "XXX"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (small, _) = register(&app, &sam, "Tiny Shop GmbH", "tinyshop.de").await;
    let (_, review) = app
        .call(&cam, "get_deal_review", &[("id", &small.to_string())])
        .await;
    assert_eq!(
        review["recommendation"]["action"], "approve",
        "48k is above the 10k minimum: {review}"
    );
    assert_eq!(review["recommendation"]["roe_version"], version);
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &small.to_string()),
                ("input[decision]", "approve"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let stored = app
        .scalar(
            "SELECT roe_version_id FROM deals WHERE company = $1",
            "Tiny Shop GmbH",
        )
        .await;
    assert_eq!(stored, version);
    // Deciding twice is refused.
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &small.to_string()),
                ("input[decision]", "reject"),
                ("input[reason]", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Protection ends: the expiry job expires it, once, and frees the customer.
    sqlx::query("UPDATE deals SET protected_until = 1 WHERE company = 'Tiny Shop GmbH'")
        .execute(&app.db.pool)
        .await
        .expect("age");
    assert_eq!(
        app::deals::service::expire_due(&app.db)
            .await
            .expect("expire"),
        1
    );
    assert_eq!(
        app::deals::service::expire_due(&app.db)
            .await
            .expect("expire"),
        0
    );
    let (_, d) = app
        .call(&sam, "get_deal", &[("id", &small.to_string())])
        .await;
    assert_eq!(d["summary"]["status"], "expired");
    let (_, v) = app
        .call(
            &sam,
            "check_deal",
            &[
                ("input[company]", "Tiny Shop GmbH"),
                ("input[domain]", "tinyshop.de"),
            ],
        )
        .await;
    assert_eq!(v, "clear");

    // Info requested → the partner edits and resubmits; approved deals are won or lost.
    let (big, _) = register(&app, &sam, "Massive Dynamic SE", "massive.de").await;
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &big.to_string()),
                ("input[decision]", "request_info"),
                ("input[reason]", "Which products exactly?"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let form = deal_form("Massive Dynamic SE", "massive.de");
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let big_s = big.to_string();
    pairs.push(("id", &big_s));
    let (status, _) = app.call(&sam, "save_deal_draft", &pairs).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(&sam, "submit_deal", &[("id", &big_s)]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            &cam,
            "decide_deal",
            &[("input[deal_id]", &big_s), ("input[decision]", "approve")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The partner was told by email (kept in the outbox in embedded mode).
    let mails = app
        .scalar("SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject LIKE '%Massive Dynamic SE%'", "sam@northwind.example")
        .await;
    assert_eq!(mails, 2, "info requested, then approved");
    // Extensions: asked with a reason, granted once under the rules (15 days, max 1).
    let (status, body) = app
        .call(
            &sam,
            "request_deal_extension",
            &[("id", &big_s), ("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app
        .call(
            &sam,
            "request_deal_extension",
            &[
                ("id", &big_s),
                ("reason", "Procurement needs another month."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, before) = app.call(&sam, "get_deal", &[("id", &big_s)]).await;
    let (status, _) = app
        .call(&cam, "grant_deal_extension", &[("id", &big_s)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = app.call(&sam, "get_deal", &[("id", &big_s)]).await;
    assert_eq!(
        after["protected_until"].as_i64().unwrap_or_default()
            - before["protected_until"].as_i64().unwrap_or_default(),
        15 * 24 * 3600
    );
    assert_eq!(after["extensions_left"], 0);
    let (status, _) = app
        .call(&cam, "grant_deal_extension", &[("id", &big_s)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .call(&sam, "grant_deal_extension", &[("id", &big_s)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A loss needs a reason; nothing changes without one.
    let (status, body) = app
        .call(&sam, "close_deal", &[("id", &big_s), ("won", "false")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["Validation"]["reason"][0],
        "err.outcome_reason_required"
    );
    let (status, _) = app
        .call(&sam, "close_deal", &[("id", &big_s), ("won", "true")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = app.call(&sam, "get_deal", &[("id", &big_s)]).await;
    assert_eq!(d["can_correct"], false);
    // The channel manager corrects a mistaken outcome, with a reason, audited; the
    // partner cannot, and the same outcome again is refused.
    let (_, d) = app.call(&cam, "get_deal", &[("id", &big_s)]).await;
    assert_eq!(d["can_correct"], true);
    let (status, _) = correct_outcome(&app, &sam, &big_s, "false", "lost after all").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = correct_outcome(&app, &cam, &big_s, "false", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = correct_outcome(&app, &cam, &big_s, "true", "still won").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Validation"]["won"][0], "err.outcome_unchanged");
    let (status, body) =
        correct_outcome(&app, &cam, &big_s, "false", "customer cancelled the order").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let corrections = app
        .scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = $1",
            "deal.lost",
        )
        .await;
    assert_eq!(corrections, 1);
    let (status, _) = correct_outcome(&app, &cam, &big_s, "true", "it was won").await;
    assert_eq!(status, StatusCode::OK);
    let (_, d) = app.call(&sam, "get_deal", &[("id", &big_s)]).await;
    let statuses: Vec<&str> = d["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["to_status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "draft",
            "submitted",
            "info_requested",
            "submitted",
            "approved",
            "won",
            "lost",
            "won"
        ]
    );
    let audited = app
        .scalar(
            "SELECT COUNT(*) FROM audit_events WHERE entity_type = $1",
            "deal",
        )
        .await;
    assert!(audited >= 7, "{audited}");
}

async fn correct_outcome(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    won: &str,
    reason: &str,
) -> (StatusCode, serde_json::Value) {
    app.call(
        c,
        "correct_deal_outcome",
        &[("id", id), ("won", won), ("reason", reason)],
    )
    .await
}

/// After a decision the reviewer goes on to the longest-waiting registration in the
/// queue; a decided one, or the one just decided, is never next; partners have no queue.
async fn next_in_the_queue(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let cam = app.as_user("cam@acme.example").await;
    let (first, _) = register(&app, &sam, "Queue First AG", "queue-first.example").await;
    // Later updates come later in the queue.
    sqlx::query("UPDATE deals SET updated_at = updated_at - 100000 WHERE id = $1")
        .bind(first)
        .execute(&app.db.pool)
        .await
        .expect("age");
    let (second, _) = register(&app, &sam, "Queue Second AG", "queue-second.example").await;
    let next = |after: i64| {
        let cam = cam.clone();
        let app = &app;
        async move {
            let (status, body) = app
                .call(&cam, "next_in_queue", &[("after", &after.to_string())])
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body.as_i64()
        }
    };
    let oldest = next(0).await.expect("a queue");
    assert_ne!(oldest, second, "the newest is not the longest-waiting");
    assert_ne!(next(oldest).await, Some(oldest));
    // Decided: out of the queue.
    let (status, body) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &first.to_string()),
                ("input[decision]", "approve"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for after in [0, second] {
        assert_ne!(next(after).await, Some(first));
    }
    let (status, _) = app.call(&sam, "next_in_queue", &[("after", "0")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Every page of the deal list as `c` asks for it, 4 rows at a time, following the next
/// links; the rows and the first page's total.
async fn deal_pages(
    app: &TestApp,
    c: &reqwest::Client,
    status: &str,
    sort: &str,
) -> (Vec<serde_json::Value>, i64) {
    let mut rows = Vec::new();
    let mut after = String::new();
    let mut total = -1;
    loop {
        let (code, page) = app
            .call(
                c,
                "list_deals",
                &[
                    ("filter[q]", "Paged"),
                    ("filter[status]", status),
                    ("filter[page][sort]", sort),
                    ("filter[page][after]", &after),
                    ("filter[page][size]", "4"),
                ],
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{page}");
        if total < 0 {
            total = page["total"].as_i64().expect("total");
        }
        let page_rows = page["rows"].as_array().expect("rows");
        assert!(page_rows.len() <= 4);
        rows.extend(page_rows.iter().cloned());
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => return (rows, total),
        }
    }
}

/// The deal list pages on the server within the caller's scope: a partner's pages hold its
/// own registrations only (drafts included), vendor staff's every partner's but no drafts,
/// each exactly once, in the order asked.
async fn the_deal_list_pages_within_scope(b: Backend) {
    let app = spawn_app(b).await;
    let org = |slug: &'static str| {
        let app = &app;
        async move {
            app.scalar("SELECT id FROM orgs WHERE slug = $1", slug)
                .await
        }
    };
    let user = |email: &'static str| {
        let app = &app;
        async move {
            app.scalar("SELECT id FROM users WHERE email = $1", email)
                .await
        }
    };
    let (northwind, contoso) = (org("northwind-msp").await, org("contoso-reseller").await);
    let (sam, carla) = (
        user("sam@northwind.example").await,
        user("carla@contoso.example").await,
    );
    let statuses = ["draft", "submitted", "under_review", "approved", "rejected"];
    for i in 0..23i64 {
        let (org_id, by) = if i % 3 == 0 {
            (contoso, carla)
        } else {
            (northwind, sam)
        };
        sqlx::query(
            "INSERT INTO deals (org_id, created_by, status, company, value_minor, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(org_id)
        .bind(by)
        .bind(statuses[i as usize % statuses.len()])
        .bind(format!("Paged Customer {i:02}"))
        // Ties in value, so the id must break them.
        .bind((i % 4) * 1_000)
        .bind(1_800_000_000 + i % 5)
        .execute(&app.db.pool)
        .await
        .expect("insert deal");
    }
    let count = |sql: &'static str, org: i64| {
        let app = &app;
        async move {
            use sqlx::Row;
            sqlx::query(sql)
                .bind(org)
                .fetch_one(&app.db.pool)
                .await
                .expect("count")
                .try_get::<i64, _>(0)
                .expect("count")
        }
    };
    let sam_c = app.as_user("sam@northwind.example").await;
    let own = count(
        "SELECT COUNT(*) FROM deals WHERE org_id = $1 AND company LIKE 'Paged%'",
        northwind,
    )
    .await;
    for sort in ["updated", "value", "company", "status"] {
        let (rows, total) = deal_pages(&app, &sam_c, "", sort).await;
        assert_eq!((rows.len() as i64, total), (own, own), "{sort}");
        assert!(
            rows.iter().all(|d| d["org_name"] == "Northwind MSP"),
            "{sort}"
        );
        let mut ids: Vec<i64> = rows.iter().map(|d| d["id"].as_i64().expect("id")).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len() as i64, own, "{sort}: each once");
    }
    let cam = app.as_user("cam@acme.example").await;
    let visible = count(
        "SELECT COUNT(*) FROM deals WHERE company LIKE 'Paged%' AND status <> 'draft' AND $1 > 0",
        1,
    )
    .await;
    let (rows, total) = deal_pages(&app, &cam, "", "value").await;
    assert_eq!((rows.len() as i64, total), (visible, visible));
    assert!(rows.iter().all(|d| d["status"] != "draft"));
    let values: Vec<i64> = rows
        .iter()
        .map(|d| d["value_minor"].as_i64().expect("value"))
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    // The review queue pages too (a merge of one read per status): every queued
    // registration once, newest first, ties broken by id across the two statuses.
    let queued = count(
        "SELECT COUNT(*) FROM deals WHERE company LIKE 'Paged%' \
         AND status IN ('submitted', 'under_review') AND $1 > 0",
        1,
    )
    .await;
    let (queue, total) = deal_pages(&app, &cam, "queue", "updated").await;
    assert_eq!((queue.len() as i64, total), (queued, queued));
    let keys: Vec<(i64, i64)> = queue
        .iter()
        .map(|d| {
            (
                d["updated_at"].as_i64().expect("updated_at"),
                d["id"].as_i64().expect("id"),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]), "{keys:?}");
    let (queue, _) = deal_pages(&app, &cam, "queue", "company").await;
    assert_eq!(queue.len() as i64, queued);
    assert!(!queue.is_empty());
    assert!(
        queue
            .iter()
            .all(|d| d["status"] == "submitted" || d["status"] == "under_review")
    );
    let companies: Vec<&str> = queue
        .iter()
        .map(|d| d["company"].as_str().expect("company"))
        .collect();
    assert!(companies.windows(2).all(|w| w[0] <= w[1]), "{companies:?}");
    // Another partner's cursor reveals nothing: Contoso's registrations stay out of reach.
    let theirs = rows
        .iter()
        .find(|d| d["org_name"] == "Contoso Reseller")
        .expect("a Contoso registration");
    let cursor = format!("{}.i{}", theirs["id"], theirs["updated_at"]);
    let (code, page) = app
        .call(
            &sam_c,
            "list_deals",
            &[("filter[q]", "Paged"), ("filter[page][after]", &cursor)],
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{page}");
    assert!(
        page["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|d| d["org_name"] == "Northwind MSP")
    );
    // The review page as HTML: a count, 25 rows at most and a pager.
    let (status, html) = app.get(&cam, "/deals?q=Paged&sort=value").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("{visible} registrations")),
        "count shown"
    );
}

both_backends!(
    conflicts_are_redacted_for_partners_and_explained_to_managers,
    lifecycle_validation_rules_and_expiry,
    next_in_the_queue,
    the_deal_list_pages_within_scope,
);
