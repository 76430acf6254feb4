//! Partner organisations: access rules, validation, isolation between partners, audit.

mod common;

use common::{Backend, TestApp, client, spawn_app};
use reqwest::StatusCode;

async fn create(app: &TestApp, c: &reqwest::Client, name: &str) -> (StatusCode, serde_json::Value) {
    app.call(
        c,
        "create_partner",
        &[
            ("input[name]", name),
            ("input[types][0]", "msp"),
            ("input[types][1]", "si"),
            ("input[tier]", "gold"),
            ("input[region]", "emea"),
            ("input[status]", "onboarding"),
            ("input[channel_manager_id]", ""),
            ("input[website]", "example.org"),
            ("input[description]", "A test partner"),
        ],
    )
    .await
}

async fn vendor_staff_create_search_and_edit_partners(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let (status, slug) = create(&app, &cam, "Müller & Söhne GmbH").await;
    assert_eq!(status, StatusCode::OK, "{slug}");
    assert_eq!(slug, "muller-sohne-gmbh");
    // Same name again gets its own slug.
    let (_, slug2) = create(&app, &cam, "Müller & Söhne GmbH").await;
    assert_eq!(slug2, "muller-sohne-gmbh-2");

    let list = |q: &'static str, t: &'static str, tier: &'static str| {
        let cam = cam.clone();
        let app = &app;
        async move {
            app.call(
                &cam,
                "list_partners",
                &[
                    ("filter[q]", q),
                    ("filter[partner_type]", t),
                    ("filter[tier]", tier),
                    ("filter[region]", ""),
                    ("filter[status]", ""),
                ],
            )
            .await
        }
    };
    let (status, page) = list("müller", "", "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 2);
    let (_, page) = list("", "msp", "gold").await;
    let names: Vec<&str> = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Northwind MSP") && names.contains(&"Müller & Söhne GmbH"),
        "{names:?}"
    );
    assert!(!names.contains(&"Contoso Reseller"));
    // LIKE wildcards in the search are literal.
    let (_, page) = list("%", "", "").await;
    assert_eq!(page["total"], 0);
    // Unknown filter codes are refused, not ignored.
    let (status, body) = list("", "pirate", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, body) = app
        .call(
            &cam,
            "update_org",
            &[
                ("slug", "muller-sohne-gmbh"),
                ("input[name]", "Müller & Söhne AG"),
                ("input[types][0]", "var"),
                ("input[tier]", "platinum"),
                ("input[region]", ""),
                ("input[status]", "active"),
                ("input[channel_manager_id]", ""),
                ("input[website]", ""),
                ("input[description]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, org) = app
        .call(&cam, "get_org", &[("slug", "muller-sohne-gmbh")])
        .await;
    assert_eq!(org["name"], "Müller & Söhne AG");
    assert_eq!(org["tier"], "platinum");
    assert_eq!(org["region"], serde_json::Value::Null);

    // Every change is audited with who and before → after.
    let admin = app.as_user("admin@acme.example").await;
    let (status, events) = app
        .call(
            &admin,
            "list_audit",
            &[
                ("filter[action]", "org.update"),
                ("filter[actor]", "cam@"),
                ("filter[entity_type]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{events}");
    let e = &events[0];
    assert_eq!(e["actor"], "cam@acme.example");
    assert!(
        e["before"]
            .as_str()
            .unwrap_or_default()
            .contains("\"gold\""),
        "{e}"
    );
    assert!(
        e["after"]
            .as_str()
            .unwrap_or_default()
            .contains("\"platinum\""),
        "{e}"
    );
}

async fn invalid_partner_forms_get_a_message_per_field(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let long = "x".repeat(3000);
    let (status, body) = app
        .call(
            &cam,
            "create_partner",
            &[
                ("input[name]", " "),
                ("input[tier]", "diamond"),
                ("input[region]", "mars"),
                ("input[status]", ""),
                ("input[channel_manager_id]", "999999"),
                ("input[website]", "javascript:alert(1)"),
                ("input[description]", &long),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let v = &body["Validation"];
    for (field, msg) in [
        ("name", "err.required"),
        ("types", "err.pick_one"),
        ("tier", "err.choice_invalid"),
        ("region", "err.choice_invalid"),
        ("status", "err.required"),
        ("channel_manager_id", "err.choice_invalid"),
        ("website", "err.url_invalid"),
        ("description", "err.too_long"),
    ] {
        assert_eq!(v[field][0], msg, "{field}: {body}");
    }
    let n = app
        .scalar("SELECT COUNT(*) FROM orgs WHERE kind = $1", "partner")
        .await;
    assert_eq!(n, 5, "nothing was created");
}

async fn partner_a_cannot_see_or_touch_partner_b(b: Backend) {
    let app = spawn_app(b).await;
    let nina = app.as_user("nina@northwind.example").await; // partner admin of Northwind
    let carla_id = app
        .scalar(
            "SELECT id FROM users WHERE email = $1",
            "carla@contoso.example",
        )
        .await
        .to_string();
    // Own org: fine.
    let (status, org) = app
        .call(&nina, "get_org", &[("slug", "northwind-msp")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["can_manage_team"], true);
    // Another partner: 404 as if it did not exist, through every server function…
    for (ep, args) in [
        ("get_org", vec![("slug", "contoso-reseller")]),
        ("list_members", vec![("slug", "contoso-reseller")]),
        ("list_members", vec![("slug", "acme-cloud")]),
        (
            "update_org",
            vec![
                ("slug", "contoso-reseller"),
                ("input[name]", "Pwned"),
                ("input[tier]", ""),
                ("input[region]", ""),
                ("input[status]", ""),
                ("input[channel_manager_id]", ""),
                ("input[website]", ""),
                ("input[description]", ""),
            ],
        ),
        (
            "invite_member",
            vec![
                ("input[org_slug]", "contoso-reseller"),
                ("input[email]", "x@evil.example"),
                ("input[name]", "X"),
                ("input[role]", "partner_admin"),
            ],
        ),
        (
            "set_member_active",
            vec![("user_id", carla_id.as_str()), ("active", "false")],
        ),
        (
            "change_member_role",
            vec![("user_id", carla_id.as_str()), ("role", "sales")],
        ),
    ] {
        let (status, body) = app.call(&nina, ep, &args).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{ep}: {body}");
    }
    // …vendor-only functions are forbidden…
    let (status, _) = app
        .call(
            &nina,
            "list_partners",
            &[
                ("filter[q]", ""),
                ("filter[partner_type]", ""),
                ("filter[tier]", ""),
                ("filter[region]", ""),
                ("filter[status]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&nina, "list_outbox", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&nina, "list_channel_managers", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // …and pages answer 404/403 too.
    let (status, body) = app.get(&nina, "/partners/contoso-reseller").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Carla"), "no data of partner B in the page");
    let (status, _) = app.get(&nina, "/partners").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&nina, "/admin/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nothing changed.
    let active = app
        .scalar(
            "SELECT active FROM users WHERE email = $1",
            "carla@contoso.example",
        )
        .await;
    assert_eq!(active, 1);
    // A sales user may not manage even their own team.
    let sam = app.as_user("sam@northwind.example").await;
    let (status, _) = app
        .call(
            &sam,
            "invite_member",
            &[
                ("input[org_slug]", "northwind-msp"),
                ("input[email]", "y@northwind.example"),
                ("input[name]", "Y"),
                ("input[role]", "sales"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // No session at all: 401.
    let (status, _) = app
        .call(&client(), "get_org", &[("slug", "northwind-msp")])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn partner_admins_manage_their_own_team(b: Backend) {
    let app = spawn_app(b).await;
    let nina = app.as_user("nina@northwind.example").await;
    let (status, body) = app
        .call(
            &nina,
            "invite_member",
            &[
                ("input[org_slug]", "northwind-msp"),
                ("input[email]", "Pat@Northwind.example"),
                ("input[name]", "Pat Lee"),
                ("input[role]", "marketer"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "pat@northwind.example");
    assert_eq!(body["role"], "partner_marketer");
    // Vendor roles cannot be handed out in a partner org; duplicates are refused.
    let (status, body) = app
        .call(
            &nina,
            "invite_member",
            &[
                ("input[org_slug]", "northwind-msp"),
                ("input[email]", "pat@northwind.example"),
                ("input[name]", "Pat"),
                ("input[role]", "admin"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["email"][0], "err.email_taken");
    assert_eq!(body["Validation"]["role"][0], "err.role_side");
    let (_, members) = app
        .call(&nina, "list_members", &[("slug", "northwind-msp")])
        .await;
    let pat = members
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == "pat@northwind.example")
        .expect("pat")
        .clone();
    assert_eq!(pat["invited"], true);
    let (status, _) = app
        .call(
            &nina,
            "change_member_role",
            &[("user_id", &pat["id"].to_string()), ("role", "sales")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Not on oneself.
    let nina_id = app
        .scalar(
            "SELECT id FROM users WHERE email = $1",
            "nina@northwind.example",
        )
        .await
        .to_string();
    let (status, _) = app
        .call(
            &nina,
            "set_member_active",
            &[("user_id", &nina_id), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // In embedded mode the invitation waits in the outbox for vendor admins.
    let admin = app.as_user("admin@acme.example").await;
    let (status, outbox) = app.call(&admin, "list_outbox", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(outbox[0]["to"], "pat@northwind.example");
    assert!(
        outbox[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("/invite/")
    );
}

/// One page of the partner list as `cam`, with these page parameters.
async fn partner_page(
    app: &TestApp,
    c: &reqwest::Client,
    page: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let mut pairs: Vec<(String, String)> = ["q", "partner_type", "tier", "region", "status"]
        .iter()
        .map(|k| (format!("filter[{k}]"), String::new()))
        .collect();
    pairs.extend(
        page.iter()
            .map(|(k, v)| (format!("filter[page][{k}]"), v.to_string())),
    );
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.call(c, "list_partners", &pairs).await
}

fn names(page: &serde_json::Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["name"].as_str().expect("name").to_string())
        .collect()
}

/// The partner list pages on the server: walking it forward and back by its links shows
/// every partner exactly once in order, for each sort; forged links and sorts are field
/// errors; the page as HTML carries only its rows and links to its neighbours.
async fn the_partner_list_pages_by_keyset(b: Backend) {
    let app = spawn_app(b).await;
    trellis::seed::synthetic_partners(&app.db, 61)
        .await
        .expect("seed partners");
    let cam = app.as_user("cam@acme.example").await;
    let (status, all) = partner_page(&app, &cam, &[("size", "200")]).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let everyone = names(&all);
    let total = all["total"].as_i64().expect("total");
    assert_eq!(everyone.len() as i64, total);
    assert!(
        total > 61 && all["next"].is_null() && all["prev"].is_null(),
        "{all}"
    );
    let mut sorted = everyone.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(everyone, sorted, "names ascending by default");

    for (sort, dir) in [("name", ""), ("tier", ""), ("status", "a"), ("region", "d")] {
        // Forward, 7 at a time.
        let mut seen: Vec<String> = Vec::new();
        let mut pages = Vec::new();
        let mut after = String::new();
        loop {
            let (status, page) = partner_page(
                &app,
                &cam,
                &[
                    ("sort", sort),
                    ("dir", dir),
                    ("after", &after),
                    ("size", "7"),
                ],
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{sort}: {page}");
            assert_eq!(page["total"], total, "{sort}");
            let rows = names(&page);
            assert!(!rows.is_empty() && rows.len() <= 7, "{sort}: {page}");
            assert_eq!(page["prev"].is_null(), after.is_empty(), "{sort}: {page}");
            seen.extend(rows.iter().cloned());
            pages.push(rows);
            match page["next"].as_str() {
                Some(next) => after = next.to_string(),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(seen.len() as i64, total, "{sort}: every partner once");
        assert_eq!(unique.len(), seen.len(), "{sort}: no partner twice");
        // Back from the last page by the previous links: the same pages.
        let (_, last) = partner_page(
            &app,
            &cam,
            &[
                ("sort", sort),
                ("dir", dir),
                ("after", &after),
                ("size", "7"),
            ],
        )
        .await;
        let mut back = vec![names(&last)];
        let mut before = last["prev"].as_str().expect("prev").to_string();
        loop {
            let (status, page) = partner_page(
                &app,
                &cam,
                &[
                    ("sort", sort),
                    ("dir", dir),
                    ("before", &before),
                    ("size", "7"),
                ],
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{sort}: {page}");
            back.push(names(&page));
            match page["prev"].as_str() {
                Some(p) => before = p.to_string(),
                None => break,
            }
        }
        back.reverse();
        assert_eq!(back, pages, "{sort}: backward walk");
    }
    // Tier descending by default: platinum first, untiered last.
    let (_, by_tier) = partner_page(&app, &cam, &[("sort", "tier"), ("size", "200")]).await;
    let tiers: Vec<i64> = by_tier["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| match r["tier"].as_str() {
            Some("platinum") => 3,
            Some("gold") => 2,
            Some("silver") => 1,
            Some("registered") => 0,
            _ => -1,
        })
        .collect();
    assert!(tiers.windows(2).all(|w| w[0] >= w[1]), "{tiers:?}");
    assert_eq!(by_tier["desc"], true);

    // Forged or stale links are a message on the field, never a server error.
    for (page, field) in [
        (vec![("after", "garbage")], "after"),
        (vec![("after", "1.i5")], "after"),
        (vec![("before", "99.tzz")], "before"),
        (vec![("after", "1.t61"), ("before", "2.t62")], "after"),
        (vec![("sort", "password_hash")], "sort"),
        (vec![("dir", "sideways")], "dir"),
        (vec![("size", "100000")], "size"),
        (vec![("size", "-1")], "size"),
    ] {
        let (status, body) = partner_page(&app, &cam, &page).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page:?}: {body}");
        assert!(body.to_string().contains(field), "{page:?}: {body}");
    }
    let long = "7.t".to_string() + &"61".repeat(2_000);
    let (status, _) = partner_page(&app, &cam, &[("after", &long)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A partner may not list partners, with or without a cursor.
    let nina = app.as_user("nina@northwind.example").await;
    let after = all["rows"][3]["name"].as_str().expect("name");
    let cursor = format!(
        "1.t{}",
        after
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let (status, _) = partner_page(&app, &nina, &[("after", &cursor)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The page as HTML: 25 rows, sorted as asked, with a link to the next page.
    let (status, html) = app.get(&cam, "/partners?sort=tier&dir=d").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<tr>").count(), 26, "a header row and 25 rows");
    assert!(
        html.contains(r#"aria-sort="descending""#),
        "sorted column marked"
    );
    assert!(
        html.contains("sort=tier&amp;dir=d&amp;after=") || html.contains("sort=tier&dir=d&after="),
        "next link"
    );
    let (status, html) = app.get(&cam, "/partners?after=garbage").await;
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        html.contains("This page link is not valid any more"),
        "{html}"
    );
}

both_backends!(
    vendor_staff_create_search_and_edit_partners,
    invalid_partner_forms_get_a_message_per_field,
    partner_a_cannot_see_or_touch_partner_b,
    partner_admins_manage_their_own_team,
    the_partner_list_pages_by_keyset,
);
