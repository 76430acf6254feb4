//! Email. Every message is recorded in the outbox. With `SMTP_URL` set it is queued there
//! and a job of the durable queue delivers it, so a user's action never waits for SMTP and
//! a message survives a restart or an SMTP outage (retried with backoff, then marked
//! failed). Without SMTP it stays in the outbox for vendor admins to read.

use super::AppState;
use super::jobs::{self, Enqueue, Job};
use crate::error::AppError;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// The plain-text part (the only part when `html` is `None`).
    pub body: String,
    /// An HTML alternative.
    pub html: Option<String>,
    /// Shown as the sender's name beside the deployment's address (a partner's brand).
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    /// An HTTPS one-click unsubscribe address (RFC 8058): sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    pub list_unsubscribe: Option<String>,
}

/// The job kind that delivers one outbox message.
pub const SEND_JOB: &str = "mail.send";

/// Records the message and, with SMTP configured, queues its delivery (one transaction).
#[tracing::instrument(skip(state, mail), fields(to = %mail.to), err)]
pub async fn send(state: &AppState, mail: Mail) -> Result<(), AppError> {
    let mut tx = state.db.pool.begin().await?;
    record(&mut tx, state.config.smtp_url.is_some(), &mail).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the message in the caller's transaction (and queues its delivery when `smtp`),
/// so that what made the message and the message commit together, or neither does.
/// Returns the outbox id.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    smtp: bool,
    mail: &Mail,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, status, error, created_at, html, from_name, \
         reply_to, list_unsubscribe) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(if smtp { "queued" } else { "kept" })
    .bind(super::now())
    .bind(mail.html.as_deref())
    .bind(mail.from_name.as_deref())
    .bind(mail.reply_to.as_deref())
    .bind(mail.list_unsubscribe.as_deref())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    if smtp {
        jobs::enqueue(
            &mut **tx,
            SEND_JOB,
            &serde_json::json!({ "outbox_id": id }),
            Enqueue {
                max_attempts: 8,
                ..Enqueue::default()
            },
        )
        .await?;
    }
    Ok(id)
}

/// The handler of `mail.send`: delivers one outbox message. A message already sent is not
/// sent again, so a retried job is harmless.
pub async fn run_send_job(state: AppState, job: Job) -> Result<(), String> {
    let id = job.payload["outbox_id"]
        .as_i64()
        .ok_or("the job names no outbox message")?;
    let db_err = |e: sqlx::Error| e.to_string();
    let Some(row) = sqlx::query(
        "SELECT to_addr, subject, body, status, html, from_name, reply_to, list_unsubscribe \
         FROM outbox WHERE id = $1",
    )
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
        html: row.try_get("html").map_err(db_err)?,
        from_name: row.try_get("from_name").map_err(db_err)?,
        reply_to: row.try_get("reply_to").map_err(db_err)?,
        list_unsubscribe: row.try_get("list_unsubscribe").map_err(db_err)?,
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

/// The message as it goes on the wire. Header values are typed by lettre, which encodes
/// them, so nothing a recipient's name holds can add a header.
pub fn message(from: &str, mail: &Mail) -> Result<Message, String> {
    let mut from: Mailbox = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
    if let Some(name) = &mail.from_name {
        from.name = Some(name.clone());
    }
    let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone());
    if let Some(reply) = &mail.reply_to {
        let reply: Mailbox = reply.parse().map_err(|e| format!("reply-to: {e}"))?;
        builder = builder.reply_to(reply);
    }
    if let Some(url) = &mail.list_unsubscribe {
        if url.contains(['\r', '\n', '>']) {
            return Err("List-Unsubscribe: invalid address".into());
        }
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    match &mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            mail.body.clone(),
            html.clone(),
        )),
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone()),
    }
    .map_err(|e| e.to_string())
}

async fn deliver(url: &str, from: &str, mail: &Mail) -> Result<(), String> {
    let message = message(from, mail)?;
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
