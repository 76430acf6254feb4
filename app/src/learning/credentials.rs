//! Open Badges 3.0 credentials: the `OpenBadgeCredential` document for a certification,
//! signed with the issuer's key (`eddsa-rdfc-2022`), its revocation through a
//! `BitstringStatusList` that Trellis serves signed, and checking one now.

use super::{CredentialStatus, Verification, di, issuer};
use crate::error::AppError;
use crate::server::db::Db;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;

/// Bits in the status list: 16 KiB, the specification's minimum, so that one index says
/// little about when a credential was issued.
pub const STATUS_LIST_BITS: usize = 131_072;
/// The one status list (`/credentials/status/1`).
pub const STATUS_LIST_ID: i64 = 1;
pub const SCHEMA_URL: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

/// An XML Schema `dateTime` in UTC with whole seconds: `2026-12-02T10:00:00Z`.
pub fn xsd_datetime(epoch: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(epoch)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub fn credential_url(public_url: &str, id: &str) -> String {
    format!("{public_url}/credentials/{id}")
}

pub fn status_list_url(public_url: &str) -> String {
    format!("{public_url}/credentials/status/{STATUS_LIST_ID}")
}

/// What a credential says, before it is signed.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    pub id: &'a str,
    pub certification_id: i64,
    pub achievement: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub holder_name: &'a str,
    pub holder_email: &'a str,
    pub issuer_name: &'a str,
    pub issued_at: i64,
    pub valid_until: i64,
    pub status_index: i64,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The unsigned `OpenBadgeCredential`. The holder is named, and identified by a salted
/// hash of their email address, so the credential travels with them and not with a
/// mailbox.
pub fn document(public_url: &str, c: &Claim<'_>, salt: &str) -> Value {
    let did = issuer::did_for(public_url);
    let email_hash = hex(&Sha256::digest(
        format!("{}{salt}", c.holder_email.to_lowercase()).as_bytes(),
    ));
    let list = status_list_url(public_url);
    json!({
        "@context": [di::CREDENTIALS_V2, di::OB_V3P0],
        "id": credential_url(public_url, c.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": c.achievement,
        "issuer": {
            "id": did,
            "type": ["Profile"],
            "name": c.issuer_name,
            "url": public_url,
        },
        "validFrom": xsd_datetime(c.issued_at),
        "validUntil": xsd_datetime(c.valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": false,
                    "identityHash": c.holder_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": true,
                    "identityHash": format!("sha256${email_hash}"),
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": format!("{public_url}/certifications/{}", c.certification_id),
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": c.achievement,
                "description": c.description,
                "criteria": { "narrative": c.criteria },
            },
        },
        "credentialSchema": [{ "id": SCHEMA_URL, "type": "JsonSchema" }],
        "credentialStatus": {
            "id": format!("{list}#{}", c.status_index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": c.status_index.to_string(),
            "statusListCredential": list,
        },
    })
}

/// Signs `doc` with the current issuer key; returns the key's id and the signed document.
pub async fn sign(
    db: &Db,
    public_url: &str,
    doc: &Value,
    now: i64,
) -> Result<(i64, Value), AppError> {
    let (key_id, key) = issuer::signing_key(db, now).await?;
    let method = issuer::method_id(&issuer::did_for(public_url), key_id);
    let signed = di::sign(doc, &key, &method, &xsd_datetime(now))
        .map_err(|e| crate::error::internal(format!("signing failed: {e}")))?;
    Ok((key_id, signed))
}

/// The signature check of a stored credential: its proof's key must be one of this
/// issuer's, and the document must be what that key signed.
pub async fn signature_holds(db: &Db, public_url: &str, doc: &Value) -> Result<bool, AppError> {
    let did = issuer::did_for(public_url);
    let Some(key_id) = di::proof_method(doc)
        .ok()
        .and_then(|m| issuer::key_id_of(&did, &m))
    else {
        return Ok(false);
    };
    // A signature check is a pure function of the document and the key (a key id never
    // names another key), and a public page may be asked for often: remember recent
    // answers in this process, before any database read.
    let memo_key = format!(
        "{}:{key_id}",
        hex(&Sha256::digest(doc.to_string().as_bytes()))
    );
    if let Some(ok) = VERIFIED.lock().ok().and_then(|m| m.get(&memo_key).copied()) {
        return Ok(ok);
    }
    let ok = match issuer::public_key(db, key_id).await? {
        Some(key) => di::verify(doc, &key).is_ok(),
        None => false,
    };
    if let Ok(mut m) = VERIFIED.lock() {
        if m.len() >= VERIFIED_MAX {
            m.clear();
        }
        m.insert(memo_key, ok);
    }
    Ok(ok)
}

/// Recent signature checks: (document hash, key id) → verified. Bounded; cleared when full.
static VERIFIED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, bool>>> =
    std::sync::LazyLock::new(Default::default);
const VERIFIED_MAX: usize = 10_000;

/// The status from the dates and revocation alone.
pub fn status_of(revoked: bool, valid_until: i64, now: i64) -> CredentialStatus {
    if revoked {
        CredentialStatus::Revoked
    } else if valid_until <= now {
        CredentialStatus::Expired
    } else {
        CredentialStatus::Active
    }
}

/// The verdict the public page shows: the signature first, then revocation and expiry.
pub fn verdict(signature_ok: bool, status: CredentialStatus) -> Verification {
    match (signature_ok, status) {
        (false, _) => Verification::Invalid,
        (true, CredentialStatus::Revoked) => Verification::Revoked,
        (true, CredentialStatus::Expired) => Verification::Expired,
        (true, CredentialStatus::Active) => Verification::Valid,
    }
}

/// The status list's `encodedList`: the bitstring (index 0 is the most significant bit of
/// the first byte) GZIP-compressed, as multibase base64url without padding.
pub fn encode_list(revoked: &[i64]) -> Result<String, AppError> {
    let mut bits = vec![0u8; STATUS_LIST_BITS / 8];
    for &i in revoked {
        if i >= 0 && (i as usize) < STATUS_LIST_BITS {
            bits[i as usize / 8] |= 0x80 >> (i as usize % 8);
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bits)
        .and_then(|_| gz.finish())
        .map(|z| format!("u{}", URL_SAFE_NO_PAD.encode(z)))
        .map_err(|e| crate::error::internal(format!("status list: {e}")))
}

/// The bit of `index` in an `encodedList` (for tests and for checking our own output).
pub fn decode_bit(encoded: &str, index: usize) -> Option<bool> {
    use std::io::Read;
    let z = URL_SAFE_NO_PAD.decode(encoded.strip_prefix('u')?).ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(&z[..])
        .read_to_end(&mut bits)
        .ok()?;
    bits.get(index / 8).map(|b| b & (0x80 >> (index % 8)) != 0)
}

/// The signed `BitstringStatusListCredential`, built from the database at each request,
/// so a revocation shows at once.
pub async fn status_list(db: &Db, public_url: &str, now: i64) -> Result<Value, AppError> {
    let revoked: Vec<i64> =
        sqlx::query_scalar("SELECT status_index FROM credentials WHERE revoked_at IS NOT NULL")
            .fetch_all(&db.pool)
            .await?;
    let url = status_list_url(public_url);
    let doc = json!({
        "@context": [di::CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer::did_for(public_url),
        "validFrom": xsd_datetime(now),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(&revoked)?,
        },
    });
    Ok(sign(db, public_url, &doc, now).await?.1)
}

/// A random salt for the holder's email hash.
pub fn salt() -> String {
    hex(&rand::random::<[u8; 16]>())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_second_utc() {
        assert_eq!(xsd_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(xsd_datetime(1_764_669_600), "2025-12-02T10:00:00Z");
    }

    #[test]
    fn status_bits_are_big_endian_and_gzipped() {
        let enc = encode_list(&[0, 9, 131_071]).unwrap();
        assert!(enc.starts_with('u'));
        for (i, want) in [
            (0, true),
            (1, false),
            (8, false),
            (9, true),
            (131_071, true),
            (131_070, false),
        ] {
            assert_eq!(decode_bit(&enc, i), Some(want), "bit {i}");
        }
        // 16 KiB of mostly zeros compresses to a few dozen bytes.
        assert!(enc.len() < 200, "{}", enc.len());
    }

    #[test]
    fn the_document_has_the_ob3_shape() {
        let c = Claim {
            id: "c-1",
            certification_id: 3,
            achievement: "Certified Seller",
            description: "Sells well",
            criteria: "Pass the exam",
            holder_name: "Ada",
            holder_email: "ada@example.com",
            issuer_name: "Vendor",
            issued_at: 0,
            valid_until: 86_400,
            status_index: 5,
        };
        let d = document("https://p.example", &c, "abc");
        assert_eq!(d["id"], "https://p.example/credentials/c-1");
        assert!(d["type"].is_array() && d["credentialSchema"].is_array());
        assert_eq!(d["issuer"]["id"], "did:web:p.example:issuers:trellis");
        assert_eq!(d["validUntil"], "1970-01-02T00:00:00Z");
        assert_eq!(d["credentialStatus"]["statusListIndex"], "5");
        assert_eq!(
            d["credentialSubject"]["achievement"]["criteria"]["narrative"],
            "Pass the exam"
        );
        let hash = d["credentialSubject"]["identifier"][1]["identityHash"]
            .as_str()
            .unwrap();
        assert_eq!(
            hash,
            format!("sha256${}", hex(&Sha256::digest(b"ada@example.comabc")))
        );
        // It canonicalises with the pinned contexts alone.
        assert!(di::canonicalize(&d).unwrap().lines().count() > 20);
    }

    #[test]
    fn verdicts() {
        assert_eq!(status_of(false, 10, 5), CredentialStatus::Active);
        assert_eq!(status_of(false, 10, 10), CredentialStatus::Expired);
        assert_eq!(status_of(true, 10, 5), CredentialStatus::Revoked);
        assert_eq!(
            verdict(false, CredentialStatus::Active),
            Verification::Invalid
        );
        assert_eq!(
            verdict(true, CredentialStatus::Revoked),
            Verification::Revoked
        );
    }
}
