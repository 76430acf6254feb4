//! Server side of identity: sessions, throttled sign-in, single-use emailed tokens.

use crate::domain::{Email, Role};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::policy::{Action, role_allows};
use crate::server::db::Db;
use crate::server::security::{dummy_hash, random_token, token_hash, verify_password};
use crate::server::{AppConfig, now};
use sqlx::{Any, Executor, FromRow, Row};

/// The authenticated caller of a request. It comes from the session (or an API token) and
/// never from request arguments.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub org_id: i64,
    pub org_slug: String,
    pub org_name: String,
    pub vendor: bool,
    pub role: Role,
    pub email: String,
    pub name: String,
    pub locale: Option<Locale>,
    pub session_hash: String,
}

/// The columns a caller is read from.
#[derive(sqlx::FromRow)]
struct CallerRecord {
    user_id: i64,
    org_id: i64,
    slug: String,
    org_name: String,
    kind: String,
    #[sqlx(try_from = "String")]
    role: Role,
    email: String,
    name: String,
    locale: Option<String>,
}

impl Caller {
    /// The caller in a row that joins `users u` to `orgs o` and selects the user's id as
    /// `user_id`, `u.org_id, u.email, u.name, u.role, u.locale` and `o.slug, o.name AS
    /// org_name, o.kind` (sessions, API tokens and user lookups all do).
    pub fn from_row(r: &sqlx::any::AnyRow, session_hash: String) -> Result<Caller, AppError> {
        let c = CallerRecord::from_row(r)?;
        Ok(Caller {
            user_id: c.user_id,
            org_id: c.org_id,
            org_slug: c.slug,
            org_name: c.org_name,
            vendor: c.kind == "vendor",
            role: c.role,
            email: c.email,
            name: c.name,
            locale: c.locale.as_deref().and_then(Locale::parse),
            session_hash,
        })
    }

    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if role_allows(self.role, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The caller of the current server function or page render.
pub fn caller() -> Result<Caller, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<Caller>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// Resolves a session cookie to its caller, enforcing the idle and absolute timeouts and the
/// user's active flag. Expired sessions are deleted.
pub async fn load_session(
    db: &Db,
    cfg: &AppConfig,
    cookie: &str,
) -> Result<Option<Caller>, AppError> {
    Ok(load_session_counted(db, cfg, cookie)
        .await?
        .map(|(caller, _)| caller))
}

/// The caller's unread notifications (up to `notifications::UNREAD_CAP`) as counted when
/// the request's session was read: a request extension the session middleware sets, so the
/// header's count costs no query of its own on each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadAtRequest(pub i64);

/// `load_session`, with the caller's unread-notification count read in the same query.
pub async fn load_session_counted(
    db: &Db,
    cfg: &AppConfig,
    cookie: &str,
) -> Result<Option<(Caller, UnreadAtRequest)>, AppError> {
    let hash = token_hash(cookie);
    let row = sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.org_id, u.email, u.name, u.role, \
         u.active, u.locale, o.slug, o.name AS org_name, o.kind, \
         (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = s.user_id \
         AND n.read_at IS NULL LIMIT $2) AS unread_rows) AS unread \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id \
         WHERE s.id_hash = $1",
    )
    .bind(&hash)
    .bind(crate::notifications::UNREAD_CAP)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let t = now();
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    let active: i64 = row.try_get("active")?;
    if active != 1 || t >= expires || t - last_seen > cfg.session_idle_secs {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&hash)
            .execute(&db.pool)
            .await?;
        return Ok(None);
    }
    // Touch at most once a minute to keep writes low.
    if t - last_seen > 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(t)
            .bind(&hash)
            .execute(&db.pool)
            .await?;
    }
    let unread: i64 = row.try_get("unread")?;
    Ok(Some((
        Caller::from_row(&row, hash)?,
        UnreadAtRequest(unread),
    )))
}

/// Failures allowed per (account, IP) in the window before that pair is throttled.
pub const MAX_FAILURES_PER_ACCOUNT_IP: i64 = 5;
/// Failures allowed per IP, across accounts, in the window.
pub const MAX_FAILURES_PER_IP: i64 = 30;
/// Failures allowed per account from IPs it has never signed in from. Known IPs are
/// exempt, so a distributed burst against an account never locks its owner out.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;

#[derive(Debug, PartialEq)]
pub enum SignInError {
    Invalid,
    Throttled,
    Internal(AppError),
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> Self {
        SignInError::Internal(e.into())
    }
}

async fn count(db: &Db, sql: &str, binds: &[&str], since: i64) -> Result<i64, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let row = q.bind(since).fetch_one(&db.pool).await?;
    row.try_get::<i64, _>(0)
}

