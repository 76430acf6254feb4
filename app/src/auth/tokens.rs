//! API tokens: created and revoked by their users (or by operators on the CLI), sent as
//! `Authorization: Bearer`, stored only as a hash, acting with their user's role and org.

use super::{Caller, TokenView};
use crate::error::AppError;
use crate::policy::Actor;
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::now;
use crate::server::security::{random_token, token_hash};
use sqlx::Row;

/// Every token starts with this, so secret scanners can recognise leaked ones.
pub const TOKEN_PREFIX: &str = "trl_";

/// Creates a token for the caller; returns the secret, shown once.
pub async fn create(db: &Db, caller: &Caller, name: &str) -> Result<String, AppError> {
    let name =
        crate::domain::parse_optional_text(name, 80).map_err(|m| AppError::field("name", m))?;
    let name = if name.is_empty() {
        "API token".to_string()
    } else {
        name
    };
    let active: i64 =
        sqlx::query("SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(caller.user_id)
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?;
    if active >= 20 {
        return Err(AppError::field("name", "err.too_many_tokens"));
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_token(32));
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(caller.user_id)
    .bind(&name)
    .bind(token_hash(&secret))
    .bind(&prefix)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Actor::User(caller),
            org_id: Some(caller.org_id),
            action: "token.create",
            entity_type: "token",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "name": name, "prefix": prefix })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<TokenView>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(caller.user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenView {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
            })
        })
        .collect()
}

/// Revokes one of the caller's tokens; at once, on every server.
pub async fn revoke(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now())
        .bind(id)
        .bind(caller.user_id)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &db.pool,
        AuditEvent {
            actor: Actor::User(caller),
            org_id: Some(caller.org_id),
            action: "token.revoke",
            entity_type: "token",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "revoked": false })),
            after: Some(serde_json::json!({ "revoked": true })),
        },
    )
    .await
}

/// The caller a bearer token stands for, if it is live and its user active.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<(i64, Caller)>, AppError> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.org_id, u.email, u.name, u.role, u.locale, \
         o.slug, o.name AS org_name, o.kind FROM api_tokens t JOIN users u ON u.id = t.user_id \
         JOIN orgs o ON o.id = u.org_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
    )
    .bind(token_hash(secret))
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let token_id: i64 = r.try_get("token_id")?;
    let last: Option<i64> = r.try_get("last_used_at")?;
    let t = now();
    if last.is_none_or(|l| t - l > 60) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(t)
            .bind(token_id)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some((token_id, Caller::from_row(&r, String::new())?)))
}

/// How a user is looked up.
enum UserKey {
    Id(i64),
    Email(String),
}

/// The caller for an active user, if there is one.
async fn active_caller(db: &Db, key: UserKey) -> Result<Option<Caller>, AppError> {
    let by = match key {
        UserKey::Id(_) => "u.id",
        UserKey::Email(_) => "u.email",
    };
    let sql = format!(
        "SELECT u.id AS user_id, u.org_id, u.email, u.name, u.role, u.locale, o.slug, o.name AS org_name, o.kind \
         FROM users u JOIN orgs o ON o.id = u.org_id WHERE {by} = $1 AND u.active = 1"
    );
    let q = sqlx::query(&sql);
    let q = match key {
        UserKey::Id(id) => q.bind(id),
        UserKey::Email(email) => q.bind(email),
    };
    let Some(r) = q.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    Ok(Some(Caller::from_row(&r, String::new())?))
}

/// The caller for a user by email (the CLI creates tokens for a user).
pub async fn caller_for_email(db: &Db, email: &str) -> Result<Caller, AppError> {
    active_caller(db, UserKey::Email(email.trim().to_lowercase()))
        .await?
        .ok_or_else(|| AppError::field("email", "err.no_such_user"))
}

/// The caller for an active user by id, when work queued by them runs later (a pipeline
/// import finishing on a worker): `None` once the user is deactivated.
pub async fn caller_for_user(db: &Db, user_id: i64) -> Result<Option<Caller>, AppError> {
    active_caller(db, UserKey::Id(user_id)).await
}

/// Counts one request against a token's budget for the current minute. `Ok(Err(seconds))`
/// when the budget is spent: the seconds until the next minute starts. The count is one
/// upsert, so servers sharing the database share the budget.
pub async fn count_hit(
    db: &Db,
    token_id: i64,
    per_minute: u32,
) -> Result<Result<(), u64>, AppError> {
    let t = now();
    let window = t - t.rem_euclid(60);
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO api_rate_windows (token_id, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (token_id, window_start) DO UPDATE SET hits = api_rate_windows.hits + 1 \
         RETURNING hits",
    )
    .bind(token_id)
    .bind(window)
    .fetch_one(&db.pool)
    .await?;
    if hits > i64::from(per_minute) {
        Ok(Err((window + 60 - t).max(1) as u64))
    } else {
        Ok(Ok(()))
    }
}

/// Forgets rate windows that ended; run now and then by the workers.
pub async fn prune_rate_windows(db: &Db) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM api_rate_windows WHERE window_start < $1")
            .bind(now() - 120)
            .execute(&db.pool)
            .await?
            .rows_affected(),
    )
}
