//! Operations and transport security: health, metrics, headers, cross-origin posts.

mod common;

use common::{Backend, client, spawn_app};
use reqwest::StatusCode;

async fn health_readiness_and_metrics(b: Backend) {
    let app = spawn_app(b).await;
    let c = client();
    assert_eq!(app.get(&c, "/healthz").await, (StatusCode::OK, "ok".into()));
    assert_eq!(
        app.get(&c, "/readyz").await,
        (StatusCode::OK, "ready".into())
    );
    // Metrics need the bearer token; a wrong one or none gets 401.
    let (status, _) = app.get(&c, "/metrics").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let res = c
        .get(app.url("/metrics"))
        .bearer_auth("wrong")
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Odd methods are counted as `other`, not as labels of their own.
    let odd = reqwest::Method::from_bytes(b"PROBE123").expect("method");
    let _ = c.request(odd, app.url("/healthz")).send().await;
    let res = c
        .get(app.url("/metrics"))
        .bearer_auth(common::METRICS_TOKEN)
        .send()
        .await
        .expect("metrics");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::OK);
    assert!(!text.contains("PROBE123"), "{text}");
    assert!(text.contains("method=\"other\""), "{text}");
    assert!(
        text.contains("trellis_http_requests_total{method=\"GET\",status=\"200\"}"),
        "{text}"
    );
    assert!(text.contains("trellis_http_request_duration_seconds_count"));
}

