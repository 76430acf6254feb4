//! Signed addresses in campaign mail: the one-click unsubscribe address of a contact and
//! the click-tracking address of a link in one send. Each carries an HMAC-SHA256 made with
//! a key the servers share (made once, on first use, in the database), so a changed
//! address is refused (400) and tracking is never an open redirect.

use crate::error::AppError;
use crate::server::db::Db;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const SECRET: &str = "campaign_links";

/// The shared key: read, or made by the first server that needs it (a second server
/// racing it reads the winner's).
pub async fn key(db: &Db) -> Result<Vec<u8>, AppError> {
    let fresh = crate::server::security::random_token(32);
    sqlx::query(
        "INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(SECRET)
    .bind(&fresh)
    .execute(&db.pool)
    .await?;
    let value: String = sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1")
        .bind(SECRET)
        .fetch_one(&db.pool)
        .await?;
    Ok(value.into_bytes())
}

fn mac(key: &[u8], message: &str) -> String {
    // HMAC takes a key of any length.
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    m.update(message.as_bytes());
    URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
}

fn verify(key: &[u8], message: &str, sig: &str) -> bool {
    crate::server::security::constant_time_eq(mac(key, message).as_bytes(), sig.as_bytes())
}

/// The unsubscribe token of one send (which names the contact and the launch):
/// `{send_id}.{mac}`.
pub fn unsubscribe_token(key: &[u8], send_id: i64) -> String {
    format!("{send_id}.{}", mac(key, &format!("u:{send_id}")))
}

/// The send an unsubscribe token names, if it is genuine.
pub fn unsubscribe_send(key: &[u8], token: &str) -> Option<i64> {
    let (id, sig) = token.split_once('.')?;
    let id: i64 = id.parse().ok()?;
    verify(key, &format!("u:{id}"), sig).then_some(id)
}

/// The open-tracking token of one send: `{send_id}.{mac}` (another purpose than the
/// unsubscribe token, so one cannot stand for the other).
pub fn open_token(key: &[u8], send_id: i64) -> String {
    format!("{send_id}.{}", mac(key, &format!("o:{send_id}")))
}

/// The send an open-tracking token names, if it is genuine.
pub fn open_send(key: &[u8], token: &str) -> Option<i64> {
    let (id, sig) = token.split_once('.')?;
    let id: i64 = id.parse().ok()?;
    verify(key, &format!("o:{id}"), sig).then_some(id)
}

/// The signature of a tracked link of one send.
pub fn click_sig(key: &[u8], send_id: i64, target: &str) -> String {
    mac(key, &format!("c:{send_id}:{target}"))
}

pub fn click_ok(key: &[u8], send_id: i64, target: &str, sig: &str) -> bool {
    verify(key, &format!("c:{send_id}:{target}"), sig)
}

/// The tracking address of `target` in send `send_id`.
pub fn click_url(public_url: &str, key: &[u8], send_id: i64, target: &str) -> String {
    format!(
        "{public_url}/c/{send_id}/{}?u={}",
        click_sig(key, send_id, target),
        crate::domain::url_encode(target)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_tampering_fails() {
        let key = b"k".to_vec();
        let t = unsubscribe_token(&key, 42);
        assert_eq!(unsubscribe_send(&key, &t), Some(42));
        let forged = t.replacen("42.", "43.", 1);
        assert_eq!(unsubscribe_send(&key, &forged), None);
        assert_eq!(unsubscribe_send(b"other", &t), None);
        assert_eq!(unsubscribe_send(&key, "garbage"), None);
        let o = open_token(&key, 42);
        assert_eq!(open_send(&key, &o), Some(42));
        // Each token serves its own purpose only.
        assert_eq!(open_send(&key, &t), None);
        assert_eq!(unsubscribe_send(&key, &o), None);
        let sig = click_sig(&key, 7, "https://a.example/x");
        assert!(click_ok(&key, 7, "https://a.example/x", &sig));
        assert!(!click_ok(&key, 7, "https://evil.example/x", &sig));
        assert!(!click_ok(&key, 8, "https://a.example/x", &sig));
        assert_eq!(crate::domain::url_encode("a b&c"), "a%20b%26c");
    }
}
