//! Plain HTTP routes: sign-in and sign-out work as ordinary form posts (no JavaScript
//! needed), and the readiness check.

use crate::middleware::{client_ip, cookie};
use app::auth::pages::urlencode;
use app::auth::server::{SignInError, end_session, load_session, sign_in as check_sign_in};
use app::auth::{SESSION_COOKIE, safe_next};
use app::policy::Actor;
use app::server::AppState;
use app::server::audit::{self, AuditEvent};
use axum::Form;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
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

use axum::extract::FromRequest;
