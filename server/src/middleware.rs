//! Request middleware: who is calling (session → caller, locale), same-origin enforcement
//! for state changes, security headers and the sign-in redirect for pages.

use app::auth::{LOCALE_COOKIE, SESSION_COOKIE};
use app::i18n::Locale;
use app::server::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub use app::server::client_ip;

/// Resolves the session into a `Caller` and the reader's `Locale`, both request extensions
/// that server functions and pages read. Pages that need a session redirect to sign-in.
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = match cookie(req.headers(), SESSION_COOKIE) {
        Some(token) if token.len() <= 128 => {
            match app::auth::server::load_session_counted(&state.db, &state.config, &token).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = ?e, "session lookup failed");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
        _ => None,
    };
    let (caller, unread) = session.unzip();
    let locale = caller
        .as_ref()
        .and_then(|c| c.locale)
        .or_else(|| cookie(req.headers(), LOCALE_COOKIE).and_then(|v| Locale::parse(&v)))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(locale);
    let path = req.uri().path().to_string();
    if caller.is_none() && req.method() == Method::GET && needs_session(&path) {
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        return Redirect::to(&format!(
            "/login?next={}",
            app::auth::pages::urlencode(&next)
        ))
        .into_response();
    }
    if let Some(c) = caller {
        req.extensions_mut().insert(c);
    }
    if let Some(n) = unread {
        req.extensions_mut().insert(n);
    }
    next.run(req).await
}

/// Pages behind sign-in: everything but the public pages (sign-in, resets, invitations,
/// issued credentials and the issuer's documents that verifiers fetch, campaign mail's
/// unsubscribe, click and landing addresses), the API, health and assets.
fn needs_session(path: &str) -> bool {
    const PUBLIC: [&str; 13] = [
        "/login",
        "/u/",
        "/c/",
        "/l/",
        "/logout",
        "/forgot",
        "/reset/",
        "/invite/",
        "/credentials/",
        "/issuers/",
        "/api/",
        "/pkg/",
        "/healthz",
    ];
    let last = path.rsplit('/').next().unwrap_or_default();
    !(PUBLIC.iter().any(|p| path == *p || path.starts_with(p))
        || path == "/readyz"
        || path == "/metrics"
        || last.contains('.'))
}

/// Rejects state-changing requests from other origins. Server functions accept form posts,
/// which browsers send cross-site without a preflight, so `SameSite=Lax` alone is not
/// enough: we check `Sec-Fetch-Site`, then `Origin` against `Host`.
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_same_origin(req.headers(), state.config.trust_proxy) {
        tracing::warn!(path = %req.uri().path(), "cross-origin state change rejected");
        return (StatusCode::FORBIDDEN, "cross-origin request rejected").into_response();
    }
    next.run(req).await
}

/// `X-Forwarded-Host` names the host only behind our own proxy (`TRELLIS_TRUST_PROXY`);
/// otherwise anyone could send it to make a foreign `Origin` look like ours.
pub fn is_same_origin(h: &HeaderMap, trust_proxy: bool) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match h
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("invalid"))
    {
        None => true,
        Some("null") | Some("invalid") => false,
        Some(origin) => {
            let forwarded = trust_proxy.then(|| h.get("x-forwarded-host")).flatten();
            let host = forwarded
                .or_else(|| h.get(header::HOST))
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let origin_host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .unwrap_or("");
            !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
        }
    }
}

/// Security headers on every response. Pages carry their own nonce-based CSP; anything
/// else gets a CSP that allows nothing.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    // Previews of our own files may be framed by our own pages; nothing else may.
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    // Pages name the hashed bundle of the build that served them, so a browser must
    // revalidate a page before reusing it.
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    res
}

/// The most of a server function's error body that is read to find its status.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A server function whose arguments cannot be read (a forged or truncated form, a body
/// that is not JSON) never runs, so nothing gives its error a status and Leptos answers
/// 500. Its body says what happened; a malformed request is the caller's mistake: 400.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(app::error::AppError::BadRequest(_)) = serde_json::from_slice(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_accepts_our_host_and_non_browser_clients() {
        assert!(is_same_origin(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000")
            ]),
            false
        ));
        assert!(is_same_origin(
            &headers(&[("host", "127.0.0.1:3000")]),
            false
        ));
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            false
        ));
    }

    #[test]
    fn cross_site_requests_are_refused() {
        assert!(!is_same_origin(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "https://evil.example")
            ]),
            false
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            false
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            false
        ));
        assert!(!is_same_origin(
            &headers(&[("host", "a"), ("origin", "null")]),
            false
        ));
    }

    #[test]
    fn forwarded_host_counts_only_behind_our_proxy() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("x-forwarded-host", "evil.example"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!is_same_origin(&h, false));
        assert!(is_same_origin(&h, true));
    }

    #[test]
    fn public_paths_and_assets_need_no_session() {
        assert!(!needs_session("/login"));
        assert!(!needs_session("/invite/abc"));
        assert!(!needs_session("/pkg/trellis.wasm"));
        assert!(!needs_session("/favicon.svg"));
        assert!(!needs_session("/credentials/0b6f-42"));
        assert!(!needs_session("/credentials/status/1"));
        assert!(!needs_session("/issuers/trellis/did.json"));
        assert!(needs_session("/learning"));
        assert!(needs_session("/"));
        assert!(needs_session("/partners"));
        assert!(needs_session("/admin/audit"));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let h = headers(&[("cookie", "a=1; trellis_session=xyz; b=2")]);
        assert_eq!(cookie(&h, "trellis_session").as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
