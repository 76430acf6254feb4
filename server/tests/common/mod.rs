//! Test harness: starts the real server on port 0 with a fresh database (SQLite always,
//! Postgres when `TRELLIS_TEST_POSTGRES_URL` is set), seeds the demo data, and talks HTTP.

#![allow(dead_code)]

pub mod smtp;

use app::server::db::Db;
use app::server::{AppConfig, AppState};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PASSWORD: &str = trellis::seed::DEMO_PASSWORD;

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub db: Db,
    /// Where this app's content files are stored.
    pub files_dir: std::path::PathBuf,
    /// The app's state, for running its code (a second worker, say) beside it.
    pub state: AppState,
    /// The database URL, for a second "server" on the same database.
    pub database_url: String,
    /// The app's job worker; abort it to have a test's own workers alone on the queue.
    pub worker: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
    pg_schema: Option<(String, String)>,
}

/// The Postgres URL for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("TRELLIS_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

async fn database_url(
    backend: Backend,
    dir: &std::path::Path,
) -> (String, Option<(String, String)>) {
    match backend {
        Backend::Sqlite => (format!("sqlite://{}/test.db", dir.display()), None),
        Backend::Postgres => {
            let base = postgres_url().expect("TRELLIS_TEST_POSTGRES_URL");
            let schema = unique("t");
            let admin = Db::connect(&base).await.expect("connect to postgres");
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin.pool)
                .await
                .expect("create schema");
            admin.pool.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            (
                format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                Some((base, schema)),
            )
        }
    }
}

/// The bearer token test apps ask for on `/metrics`.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// Starts an app. `smtp_url` sends email through a real SMTP server.
pub async fn spawn_app_with(backend: Backend, smtp_url: Option<String>) -> TestApp {
    spawn_app_full(backend, smtp_url, "target/site").await
}

/// Starts an app serving the built site at `site_root`.
pub async fn spawn_app_full(
    backend: Backend,
    smtp_url: Option<String>,
    site_root: &str,
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, pg_schema) = database_url(backend, dir.path()).await;
    let db = trellis::connect(&url).await.expect("connect and migrate");
    trellis::seed::demo(&db).await.expect("seed demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    trellis::seed::demo_learning(&db, &base)
        .await
        .expect("seed demo learning");
    trellis::seed_campaigns::demo_campaigns(&db)
        .await
        .expect("seed demo campaigns");
    let mut config = AppConfig::for_public_url(&base);
    config.smtp_url = smtp_url;
    config.trust_proxy = true;
    config.metrics_token = Some(METRICS_TOKEN.into());
    // Small, so the oversize test is quick.
    config.max_upload_bytes = 2 * 1024 * 1024;
    let files_dir = dir.path().join("files");
    let state = AppState {
        db: db.clone(),
        config: Arc::new(config),
        leptos_options: trellis::leptos_options(site_root, addr),
        files: app::server::storage::Files::local(&files_dir).expect("files"),
    };
    // The job queue's worker, quick to notice new jobs and to retry.
    let mut worker = app::server::jobs::Worker::new(trellis::job_registry());
    worker.poll = std::time::Duration::from_millis(100);
    worker.backoff_secs = 1;
    let worker = worker.spawn(state.clone());
    let router = trellis::router(state.clone());
    tokio::spawn(async move {
        let _ = trellis::serve(listener, router).await;
    });
    TestApp {
        addr,
        base,
        db,
        files_dir,
        state,
        database_url: url,
        worker,
        _dir: dir,
        pg_schema,
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, None).await
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg_schema.take() {
            // Best effort: drop the schema on a separate runtime thread.
            std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(async move {
                        if let Ok(db) = Db::connect(&base).await {
                            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                                .execute(&db.pool)
                                .await;
                        }
                    });
                }
            })
            .join()
            .ok();
        }
    }
}

/// A browser-like client with its own cookie jar, not following redirects.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        // A request that hangs fails its test within a minute instead of stalling the
        // whole suite (one did once, waiting on a wake-up that never came).
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

