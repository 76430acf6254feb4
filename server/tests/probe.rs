//! The findings of the outside probe (issue "one shape for every feature"), each as a case
//! that failed before its fix: drafts read by vendor staff, search corrections spelling out
//! hidden words, open redirects after sign-in, a deactivated person rejoining through an
//! old invitation, control characters reaching the database, an invitation telling one
//! partner about another's people, unthrottled reset emails and the vendor marketer's
//! reach into deals.

mod common;

use common::{Backend, TestApp, client, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn api_get(app: &TestApp, path: &str, email: &str) -> (StatusCode, Value, String) {
    let token = common::token(app, email).await;
    common::api(app, "GET", path, &token, None).await
}

fn draft_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("input[company]", "Quiet Draft Holdings"),
        ("input[domain]", "quietdraft.example"),
        ("input[city]", "Berlin"),
        ("input[country]", "de"),
        ("input[contact_name]", "Dana Buyer"),
        ("input[contact_email]", "dana@quietdraft.example"),
        ("input[products]", "Acme Cloud Enterprise"),
        ("input[value]", "48,000.00"),
        ("input[currency]", "EUR"),
        ("input[expected_close]", "2099-06-30"),
        ("input[stage]", "proposal"),
    ]
}

async fn drafts_stay_private_and_marketers_stay_out_of_deals(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let (status, id) = app.call(&sam, "save_deal_draft", &draft_form()).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id").to_string();

    // While it is a draft, no vendor role reads it: not by server fn, REST or page.
    for email in [
        "admin@acme.example",
        "cam@acme.example",
        "marketing@acme.example",
    ] {
        let c = app.as_user(email).await;
        let (status, body) = app.call(&c, "get_deal", &[("id", &id)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{email} get_deal: {body}");
        let (status, _) = app.call(&c, "get_deal_review", &[("id", &id)]).await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{email} get_deal_review: {status}"
        );
        let (status, _, _) = api_get(&app, &format!("/api/v1/deals/{id}"), email).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{email} REST");
        let (_, page) = app.get(&c, &format!("/deals/{id}")).await;
        assert!(!page.contains("Quiet Draft Holdings"), "{email} page");
    }
    // The partner itself reads it.
    let (status, _) = app.call(&sam, "get_deal", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);

    // Submitted, the channel manager reads it; the vendor marketer still does not, and
    // cannot list deals or post (internal) notes on them.
    let (status, v) = app.call(&sam, "submit_deal", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let cam = app.as_user("cam@acme.example").await;
    let (status, _) = app.call(&cam, "get_deal", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    let mk = app.as_user("marketing@acme.example").await;
    let (status, _) = app.call(&mk, "get_deal", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            &mk,
            "list_deals",
            &[("filter[status]", ""), ("filter[q]", "")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            &mk,
            "post_deal_message",
            &[("id", &id), ("body", "internal note"), ("internal", "true")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn search(app: &TestApp, c: &reqwest::Client, q: &str) -> (StatusCode, Value) {
    common::call_search(app, c, q).await
}

async fn search_corrections_never_spell_hidden_words(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    // An unpublished asset whose title holds a word found nowhere else.
    common::upload_pdf(
        &app,
        &mk,
        "Quokkazebra launch plan",
        "deck",
        false,
        "unreleased",
    )
    .await;
    let sam = app.as_user("sam@northwind.example").await;
    let (status, r) = search(&app, &sam, "quokkazebre").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(!r.to_string().contains("quokkazebra"), "{r}");
    assert_eq!(r["items"].as_array().map(Vec::len), Some(0), "{r}");
    // The marketer, who sees the draft, is offered the correction.
    let (_, r) = search(&app, &mk, "quokkazebre").await;
    assert_eq!(
        r["corrected"][0],
        serde_json::json!(["quokkazebre", "quokkazebra"]),
        "{r}"
    );
}

async fn sign_in_never_redirects_off_site(b: Backend) {
    let app = spawn_app(b).await;
    for (i, next) in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: a=b",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
    ]
    .into_iter()
    .enumerate()
    {
        let c = client();
        let res = c
            .post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(common::form(&[
                ("email", "sam@northwind.example"),
                ("password", common::PASSWORD),
                ("next", next),
            ]))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(
            res.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/"),
            "{next:?}"
        );
        // A wrong password goes back to the form, which must not carry the value either.
        let res = c
            .post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .body(common::form(&[
                ("email", &format!("nobody{i}@northwind.example")),
                ("password", "wrong-password-1"),
                ("next", next),
            ]))
            .send()
            .await
            .expect("sign in");
        let back = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(back.ends_with("next=%2F"), "{next:?} -> {back}");
    }
    // The sign-in page does not put such a value into its form.
    let (_, page) = app
        .get(&client(), "/login?next=%2F%09%2Fevil.example")
        .await;
    assert!(!page.contains("evil.example"), "{page}");
    // A legitimate path survives.
    let c = client();
    let res = c
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(common::form(&[
            ("email", "sam@northwind.example"),
            ("password", common::PASSWORD),
            ("next", "/deals?status=draft"),
        ]))
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/deals?status=draft")
    );
}

/// The single-use link in the newest outbox message to `to`.
async fn outbox_link(app: &TestApp, to: &str, marker: &str) -> Option<String> {
    let admin = app.as_user("admin@acme.example").await;
    let (_, outbox) = app.call(&admin, "list_outbox", &[]).await;
    outbox.as_array()?.iter().find_map(|m| {
        (m["to"] == to)
            .then(|| m["body"].as_str().unwrap_or_default().to_string())
            .and_then(|body| {
                let at = body.find(marker)?;
                let rest = &body[at + marker.len()..];
                Some(rest.split_whitespace().next()?.to_string())
            })
    })
}

async fn deactivation_voids_invitations_and_invites_leak_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let nina = app.as_user("nina@northwind.example").await;
    let invite = |email: &'static str| {
        vec![
            ("input[org_slug]", "northwind-msp"),
            ("input[email]", email),
            ("input[name]", "Pat Lee"),
            ("input[role]", "sales"),
        ]
    };
    let (status, fresh) = app
        .call(&nina, "invite_member", &invite("pat@northwind.example"))
        .await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let token = outbox_link(&app, "pat@northwind.example", "/invite/")
        .await
        .expect("invite link");
    let (status, _) = app
        .call(
            &nina,
            "set_member_active",
            &[("user_id", &fresh["id"].to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .call(
            &client(),
            "accept_invite",
            &[
                ("input[token]", &token),
                ("input[name]", "Pat Lee"),
                ("input[password]", "a-long-enough-passphrase"),
                ("input[password_confirm]", "a-long-enough-passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        app.scalar(
            "SELECT active FROM users WHERE email = $1",
            "pat@northwind.example"
        )
        .await,
        0
    );

    // Inviting someone who belongs to another partner answers as a fresh invitation does,
    // creates nothing, and tells the address's owner instead.
    let users = app
        .scalar("SELECT COUNT(*) FROM users WHERE email <> $1", "")
        .await;
    let (status, other) = app
        .call(&nina, "invite_member", &invite("carla@contoso.example"))
        .await;
    assert_eq!(status, StatusCode::OK, "{other}");
    assert!(!other.to_string().contains("email_taken"), "{other}");
    let keys = |v: &Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(keys(&other), keys(&fresh));
    assert_eq!(other["invited"], fresh["invited"]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email <> $1", "")
            .await,
        users
    );
    assert!(
        outbox_link(&app, "carla@contoso.example", "/login")
            .await
            .is_some(),
        "carla is told"
    );
    // Within one's own organisation, a taken address is still named.
    let (status, dup) = app
        .call(&nina, "invite_member", &invite("sam@northwind.example"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dup["Validation"]["email"][0], "err.email_taken");
}

async fn password_reset_emails_are_throttled(b: Backend) {
    let app = spawn_app(b).await;
    let c = client();
    for _ in 0..6 {
        let (status, _) = app
            .call(
                &c,
                "request_password_reset",
                &[("email", "sam@northwind.example")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let sent = app
        .scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_addr = $1",
            "sam@northwind.example",
        )
        .await;
    assert_eq!(sent, 3);
}

async fn control_characters_are_refused_at_the_edge(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    // A server function: a validation error on the field.
    let (status, body) = app
        .call(
            &cam,
            "list_partners",
            &[
                ("filter[q]", "a\0b"),
                ("filter[partner_type]", ""),
                ("filter[tier]", ""),
                ("filter[region]", ""),
                ("filter[status]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Validation"]["q"][0], "err.invalid_chars");
    let (status, body) = app.call(&cam, "get_org", &[("slug", "\u{1}")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let admin = app.as_user("admin@acme.example").await;
    let (status, body) = app
        .call(
            &admin,
            "list_audit",
            &[
                ("filter[action]", "\0"),
                ("filter[actor]", ""),
                ("filter[entity_type]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Validation"]["action"][0], "err.invalid_chars");
    // The REST API: problem+json 400 naming the field.
    let (status, body, ctype) = api_get(&app, "/api/v1/deals?q=%00", "cam@acme.example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(ctype, "application/problem+json");
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("'q'"),
        "{body}"
    );
    let (status, _, _) =
        api_get(&app, "/api/v1/content?product=%00", "sam@northwind.example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // C1 controls (here NEL, U+0085) are refused like C0 ones.
    let (status, _, _) = api_get(&app, "/api/v1/deals?q=a%C2%85b", "cam@acme.example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Without a token the answer is 401, whatever the parameters hold: the handler refuses
    // before reading them.
    let res = client()
        .get(app.url("/api/v1/deals?q=%00"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // A page.
    let (status, _) = app.get(&cam, "/partners/%00").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.get(&cam, "/deals?q=%00").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A PDF whose text holds NULs uploads (its text is indexed without them).
    let mk = app.as_user("marketing@acme.example").await;
    common::upload_pdf(
        &app,
        &mk,
        "Odd bytes inside",
        "deck",
        true,
        "nul\u{0}inside\u{7}here",
    )
    .await;
    // Tabs and line breaks in text are fine.
    let (status, body) = app
        .call(
            &cam,
            "list_partners",
            &[
                ("filter[q]", "a\tb"),
                ("filter[partner_type]", ""),
                ("filter[tier]", ""),
                ("filter[region]", ""),
                ("filter[status]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

both_backends!(
    drafts_stay_private_and_marketers_stay_out_of_deals,
    search_corrections_never_spell_hidden_words,
    sign_in_never_redirects_off_site,
    deactivation_voids_invitations_and_invites_leak_nothing,
    password_reset_emails_are_throttled,
    control_characters_are_refused_at_the_edge,
);
