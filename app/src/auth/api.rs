//! Server functions of identity. Thin: who is calling, which state, then the service.

use super::{AcceptInviteInput, CurrentUser, ResetPasswordInput, TokenView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::respond;

/// What the invitation page shows before the invitee picks a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub email: String,
    pub name: String,
    pub org_name: String,
}

#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    let parts = use_context::<http::request::Parts>();
    let locale = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<crate::i18n::Locale>().copied())
        .unwrap_or_default();
    let Ok(c) = super::caller() else {
        return Ok(None);
    };
    // Counted with the session when the middleware read it; otherwise counted here.
    let counted = parts.as_ref().and_then(|p| {
        p.extensions
            .get::<super::server::UnreadAtRequest>()
            .copied()
    });
    let unread = match counted {
        Some(super::server::UnreadAtRequest(n)) => n,
        None => {
            crate::notifications::store::unread(&crate::server::state::app_state()?.db, c.user_id)
                .await?
        }
    };
    Ok(Some(CurrentUser {
        name: c.name,
        email: c.email,
        role: c.role,
        org_name: c.org_name,
        org_slug: c.org_slug,
        vendor: c.vendor,
        locale,
        unread,
    }))
}

#[server(endpoint = "get_invite_info")]
pub async fn get_invite_info(token: String) -> Result<InviteInfo, AppError> {
    respond(service::get_invite_info(&token).await)
}

/// Posted by the invitation form, with or without JavaScript (then it goes on to sign-in).
#[server(endpoint = "accept_invite")]
pub async fn accept_invite(input: AcceptInviteInput) -> Result<(), AppError> {
    use crate::server::nojs::respond_form;
    use leptos::server_fn::ServerFn;
    // Passwords are never sent back into a page's address.
    let back = serde_json::json!({ "name": input.name });
    // The address to sign in with, read before the single-use link is spent.
    let email = service::get_invite_info(&input.token)
        .await
        .map(|i| i.email)
        .unwrap_or_default();
    let login = format!(
        "/login?accepted=1&email={}",
        url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
    );
    let r = service::accept_invite(input).await;
    respond_form(AcceptInvite::PATH, r, &back, |_| Some(login))
}

/// Posted by the forgotten-password form, with or without JavaScript.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::nojs::respond_form;
    use leptos::server_fn::ServerFn;
    let back = serde_json::json!({ "email": email });
    let r = service::request_password_reset(&email).await;
    respond_form(RequestPasswordReset::PATH, r, &back, |_| {
        Some("/forgot?sent=1".to_string())
    })
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(input: ResetPasswordInput) -> Result<(), AppError> {
    respond(service::reset_password(input).await)
}

/// Sets the reader's language: stored on the user when signed in, and in a cookie.
#[server(endpoint = "set_locale")]
pub async fn set_locale(code: String) -> Result<(), AppError> {
    use crate::server::nojs::respond_form;
    use leptos::server_fn::ServerFn;
    let back = serde_json::json!({ "code": code });
    respond_form(
        SetLocale::PATH,
        service::set_locale(&code).await,
        &back,
        |_| None,
    )
}

#[server(endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    respond(
        async {
            super::tokens::list(&crate::server::state::app_state()?.db, &super::caller()?).await
        }
        .await,
    )
}

