//! Certifications and the credentials issued for them: issuing on a passed final exam
//! (and again at renewal), lists within the caller's reach, revocation, and the public
//! view of one credential.

use super::credentials::{self, Claim};
use super::{CredentialSummary, PublicCredential, issuer, linkedin_url};
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::{Action, Actor, role_allows};
use crate::server::AppState;
use crate::server::db::Db;

/// A credential can be renewed (by passing the exam again) this long before it expires.
pub const RENEWAL_WINDOW_SECS: i64 = 90 * 86_400;
/// The longest revocation reason, in characters.
pub const MAX_REASON: usize = 500;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificationRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub course_id: i64,
    pub validity_days: i64,
    pub tier_requirements: String,
}

pub async fn certification_of_course(
    db: &Db,
    course_id: i64,
) -> Result<Option<CertificationRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, description, criteria, course_id, validity_days, tier_requirements \
         FROM certifications \
         WHERE course_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(course_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The newest unrevoked credential `user_id` holds for `certification_id`: (id, valid_until).
async fn current(
    db: &Db,
    user_id: i64,
    certification_id: i64,
) -> Result<Option<(String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, valid_until FROM credentials WHERE user_id = $1 AND certification_id = $2 \
         AND revoked_at IS NULL ORDER BY valid_until DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(certification_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Whether a user who passed this course's exam may take it again: its certification's
/// credential is missing, revoked, expired or inside the renewal window.
pub async fn renewal_due(
    db: &Db,
    user_id: i64,
    course_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let Some(cert) = certification_of_course(db, course_id).await? else {
        return Ok(false);
    };
    Ok(match current(db, user_id, cert.id).await? {
        Some((_, until)) => until - now <= RENEWAL_WINDOW_SECS,
        None => true,
    })
}

/// After a pass: issues the course's certification unless a credential that is not yet
/// due for renewal is held. Returns the credential now held, if any.
pub async fn on_pass(
    state: &AppState,
    c: &Caller,
    course_id: i64,
    now: i64,
) -> Result<Option<String>, AppError> {
    let Some(cert) = certification_of_course(&state.db, course_id).await? else {
        return Ok(None);
    };
    if let Some((id, until)) = current(&state.db, c.user_id, cert.id).await?
        && until - now > RENEWAL_WINDOW_SECS
    {
        return Ok(Some(id));
    }
    let holder = Holder {
        user_id: c.user_id,
        org_id: c.org_id,
        name: c.name.clone(),
        email: c.email.clone(),
    };
    let id = issue(&state.db, &state.config.public_url, &cert, &holder, now).await?;
    let activity = super::xapi::Activity {
        id: format!("{}/certifications/{}", state.config.public_url, cert.id),
        name: cert.name.clone(),
        kind: super::xapi::CERTIFICATION,
    };
    super::xapi::record(state, c, super::xapi::EARNED, activity, None, now).await?;
    Ok(Some(id))
}

pub struct Holder {
    pub user_id: i64,
    pub org_id: i64,
    pub name: String,
    pub email: String,
}

/// Issues a signed credential. The status list index is the next free one; two servers
/// issuing at once are told apart by the unique index and the loser takes the next.
pub async fn issue(
    db: &Db,
    public_url: &str,
    cert: &CertificationRow,
    holder: &Holder,
    now: i64,
) -> Result<String, AppError> {
    let issuer_name = issuer::name(db).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let valid_until = now + cert.validity_days * 86_400;
    for _ in 0..5 {
        let index: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(status_index), -1) + 1 FROM credentials")
                .fetch_one(&db.pool)
                .await?;
        if index as usize >= credentials::STATUS_LIST_BITS {
            return Err(crate::error::internal("the status list is full"));
        }
        let claim = Claim {
            id: &id,
            certification_id: cert.id,
            achievement: &cert.name,
            description: &cert.description,
            criteria: &cert.criteria,
            holder_name: &holder.name,
            holder_email: &holder.email,
            issuer_name: &issuer_name,
            issued_at: now,
            valid_until,
            status_index: index,
        };
        let doc = credentials::document(public_url, &claim, &credentials::salt());
        let (key_id, signed) = credentials::sign(db, public_url, &doc, now).await?;
        let inserted = sqlx::query(
            "INSERT INTO credentials (id, certification_id, user_id, org_id, holder_name, holder_email, \
             status_index, key_id, issued_at, valid_until, document) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(cert.id)
        .bind(holder.user_id)
        .bind(holder.org_id)
        .bind(&holder.name)
        .bind(&holder.email)
        .bind(index)
        .bind(key_id)
        .bind(now)
        .bind(valid_until)
        .bind(signed.to_string())
        .execute(&db.pool)
        .await;
        match inserted {
            Ok(_) => return Ok(id),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("credential.busy".into()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct CredentialRow {
    id: String,
    certification: String,
    holder_name: String,
    holder_email: String,
    org_name: String,
    issued_at: i64,
    valid_until: i64,
    revoked_at: Option<i64>,
    revoked_reason: Option<String>,
}

const LIST_SQL: &str = "SELECT cr.id, ce.name AS certification, cr.holder_name, cr.holder_email, \
     o.name AS org_name, cr.issued_at, cr.valid_until, cr.revoked_at, cr.revoked_reason \
     FROM credentials cr JOIN certifications ce ON ce.id = cr.certification_id \
     JOIN orgs o ON o.id = cr.org_id";

fn summary(r: CredentialRow, public_url: &str, issuer_name: &str, now: i64) -> CredentialSummary {
    let url = credentials::credential_url(public_url, &r.id);
    CredentialSummary {
        linkedin_url: linkedin_url(
            &r.certification,
            issuer_name,
            r.issued_at,
            r.valid_until,
            &r.id,
            &url,
        ),
        status: credentials::status_of(r.revoked_at.is_some(), r.valid_until, now),
        id: r.id,
        certification: r.certification,
        holder_name: r.holder_name,
        holder_email: r.holder_email,
        org_name: r.org_name,
        issued_at: r.issued_at,
        valid_until: r.valid_until,
        revoked_reason: r.revoked_reason,
        url,
    }
}

/// Whose credentials a caller may list: every partner's for vendor staff who read all
/// learning, the organisation's for a partner admin (their team), else their own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    All,
    Org(i64),
    User(i64),
}

pub fn reach(c: &Caller) -> Reach {
    let scope = c.scope(Action::ViewAllLearning);
    if scope.all() {
        Reach::All
    } else if role_allows(c.role, Action::ManageOwnTeam) && !c.vendor {
        Reach::Org(c.org_id)
    } else {
        Reach::User(c.user_id)
    }
}

/// Credentials within `reach`, newest first; `only_user` narrows to one person's own.
pub async fn list(
    db: &Db,
    public_url: &str,
    reach: Reach,
    now: i64,
) -> Result<Vec<CredentialSummary>, AppError> {
    let (cond, bind) = match reach {
        Reach::All => ("$1 = 0", 0),
        Reach::Org(id) => ("cr.org_id = $1", id),
        Reach::User(id) => ("cr.user_id = $1", id),
    };
    let rows: Vec<CredentialRow> = sqlx::query_as(&format!(
        "{LIST_SQL} WHERE {cond} ORDER BY cr.issued_at DESC, cr.id LIMIT 1000"
    ))
    .bind(bind)
    .fetch_all(&db.pool)
    .await?;
    let issuer_name = issuer::name(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| summary(r, public_url, &issuer_name, now))
        .collect())
}

/// Revokes a credential at once: its status list bit flips on the next read of the list.
pub async fn revoke(
    db: &Db,
    actor: Actor<'_>,
    id: &str,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    actor.require(Action::RevokeCredentials)?;
    let reason = crate::domain::parse_optional_text(reason, MAX_REASON)
        .map_err(|key| AppError::field("reason", key))?;
    if reason.is_empty() {
        return Err(AppError::field("reason", "err.required"));
    }
    let org: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT org_id, revoked_at FROM credentials WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((org_id, revoked_at)) = org else {
        return Err(AppError::NotFound);
    };
    if revoked_at.is_some() {
        return Err(AppError::Conflict("credential.already_revoked".into()));
    }
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE credentials SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(&reason)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    crate::server::audit::record(
        &mut *tx,
        crate::server::audit::AuditEvent {
            actor,
            org_id: Some(org_id),
            action: "credential.revoke",
            entity_type: "credential",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Issues a certification to a partner user by hand (an operator's script, a migration
/// from another system): vendor admins only. Refused when the person holds a credential
/// for it that is not due for renewal. Returns the credential's id.
pub async fn issue_by_hand(
    db: &Db,
    public_url: &str,
    actor: Actor<'_>,
    certification_id: i64,
    holder_email: &str,
    now: i64,
) -> Result<String, AppError> {
    actor.require(Action::RevokeCredentials)?;
    let mut p = crate::error::Problems::new();
    let cert: Option<CertificationRow> = sqlx::query_as(
        "SELECT id, name, description, criteria, course_id, validity_days, tier_requirements \
         FROM certifications WHERE id = $1",
    )
    .bind(certification_id)
    .fetch_optional(&db.pool)
    .await?;
    if cert.is_none() {
        p.add("certification_id", "err.not_found");
    }
    let email = holder_email.trim().to_lowercase();
    let holder: Option<(i64, i64, String, String)> = if email.is_empty() || email.len() > 320 {
        None
    } else {
        sqlx::query_as(
            "SELECT u.id, u.org_id, u.name, u.email FROM users u JOIN orgs o ON o.id = u.org_id \
             WHERE LOWER(u.email) = $1 AND u.active = 1 AND o.kind = 'partner'",
        )
        .bind(&email)
        .fetch_optional(&db.pool)
        .await?
    };
    if holder.is_none() {
        p.add("holder_email", "err.partner_user_not_found");
    }
    p.into_result()?;
    let (Some(cert), Some((user_id, org_id, name, email))) = (cert, holder) else {
        return Err(AppError::NotFound);
    };
    if let Some((_, until)) = current(db, user_id, cert.id).await?
        && until - now > RENEWAL_WINDOW_SECS
    {
        return Err(AppError::Conflict("credential.already_held".into()));
    }
    let holder = Holder {
        user_id,
        org_id,
        name,
        email,
    };
    let id = issue(db, public_url, &cert, &holder, now).await?;
    crate::server::audit::record(
        &db.pool,
        crate::server::audit::AuditEvent {
            actor,
            org_id: Some(org_id),
            action: "credential.issue",
            entity_type: "credential",
            entity_id: id.clone(),
            before: None,
            after: Some(serde_json::json!({ "certification": cert.name, "holder": holder.email })),
        },
    )
    .await?;
    Ok(id)
}

/// Every certification as JSON objects (public facts about the programme).
pub async fn certifications(db: &Db) -> Result<Vec<serde_json::Value>, AppError> {
    let rows: Vec<CertificationRow> = sqlx::query_as(
        "SELECT id, name, description, criteria, course_id, validity_days, tier_requirements \
         FROM certifications ORDER BY name, id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "name": r.name,
                "description": r.description,
                "criteria": r.criteria,
                "course_id": r.course_id,
                "validity_days": r.validity_days,
                "tier_requirements": r.tier_requirements,
            })
        })
        .collect())
}

/// The signed credential as issued, byte for byte; public.
pub async fn document(db: &Db, id: &str) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT document FROM credentials WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The public page's view of a credential, verified now: the signature against the
/// issuer's key, then revocation and expiry.
pub async fn public_view(
    db: &Db,
    public_url: &str,
    id: &str,
    now: i64,
) -> Result<PublicCredential, AppError> {
    let row: Option<(String, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT document, holder_name, issued_at, valid_until, revoked_at \
         FROM credentials WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((text, holder_name, issued_at, valid_until, revoked_at)) = row else {
        return Err(AppError::NotFound);
    };
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| crate::error::internal("stored credential unreadable"))?;
    let signature_ok = credentials::signature_holds(db, public_url, &doc).await?;
    let status = credentials::status_of(revoked_at.is_some(), valid_until, now);
    let achievement = &doc["credentialSubject"]["achievement"];
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let url = credentials::credential_url(public_url, id);
    let issuer_name = s(&doc["issuer"]["name"]);
    Ok(PublicCredential {
        id: id.to_string(),
        holder_name,
        achievement: s(&achievement["name"]),
        description: s(&achievement["description"]),
        criteria: s(&achievement["criteria"]["narrative"]),
        linkedin_url: linkedin_url(
            &s(&achievement["name"]),
            &issuer_name,
            issued_at,
            valid_until,
            id,
            &url,
        ),
        issuer_name,
        issuer_id: s(&doc["issuer"]["id"]),
        issued_at,
        valid_until,
        verification: credentials::verdict(signature_ok, status),
        revoked_at,
        json_url: format!("{url}?format=json"),
    })
}
