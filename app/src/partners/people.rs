//! The people of an organisation: the team list, invitations, roles, deactivation and
//! operator-created users. Like `repo.rs`, every function scopes by the `Caller`: a person
//! in an organisation the caller may not see is `NotFound`.

use super::repo::{OrgRow, org_by_slug, visible_org};
use super::*;
use crate::auth::Caller;
use crate::auth::server::{TokenKind, end_user_sessions, issue_token};
use crate::domain::{Email, parse_person_name};
use crate::error::{AppError, Problems, internal};
use crate::i18n::Locale;
use crate::policy::{Action, Actor, OrgAction};
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::mail::{self, Mail};
use crate::server::{AppState, now};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

pub async fn members(db: &Db, caller: &Caller, slug: &str) -> Result<Vec<Member>, AppError> {
    let org = visible_org(db, caller.scope(Action::ViewAllPartners), slug).await?;
    let rows = sqlx::query(
        "SELECT id, name, email, role, active, password_hash IS NULL AS invited FROM users \
         WHERE org_id = $1 ORDER BY LOWER(name), id",
    )
    .bind(org.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(member_from_row).collect()
}

/// A member as stored; `invited` is a count on SQLite and a boolean on Postgres.
#[derive(sqlx::FromRow)]
struct MemberRecord {
    id: i64,
    name: String,
    email: String,
    #[sqlx(try_from = "String")]
    role: crate::domain::Role,
    active: i64,
}

fn member_from_row(r: &AnyRow) -> Result<Member, AppError> {
    let invited: bool = match r.try_get::<i64, _>("invited") {
        Ok(v) => v != 0,
        Err(_) => r.try_get::<bool, _>("invited")?,
    };
    let m = MemberRecord::from_row(r)?;
    Ok(Member {
        id: m.id,
        name: m.name,
        email: m.email,
        role: m.role,
        active: m.active == 1,
        invited,
    })
}

/// Where an email address already has an account, as far as the inviter may know it.
enum EmailUse {
    Free,
    /// Taken, and the inviter may be told so: in the same organisation, or the inviter is
    /// vendor staff who see every organisation anyway.
    Taken,
    /// Taken in an organisation the inviter cannot see. Saying so would tell one partner
    /// who works for another, so the invitation looks sent, nothing is created, and the
    /// address's owner is told instead.
    TakenElsewhere,
}

async fn email_use(
    db: &Db,
    actor: Actor<'_>,
    org: &OrgRow,
    email: Option<&Email>,
) -> Result<EmailUse, AppError> {
    let Some(e) = email else {
        return Ok(EmailUse::Free);
    };
    let Some(row) = sqlx::query("SELECT org_id FROM users WHERE email = $1")
        .bind(e.as_str())
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(EmailUse::Free);
    };
    let owner: i64 = row.try_get(0)?;
    let sees_all = actor.scope(Action::ManagePartners).all();
    Ok(if owner == org.id || sees_all {
        EmailUse::Taken
    } else {
        EmailUse::TakenElsewhere
    })
}

/// The address's owner hears that someone tried to invite them; the inviter learns nothing.
async fn notify_existing_account(
    state: &AppState,
    actor: Actor<'_>,
    org: &OrgRow,
    email: &Email,
    name: &str,
    role: crate::domain::Role,
) -> Result<Member, AppError> {
    let caller = actor.caller();
    audit::record(
        &state.db.pool,
        AuditEvent {
            actor,
            org_id: Some(org.id),
            action: "user.invite_existing_account",
            entity_type: "user",
            entity_id: email.as_str().to_string(),
            before: None,
            after: Some(serde_json::json!({ "org": org.slug, "created": false })),
        },
    )
    .await?;
    let inviter = caller
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "Trellis".into());
    let locale = caller.and_then(|c| c.locale).unwrap_or(Locale::En);
    mail::send(
        state,
        Mail {
            to: email.as_str().to_string(),
            subject: locale
                .text("mail.invite_existing_subject")
                .replace("{org}", &org.name),
            body: locale
                .text("mail.invite_existing_body")
                .replace("{inviter}", &inviter)
                .replace("{org}", &org.name)
                .replace("{link}", &format!("{}/login", state.config.public_url)),
            ..Default::default()
        },
    )
    .await?;
    Ok(Member {
        id: 0,
        name: name.to_string(),
        email: email.as_str().to_string(),
        role,
        active: true,
        invited: true,
    })
}

