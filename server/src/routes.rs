//! Plain HTTP routes: sign-in and sign-out work as ordinary form posts (no JavaScript
//! needed), the readiness check, and the browser's text catalogues.

use crate::middleware::{client_ip, cookie};
use app::auth::pages::urlencode;
use app::auth::server::{SignInError, end_session, load_session, sign_in as check_sign_in};
use app::auth::{SESSION_COOKIE, safe_next};
use app::policy::Actor;
use app::server::AppState;
use app::server::audit::{self, AuditEvent};
use axum::Form;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let ip = client_ip(&state, &req);
    let ua = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let form = match Form::<SignInForm>::from_request(req, &state).await {
        Ok(Form(f)) => f,
        Err(_) => return Redirect::to("/login?error=missing").into_response(),
    };
    let next = safe_next(&form.next).to_string();
    let back = |code: &str| {
        Redirect::to(&format!(
            "/login?error={code}&email={}&next={}",
            urlencode(form.email.trim()),
            urlencode(&next)
        ))
        .into_response()
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return back("missing");
    }
    match check_sign_in(
        &state.db,
        &state.config,
        &form.email,
        &form.password,
        &ip,
        &ua,
    )
    .await
    {
        Ok(token) => {
            if let Ok(Some(c)) = load_session(&state.db, &state.config, &token).await {
                let _ = audit::record(
                    &state.db.pool,
                    AuditEvent {
                        actor: Actor::User(&c),
                        org_id: Some(c.org_id),
                        action: "session.sign_in",
                        entity_type: "session",
                        entity_id: c.user_id.to_string(),
                        before: None,
                        after: Some(serde_json::json!({ "ip": ip })),
                    },
                )
                .await;
            }
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&state, &token, state.config.session_absolute_secs),
            );
            res
        }
        Err(SignInError::Invalid) => back("invalid"),
        Err(SignInError::Throttled) => {
            let mut res = back("throttled");
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
            res
        }
        Err(SignInError::Internal(e)) => {
            tracing::error!(error = ?e, "sign-in failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn sign_out(State(state): State<AppState>, req: Request) -> Response {
    if let Some(token) = cookie(req.headers(), SESSION_COOKIE)
        && let Ok(Some(c)) = load_session(&state.db, &state.config, &token).await
    {
        let _ = audit::record(
            &state.db.pool,
            AuditEvent {
                actor: Actor::User(&c),
                org_id: Some(c.org_id),
                action: "session.sign_out",
                entity_type: "session",
                entity_id: c.user_id.to_string(),
                before: None,
                after: None,
            },
        )
        .await;
        if let Err(e) = end_session(&state.db, &c.session_hash).await {
            tracing::error!(error = %e, "sign-out failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let mut res = Redirect::to("/login?signed_out=1").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, "", 0));
    res
}

pub async fn ready(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// A locale's text catalogue for the browser, `/i18n/{code}.{hash}.json`: pre-compressed at
/// the highest level (brotli, else gzip, as the browser takes it) and cached for a year,
/// since the hash names the content. A name with another hash (a page from another release
/// of the server) is not found, and that page stays unhydrated rather than mislabelled.
pub async fn catalogue(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(locale) = app::i18n::Locale::from_catalogue_name(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let c = app::i18n::catalogue(locale);
    let (body, encoding) = if accepts(&headers, "br") {
        (&c.brotli, Some("br"))
    } else if accepts(&headers, "gzip") {
        (&c.gzip, Some("gzip"))
    } else {
        (&c.json, None)
    };
    let mut res = (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::VARY, "accept-encoding"),
        ],
        axum::body::Bytes::from_static(body.as_slice()),
    )
        .into_response();
    if let Some(encoding) = encoding {
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    res
}

/// Whether `Accept-Encoding` lists `coding` without refusing it (`q=0`).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding))
                && !parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q == 0.0)
                })
        })
}

use axum::extract::FromRequest;
