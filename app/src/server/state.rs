use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Typed configuration. Built by the `server` crate from the environment.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// `SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`. Without it, email stays in
    /// the outbox that vendor admins read in the UI.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The base URL used in emailed links, e.g. `https://partners.example.com`.
    pub public_url: String,
    /// Whether cookies get `Secure`: true unless the public URL is plain-http localhost.
    pub secure_cookies: bool,
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    /// Trust `X-Forwarded-For` for the client IP (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// REST API requests allowed per token per minute (shared by all servers).
    pub api_rate_per_minute: u32,
    /// The largest content library upload, in bytes.
    pub max_upload_bytes: u64,
    /// `TRELLIS_METRICS_TOKEN`: the bearer token `/metrics` asks for. Without one, only
    /// direct connections from this machine (loopback, no proxy in between) may read it.
    pub metrics_token: Option<String>,
    /// `TRELLIS_XAPI_URL`: the LRS's xAPI endpoint (statements go to `{url}/statements`),
    /// with `TRELLIS_XAPI_USERNAME` and `TRELLIS_XAPI_PASSWORD` for Basic auth.
    pub xapi_url: Option<String>,
    pub xapi_username: Option<String>,
    pub xapi_password: Option<String>,
    /// `TRELLIS_CAMPAIGN_RATE_PER_MINUTE`: campaign emails one partner sends a minute, at
    /// most (over all its launches and every server).
    pub campaign_rate_per_minute: i64,
    /// `TRELLIS_SMTP_CONNECTIONS`: connections to the relay a batch of campaign mail uses
    /// at once (each waits for the relay's answer to every message).
    pub smtp_connections: usize,
}

impl AppConfig {
    pub fn for_public_url(public_url: &str) -> Self {
        let local = public_url.starts_with("http://127.0.0.1")
            || public_url.starts_with("http://localhost")
            || public_url.starts_with("http://[::1]");
        AppConfig {
            smtp_url: None,
            mail_from: "Trellis <no-reply@trellis.local>".into(),
            public_url: public_url.trim_end_matches('/').to_string(),
            secure_cookies: !local,
            session_idle_secs: 2 * 3600,
            session_absolute_secs: 7 * 24 * 3600,
            trust_proxy: false,
            api_rate_per_minute: 300,
            max_upload_bytes: 100 * 1024 * 1024,
            metrics_token: None,
            xapi_url: None,
            xapi_username: None,
            xapi_password: None,
            campaign_rate_per_minute: 600,
            smtp_connections: 16,
        }
    }
}

/// Everything a request needs, provided as axum state and as Leptos context. No globals, so
/// a test can run many isolated apps in one process.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<AppConfig>,
    pub leptos_options: LeptosOptions,
    /// Object storage for content library files.
    pub files: crate::server::storage::Files,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The state from Leptos context (inside server functions and SSR).
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::internal("AppState missing from context"))
}
