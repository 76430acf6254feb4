//! The content library over HTTP: uploads and their attacks, versions, the visibility
//! matrix (type × tier × region, drafts, expiry, tier changes) on every path, downloads,
//! search ranking, favourites, analytics and the API.

mod common;

use common::{Backend, TestApp, pdf_with_text, spawn_app};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::Value;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

struct Meta<'a> {
    title: &'a str,
    kind: &'a str,
    fields: Vec<(&'a str, &'a str)>,
}

fn meta<'a>(title: &'a str, kind: &'a str, fields: &[(&'a str, &'a str)]) -> Meta<'a> {
    Meta {
        title,
        kind,
        fields: fields.to_vec(),
    }
}

fn form(m: &Meta, file: Option<(&str, Vec<u8>)>) -> Form {
    let mut f = Form::new()
        .text("title", m.title.to_string())
        .text("kind", m.kind.to_string())
        .text("published", "true");
    for (k, v) in &m.fields {
        f = f.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        f = f.part("file", Part::bytes(bytes).file_name(name.to_string()));
    }
    f
}

async fn upload(
    app: &TestApp,
    c: &Client,
    m: Meta<'_>,
    file: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let res = c
        .post(app.url("/content/upload"))
        .multipart(form(&m, file))
        .send()
        .await
        .expect("upload");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn create(app: &TestApp, c: &Client, m: Meta<'_>, file: (&str, Vec<u8>)) -> i64 {
    let (status, body) = upload(app, c, m, Some(file)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("id")
}

async fn search(app: &TestApp, c: &Client, q: &str) -> Vec<Value> {
    common::search_content(app, c, q).await["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn files_in(app: &TestApp) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        std::fs::read_dir(p)
            .map(|d| {
                d.flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.files_dir)
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) FROM {table} WHERE $1 = ''"), "")
        .await
}

async fn visibility_matrix_applies_to_every_path(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    let pdf = |t: &str| ("play.pdf", pdf_with_text(t));
    let gold = create(
        &app,
        &mk,
        meta(
            "Gold kit",
            "marketing_kit",
            &[("tiers", "gold"), ("tiers", "platinum")],
        ),
        pdf("tier"),
    )
    .await;
    let msp = create(
        &app,
        &mk,
        meta("MSP play", "sales_play", &[("partner_types", "msp")]),
        pdf("type"),
    )
    .await;
    let emea = create(
        &app,
        &mk,
        meta("EMEA deck", "deck", &[("regions", "emea")]),
        pdf("region"),
    )
    .await;
    let all = create(
        &app,
        &mk,
        meta("Everyone datasheet", "datasheet", &[]),
        pdf("all"),
    )
    .await;
    let (status, body) = upload(
        &app,
        &mk,
        meta("Draft battlecard", "battlecard", &[]),
        Some(pdf("draft")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let draft = body["id"].as_i64().expect("id");
    sqlx::query("UPDATE assets SET published = 0 WHERE id = $1")
        .bind(draft)
        .execute(&app.db.pool)
        .await
        .expect("draft");
    let expired = create(
        &app,
        &mk,
        meta(
            "Old case study",
            "case_study",
            &[("expires_on", "2020-01-01")],
        ),
        pdf("old"),
    )
    .await;

    // northwind: msp,var · gold · emea; contoso: reseller · silver · na; globex: platinum apac.
    let cases = [
        ("sam@northwind.example", vec![gold, msp, emea, all]),
        ("carla@contoso.example", vec![all]),
        ("gita@globex.example", vec![gold, all]),
    ];
    let every = [gold, msp, emea, all, draft, expired];
    for (who, sees) in cases {
        let c = app.as_user(who).await;
        let mut listed: Vec<i64> = search(&app, &c, "")
            .await
            .iter()
            .filter_map(|i| i["id"].as_i64())
            .collect();
        listed.sort_unstable();
        let mut want = sees.clone();
        want.sort_unstable();
        assert_eq!(listed, want, "{who} lists");
        for id in every {
            let visible = sees.contains(&id);
            let (status, _) = app.call(&c, "get_asset", &[("id", &id.to_string())]).await;
            assert_eq!(
                status == StatusCode::OK,
                visible,
                "{who} detail {id}: {status}"
            );
            let res = c
                .get(app.url(&format!("/content/{id}/file")))
                .send()
                .await
                .expect("download");
            assert_eq!(
                res.status() == StatusCode::OK,
                visible,
                "{who} download {id}: {}",
                res.status()
            );
            if !visible {
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "outside visibility is not found"
                );
            }
            let res = c
                .get(app.url(&format!("/content/{id}/file?inline=1")))
                .send()
                .await
                .expect("preview");
            assert_eq!(
                res.status() == StatusCode::OK,
                visible,
                "{who} preview {id}"
            );
            let (status, _) = app
                .call(
                    &c,
                    "set_asset_favorite",
                    &[("id", &id.to_string()), ("on", "true")],
                )
                .await;
            assert_eq!(status == StatusCode::OK, visible, "{who} favourite {id}");
        }
    }
    // Search finds only visible assets too.
    let carla = app.as_user("carla@contoso.example").await;
    assert!(search(&app, &carla, "gold kit").await.is_empty());
    // Vendor staff see everything, drafts included.
    assert_eq!(search(&app, &mk, "").await.len(), 6);

    // A partner whose tier drops loses access at once; raised, gains it.
    let sam = app.as_user("sam@northwind.example").await;
    let url = app.url(&format!("/content/{gold}/file"));
    assert_eq!(
        sam.get(&url).send().await.expect("get").status(),
        StatusCode::OK
    );
    sqlx::query("UPDATE orgs SET tier = 'silver' WHERE slug = 'northwind-msp'")
        .execute(&app.db.pool)
        .await
        .expect("tier down");
    assert_eq!(
        sam.get(&url).send().await.expect("get").status(),
        StatusCode::NOT_FOUND
    );
    assert!(!titles(&search(&app, &sam, "").await).contains(&"Gold kit".to_string()));
    // Signed out: no file, whatever the URL.
    let anon = common::client();
    let res = anon
        .get(app.url(&format!("/content/{all}/file")))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sent to sign in");
}

async fn upload_attacks_leave_nothing_behind(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    let before = (
        count(&app, "assets").await,
        count(&app, "asset_versions").await,
        files_in(&app),
    );

    // Oversize (tests allow 2 MiB).
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(3 * 1024 * 1024, b'x');
    let (status, body) = upload(
        &app,
        &mk,
        meta("Too big", "deck", &[]),
        Some(("big.pdf", big)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Validation"]["file"][0], "err.file_too_large");
    // Wrong magic bytes: HTML calling itself a PDF; a PDF calling itself a PNG.
    let (status, body) = upload(
        &app,
        &mk,
        meta("Fake", "deck", &[]),
        Some((
            "deck.pdf",
            b"<html><script>alert(1)</script></html>".to_vec(),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["file"][0], "err.file_type_unsupported");
    let (status, body) = upload(
        &app,
        &mk,
        meta("Fake", "deck", &[]),
        Some(("logo.png", pdf_with_text("x"))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["file"][0], "err.file_type_mismatch");
    // Bad metadata: refused before a byte is stored, every field named.
    let (status, body) = upload(
        &app,
        &mk,
        meta("", "nonsense", &[("tiers", "diamond")]),
        Some(("a.pdf", pdf_with_text("x"))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["title", "kind", "tiers"] {
        assert!(body["Validation"][f].is_array(), "{f}: {body}");
    }
    // Metadata is capped however it is split over repeated fields.
    let long = "x".repeat(10_000);
    let many: Vec<(&str, &str)> = (0..20).map(|_| ("tags", long.as_str())).collect();
    let (status, body) = upload(
        &app,
        &mk,
        meta("Many tags", "deck", &many),
        Some(("a.pdf", pdf_with_text("x"))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Validation"]["tags"][0], "err.too_long");
    // Partners cannot upload.
    let sam = app.as_user("sam@northwind.example").await;
    let (status, _) = upload(
        &app,
        &sam,
        meta("Mine", "deck", &[]),
        Some(("a.pdf", pdf_with_text("x"))),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another site cannot post the form with our cookie.
    let res = mk
        .post(app.url("/content/upload"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .multipart(form(
            &meta("CSRF", "deck", &[]),
            Some(("a.pdf", pdf_with_text("x"))),
        ))
        .send()
        .await
        .expect("csrf");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // An interrupted upload: the body ends before the announced length.
    let boundary = "XyZbOuNdArY";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nCut\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndeck\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    );
    let mut partial = head.into_bytes();
    partial.extend(std::iter::repeat_n(b'y', 200_000));
    {
        use tokio::io::AsyncWriteExt;
        let session = session_cookie(&app, "marketing@acme.example").await;
        let mut s = tokio::net::TcpStream::connect(app.addr)
            .await
            .expect("connect");
        let req = format!(
            "POST /content/upload HTTP/1.1\r\nHost: {}\r\nCookie: trellis_session={session}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
            app.addr,
            partial.len() + 1_000_000
        );
        s.write_all(req.as_bytes()).await.expect("head");
        s.write_all(&partial).await.expect("part");
        s.flush().await.expect("flush");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        drop(s);
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let after = (
        count(&app, "assets").await,
        count(&app, "asset_versions").await,
        files_in(&app),
    );
    assert_eq!(after, before, "no orphan rows or files");
}

/// Signs in over HTTP and returns the raw session cookie value.
async fn session_cookie(app: &TestApp, email: &str) -> String {
    let c = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = c
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(common::form(&[
            ("email", email),
            ("password", common::PASSWORD),
            ("next", "/"),
        ]))
        .send()
        .await
        .expect("login");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("trellis_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string()
}

async fn files_are_served_safely_with_versions(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(document.cookie)</script></svg>".to_vec();
    let logo = create(
        &app,
        &mk,
        meta("Logo", "marketing_kit", &[]),
        ("../../etc/logo.svg", svg),
    )
    .await;
    let sam = app.as_user("sam@northwind.example").await;
    let res = sam
        .get(app.url(&format!("/content/{logo}/file?inline=1")))
        .send()
        .await
        .expect("svg");
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "image/svg+xml");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap_or_default()
            .contains("sandbox")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap_or_default()
            .contains("default-src 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    let cd = h["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        cd.starts_with("inline;") && cd.contains("filename=\"logo.svg\""),
        "{cd}"
    );
    // Stored under an internal key, never the user's path.
    let key: String =
        sqlx::query_scalar("SELECT object_key FROM asset_versions WHERE asset_id = $1")
            .bind(logo)
            .fetch_one(&app.db.pool)
            .await
            .expect("key");
    assert!(
        key.starts_with("assets/") && !key.contains("..") && !key.contains("logo"),
        "{key}"
    );
    let res = sam
        .get(app.url(&format!("/content/{logo}/file")))
        .send()
        .await
        .expect("download");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment;")
    );

    // Versions: partners get the latest; vendor staff see and restore the history.
    let deck = create(
        &app,
        &mk,
        meta("Pricing deck", "deck", &[]),
        ("deck.pdf", pdf_with_text("first edition")),
    )
    .await;
    let res = mk
        .post(app.url(&format!("/content/{deck}/versions")))
        .multipart(Form::new().part(
            "file",
            Part::bytes(pdf_with_text("second edition")).file_name("deck-v2.pdf"),
        ))
        .send()
        .await
        .expect("v2");
    assert_eq!(res.status(), StatusCode::CREATED);
    let v2 = sam
        .get(app.url(&format!("/content/{deck}/file")))
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(v2.as_ref(), pdf_with_text("second edition").as_slice());
    let (_, d) = app
        .call(&sam, "get_asset", &[("id", &deck.to_string())])
        .await;
    assert_eq!(
        d["versions"].as_array().map(Vec::len),
        Some(1),
        "partners see the current version only"
    );
    let (_, d) = app
        .call(&mk, "get_asset", &[("id", &deck.to_string())])
        .await;
    assert_eq!(d["versions"].as_array().map(Vec::len), Some(2));
    assert_eq!(d["versions"][0]["current"], true);
    assert_eq!(d["versions"][0]["file_name"], "deck-v2.pdf");
    // Partners cannot fetch old versions; vendor staff can.
    let old = format!("/content/{deck}/file?version=1");
    assert_eq!(
        sam.get(app.url(&old)).send().await.expect("get").status(),
        StatusCode::NOT_FOUND
    );
    let v1 = mk
        .get(app.url(&old))
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(v1.as_ref(), pdf_with_text("first edition").as_slice());
    // Search follows the current version's text.
    assert_eq!(
        titles(&search(&app, &sam, "second edition").await),
        vec!["Pricing deck"]
    );
    // "first" left with the old version: at most a partial match on "edition", labelled.
    let stale = search(&app, &sam, "first edition").await;
    assert!(
        stale
            .iter()
            .all(|i| i["matched_words"] == serde_json::json!(["edition"])),
        "{stale:?}"
    );
    let (status, _) = app
        .call(
            &mk,
            "restore_asset_version",
            &[("id", &deck.to_string()), ("version_no", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let now = sam
        .get(app.url(&format!("/content/{deck}/file")))
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(now.as_ref(), pdf_with_text("first edition").as_slice());
    assert_eq!(
        titles(&search(&app, &sam, "first edition").await),
        vec!["Pricing deck"]
    );
    let (status, _) = app
        .call(
            &sam,
            "restore_asset_version",
            &[("id", &deck.to_string()), ("version_no", "2")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Downloads are counted for analytics; searches that found nothing are listed.
    search(&app, &sam, "quantum blockchain").await;
    let (status, a) = app.call(&mk, "content_analytics", &[]).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert!(
        a["top_assets"].as_array().is_some_and(|t| t
            .iter()
            .any(|x| x["label"] == "Pricing deck" && x["downloads"].as_i64() >= Some(2))),
        "{a}"
    );
    assert_eq!(a["by_partner"][0]["label"], "Northwind MSP");
    assert!(
        a["failed_searches"]
            .to_string()
            .contains("quantum blockchain"),
        "{a}"
    );
    let (status, _) = app.call(&sam, "content_analytics", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn search_ranks_explains_and_tolerates_typos(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    let a = create(
        &app,
        &mk,
        meta(
            "Zero Trust battlecard",
            "battlecard",
            &[
                ("tags", "security, competitive"),
                ("description", "How we win against legacy VPN vendors."),
            ],
        ),
        (
            "zt.pdf",
            pdf_with_text("Objection handling for firewall refresh projects"),
        ),
    )
    .await;
    let b2 = create(
        &app,
        &mk,
        meta(
            "Firewall refresh sales play",
            "sales_play",
            &[("stages", "discovery"), ("products", "Acme Cloud Firewall")],
        ),
        (
            "fw.pdf",
            pdf_with_text("Discovery questions about zero trust and remote access"),
        ),
    )
    .await;
    let c = create(
        &app,
        &mk,
        meta(
            "Kundenreferenz Müller Logistik",
            "case_study",
            &[("language", "de")],
        ),
        (
            "ref.pdf",
            pdf_with_text("Muller Logistik moved 4000 seats to Acme Cloud"),
        ),
    )
    .await;
    let _d = create(
        &app,
        &mk,
        meta("Onboarding checklist", "training_aid", &[]),
        (
            "on.pdf",
            pdf_with_text("Quarterly business review template"),
        ),
    )
    .await;
    let sam = app.as_user("sam@northwind.example").await;

    // A title match outranks a match in the file's text.
    let r = search(&app, &sam, "zero trust").await;
    assert_eq!(
        r.iter()
            .filter_map(|i| i["id"].as_i64())
            .collect::<Vec<_>>(),
        vec![a, b2]
    );
    assert!(r[0]["matched_in"].to_string().contains("title"), "{}", r[0]);
    assert!(r[1]["matched_in"].to_string().contains("text"), "{}", r[1]);
    assert!(
        r[1]["snippet"]
            .as_str()
            .unwrap_or_default()
            .contains("zero trust"),
        "{}",
        r[1]
    );
    // A word only inside a PDF finds it, and says so.
    let r = search(&app, &sam, "business review").await;
    assert_eq!(titles(&r), vec!["Onboarding checklist"]);
    assert_eq!(r[0]["matched_in"], serde_json::json!(["text"]));
    // Accents and case do not matter; prefixes match.
    assert_eq!(
        titles(&search(&app, &sam, "MULLER").await),
        vec!["Kundenreferenz Müller Logistik"]
    );
    assert_eq!(search(&app, &sam, "kundenref").await[0]["id"], c);
    // Only the last word is a prefix at first; a query that finds nothing that way is
    // tried with every word a prefix.
    assert_eq!(
        titles(&search(&app, &sam, "kundenref mull").await),
        vec!["Kundenreferenz Müller Logistik"]
    );
    // A typo is corrected, and the correction reported.
    let (_, r) = app
        .call(
            &sam,
            "search_content",
            &[
                ("query[q]", "batlecard"),
                ("query[kind]", ""),
                ("query[product]", ""),
                ("query[stage]", ""),
                ("query[language]", ""),
            ],
        )
        .await;
    assert_eq!(r["items"][0]["id"], a, "{r}");
    assert_eq!(
        r["corrected"][0],
        serde_json::json!(["batlecard", "battlecard"])
    );
    // Facets narrow the results.
    let (_, r) = app
        .call(
            &sam,
            "search_content",
            &[
                ("query[q]", ""),
                ("query[kind]", "sales_play"),
                ("query[product]", "acme cloud firewall"),
                ("query[stage]", "discovery"),
                ("query[language]", ""),
            ],
        )
        .await;
    assert_eq!(r["items"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(r["items"][0]["id"], b2);
    let (_, r) = app
        .call(
            &sam,
            "search_content",
            &[
                ("query[q]", ""),
                ("query[kind]", ""),
                ("query[product]", ""),
                ("query[stage]", ""),
                ("query[language]", "de"),
            ],
        )
        .await;
    assert_eq!(r["items"][0]["id"], c);
    // Malformed input is a clear error.
    let (status, body) = app
        .call(
            &sam,
            "search_content",
            &[
                ("query[q]", ""),
                ("query[kind]", "weapon"),
                ("query[product]", ""),
                ("query[stage]", ""),
                ("query[language]", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The facets the library page loads once: products of the visible library.
    let (status, f) = app.call(&sam, "content_facets", &[]).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(
        f["products"],
        serde_json::json!(["Acme Cloud Firewall"]),
        "{f}"
    );
    // Favourites.
    app.call(
        &sam,
        "set_asset_favorite",
        &[("id", &c.to_string()), ("on", "true")],
    )
    .await;
    let (_, r) = app
        .call(
            &sam,
            "search_content",
            &[
                ("query[q]", ""),
                ("query[kind]", ""),
                ("query[product]", ""),
                ("query[stage]", ""),
                ("query[language]", ""),
                ("query[favorites]", "true"),
            ],
        )
        .await;
    assert_eq!(r["items"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(r["items"][0]["favorite"], true);
}

async fn the_api_serves_content_within_visibility(b: Backend) {
    let app = spawn_app(b).await;
    let token = |email: &'static str| {
        let db = app.db.clone();
        async move {
            let c = app::auth::tokens::caller_for_email(&db, email)
                .await
                .expect("caller");
            app::auth::tokens::create(&db, &c, "test")
                .await
                .expect("token")
        }
    };
    let mk = token("marketing@acme.example").await;
    let sam = token("sam@northwind.example").await;
    let carla = token("carla@contoso.example").await;
    let http = Client::new();
    let res = http
        .post(app.url("/api/v1/content"))
        .bearer_auth(&mk)
        .multipart(form(
            &meta(
                "API gold play",
                "sales_play",
                &[("tiers", "gold"), ("stages", "proposal")],
            ),
            Some(("p.pdf", pdf_with_text("partner margin calculator"))),
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let res = http
        .post(app.url(&format!("/api/v1/content/{id}/versions")))
        .bearer_auth(&mk)
        .multipart(Form::new().part("file", Part::bytes(PNG.to_vec()).file_name("p.png")))
        .send()
        .await
        .expect("version");
    assert_eq!(res.status(), StatusCode::CREATED);
    // API clients may send the file before the metadata; parts of other names are ignored.
    let res = http
        .post(app.url("/api/v1/content"))
        .bearer_auth(&mk)
        .multipart(
            Form::new()
                .part("file", Part::bytes(PNG.to_vec()).file_name("late.png"))
                .text("notes-for-us", "ignored")
                .text("title", "Metadata after the file")
                .text("kind", "deck")
                .text("published", "true"),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::CREATED);
    // A `published` that is neither on nor off is named, not silently taken as "off".
    let res = http
        .post(app.url("/api/v1/content"))
        .bearer_auth(&mk)
        .multipart(
            Form::new()
                .text("title", "Maybe published")
                .text("kind", "deck")
                .text("published", "maybe")
                .part("file", Part::bytes(PNG.to_vec()).file_name("m.png")),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Schemathesis cannot judge multipart parts (scripts/schemathesis.toml), so the refusals
    // are checked here: no title, an unknown kind and an unknown stage, each named.
    let res = http
        .post(app.url("/api/v1/content"))
        .bearer_auth(&mk)
        .multipart(
            Form::new()
                .text("kind", "[null]")
                .text("stages", "proposal,nowhere")
                .part("file", Part::bytes(PNG.to_vec()).file_name("n.png")),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("problem");
    for field in ["title", "kind", "stages"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let list: Value = http
        .get(app.url("/api/v1/content?q=gold&stage=proposal"))
        .bearer_auth(&sam)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list[0]["id"], id, "{list}");
    let res = http
        .get(app.url(&format!("/api/v1/content/{id}/download")))
        .bearer_auth(&sam)
        .send()
        .await
        .expect("dl");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    // Outside visibility: 404 on every path, as if it did not exist.
    for path in [
        format!("/api/v1/content/{id}"),
        format!("/api/v1/content/{id}/download"),
        "/api/v1/content/999999".into(),
    ] {
        let res = http
            .get(app.url(&path))
            .bearer_auth(&carla)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    let list: Value = http
        .get(app.url("/api/v1/content?q=gold"))
        .bearer_auth(&carla)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list, serde_json::json!([]));
    // Partner tokens cannot upload; no token at all is 401.
    let res = http
        .post(app.url("/api/v1/content"))
        .bearer_auth(&sam)
        .multipart(form(
            &meta("Mine", "deck", &[]),
            Some(("a.pdf", pdf_with_text("x"))),
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = http
        .get(app.url("/api/v1/content"))
        .send()
        .await
        .expect("anon");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The OpenAPI document lists the content endpoints.
    let doc: Value = http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    for p in [
        "/api/v1/content",
        "/api/v1/content/{id}",
        "/api/v1/content/{id}/download",
        "/api/v1/content/{id}/versions",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
}

/// How Postgres searches are planned (the plan is built the same way on both backends):
/// known words are spelled out from the vocabulary, a prefix with too many completions stays
/// a prefix, and unknown or short words are left as typed.
async fn query_plans_spell_out_known_words(b: Backend) {
    use app::content::search::{Prefix, plan_meta, tokens};
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    create(
        &app,
        &mk,
        meta(
            "Zero trust for data teams",
            "datasheet",
            &[(
                "description",
                "data database databases datacenter dataflow datagram datalake datamart datapoint dataset datasets",
            )],
        ),
        ("d.pdf", pdf_with_text("Nothing here")),
    )
    .await;
    let plan = |q: &str, p: Prefix| {
        let db = app.db.clone();
        let words = tokens(q);
        async move { plan_meta(&db, &words, p).await.expect("plan") }
    };
    let p = plan("zero datab", Prefix::Last).await;
    assert_eq!(p.tsquery, "(zero) & (database | databases)");
    assert!(!p.newest_first, "a small library is never walked");
    // Eleven words begin with "data": too many to spell out.
    assert_eq!(plan("data", Prefix::Last).await.tsquery, "data:*");
    // Only the last word is a prefix unless asked; unknown, short and numeric words stay.
    assert_eq!(
        plan("zer xq 46 teams", Prefix::Last).await.tsquery,
        "zer & xq & 46 & (teams)"
    );
    assert_eq!(
        plan("zer datase", Prefix::All).await.tsquery,
        "(zero) & (dataset | datasets)"
    );
}

async fn in_collection(app: &TestApp, c: &Client, collection: i64) -> (StatusCode, Vec<String>) {
    let (status, r) = app
        .call(
            c,
            "search_content",
            &[
                ("query[q]", ""),
                ("query[collection]", &collection.to_string()),
            ],
        )
        .await;
    let items = r["items"].as_array().cloned().unwrap_or_default();
    (status, titles(&items))
}

async fn collections_are_private_and_follow_visibility(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    let pdf = |t: &str| ("play.pdf", pdf_with_text(t));
    let open = create(&app, &mk, meta("Open kit", "sales_play", &[]), pdf("open")).await;
    let gold = create(
        &app,
        &mk,
        meta("Gold kit", "marketing_kit", &[("tiers", "gold")]),
        pdf("gold"),
    )
    .await;
    let sam = app.as_user("sam@northwind.example").await;
    let carla = app.as_user("carla@contoso.example").await;
    let (open_s, gold_s) = (open.to_string(), gold.to_string());

    // Created with a first asset; names are checked per field, duplicates by case.
    let (status, r) = app
        .call(
            &sam,
            "create_collection",
            &[("name", " Renewal "), ("asset", &open_s)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let coll = r.as_i64().expect("id");
    let c_s = coll.to_string();
    for (name, msg) in [
        ("renewal", "err.collection_exists"),
        ("   ", "err.required"),
        (&"x".repeat(81) as &str, "err.too_long"),
    ] {
        let (status, r) = app
            .call(&sam, "create_collection", &[("name", name), ("asset", "0")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {r}");
        assert!(r.to_string().contains(msg), "{name:?}: {r}");
    }
    let (status, _) = app
        .call(
            &sam,
            "set_collection_item",
            &[("collection", &c_s), ("asset", &gold_s), ("on", "true")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Adding again (a second tab) is not an error and adds nothing.
    let (status, _) = app
        .call(
            &sam,
            "set_collection_item",
            &[("collection", &c_s), ("asset", &gold_s), ("on", "true")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, mut got) = in_collection(&app, &sam, coll).await;
    got.sort();
    assert_eq!(
        (status, got),
        (StatusCode::OK, vec!["Gold kit".into(), "Open kit".into()])
    );
    let (_, r) = app
        .call(&sam, "asset_collections", &[("asset", &open_s)])
        .await;
    assert_eq!(r[0]["name"], "Renewal");
    assert_eq!(r[0]["contains"], true, "{r}");

    // Another partner can neither read, change, delete nor discover it.
    assert_eq!(
        in_collection(&app, &carla, coll).await.0,
        StatusCode::NOT_FOUND
    );
    for (endpoint, pairs) in [
        (
            "set_collection_item",
            vec![
                ("collection", c_s.as_str()),
                ("asset", open_s.as_str()),
                ("on", "false"),
            ],
        ),
        ("delete_collection", vec![("id", c_s.as_str())]),
    ] {
        let (status, _) = app.call(&carla, endpoint, &pairs).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}");
    }
    let (_, r) = app
        .call(&carla, "asset_collections", &[("asset", "0")])
        .await;
    assert_eq!(r, serde_json::json!([]));
    // Nor put an asset she cannot see into her own collection, even a new one.
    let before = count(&app, "asset_collections").await;
    let (status, _) = app
        .call(
            &carla,
            "create_collection",
            &[("name", "Mine"), ("asset", &gold_s)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "asset_collections").await, before);
    let (_, r) = app
        .call(
            &carla,
            "create_collection",
            &[("name", "Mine"), ("asset", "0")],
        )
        .await;
    let mine = r.as_i64().expect("id").to_string();
    let (status, _) = app
        .call(
            &carla,
            "set_collection_item",
            &[("collection", &mine), ("asset", &gold_s), ("on", "true")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // What a collection shows follows visibility now: a tier drop hides the Gold asset.
    sqlx::query("UPDATE orgs SET tier = 'silver' WHERE slug = 'northwind-msp'")
        .execute(&app.db.pool)
        .await
        .expect("tier down");
    assert_eq!(
        in_collection(&app, &sam, coll).await.1,
        vec!["Open kit".to_string()]
    );
    let (_, r) = app.call(&sam, "asset_collections", &[("asset", "0")]).await;
    assert_eq!(r[0]["items"], 1, "{r}");

    // Deleting it removes it and its items, not the assets.
    let (status, _) = app.call(&sam, "delete_collection", &[("id", &c_s)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        in_collection(&app, &sam, coll).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM asset_collection_items WHERE collection_id = CAST($1 AS BIGINT)",
            &c_s
        )
        .await,
        0
    );
    assert!(count(&app, "assets").await >= 2);
    // Signed out: nothing.
    let (status, _) = app
        .call(&common::client(), "asset_collections", &[("asset", "0")])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

both_backends!(
    query_plans_spell_out_known_words,
    visibility_matrix_applies_to_every_path,
    upload_attacks_leave_nothing_behind,
    files_are_served_safely_with_versions,
    search_ranks_explains_and_tolerates_typos,
    the_api_serves_content_within_visibility,
    collections_are_private_and_follow_visibility,
);
