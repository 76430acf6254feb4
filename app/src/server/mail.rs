//! Email. Every message is recorded in the outbox. With `SMTP_URL` set it is queued there
//! and a job of the durable queue delivers it, so a user's action never waits for SMTP and
//! a message survives a restart or an SMTP outage (retried with backoff, then marked
//! failed). Without SMTP it stays in the outbox for vendor admins to read.

use super::AppState;
use super::jobs::{self, Enqueue, Job};
use crate::error::AppError;
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use sqlx::Row;

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

impl Mail {
    /// A message as the outbox holds it.
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Mail, sqlx::Error> {
        Ok(Mail {
            to: row.try_get("to_addr")?,
            subject: row.try_get("subject")?,
            body: row.try_get("body")?,
            html: row.try_get("html")?,
            from_name: row.try_get("from_name")?,
            reply_to: row.try_get("reply_to")?,
            list_unsubscribe: row.try_get("list_unsubscribe")?,
        })
    }
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

/// Inserts a message into the outbox with `status`; returns its id.
async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    status: &str,
    mail: &Mail,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, status, error, created_at, html, from_name, \
         reply_to, list_unsubscribe, claimed_at) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9, $5) \
         RETURNING id",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(status)
    .bind(now)
    .bind(mail.html.as_deref())
    .bind(mail.from_name.as_deref())
    .bind(mail.reply_to.as_deref())
    .bind(mail.list_unsubscribe.as_deref())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

/// Records the message in the caller's transaction (and queues its delivery when `smtp`),
/// so that what made the message and the message commit together, or neither does.
/// Returns the outbox id.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    smtp: bool,
    mail: &Mail,
) -> Result<i64, AppError> {
    let id = insert(tx, if smtp { "queued" } else { "kept" }, mail, super::now()).await?;
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
    let mail = Mail::from_row(&row).map_err(db_err)?;
    let result = deliver(url, &state.config.mail_from, &mail).await;
    let (status, error) = match &result {
        Ok(()) => ("sent", None),
        // The recipient's server refused it for good (5xx): recorded, not retried.
        Err(Failure::Refused(e)) => ("failed", Some(e.clone())),
        Err(Failure::Later(e)) if job.last_attempt() => ("failed", Some(e.clone())),
        Err(Failure::Later(e)) => ("queued", Some(e.clone())),
    };
    sqlx::query("UPDATE outbox SET status = $1, error = $2 WHERE id = $3")
        .bind(status)
        .bind(error)
        .bind(id)
        .execute(&state.db.pool)
        .await
        .map_err(db_err)?;
    match result {
        Ok(()) | Err(Failure::Refused(_)) => Ok(()),
        Err(Failure::Later(e)) => Err(e),
    }
}

/// Why a message did not go: refused for good (the address or the content), or worth
/// another try later (the connection, a 4xx answer).
pub enum Failure {
    Refused(String),
    Later(String),
}

/// Records a message that the caller delivers itself right after committing
/// ([`deliver_batch`]): `sending`, claimed at `now` (the caller's clock), with SMTP; `kept` without. A message whose
/// deliverer stopped is found again by [`reclaim`]. Returns the outbox id.
pub async fn record_for_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    smtp: bool,
    mail: &Mail,
    now: i64,
) -> Result<i64, AppError> {
    insert(tx, if smtp { "sending" } else { "kept" }, mail, now).await
}

/// How long a batch's messages stay with their deliverer before another may take them.
pub const BATCH_LEASE_SECS: i64 = 600;

/// Takes over messages of `ids` left `sending` by a deliverer that stopped (claimed more
/// than [`BATCH_LEASE_SECS`] ago); returns those this caller now owns.
pub async fn reclaim(
    db: &crate::server::db::Db,
    ids: &[i64],
    now: i64,
) -> Result<Vec<i64>, AppError> {
    let mut owned = Vec::new();
    for id in ids {
        let done = sqlx::query(
            "UPDATE outbox SET claimed_at = $1 WHERE id = $2 AND status = 'sending' AND claimed_at < $3",
        )
        .bind(now)
        .bind(id)
        .bind(now - BATCH_LEASE_SECS)
        .execute(&db.pool)
        .await?;
        if done.rows_affected() == 1 {
            owned.push(*id);
        }
    }
    Ok(owned)
}

/// Delivers messages this caller owns (`sending`) over pooled SMTP connections,
/// `TRELLIS_SMTP_CONNECTIONS` at a time. Each ends `sent`, `failed` (refused for good, with the answer) or back in
/// the queue with a `mail.send` job (a passing fault: retried with backoff). Returns how
/// many were accepted by the relay.
pub async fn deliver_batch(state: &AppState, ids: &[i64]) -> Result<usize, AppError> {
    let mut mails = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let rows = sqlx::query(&format!(
            "SELECT id, to_addr, subject, body, html, from_name, reply_to, list_unsubscribe \
             FROM outbox WHERE status = 'sending' AND id IN ({list})"
        ))
        .fetch_all(&state.db.pool)
        .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            mails.push((id, Mail::from_row(&row)?));
        }
    }
    deliver_mails(state, mails).await
}

/// [`deliver_batch`] for messages the caller has in hand (each with its outbox id).
pub async fn deliver_mails(state: &AppState, mails: Vec<(i64, Mail)>) -> Result<usize, AppError> {
    let Some(url) = state.config.smtp_url.as_deref() else {
        return Ok(0);
    };
    if mails.is_empty() {
        return Ok(0);
    }
    let connections = state.config.smtp_connections.max(1);
    let relay = super::relay::Relay::new(url, connections).map_err(crate::error::internal)?;
    let results = relay
        .send_all(&state.config.mail_from, mails, connections)
        .await;
    let sent: Vec<i64> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(id, _)| *id)
        .collect();
    for chunk in sent.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(&format!(
            "UPDATE outbox SET status = 'sent', error = NULL WHERE status = 'sending' AND id IN ({list})"
        ))
        .execute(&state.db.pool)
        .await?;
    }
    for (id, r) in &results {
        match r {
            Ok(()) => {}
            Err(Failure::Refused(e)) => {
                sqlx::query("UPDATE outbox SET status = 'failed', error = $1 WHERE id = $2 AND status = 'sending'")
                    .bind(e)
                    .bind(id)
                    .execute(&state.db.pool)
                    .await?;
            }
            Err(Failure::Later(e)) => {
                let mut tx = state.db.pool.begin().await?;
                let back = sqlx::query("UPDATE outbox SET status = 'queued', error = $1 WHERE id = $2 AND status = 'sending'")
                    .bind(e)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if back.rows_affected() == 1 {
                    jobs::enqueue(
                        &mut *tx,
                        SEND_JOB,
                        &serde_json::json!({ "outbox_id": id }),
                        Enqueue {
                            run_at: Some(super::now() + 30),
                            max_attempts: 8,
                            ..Enqueue::default()
                        },
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
    }
    Ok(sent.len())
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

async fn deliver(url: &str, from: &str, mail: &Mail) -> Result<(), Failure> {
    let relay = super::relay::Relay::new(url, 1).map_err(Failure::Later)?;
    relay
        .send_all(from, vec![(0, mail.clone())], 1)
        .await
        .pop()
        .map_or(Ok(()), |(_, r)| r)
}