/// Inserts an active user; without a password hash the user is invited, not yet joined.
async fn insert_user(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    email: &Email,
    name: &str,
    role: crate::domain::Role,
    password_hash: Option<&str>,
) -> Result<i64, AppError> {
    let t = now();
    Ok(sqlx::query(
        "INSERT INTO users (org_id, email, name, role, password_hash, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
    )
    .bind(org_id)
    .bind(email.as_str())
    .bind(name)
    .bind(role.code())
    .bind(password_hash)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

/// A person and the organisation they belong to, if the caller may manage that team.
async fn managed_member(
    db: &Db,
    caller: &Caller,
    user_id: i64,
) -> Result<(OrgRow, Member), AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.name, u.email, u.role, u.active, u.password_hash IS NULL AS invited, o.slug \
         FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let slug: String = row.try_get("slug")?;
    let org = visible_org(db, caller.scope(Action::ViewAllPartners), &slug).await?;
    if !caller.may(OrgAction::ManageTeam, org.owner()) {
        return Err(AppError::Forbidden);
    }
    Ok((org, member_from_row(&row)?))
}

/// Invites a person: creates the user without a password and emails a single-use link.
/// The operator (CLI) may invite into any organisation.
pub async fn invite(
    state: &AppState,
    actor: Actor<'_>,
    input: &InviteInput,
) -> Result<Member, AppError> {
    let db = &state.db;
    let org = visible_org(db, actor.scope(Action::ViewAllPartners), &input.org_slug).await?;
    if !actor.may(OrgAction::ManageTeam, org.owner()) {
        return Err(AppError::Forbidden);
    }
    let caller = actor.caller();
    let mut p = Problems::new();
    let email = p.check("email", Email::parse(&input.email));
    let name = p.check("name", parse_person_name(&input.name));
    let role = p.check(
        "role",
        crate::domain::Role::parse_for_side(&input.role, org.vendor),
    );
    if let (Some(c), Some(r)) = (caller, role)
        && !crate::policy::may_grant(c.role, r)
    {
        p.add("role", "err.choice_invalid");
    }
    let used = email_use(db, actor, &org, email.as_ref()).await?;
    if matches!(used, EmailUse::Taken) {
        p.add("email", "err.email_taken");
    }
    p.into_result()?;
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(internal("validated invite has a missing field"));
    };
    if matches!(used, EmailUse::TakenElsewhere) {
        return notify_existing_account(state, actor, &org, &email, &name, role).await;
    }
    let mut tx = db.pool.begin().await?;
    let user_id = insert_user(&mut tx, org.id, &email, &name, role, None).await?;
    let token = issue_token(
        &mut tx,
        user_id,
        TokenKind::Invite,
        caller.map(|c| c.user_id),
    )
    .await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor,
            org_id: Some(org.id),
            action: "user.invite",
            entity_type: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_str(), "name": name, "role": role.code(), "org": org.slug })),
        },
    )
    .await?;
    tx.commit().await?;
    let locale = caller.and_then(|c| c.locale).unwrap_or(Locale::En);
    let link = format!("{}/invite/{token}", state.config.public_url);
    let inviter = caller
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "Trellis".into());
    mail::send(
        state,
        Mail {
            to: email.as_str().to_string(),
            subject: locale
                .text("mail.invite_subject")
                .replace("{org}", &org.name),
            body: locale
                .text("mail.invite_body")
                .replace("{name}", &name)
                .replace("{inviter}", &inviter)
                .replace("{org}", &org.name)
                .replace("{link}", &link),
            ..Default::default()
        },
    )
    .await?;
    Ok(Member {
        id: user_id,
        name,
        email: email.as_str().to_string(),
        role,
        active: true,
        invited: true,
    })
}