async fn throttled(db: &Db, email: &str, ip: &str) -> Result<bool, sqlx::Error> {
    let since = now() - THROTTLE_WINDOW_SECS;
    let pair = count(
        db,
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND ip = $2 AND success = 0 AND at > $3",
        &[email, ip],
        since,
    )
    .await?;
    if pair >= MAX_FAILURES_PER_ACCOUNT_IP {
        return Ok(true);
    }
    let per_ip = count(
        db,
        "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND success = 0 AND at > $2",
        &[ip],
        since,
    )
    .await?;
    if per_ip >= MAX_FAILURES_PER_IP {
        return Ok(true);
    }
    let per_account = count(
        db,
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND success = 0 AND at > $2",
        &[email],
        since,
    )
    .await?;
    if per_account >= MAX_FAILURES_PER_ACCOUNT {
        let known = count(
            db,
            "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND ip = $2 AND success = 1 AND at > $3",
            &[email, ip],
            now() - 30 * 24 * 3600,
        )
        .await?;
        return Ok(known == 0);
    }
    Ok(false)
}

async fn record_attempt(db: &Db, email: &str, ip: &str, success: bool) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_attempts (email, ip, success, at) VALUES ($1, $2, $3, $4)")
        .bind(email)
        .bind(ip)
        .bind(if success { 1i64 } else { 0 })
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Checks the credentials and opens a new session (a fresh id: rotation at sign-in).
/// Returns the cookie value. The error never says whether the email exists.
#[tracing::instrument(skip(db, cfg, password))]
pub async fn sign_in(
    db: &Db,
    cfg: &AppConfig,
    email: &str,
    password: &str,
    ip: &str,
    user_agent: &str,
) -> Result<String, SignInError> {
    let email = Email::parse(email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    if email.len() > 254 || password.len() > 1024 {
        return Err(SignInError::Invalid);
    }
    if throttled(db, &email, ip).await? {
        return Err(SignInError::Throttled);
    }
    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await?;
    let (user_id, hash, active) = match &row {
        Some(r) => (
            r.try_get::<i64, _>("id")?,
            r.try_get::<Option<String>, _>("password_hash")?,
            r.try_get::<i64, _>("active")?,
        ),
        None => (0, None, 0),
    };
    let hash_to_check = hash.clone().unwrap_or_else(|| dummy_hash().to_string());
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash_to_check))
        .await
        .unwrap_or(false);
    if !ok || hash.is_none() || active != 1 {
        record_attempt(db, &email, ip, false).await?;
        return Err(SignInError::Invalid);
    }
    record_attempt(db, &email, ip, true).await?;
    let token = create_session(db, cfg, user_id, ip, user_agent).await?;
    Ok(token)
}

pub async fn create_session(
    db: &Db,
    cfg: &AppConfig,
    user_id: i64,
    ip: &str,
    user_agent: &str,
) -> Result<String, sqlx::Error> {
    let token = random_token(32);
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(t)
    .bind(t + cfg.session_absolute_secs)
    .bind(ip)
    .bind(user_agent.chars().take(200).collect::<String>())
    .execute(&db.pool)
    .await?;
    Ok(token)
}

pub async fn end_session(db: &Db, session_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(session_hash)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Ends every session of a user (deactivation, password reset).
pub async fn end_user_sessions<'e, E>(exec: E, user_id: i64) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(exec)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Invite,
    Reset,
}

impl TokenKind {
    pub fn code(self) -> &'static str {
        match self {
            TokenKind::Invite => "invite",
            TokenKind::Reset => "reset",
        }
    }

    pub fn ttl_secs(self) -> i64 {
        match self {
            TokenKind::Invite => 7 * 24 * 3600,
            TokenKind::Reset => 3600,
        }
    }
}

/// Issues a single-use token for an emailed link. Earlier unused tokens of the same kind for
/// the user are revoked, so only the newest link works.
pub async fn issue_token(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    kind: TokenKind,
    created_by: Option<i64>,
) -> Result<String, sqlx::Error> {
    let t = now();
    sqlx::query(
        "UPDATE user_tokens SET used_at = $1 WHERE user_id = $2 AND kind = $3 AND used_at IS NULL",
    )
    .bind(t)
    .bind(user_id)
    .bind(kind.code())
    .execute(&mut *conn)
    .await?;
    let token = random_token(32);
    sqlx::query(
        "INSERT INTO user_tokens (token_hash, kind, user_id, created_by, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(kind.code())
    .bind(user_id)
    .bind(created_by)
    .bind(t + kind.ttl_secs())
    .bind(t)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// The user a live token belongs to, without using it.
pub async fn peek_token(db: &Db, token: &str, kind: TokenKind) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT user_id FROM user_tokens WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash(token))
    .bind(kind.code())
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| r.try_get::<i64, _>(0)).transpose()
}

/// Marks a live token used and returns its user. A second use finds nothing: the update
/// is conditional, so two racing requests cannot both succeed.
pub async fn consume_token<'e, E>(
    exec: E,
    token: &str,
    kind: TokenKind,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let hash = token_hash(token);
    let row = sqlx::query(
        "UPDATE user_tokens SET used_at = $1 WHERE token_hash = $2 AND kind = $3 \
         AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now())
    .bind(&hash)
    .bind(kind.code())
    .fetch_optional(exec)
    .await?;
    row.map(|r| r.try_get::<i64, _>(0)).transpose()
}