/// Percent-encodes for a form body.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A form body; keys are sent as they are (server functions read `input[field]` keys).
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the HTML form; returns the redirect target.
    pub async fn sign_in_from(&self, c: &Client, email: &str, password: &str, ip: &str) -> String {
        let res = c
            .post(self.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", ip)
            .body(form(&[
                ("email", email),
                ("password", password),
                ("next", "/"),
            ]))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        res.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    pub async fn sign_in(&self, c: &Client, email: &str, password: &str) -> String {
        self.sign_in_from(c, email, password, "10.0.0.1").await
    }

    /// A signed-in client.
    pub async fn as_user(&self, email: &str) -> Client {
        let c = client();
        assert_eq!(
            self.sign_in(&c, email, PASSWORD).await,
            "/",
            "sign-in of {email}"
        );
        c
    }

    /// Calls a server function by its endpoint; returns the status and the JSON body.
    pub async fn call(
        &self,
        c: &Client,
        endpoint: &str,
        pairs: &[(&str, &str)],
    ) -> (StatusCode, serde_json::Value) {
        let res = c
            .post(self.url(&format!("/api/{endpoint}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(pairs))
            .send()
            .await
            .expect("server fn");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, json)
    }

    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let res = c.get(self.url(path)).send().await.expect("get");
        let status = res.status();
        (status, res.text().await.unwrap_or_default())
    }

    pub async fn scalar(&self, sql: &str, bind: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .bind(bind)
            .fetch_one(&self.db.pool)
            .await
            .expect("scalar")
            .try_get(0)
            .expect("i64")
    }
}

/// Runs a test body on SQLite, and on Postgres when it is configured.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::common::postgres_url().is_none() {
                        eprintln!("TRELLIS_TEST_POSTGRES_URL not set: Postgres variant not run");
                        return;
                    }
                    super::$name($crate::common::Backend::Postgres).await;
                }
            )+
        }
    };
}

/// A one-page PDF whose text is `text`.
pub fn pdf_with_text(text: &str) -> Vec<u8> {
    app::content::files::simple_pdf(text)
}

/// A new API token of the user with this email.
pub async fn token(app: &TestApp, email: &str) -> String {
    let caller = app::auth::tokens::caller_for_email(&app.db, email)
        .await
        .expect("caller");
    app::auth::tokens::create(&app.db, &caller, "test")
        .await
        .expect("token")
}

/// A REST call with a bearer token (none when empty): status, JSON (or the text as a
/// string) and content type.
pub async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value, String) {
    let c = reqwest::Client::new();
    let mut req = match method {
        "GET" => c.get(app.url(path)),
        "PUT" => c.put(app.url(path)),
        "DELETE" => c.delete(app.url(path)),
        _ => c.post(app.url(path)),
    };
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        ctype,
    )
}

/// Uploads a one-page PDF as a content asset through the browser's upload route; returns
/// its id after checking the 201.
pub async fn upload_pdf(
    app: &TestApp,
    c: &Client,
    title: &str,
    kind: &str,
    published: bool,
    text: &str,
) -> i64 {
    let form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .text("kind", kind.to_string())
        .text("published", published.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf_with_text(text)).file_name("asset.pdf"),
        );
    let res = c
        .post(app.url("/content/upload"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), StatusCode::CREATED, "upload of {title}");
    res.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("asset id")
}

/// Searches the content library as `c` with no facets; the status and the whole result.
pub async fn call_search(app: &TestApp, c: &Client, q: &str) -> (StatusCode, serde_json::Value) {
    app.call(
        c,
        "search_content",
        &[
            ("query[q]", q),
            ("query[kind]", ""),
            ("query[product]", ""),
            ("query[stage]", ""),
            ("query[language]", ""),
        ],
    )
    .await
}

/// Searches the content library as `c`; returns the whole result (items, corrections,
/// partial and kind labels) after checking the 200.
pub async fn search_content(app: &TestApp, c: &Client, q: &str) -> serde_json::Value {
    let (status, r) = call_search(app, c, q).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    r
}
