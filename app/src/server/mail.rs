//! Email. Every message is recorded in the outbox; with `SMTP_URL` set it is also sent
//! through SMTP (lettre, rustls), otherwise it stays there for vendor admins to read.

use super::AppState;
use crate::error::AppError;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[tracing::instrument(skip(state, mail), fields(to = %mail.to), err)]
pub async fn send(state: &AppState, mail: Mail) -> Result<(), AppError> {
    let (status, error) = match &state.config.smtp_url {
        None => ("kept", None),
        Some(url) => match deliver(url, &state.config.mail_from, &mail).await {
            Ok(()) => ("sent", None),
            Err(e) => {
                tracing::warn!(error = %e, "smtp delivery failed");
                ("failed", Some(e))
            }
        },
    };
    sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, status, error, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(status)
    .bind(error)
    .bind(super::now())
    .execute(&state.db.pool)
    .await?;
    Ok(())
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
