//! Server-only infrastructure shared by the features: database, state, security helpers,
//! email and audit. Never compiled into the browser bundle.

pub mod audit;
pub mod db;
pub mod jobs;
pub mod keyset;
pub mod mail;
pub mod nojs;
pub mod pdf;
pub mod relay;
pub mod rest;
pub mod security;
pub mod sql;
pub mod state;
pub mod storage;

pub use state::{AppConfig, AppState};

/// The client's IP: the socket peer, or the address our proxy appended to
/// `X-Forwarded-For` when `TRELLIS_TRUST_PROXY` is set.
pub fn client_ip(state: &AppState, req: &axum::extract::Request) -> String {
    if state.config.trust_proxy
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        return ip.trim().to_string();
    }
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// Seconds since the Unix epoch, UTC. All stored times use this.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Passes a server function's result through, giving the HTTP response the error's status
/// (404, 403, 422, …) so callers outside the app see what happened.
pub fn respond<T>(r: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    if let Err(e) = &r
        && let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(code) = http::StatusCode::from_u16(e.status())
    {
        opts.set_status(code);
    }
    r
}
