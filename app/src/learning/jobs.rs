//! Learning's background work on the job queue: reminding holders that a credential
//! expires soon, in the app and by email, once per credential, and telling their partner
//! admins in the app (what their tier needs may be at stake).

use super::credentials;
use crate::error::AppError;
use crate::notifications::store::{Notice, notify};
use crate::server::AppState;
use crate::server::jobs::Job;
use crate::server::mail::{self, Mail};

/// Queued every ten minutes by every server with one dedupe key per slot.
pub const REMIND_JOB: &str = "learning.remind";
/// Holders hear this long before their credential expires.
pub const REMIND_BEFORE_SECS: i64 = 30 * 86_400;

/// The job's handler. The payload may carry `now` (tests move the clock); otherwise the
/// server's time.
pub async fn run_remind_job(state: AppState, job: Job) -> Result<(), String> {
    let now = job.payload["now"]
        .as_i64()
        .unwrap_or_else(crate::server::now);
    remind_due(&state, now)
        .await
        .map(|n| {
            if n > 0 {
                tracing::info!(reminded = n, "credential expiry reminders");
            }
        })
        .map_err(|e| e.to_string())
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: String,
    user_id: i64,
    cert_id: i64,
    email: String,
    name: String,
    until: i64,
    org_id: i64,
    holder: String,
}

/// Reminds every holder whose active credential expires within `REMIND_BEFORE_SECS` and
/// who was not reminded yet. Each credential is claimed with a guarded update, so servers
/// running this at once remind once.
pub async fn remind_due(state: &AppState, now: i64) -> Result<usize, AppError> {
    let db = &state.db;
    let due: Vec<DueRow> = sqlx::query_as(
        "SELECT cr.id, cr.user_id, cr.certification_id AS cert_id, cr.holder_email AS email, \
         ce.name, cr.valid_until AS until, cr.org_id, cr.holder_name AS holder \
         FROM credentials cr JOIN certifications ce ON ce.id = cr.certification_id \
         WHERE cr.revoked_at IS NULL AND cr.reminded_at IS NULL \
         AND cr.valid_until > $1 AND cr.valid_until <= $2",
    )
    .bind(now)
    .bind(now + REMIND_BEFORE_SECS)
    .fetch_all(&db.pool)
    .await?;
    let mut n = 0;
    for DueRow {
        id,
        user_id,
        cert_id,
        email,
        name,
        until,
        org_id,
        holder,
    } in due
    {
        let claimed = sqlx::query(
            "UPDATE credentials SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL",
        )
        .bind(now)
        .bind(&id)
        .execute(&db.pool)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let date = credentials::xsd_datetime(until)[..10].to_string();
        notify(
            &db.pool,
            Notice {
                user_id,
                subject_type: "certification",
                subject_id: cert_id,
                kind: "learning.expiring",
                title: &name,
                body: &date,
                link: "/learning",
            },
        )
        .await?;
        let admins: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE org_id = $1 AND role = 'partner_admin' AND active = 1 AND id <> $2",
        )
        .bind(org_id)
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?;
        let team_title = format!("{holder}: {name}");
        for admin in admins {
            notify(
                &db.pool,
                Notice {
                    user_id: admin,
                    subject_type: "certification",
                    subject_id: cert_id,
                    kind: "learning.team_expiring",
                    title: &team_title,
                    body: &date,
                    link: "/learning/reports",
                },
            )
            .await?;
        }
        mail::send(
            state,
            Mail {
                to: email,
                subject: format!("Your certification {name} expires on {date}"),
                body: format!(
                    "Your certification \"{name}\" expires on {date}.\n\nRenew it by passing the exam again: {}/learning\n\nThe credential: {}\n",
                    state.config.public_url,
                    credentials::credential_url(&state.config.public_url, &id)
                ),
                ..Default::default()
            },
        )
        .await?;
        n += 1;
    }
    Ok(n)
}