pub async fn change_role(
    db: &Db,
    caller: &Caller,
    user_id: i64,
    role: &str,
) -> Result<(), AppError> {
    let (org, member) = managed_member(db, caller, user_id).await?;
    let role = crate::domain::Role::parse_for_side(role, org.vendor)
        .map_err(|m| AppError::field("role", m))?;
    if user_id == caller.user_id {
        return Err(AppError::field("role", "err.not_self"));
    }
    if !crate::policy::may_grant(caller.role, role) {
        return Err(AppError::field("role", "err.choice_invalid"));
    }
    let mut tx = db.pool.begin().await?;
    sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.code())
        .bind(now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Actor::User(caller),
            org_id: Some(org.id),
            action: "user.change_role",
            entity_type: "user",
            entity_id: user_id.to_string(),
            before: Some(serde_json::json!({ "role": member.role.code() })),
            after: Some(serde_json::json!({ "role": role.code() })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates (ending every session at once) or reactivates a person.
pub async fn set_active(
    db: &Db,
    caller: &Caller,
    user_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let (org, member) = managed_member(db, caller, user_id).await?;
    if user_id == caller.user_id {
        return Err(AppError::field("active", "err.not_self"));
    }
    let mut tx = db.pool.begin().await?;
    sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(if active { 1i64 } else { 0 })
        .bind(now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        end_user_sessions(&mut *tx, user_id).await?;
        // Outstanding invitation and reset links die with the account's access.
        sqlx::query("UPDATE user_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Actor::User(caller),
            org_id: Some(org.id),
            action: if active {
                "user.reactivate"
            } else {
                "user.deactivate"
            },
            entity_type: "user",
            entity_id: user_id.to_string(),
            before: Some(serde_json::json!({ "active": member.active })),
            after: Some(serde_json::json!({ "active": active })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a user with a password (operators and demo data; people normally arrive by
/// invitation). The role is named as on the CLI: `marketer` means the org's side.
pub async fn create_user_with_password(
    db: &Db,
    org_slug: &str,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<i64, AppError> {
    let org = org_by_slug(db, org_slug).await.map_err(|e| match e {
        AppError::NotFound => AppError::field("org", "err.not_found"),
        other => other,
    })?;
    let mut p = Problems::new();
    let email = p.check("email", Email::parse(email));
    let name = p.check("name", parse_person_name(name));
    let role = p.check(
        "role",
        crate::domain::Role::parse_for_side(role, org.vendor),
    );
    p.check("password", crate::domain::check_new_password(password));
    if !matches!(
        email_use(db, Actor::Operator, &org, email.as_ref()).await?,
        EmailUse::Free
    ) {
        p.add("email", "err.email_taken");
    }
    p.into_result()?;
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(internal("validated user has a missing field"));
    };
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || crate::server::security::hash_password(&pw))
        .await
        .map_err(internal)??;
    let mut tx = db.pool.begin().await?;
    let id = insert_user(&mut tx, org.id, &email, &name, role, Some(&hash.0)).await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Actor::Operator,
            org_id: Some(org.id),
            action: "user.create",
            entity_type: "user",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_str(), "name": name, "role": role.code(), "org": org.slug })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An organisation's people who can sign in and those invited who have not yet, and its
/// tier (the home dashboard's team card).
pub async fn team_glance(db: &Db, org_id: i64) -> Result<crate::dashboard::TeamGlance, AppError> {
    let row = sqlx::query(
        "SELECT COUNT(CASE WHEN u.active = 1 AND u.password_hash IS NOT NULL THEN 1 END) AS active, \
         COUNT(CASE WHEN u.active = 1 AND u.password_hash IS NULL THEN 1 END) AS invited, \
         (SELECT o.tier FROM orgs o WHERE o.id = $1) AS tier \
         FROM users u WHERE u.org_id = $1",
    )
    .bind(org_id)
    .fetch_one(&db.pool)
    .await?;
    let tier: Option<String> = row.try_get("tier")?;
    Ok(crate::dashboard::TeamGlance {
        active: row.try_get("active")?,
        invited: row.try_get("invited")?,
        tier: tier.and_then(|t| Tier::parse(&t).ok()),
    })
}

/// Active partner organisations per tier (`None`: no tier), lowest tier first.
pub async fn partners_by_tier(db: &Db) -> Result<Vec<(Option<Tier>, i64)>, AppError> {
    let rows = sqlx::query(
        "SELECT tier, COUNT(*) AS n FROM orgs WHERE kind = 'partner' AND status = 'active' GROUP BY tier",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            let tier: Option<String> = r.try_get("tier")?;
            Ok((tier.and_then(|t| Tier::parse(&t).ok()), r.try_get("n")?))
        })
        .collect::<Result<Vec<(Option<Tier>, i64)>, sqlx::Error>>()?;
    // An unknown stored tier counts as none; merge so each shows once.
    out.sort_by_key(|(t, _)| *t);
    out.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
    Ok(out)
}
