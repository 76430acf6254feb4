//! REST API v1 with bearer tokens: scoping, redaction, revocation, problems, rate limits.

mod common;

use common::{Backend, api, spawn_app, token};
use reqwest::StatusCode;
use serde_json::json;

async fn tokens_scope_redact_and_revoke(b: Backend) {
    let app = spawn_app(b).await;
    let vendor = token(&app, "cam@acme.example").await;
    let partner = token(&app, "sam@northwind.example").await;
    let other = token(&app, "carla@contoso.example").await;
    assert!(vendor.starts_with("trl_"));

    // Pipeline upsert: vendor only, all or nothing.
    let records = json!({ "records": [
        { "external_id": "CRM-1", "company": "Globex Corporation", "domain": "globex-corp.com", "city": "Springfield", "country": "US" },
        { "external_id": "CRM-2", "company": "Initech LLC", "domain": "initech.com" }
    ]});
    let (status, body, _) = api(
        &app,
        "POST",
        "/api/v1/pipeline",
        &vendor,
        Some(records.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["inserted"], 2);
    let (status, body, ctype) =
        api(&app, "POST", "/api/v1/pipeline", &partner, Some(records)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(ctype, "application/problem+json");
    let bad = json!({ "records": [{ "external_id": "CRM-3", "company": "Fine Inc" }, { "external_id": "", "company": "" }] });
    let (status, body, _) = api(&app, "POST", "/api/v1/pipeline", &vendor, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["rows"][0]["line"], 1);
    let n = app
        .scalar(
            "SELECT COUNT(*) FROM pipeline_records WHERE external_id = $1",
            "CRM-3",
        )
        .await;
    assert_eq!(n, 0, "nothing half-imported");
    // Well-formed records that repeat an external_id conflict with each other: 409.
    let repeats = json!({ "records": [{ "external_id": "CRM-4", "company": "One Inc" }, { "external_id": "CRM-4", "company": "Two Inc" }] });
    let (status, body, ctype) = api(&app, "POST", "/api/v1/pipeline", &vendor, Some(repeats)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(body["rows"][0]["line"], 1);

    // Deal checks: the vendor sees matches with reasons; a partner only the verdict.
    let probe = json!({ "company": "GLOBEX CORP.", "domain": "https://www.globex-corp.com", "country": "US", "street": "", "phone": "" });
    let (status, body, _) = api(
        &app,
        "POST",
        "/api/v1/deal-checks",
        &vendor,
        Some(probe.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["verdict"], "conflict");
    assert_eq!(body["matches"][0]["kind"], "pipeline");
    assert_eq!(body["matches"][0]["external_id"], "CRM-1");
    assert!(
        body["matches"][0]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let (_, body, _) = api(&app, "POST", "/api/v1/deal-checks", &partner, Some(probe)).await;
    assert_eq!(
        body,
        json!({ "verdict": "may_be_registered", "matches": [] })
    );
    let (status, body, _) = api(
        &app,
        "POST",
        "/api/v1/deal-checks",
        &partner,
        Some(json!({ "domain": "x.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"]["company"][0], "This field is required.");

    // Deals: a partner registers; another partner cannot read it by id.
    let deal = json!({ "company": "Vandelay Industries", "domain": "vandelay.com", "country": "US", "contact_name": "Art V",
        "products": "Acme Cloud", "value": "25000", "currency": "USD", "expected_close": "2099-01-31" });
    let (status, body, _) = api(&app, "POST", "/api/v1/deals", &partner, Some(deal)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["verdict"], "clear");
    let id = body["id"].as_i64().expect("id");
    let (status, _, _) = api(&app, "GET", &format!("/api/v1/deals/{id}"), &other, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, list, _) = api(&app, "GET", "/api/v1/deals", &other, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.as_array().expect("list").iter().all(|d| d["id"] != id));
    let (status, _, _) = api(
        &app,
        "POST",
        &format!("/api/v1/deals/{id}/decision"),
        &partner,
        Some(json!({ "decision": "approve" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _) = api(
        &app,
        "POST",
        &format!("/api/v1/deals/{id}/decision"),
        &vendor,
        Some(json!({ "decision": "approve" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["summary"]["status"], "approved");
    let (_, body, _) = api(&app, "GET", &format!("/api/v1/deals/{id}"), &partner, None).await;
    assert_eq!(body["summary"]["status"], "approved");

    // Malformed JSON and missing tokens are problems, not crashes.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/deals"))
        .bearer_auth(&partner)
        .header("content-type", "application/json")
        .body("{\"company\": ")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (status, _, _) = api(&app, "GET", "/api/v1/deals", "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = api(&app, "GET", "/api/v1/deals", "trl_forged", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Revocation takes effect at once.
    let caller = app::auth::tokens::caller_for_email(&app.db, "sam@northwind.example")
        .await
        .expect("caller");
    let tokens = app::auth::tokens::list(&app.db, &caller)
        .await
        .expect("list");
    app::auth::tokens::revoke(&app.db, &caller, tokens[0].id)
        .await
        .expect("revoke");
    let (status, _, _) = api(&app, "GET", "/api/v1/deals", &partner, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Another user cannot revoke (or even see) someone else's token.
    let carla = app::auth::tokens::caller_for_email(&app.db, "carla@contoso.example")
        .await
        .expect("caller");
    let carla_tokens = app::auth::tokens::list(&app.db, &carla)
        .await
        .expect("list");
    assert_eq!(
        app::auth::tokens::revoke(&app.db, &caller, carla_tokens[0].id).await,
        Err(app::error::AppError::NotFound)
    );
    let stored = app
        .scalar(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1",
            &vendor,
        )
        .await;
    assert_eq!(stored, 0, "only a hash is stored");
}

async fn openapi_and_rate_limits(b: Backend) {
    let app = spawn_app(b).await;
    let (status, doc, _) = api(&app, "GET", "/api/v1/openapi.json", "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for p in [
        "/api/v1/pipeline",
        "/api/v1/deal-checks",
        "/api/v1/deals",
        "/api/v1/deals/{id}",
        "/api/v1/deals/{id}/decision",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    // Every operation documents the errors any route can give, as problem+json, and says
    // that text may not hold control characters.
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            for status in ["400", "401", "403", "404", "413", "415", "422", "429"] {
                assert!(
                    op["responses"][status]["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status}"
                );
            }
        }
    }
    assert!(
        doc.to_string().contains("u0000-"),
        "control characters are excluded"
    );
    // A path parameter out of range is a problem+json 400, like the rest.
    let t = token(&app, "cam@acme.example").await;
    let (status, body, ctype) =
        api(&app, "GET", "/api/v1/deals/9223372036854775808", &t, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ctype, "application/problem+json", "{body}");
    let t = token(&app, "sam@northwind.example").await;
    // The budget is counted in fixed minute windows: start early in one, so the 301
    // requests cannot straddle two windows on a slow machine.
    let into_minute = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        % 60;
    if into_minute > 20 {
        tokio::time::sleep(std::time::Duration::from_secs(61 - into_minute)).await;
    }
    let mut limited = None;
    for n in 0..400 {
        let (status, body, _) = api(&app, "GET", "/api/v1/deals", &t, None).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((n, body));
            break;
        }
    }
    let (n, body) = limited.expect("rate limited");
    assert_eq!(n, 300, "the 301st request in a minute is refused");
    assert_eq!(body["status"], 429);
}

both_backends!(tokens_scope_redact_and_revoke, openapi_and_rate_limits);