async fn cross_origin_posts_are_rejected(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let body = common::form(&[
        ("input[name]", "Evil Corp"),
        ("input[types][0]", "msp"),
        ("input[tier]", "gold"),
        ("input[region]", ""),
        ("input[status]", "active"),
        ("input[channel_manager_id]", ""),
        ("input[website]", ""),
        ("input[description]", ""),
    ]);
    for (h, v) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let res = cam
            .post(app.url("/api/create_partner"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(h, v)
            .body(body.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{h}: {v}");
    }
    // Sign-out and sign-in forms are protected the same way.
    let res = cam
        .post(app.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let n = app
        .scalar("SELECT COUNT(*) FROM orgs WHERE name = $1", "Evil Corp")
        .await;
    assert_eq!(n, 0);
    // The same request from our own origin works.
    let res = cam
        .post(app.url("/api/create_partner"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", app.base.clone())
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::OK);
}

async fn pages_carry_security_headers_and_a_nonce_csp(b: Backend) {
    let app = spawn_app(b).await;
    let res = client().get(app.url("/login")).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(
        csp.contains("'nonce-")
            && csp.contains("'wasm-unsafe-eval'")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    let html = res.text().await.expect("html");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
    // Unknown pages are a 404 page.
    let c = app.as_user("admin@acme.example").await;
    let (status, body) = app.get(&c, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found"));
}

async fn locale_follows_browser_then_user_setting(b: Backend) {
    let app = spawn_app(b).await;
    let res = client()
        .get(app.url("/login"))
        .header("accept-language", "de-DE,de;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("get");
    let html = res.text().await.expect("html");
    assert!(
        html.contains("<html lang=\"de\"") && html.contains("Bei Trellis anmelden"),
        "German from the browser"
    );
    let c = app.as_user("carla@contoso.example").await;
    let (status, _) = app.call(&c, "set_locale", &[("code", "de")]).await;
    assert_eq!(status, StatusCode::OK);
    let res = c
        .get(app.url("/org"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("get");
    let html = res.text().await.expect("html");
    assert!(
        html.contains("Profil bearbeiten"),
        "the user's setting overrides the browser"
    );
    let (status, _) = app.call(&c, "set_locale", &[("code", "xx")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn oversized_and_malformed_input_is_refused_cleanly(b: Backend) {
    let app = spawn_app(b).await;
    let cam = app.as_user("cam@acme.example").await;
    let huge = "a".repeat(3 * 1024 * 1024);
    let res = cam
        .post(app.url("/api/create_partner"))
        .header("content-type", "application/x-www-form-urlencoded")
        // The server may close this connection mid-body; keep it out of the client's pool
        // so the next request does not pick up the dead connection (a flaky IncompleteMessage).
        .header("connection", "close")
        .body(format!("input[name]={huge}"))
        .send()
        .await;
    // The server answers 413 before reading the body; the client may see the reset instead.
    if let Ok(res) = res {
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    let orgs = app
        .scalar("SELECT COUNT(*) FROM orgs WHERE name <> $1", "")
        .await;
    let res = cam
        .post(app.url("/api/create_partner"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("input[types]=%%%&&&==")
        .send()
        .await
        .expect("post");
    // Arguments that cannot be read are the caller's mistake, said as such: 400, not 500.
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.expect("json error");
    assert!(body.get("BadRequest").is_some(), "{body}");
    let (status, _) = app.call(&cam, "get_org", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Nothing was created by the forged form.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orgs WHERE name <> $1", "")
            .await,
        orgs
    );
    let (status, _) = app
        .call(&cam, "get_org", &[("slug", "../../etc/passwd")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Sign-in with a giant password is simply invalid.
    let c = client();
    let to = app.sign_in(&c, "cam@acme.example", &"p".repeat(5000)).await;
    assert!(to.contains("error=invalid"), "{to}");
}

/// A response header as text; empty when missing.
fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A built site as scripts/lib.sh leaves it: hashed names, their .br and .gz copies, and
/// hash.txt. Pages name the hashed files; /pkg sends the pre-compressed copy the browser
/// takes, or the file itself, cached for a year; pages are revalidated.
async fn hashed_bundle_is_served_precompressed_and_immutable(b: Backend) {
    let site = tempfile::tempdir().expect("site");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let files = [
        ("trellis.0123456789abcdef.js", "export default function(){}"),
        ("trellis.fedcba9876543210.wasm", "\0asm-raw"),
        ("trellis.00ff00ff00ff00ff.css", "body{}"),
    ];
    for (name, raw) in files {
        std::fs::write(pkg.join(name), raw).expect("raw");
        std::fs::write(pkg.join(format!("{name}.br")), format!("br:{raw}")).expect("br");
        std::fs::write(pkg.join(format!("{name}.gz")), format!("gz:{raw}")).expect("gz");
    }
    std::fs::write(
        site.path().join("hash.txt"),
        "js: 0123456789abcdef\nwasm: fedcba9876543210\ncss: 00ff00ff00ff00ff\n",
    )
    .expect("hash.txt");
    let app = common::spawn_app_full(b, None, &site.path().to_string_lossy()).await;
    // Without reqwest's decompression features, bodies arrive as sent.
    let c = reqwest::Client::new();
    let get = |path: &'static str, accept: &'static str| {
        let c = c.clone();
        let url = app.url(path);
        async move {
            let res = c
                .get(url)
                .header("accept-encoding", accept)
                .send()
                .await
                .expect("get");
            let (enc, cache) = (
                header(&res, "content-encoding"),
                header(&res, "cache-control"),
            );
            let status = res.status();
            (status, enc, cache, res.text().await.unwrap_or_default())
        }
    };
    let wasm = "/pkg/trellis.fedcba9876543210.wasm";
    let (status, enc, cache, body) = get(wasm, "gzip, deflate, br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((enc.as_str(), body.as_str()), ("br", "br:\0asm-raw"));
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let (_, enc, _, body) = get(wasm, "gzip").await;
    assert_eq!((enc.as_str(), body.as_str()), ("gzip", "gz:\0asm-raw"));
    let (_, enc, cache, body) = get(wasm, "identity").await;
    assert_eq!((enc.as_str(), body.as_str()), ("", "\0asm-raw"));
    assert_eq!(cache, "public, max-age=31536000, immutable");
    // The sign-in page names the hashed files and is revalidated.
    let (status, _, cache, page) = get("/login", "identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "no-cache");
    assert!(page.contains("/pkg/trellis.00ff00ff00ff00ff.css"), "{page}");
    assert!(page.contains("trellis.0123456789abcdef"), "{page}");
    assert!(page.contains("trellis.fedcba9876543210"), "{page}");
    // The loader names both files and nothing preloads the WASM: it is fetched after the
    // first paint.
    assert!(
        page.contains(r#""/pkg/trellis.0123456789abcdef.js""#),
        "{page}"
    );
    assert!(
        page.contains(r#""/pkg/trellis.fedcba9876543210.wasm""#),
        "{page}"
    );
    assert!(!page.contains("preload"), "{page}");
}

/// The browser's text catalogue is not in the WASM: each page names its locale's
/// catalogue, served pre-compressed and immutable under a content hash.
async fn each_page_names_its_catalogue_served_precompressed(b: Backend) {
    use std::io::Read;
    let app = spawn_app(b).await;
    // Without reqwest's decompression features, bodies arrive as sent.
    let c = reqwest::Client::new();
    let page = |lang: &'static str| {
        let req = c
            .get(app.url("/login"))
            .header("accept-language", lang)
            .header("accept-encoding", "identity");
        async move {
            let html = req.send().await.expect("page").text().await.expect("html");
            let at = html.find("\"/i18n/").expect("a catalogue URL") + 1;
            let end = at + html[at..].find('"').expect("end of the URL");
            html[at..end].to_string()
        }
    };
    let (de, en) = (page("de").await, page("en-GB").await);
    assert!(de.starts_with("/i18n/de.") && de.ends_with(".json"), "{de}");
    assert!(en.starts_with("/i18n/en.") && en.ends_with(".json"), "{en}");
    let get = |url: String, accept: &'static str| {
        let req = c.get(app.url(&url)).header("accept-encoding", accept);
        async move {
            let res = req.send().await.expect("get");
            let head = (
                res.status(),
                header(&res, "content-encoding"),
                header(&res, "cache-control"),
            );
            (head, res.bytes().await.expect("body").to_vec())
        }
    };
    let ((status, enc, cache), plain) = get(de.clone(), "identity").await;
    assert_eq!((status, enc.as_str()), (StatusCode::OK, ""));
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let texts: std::collections::HashMap<String, String> =
        serde_json::from_slice(&plain).expect("a JSON object of texts");
    // Every key, in German, and nothing else.
    let locale = app::i18n::Locale::De;
    assert!(texts.len() > 500, "{} texts", texts.len());
    for (k, v) in &texts {
        assert_eq!(locale.known(k), Some(v.as_str()), "{k}");
    }
    assert_eq!(texts["login.title"], "Bei Trellis anmelden");
    // The compressed copies decode to the same bytes.
    let ((_, enc, _), br) = get(de.clone(), "gzip, deflate, br").await;
    assert_eq!(enc, "br");
    let mut unbr = Vec::new();
    brotli::Decompressor::new(br.as_slice(), 4096)
        .read_to_end(&mut unbr)
        .expect("brotli");
    assert_eq!(unbr, plain);
    assert!(
        br.len() * 3 < plain.len(),
        "{} of {}",
        br.len(),
        plain.len()
    );
    let ((_, enc, _), gz) = get(de.clone(), "gzip").await;
    assert_eq!(enc, "gzip");
    let mut ungz = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut ungz)
        .expect("gzip");
    assert_eq!(ungz, plain);
    // Refusing brotli gets gzip.
    let ((_, enc, _), _) = get(de.clone(), "br;q=0, gzip").await;
    assert_eq!(enc, "gzip");
    // The English catalogue is another file; other names are not found.
    let ((status, _, _), en_plain) = get(en.clone(), "identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(en_plain, plain);
    let hash = &de["/i18n/de.".len()..de.len() - ".json".len()];
    for wrong in [
        "/i18n/de.0000000000000000.json".to_string(),
        format!("/i18n/fr.{hash}.json"),
        format!("/i18n/de.{hash}"),
        "/i18n/de.json".to_string(),
    ] {
        let ((status, _, _), _) = get(wrong.clone(), "identity").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{wrong}");
    }
}

both_backends!(
    each_page_names_its_catalogue_served_precompressed,
    hashed_bundle_is_served_precompressed_and_immutable,
    health_readiness_and_metrics,
    cross_origin_posts_are_rejected,
    pages_carry_security_headers_and_a_nonce_csp,
    locale_follows_browser_then_user_setting,
    oversized_and_malformed_input_is_refused_cleanly,
);
