//! Forms posted without JavaScript: a plain form post to a server function is answered
//! with a redirect, on to the next page on success and back to the form's page with the
//! error and the typed values on failure (never a password, never another site).

mod common;

use common::{Backend, TestApp, form, spawn_app};
use reqwest::StatusCode;

/// Posts a form the way a browser without JavaScript does; returns status and Location.
async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    endpoint: &str,
    referer: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = c
        .post(app.url(&format!("/api/{endpoint}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", referer)
        .body(form(pairs))
        .send()
        .await
        .expect("post");
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status(), to)
}

fn query_value(location: &str, key: &str) -> Option<String> {
    let q = location.split_once('?')?.1;
    form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn plain_form_posts_redirect(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let cam = app.as_user("cam@acme.example").await;

    // Success goes back to the page the form was on.
    let (status, to) = post(
        &app,
        &sam,
        "set_locale",
        &app.url("/settings"),
        &[("code", "de")],
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    // (to its clean address: a path on this site)
    assert_eq!(to, "/settings");
    // A failure comes back with the error for that form, never to another site.
    let (status, to) = post(
        &app,
        &sam,
        "set_locale",
        "https://evil.example/settings?x=1",
        &[("code", "xx")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.starts_with("/settings?x=1&nojs="), "{to}");
    assert_eq!(query_value(&to, "nojs").as_deref(), Some("/api/set_locale"));
    let err: serde_json::Value =
        serde_json::from_str(&query_value(&to, "nojs_err").expect("err")).expect("json");
    assert!(err.to_string().contains("code"), "{err}");
    assert_eq!(
        query_value(&to, "nojs_v").as_deref(),
        Some(r#"{"code":"xx"}"#)
    );

    // The registration form: incomplete, the draft is kept and the form comes back to it
    // with what was typed; complete, it goes on to the submitted registration.
    let (status, to) = post(
        &app,
        &sam,
        "register_deal",
        &app.url("/deals/new"),
        &[
            ("input[company]", "Formpost Werke GmbH"),
            ("input[country]", "DE"),
            ("submit", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.starts_with("/deals/") && to.contains("/edit?nojs=%2Fapi%2Fregister_deal"),
        "{to}"
    );
    let draft: i64 = to["/deals/".len()..]
        .split('/')
        .next()
        .expect("id")
        .parse()
        .expect("id");
    let typed: serde_json::Value =
        serde_json::from_str(&query_value(&to, "nojs_v").expect("v")).expect("json");
    assert_eq!(typed["company"], "Formpost Werke GmbH");
    let draft_s = draft.to_string();
    let (status, to) = post(
        &app,
        &sam,
        "register_deal",
        &app.url(&format!("/deals/{draft}/edit")),
        &[
            ("id", &draft_s),
            ("input[company]", "Formpost Werke GmbH"),
            ("input[domain]", "formpost-werke.example"),
            ("input[country]", "DE"),
            ("input[contact_name]", "Dana Buyer"),
            ("input[products]", "Acme Cloud Enterprise"),
            ("input[value]", "9,000"),
            ("input[currency]", "EUR"),
            ("input[expected_close]", "2099-06-30"),
            ("input[stage]", "proposal"),
            ("input[cosell]", "true"),
            ("submit", "true"),
        ],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, format!("/deals/{draft}").as_str())
    );
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM deals WHERE company = $1 AND id = {draft} AND status = 'submitted' AND cosell = 1"), "Formpost Werke GmbH").await,
        1
    );
    // One draft, not two.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM deals WHERE company = $1",
            "Formpost Werke GmbH"
        )
        .await,
        1
    );

    // A decision without its required reason comes back with the choice kept.
    let (status, to) = post(
        &app,
        &cam,
        "decide_deal",
        &app.url(&format!("/deals/{draft}/review")),
        &[
            ("input[deal_id]", &draft_s),
            ("input[decision]", "reject"),
            ("input[reason]", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let v: serde_json::Value =
        serde_json::from_str(&query_value(&to, "nojs_v").expect("v")).expect("json");
    assert_eq!(v["decision"], "reject");
    // With it, on to the next in the queue (or the registration).
    let (status, to) = post(
        &app,
        &cam,
        "decide_deal",
        &app.url(&format!("/deals/{draft}/review")),
        &[
            ("input[deal_id]", &draft_s),
            ("input[decision]", "approve"),
            ("input[reason]", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        to.ends_with("/review") || to == format!("/deals/{draft}"),
        "{to}"
    );

    // Another partner's registration stays 404 for a plain form post too.
    let carla = app.as_user("carla@contoso.example").await;
    let (status, to) = post(
        &app,
        &carla,
        "post_deal_message",
        &app.url("/deals/1"),
        &[("id", &draft_s), ("body", "hello")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.contains("nojs_err"), "{to}");
    let err = query_value(&to, "nojs_err").expect("err");
    assert!(err.contains("NotFound"), "{err}");

    // Passwords never travel back in an address.
    let (status, to) = post(
        &app,
        &reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        "accept_invite",
        &app.url("/invite/nope"),
        &[
            ("input[token]", "nope"),
            ("input[name]", "Who"),
            ("input[password]", "secret one 1"),
            ("input[password_confirm]", "secret two 2"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!to.contains("secret"), "{to}");

    // Callers that are not browsers posting forms keep their JSON and status codes.
    let (status, v) = app.call(&sam, "set_locale", &[("code", "xx")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

both_backends!(plain_form_posts_redirect);
