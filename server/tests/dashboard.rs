//! The home dashboard: each role gets its own cards, every number counts only what that
//! person may see, and each number's list (`/deals?status=…`) holds the same rows.

mod common;

use common::{Backend, TestApp, client, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn dash(app: &TestApp, c: &reqwest::Client) -> Value {
    let (status, d) = app.call(c, "home_dashboard", &[]).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d
}

fn count(d: &Value, status: &str) -> i64 {
    d["deals"]["by_status"]
        .as_array()
        .expect("by_status")
        .iter()
        .find(|s| s["status"] == status)
        .and_then(|s| s["count"].as_i64())
        .unwrap_or(0)
}

async fn listed(app: &TestApp, c: &reqwest::Client, status: &str, mine: bool) -> Vec<Value> {
    let mine = if mine { "true" } else { "false" };
    let (code, v) = app
        .call(
            c,
            "list_deals",
            &[
                ("filter[q]", ""),
                ("filter[status]", status),
                ("filter[mine]", mine),
            ],
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{v}");
    v["rows"].as_array().expect("list").clone()
}

async fn submit(app: &TestApp, c: &reqwest::Client, company: &str) -> i64 {
    let domain = format!(
        "{}.example",
        company
            .to_lowercase()
            .replace(|ch: char| !ch.is_ascii_alphanumeric(), "-")
    );
    let fields = [
        ("input[company]", company),
        ("input[domain]", &domain),
        ("input[country]", "DE"),
        ("input[contact_name]", "Dana Buyer"),
        ("input[products]", "Acme Cloud Enterprise"),
        ("input[value]", "10,000"),
        ("input[currency]", "EUR"),
        ("input[expected_close]", "2099-06-30"),
        ("input[stage]", "proposal"),
    ];
    let (_, id) = app.call(c, "save_deal_draft", &fields).await;
    let id = id.as_i64().expect("id");
    let (status, v) = app.call(c, "submit_deal", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    id
}

async fn cards_by_role_and_scope(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let nina = app.as_user("nina@northwind.example").await;
    let carla = app.as_user("carla@contoso.example").await;
    let cam = app.as_user("cam@acme.example").await;
    let admin = app.as_user("admin@acme.example").await;
    let mk = app.as_user("marketing@acme.example").await;
    let (status, _) = app.call(&client(), "home_dashboard", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A rep: their own registrations, a register button, no team, queue or programme.
    let mine_before = count(&dash(&app, &sam).await, "submitted");
    let nina_before = count(&dash(&app, &nina).await, "submitted");
    let carla_before = count(&dash(&app, &carla).await, "submitted");
    let admin_before = count(&dash(&app, &admin).await, "submitted");
    submit(&app, &sam, "Dashboard Rep Deal GmbH").await;
    let d = dash(&app, &sam).await;
    assert_eq!(d["deals"]["scope"], "Mine", "{d}");
    assert_eq!(count(&d, "submitted"), mine_before + 1, "{d}");
    assert_eq!(d["can_register"], true);
    assert!(
        d["team"].is_null() && d["queue"].is_null() && d["programme"].is_null(),
        "{d}"
    );
    // The card's number is the length of the list it links to.
    assert_eq!(
        listed(&app, &sam, "submitted", true).await.len() as i64,
        count(&d, "submitted")
    );
    // A colleague's registration is the organisation's, not the rep's.
    submit(&app, &nina, "Dashboard Admin Deal GmbH").await;
    assert_eq!(count(&dash(&app, &sam).await, "submitted"), mine_before + 1);
    let mine = listed(&app, &sam, "", true).await;
    assert!(
        mine.iter()
            .all(|d| d["company"] != "Dashboard Admin Deal GmbH")
    );

    // A partner admin: the organisation's pipeline and team; another partner sees neither.
    let d = dash(&app, &nina).await;
    assert_eq!(d["deals"]["scope"], "Org", "{d}");
    assert_eq!(count(&d, "submitted"), nina_before + 2, "{d}");
    assert!(d["team"]["active"].as_i64().expect("active") >= 2, "{d}");
    assert!(d["queue"].is_null() && d["programme"].is_null(), "{d}");
    let (status, v) = app
        .call(
            &nina,
            "invite_member",
            &[
                ("input[org_slug]", "northwind-msp"),
                ("input[email]", "dash-invitee@northwind.example"),
                ("input[name]", "Dash Invitee"),
                ("input[role]", "sales"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let after = dash(&app, &nina).await;
    assert_eq!(
        after["team"]["invited"].as_i64(),
        Some(d["team"]["invited"].as_i64().expect("invited") + 1)
    );
    let c = dash(&app, &carla).await;
    assert_eq!(count(&c, "submitted"), carla_before, "{c}");
    assert!(!c.to_string().contains("Dashboard"), "{c}");

    // The channel manager: the queue, with counts that include the new ones, and activity.
    let d = dash(&app, &cam).await;
    assert_eq!(d["deals"]["scope"], "Managed", "{d}");
    let q = &d["queue"];
    assert!(q["submitted"].as_i64().expect("submitted") >= 2, "{d}");
    assert!(q["oldest_wait_days"].as_i64().is_some(), "{d}");
    assert!(d["team"].is_null() && d["programme"].is_null(), "{d}");
    let activity = d["activity"].as_array().expect("activity");
    assert!(
        activity
            .iter()
            .any(|a| a["company"] == "Dashboard Admin Deal GmbH"),
        "{d}"
    );
    assert!(d["can_register"] == false);

    // The vendor admin: every partner's numbers and the programme.
    let d = dash(&app, &admin).await;
    assert_eq!(d["deals"]["scope"], "All", "{d}");
    assert_eq!(count(&d, "submitted"), admin_before + 2, "{d}");
    let p = &d["programme"];
    assert!(p["partners_total"].as_i64().expect("partners") >= 3, "{d}");
    let by_tier: i64 = p["partners_by_tier"]
        .as_array()
        .expect("tiers")
        .iter()
        .map(|t| t[1].as_i64().expect("n"))
        .sum();
    assert_eq!(by_tier, p["partners_total"].as_i64().expect("total"));
    assert!(!d["queue"].is_null());
    // Drafts are never counted for the vendor.
    assert_eq!(count(&d, "draft"), 0, "{d}");

    // The vendor marketer: tasks and campaigns, no deal numbers.
    let d = dash(&app, &mk).await;
    assert!(d["deals"].is_null() && d["queue"].is_null(), "{d}");
    assert_eq!(d["can_market"], true);
}

async fn expiring_protections_are_counted_and_listed(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let cam = app.as_user("cam@acme.example").await;
    let id = submit(&app, &sam, "Soon Expiring AG").await;
    let (status, v) = app
        .call(
            &cam,
            "decide_deal",
            &[
                ("input[deal_id]", &id.to_string()),
                ("input[decision]", "approve"),
                ("input[reason]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let before = dash(&app, &sam).await["deals"]["expiring_total"]
        .as_i64()
        .expect("expiring");
    // Its protection ends in ten days.
    let soon = common_now() + 10 * 86_400;
    sqlx::query(&format!(
        "UPDATE deals SET protected_until = {soon} WHERE id = {id}"
    ))
    .execute(&app.db.pool)
    .await
    .expect("update");
    let d = dash(&app, &sam).await;
    assert_eq!(
        d["deals"]["expiring_total"].as_i64(),
        Some(before + 1),
        "{d}"
    );
    assert!(
        d["deals"]["expiring"]
            .as_array()
            .expect("expiring")
            .iter()
            .any(|e| e["id"].as_i64() == Some(id)),
        "{d}"
    );
    let list = listed(&app, &sam, "expiring", true).await;
    assert!(list.iter().any(|d| d["id"].as_i64() == Some(id)));
    // Far away is not soon.
    let later = common_now() + 200 * 86_400;
    sqlx::query(&format!(
        "UPDATE deals SET protected_until = {later} WHERE id = {id}"
    ))
    .execute(&app.db.pool)
    .await
    .expect("update");
    let list = listed(&app, &sam, "expiring", true).await;
    assert!(!list.iter().any(|d| d["id"].as_i64() == Some(id)));
    // An unknown status is a field error, not a 500.
    let (status, v) = app
        .call(&sam, "list_deals", &[("filter[status]", "expired-ish")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

fn common_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

both_backends!(
    cards_by_role_and_scope,
    expiring_protections_are_counted_and_listed
);
