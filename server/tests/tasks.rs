//! "My open tasks" on the home page: what waits on partners and vendor staff, and nothing
//! of another partner's.

mod common;

use common::{Backend, TestApp, client, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn tasks(app: &TestApp, c: &reqwest::Client) -> Value {
    let (status, t) = app.call(c, "my_tasks", &[]).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    t
}

fn deal_ids(t: &Value, todo: &str) -> Vec<i64> {
    t["deals"]
        .as_array()
        .expect("deals")
        .iter()
        .filter(|d| d["todo"] == todo)
        .filter_map(|d| d["id"].as_i64())
        .collect()
}

async fn upload(app: &TestApp, c: &reqwest::Client, title: &str, published: bool) -> i64 {
    common::upload_pdf(app, c, title, "datasheet", published, "new this week").await
}

async fn open_tasks_for_partners_and_vendor_staff(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    let nina = app.as_user("nina@northwind.example").await;
    let carla = app.as_user("carla@contoso.example").await;
    let cam = app.as_user("cam@acme.example").await;
    let admin = app.as_user("admin@acme.example").await;
    let mk = app.as_user("marketing@acme.example").await;
    let (status, _) = app.call(&client(), "my_tasks", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A draft waits on the one who wrote it, not on colleagues or the vendor.
    let (_, draft) = app
        .call(
            &sam,
            "save_deal_draft",
            &[("input[company]", "Tasky Draft Ltd")],
        )
        .await;
    let draft = draft.as_i64().expect("draft id");
    assert!(deal_ids(&tasks(&app, &sam).await, "FinishDraft").contains(&draft));
    assert!(!deal_ids(&tasks(&app, &nina).await, "FinishDraft").contains(&draft));
    for c in [&carla, &cam, &admin, &mk] {
        let t = tasks(&app, c).await;
        assert!(!t.to_string().contains("Tasky Draft"), "{t}");
    }

    // Submitted, it waits on the vendor's deciders, and on nobody at another partner.
    let fields = [
        ("input[company]", "Tasky Submitted GmbH"),
        ("input[domain]", "tasky-submitted.example"),
        ("input[city]", "Berlin"),
        ("input[country]", "de"),
        ("input[contact_name]", "Dana Buyer"),
        ("input[contact_email]", "dana@tasky-submitted.example"),
        ("input[products]", "Acme Cloud Enterprise"),
        ("input[value]", "48,000.00"),
        ("input[currency]", "EUR"),
        ("input[expected_close]", "2099-06-30"),
        ("input[stage]", "proposal"),
    ];
    let total = |t: &Value| t["deals_total"].as_i64().expect("total");
    let admin_before = total(&tasks(&app, &admin).await);
    let cam_before = total(&tasks(&app, &cam).await);
    let (_, id) = app.call(&sam, "save_deal_draft", &fields).await;
    let id = id.as_i64().expect("id");
    let (status, v) = app
        .call(&sam, "submit_deal", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // (The demo data has registrations waiting already; the card shows the oldest five.)
    let t = tasks(&app, &admin).await;
    assert_eq!(total(&t), admin_before + 1, "{t}");
    assert!(t.to_string().contains("Northwind MSP"), "{t}");
    assert_eq!(total(&tasks(&app, &cam).await), cam_before + 1);
    assert_eq!(total(&tasks(&app, &mk).await), 0);
    assert!(!tasks(&app, &carla).await.to_string().contains("Tasky"));
    assert!(!deal_ids(&tasks(&app, &sam).await, "FinishDraft").contains(&id));

    // A message from the channel manager is an unread message for the partner.
    let before = tasks(&app, &sam).await["unread_messages"]
        .as_i64()
        .expect("n");
    let (status, _) = app
        .call(
            &cam,
            "post_deal_message",
            &[
                ("id", &id.to_string()),
                ("body", "Which region is this for?"),
                ("internal", "false"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        tasks(&app, &sam).await["unread_messages"].as_i64(),
        Some(before + 1)
    );
    assert_eq!(
        tasks(&app, &carla).await["unread_messages"].as_i64(),
        Some(0)
    );

    // New content this week: a published asset for everyone counts for partners; an
    // unpublished one only for the vendor.
    let seen_before = tasks(&app, &carla).await["new_content_total"]
        .as_i64()
        .expect("n");
    let public = upload(&app, &mk, "Fresh datasheet", true).await;
    let hidden = upload(&app, &mk, "Embargoed datasheet", false).await;
    let t = tasks(&app, &carla).await;
    assert_eq!(
        t["new_content_total"].as_i64(),
        Some(seen_before + 1),
        "{t}"
    );
    assert_eq!(t["new_content"][0]["id"].as_i64(), Some(public), "{t}");
    assert!(!t.to_string().contains("Embargoed"), "{t}");
    let t = tasks(&app, &admin).await;
    let ids: Vec<i64> = t["new_content"]
        .as_array()
        .expect("new")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert!(ids.contains(&hidden) && ids.contains(&public), "{t}");
}

both_backends!(open_tasks_for_partners_and_vendor_staff);
