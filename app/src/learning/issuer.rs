//! The deployment's credential issuer: a `did:web` under the public URL, its Ed25519 keys
//! (the first made on first use, rotated on demand; retired keys stay in the DID document
//! so that what they signed still verifies) and the DID document Trellis serves.
//!
//! Secret keys live in the `issuer_keys` table and leave this module only as a
//! `SigningKey`: no response, log line or export carries them.

use super::di;
use crate::error::AppError;
use crate::server::db::Db;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{Value, json};

/// The issuer's path segment: `did:web:<host>:issuers:trellis`, served at
/// `/issuers/trellis/did.json`.
pub const ISSUER_SLUG: &str = "trellis";

/// The issuer's DID for a public URL: `https://p.example:8443/base` →
/// `did:web:p.example%3A8443:base:issuers:trellis`.
pub fn did_for(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(public_url)
        .trim_end_matches('/');
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut did = format!("did:web:{}", host.replace(':', "%3A"));
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(seg);
    }
    did.push_str(":issuers:");
    did.push_str(ISSUER_SLUG);
    did
}

/// The verification method of key `key_id`.
pub fn method_id(did: &str, key_id: i64) -> String {
    format!("{did}#key-{key_id}")
}

/// The key id in a verification method of this issuer, if it is one.
pub fn key_id_of(did: &str, method: &str) -> Option<i64> {
    method
        .strip_prefix(did)?
        .strip_prefix("#key-")?
        .parse()
        .ok()
}

fn decode_secret(b64: &str) -> Result<SigningKey, AppError> {
    let bytes = STANDARD
        .decode(b64)
        .map_err(|_| crate::error::internal("issuer key unreadable"))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| crate::error::internal("issuer key has the wrong length"))?;
    Ok(SigningKey::from_bytes(&seed))
}

async fn insert_key(db: &Db, now: i64) -> Result<(i64, SigningKey), AppError> {
    let seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO issuer_keys (public_key, secret_key, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(di::public_key_multibase(&key.verifying_key()))
    .bind(STANDARD.encode(seed))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok((id, key))
}

/// The key that signs now: the newest one not retired, made on first use.
pub async fn signing_key(db: &Db, now: i64) -> Result<(i64, SigningKey), AppError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, secret_key FROM issuer_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some((id, secret)) => Ok((id, decode_secret(&secret)?)),
        None => insert_key(db, now).await,
    }
}

/// Makes a new signing key and retires the others; they stay published for verifying.
pub async fn rotate(db: &Db, now: i64) -> Result<i64, AppError> {
    sqlx::query("UPDATE issuer_keys SET retired_at = $1 WHERE retired_at IS NULL")
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(insert_key(db, now).await?.0)
}

/// Every key ever used, oldest first: (id, public key multibase).
pub async fn public_keys(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, public_key FROM issuer_keys ORDER BY id")
            .fetch_all(&db.pool)
            .await?,
    )
}

/// The public key of `key_id`, retired or not.
pub async fn public_key(db: &Db, key_id: i64) -> Result<Option<VerifyingKey>, AppError> {
    let mb: Option<String> = sqlx::query_scalar("SELECT public_key FROM issuer_keys WHERE id = $1")
        .bind(key_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(mb.and_then(|m| di::public_key_from_multibase(&m).ok()))
}

/// The issuer's name: the vendor organisation's.
pub async fn name(db: &Db) -> Result<String, AppError> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM orgs WHERE kind = 'vendor' ORDER BY id LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(name.unwrap_or_else(|| "Trellis".into()))
}

/// The DID document: every key as a `Multikey` controlled by the DID, each listed (as a
/// full DID URL) under `assertionMethod`.
pub async fn did_document(db: &Db, public_url: &str) -> Result<Value, AppError> {
    let did = did_for(public_url);
    // A deployment that has not issued yet still publishes its first key.
    if public_keys(db).await?.is_empty() {
        signing_key(db, crate::server::now()).await?;
    }
    let keys = public_keys(db).await?;
    let methods: Vec<Value> = keys
        .iter()
        .map(|(id, mb)| {
            json!({
                "id": method_id(&did, *id),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": mb,
            })
        })
        .collect();
    let assertion: Vec<Value> = keys
        .iter()
        .map(|(id, _)| Value::String(method_id(&did, *id)))
        .collect();
    Ok(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": assertion,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_from_the_public_url() {
        assert_eq!(
            did_for("https://partners.example.com"),
            "did:web:partners.example.com:issuers:trellis"
        );
        assert_eq!(
            did_for("http://127.0.0.1:3000/"),
            "did:web:127.0.0.1%3A3000:issuers:trellis"
        );
        assert_eq!(
            did_for("https://p.example/prm"),
            "did:web:p.example:prm:issuers:trellis"
        );
    }

    #[test]
    fn method_ids_round_trip() {
        let did = did_for("https://p.example");
        assert_eq!(key_id_of(&did, &method_id(&did, 7)), Some(7));
        assert_eq!(
            key_id_of(&did, "did:web:other.example:issuers:trellis#key-7"),
            None
        );
        assert_eq!(key_id_of(&did, &format!("{did}#key-x")), None);
    }
}
