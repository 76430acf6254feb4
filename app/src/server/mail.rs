//! Email. Every message is recorded in the outbox. With `SMTP_URL` set it is queued there
//! and a job of the durable queue delivers it, so a user's action never waits for SMTP and
//! a message survives a restart or an SMTP outage (retried with backoff, then marked
//! failed). Without SMTP it stays in the outbox for vendor admins to read.

use super::AppState;
use super::jobs::{self, Enqueue, Job};
use crate::error::AppError;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;
use std::time::Duration;

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The job kind that delivers one outbox message.
pub const SEND_JOB: &str = "mail.send";

/// Records the message and, with SMTP configured, queues its delivery (one transaction).
#[tracing::instrument(skip(state, mail), fields(to = %mail.to), err)]
pub async fn send(state: &AppState, mail: Mail) -> Result<(), AppError> {
    let smtp = state.config.smtp_url.is_some();
    let mut tx = state.db.pool.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, status, error, created_at) \
         VALUES ($1, $2, $3, $4, NULL, $5) RETURNING id",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(if smtp { "queued" } else { "kept" })
    .bind(super::now())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    if smtp {
        jobs::enqueue(
            &mut *tx,
            SEND_JOB,
            &serde_json::json!({ "outbox_id": id }),
            Enqueue {
                max_attempts: 8,
                ..Enqueue::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The handler of `mail.send`: delivers one outbox message. A message already sent is not
/// sent again, so a retried job is harmless.
pub async fn run_send_job(state: AppState, job: Job) -> Result<(), String> {
    let id = job.payload["outbox_id"]
        .as_i64()
        .ok_or("the job names no outbox message")?;
    let db_err = |e: sqlx::Error| e.to_string();
    let Some(row) = sqlx::query("SELECT to_addr, subject, body, status FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(db_err)?
    else {
        return Ok(());
    };
    let status: String = row.try_get("status").map_err(db_err)?;
    if status == "sent" {
        return Ok(());
    }
    let Some(url) = state.config.smtp_url.as_deref() else {
        return Err("SMTP_URL is not set on the server that ran this job".into());
    };
    let mail = Mail {
        to: row.try_get("to_addr").map_err(db_err)?,
        subject: row.try_get("subject").map_err(db_err)?,
        body: row.try_get("body").map_err(db_err)?,
    };
    let result = deliver(url, &state.config.mail_from, &mail).await;
    let (status, error) = match &result {
        Ok(()) => ("sent", None),
        Err(e) if job.last_attempt() => ("failed", Some(e.clone())),
        Err(e) => ("queued", Some(e.clone())),
    };
    sqlx::query("UPDATE outbox SET status = $1, error = $2 WHERE id = $3")
        .bind(status)
        .bind(error)
        .bind(id)
        .execute(&state.db.pool)
        .await
        .map_err(db_err)?;
    result
}

async fn deliver(url: &str, from: &str, mail: &Mail) -> Result<(), String> {
    let from: Mailbox = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
    let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("SMTP_URL: {e}"))?
        .timeout(Some(Duration::from_secs(10)))
        .build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