/// Creates an API token for the signed-in user; the secret is returned once.
#[server(endpoint = "create_token")]
pub async fn create_token(name: String) -> Result<String, AppError> {
    respond(
        async {
            super::tokens::create(
                &crate::server::state::app_state()?.db,
                &super::caller()?,
                &name,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    respond(
        async {
            super::tokens::revoke(
                &crate::server::state::app_state()?.db,
                &super::caller()?,
                id,
            )
            .await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
mod service {
    use super::*;
    use crate::auth::server::{
        TokenKind, consume_token, end_user_sessions, issue_token, peek_token,
    };
    use crate::domain::{Email, check_new_password, parse_person_name};
    use crate::error::{Problems, internal};
    use crate::i18n::Locale;
    use crate::server::audit::{self, AuditEvent};
    use crate::server::mail::{self, Mail};
    use crate::server::now;
    use crate::server::security::hash_password;
    use crate::server::state::app_state;
    use sqlx::Row;

    pub async fn get_invite_info(token: &str) -> Result<InviteInfo, AppError> {
        let state = app_state()?;
        let user_id = peek_token(&state.db, token, TokenKind::Invite)
            .await?
            .ok_or(AppError::NotFound)?;
        let row = sqlx::query(
            "SELECT u.email, u.name, o.name AS org_name FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_one(&state.db.pool)
        .await?;
        Ok(InviteInfo {
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            org_name: row.try_get("org_name")?,
        })
    }

    fn check_passwords(p: &mut Problems, password: &str, confirm: &str) {
        if p.check("password", check_new_password(password)).is_some() && password != confirm {
            p.add("password_confirm", "err.password_mismatch");
        }
    }

    pub async fn accept_invite(input: AcceptInviteInput) -> Result<(), AppError> {
        let state = app_state()?;
        let mut p = Problems::new();
        let name = p.check("name", parse_person_name(&input.name));
        check_passwords(&mut p, &input.password, &input.password_confirm);
        p.into_result()?;
        let name = name.unwrap_or_default();
        let hash = hash_password(&input.password)?;
        let mut tx = state.db.pool.begin().await?;
        let user_id = consume_token(&mut *tx, &input.token, TokenKind::Invite)
            .await?
            .ok_or_else(|| AppError::field("token", "err.link_expired"))?;
        // Only a person still active may join: a deactivated one stays deactivated, even
        // with an invitation sent before (deactivation also voids those links).
        set_password_if_active(&mut tx, user_id, &hash.0, Some(&name)).await?;
        audit::record(
            &mut *tx,
            AuditEvent {
                actor: crate::policy::Actor::System("invitee"),
                org_id: None,
                action: "user.accept_invite",
                entity_type: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "name": name, "password": "set" })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn request_password_reset(email: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
        let row = sqlx::query("SELECT id, locale FROM users WHERE email = $1 AND active = 1 AND password_hash IS NOT NULL")
            .bind(email.as_str())
            .fetch_optional(&state.db.pool)
            .await?;
        // The answer is the same whether or not the account exists, and whether or not
        // this request was throttled.
        let Some(row) = row else { return Ok(()) };
        let user_id: i64 = row.try_get("id")?;
        if reset_links_recently_sent(&state.db, user_id).await? >= MAX_RESETS_PER_HOUR {
            tracing::warn!(user_id, "password reset throttled");
            return Ok(());
        }
        let locale: Option<String> = row.try_get("locale")?;
        let locale = locale
            .as_deref()
            .and_then(Locale::parse)
            .unwrap_or_default();
        let mut conn = state.db.pool.acquire().await?;
        let token = issue_token(&mut conn, user_id, TokenKind::Reset, None).await?;
        let link = format!("{}/reset/{token}", state.config.public_url);
        mail::send(
            &state,
            Mail {
                to: email.as_str().to_string(),
                subject: locale.text("mail.reset_subject").to_string(),
                body: locale.text("mail.reset_body").replace("{link}", &link),
                ..Default::default()
            },
        )
        .await
    }

    /// Sets the password (and, when joining, the name) of a user who is still active; a
    /// link of a deactivated user counts as expired.
    async fn set_password_if_active(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user_id: i64,
        password_hash: &str,
        name: Option<&str>,
    ) -> Result<(), AppError> {
        let changed = sqlx::query(
            "UPDATE users SET name = COALESCE($1, name), password_hash = $2, updated_at = $3 \
             WHERE id = $4 AND active = 1",
        )
        .bind(name)
        .bind(password_hash)
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(AppError::field("token", "err.link_expired"));
        }
        Ok(())
    }

    /// Reset links one account may be sent in an hour: enough for a lost email or two,
    /// too few to flood a mailbox.
    const MAX_RESETS_PER_HOUR: i64 = 3;

    async fn reset_links_recently_sent(
        db: &crate::server::db::Db,
        user_id: i64,
    ) -> Result<i64, AppError> {
        Ok(sqlx::query(
            "SELECT COUNT(*) FROM user_tokens WHERE user_id = $1 AND kind = $2 AND created_at > $3",
        )
        .bind(user_id)
        .bind(TokenKind::Reset.code())
        .bind(now() - 3600)
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?)
    }

    pub async fn reset_password(input: ResetPasswordInput) -> Result<(), AppError> {
        let state = app_state()?;
        let mut p = Problems::new();
        check_passwords(&mut p, &input.password, &input.password_confirm);
        p.into_result()?;
        let hash = hash_password(&input.password)?;
        let mut tx = state.db.pool.begin().await?;
        let user_id = consume_token(&mut *tx, &input.token, TokenKind::Reset)
            .await?
            .ok_or_else(|| AppError::field("token", "err.link_expired"))?;
        set_password_if_active(&mut tx, user_id, &hash.0, None).await?;
        end_user_sessions(&mut *tx, user_id).await?;
        audit::record(
            &mut *tx,
            AuditEvent {
                actor: crate::policy::Actor::System("password reset link"),
                org_id: None,
                action: "user.reset_password",
                entity_type: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "password": "changed", "sessions": "ended" })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_locale(code: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let locale =
            Locale::parse(code).ok_or_else(|| AppError::field("code", "err.choice_invalid"))?;
        if let Ok(c) = crate::auth::caller() {
            sqlx::query("UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3")
                .bind(locale.code())
                .bind(now())
                .bind(c.user_id)
                .execute(&state.db.pool)
                .await?;
        }
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            let cookie = format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
                crate::auth::LOCALE_COOKIE,
                locale.code(),
                if state.config.secure_cookies {
                    "; Secure"
                } else {
                    ""
                }
            );
            let value = http::HeaderValue::from_str(&cookie).map_err(internal)?;
            opts.append_header(http::header::SET_COOKIE, value);
        }
        Ok(())
    }
}
