//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa): the
//! document and the proof options are turned into RDF with pinned JSON-LD contexts,
//! canonicalised with RDFC-1.0, hashed with SHA-256 each, and `hash(options) ‖
//! hash(document)` is signed with Ed25519. The proof value is multibase base58-btc.
//!
//! JSON-LD and RDFC-1.0 come from Sophia (`sophia_jsonld`, `sophia_c14n`); nothing is
//! fetched: a context that is not pinned here is an error.

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sophia_api::prelude::*;
use sophia_api::quad::Spog;
use sophia_api::term::SimpleTerm;
use sophia_jsonld::loader::{ClosureLoader, FutureExt};
use sophia_jsonld::{JsonLdOptions, JsonLdParser};
use std::collections::HashSet;

pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_V3P0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

const CREDENTIALS_V2_DOC: &str = include_str!("contexts/credentials-v2.jsonld");
const OB_V3P0_DOC: &str = include_str!("contexts/ob-v3p0-3.0.3.jsonld");

/// The multicodec prefix of an Ed25519 public key (`ed25519-pub`).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DiError {
    #[error("JSON-LD: {0}")]
    JsonLd(String),
    #[error("canonicalisation: {0}")]
    Canon(String),
    #[error("no proof")]
    NoProof,
    #[error("the proof is not {CRYPTOSUITE}")]
    WrongSuite,
    #[error("bad proof value")]
    BadProofValue,
    #[error("bad key")]
    BadKey,
    #[error("the signature does not match")]
    BadSignature,
}

/// The pinned contexts, plus any extra (URL, document) pairs a test brings.
fn context_for(url: &str, extra: &[(&'static str, &'static str)]) -> Result<String, String> {
    match url {
        CREDENTIALS_V2 => Ok(CREDENTIALS_V2_DOC.to_string()),
        OB_V3P0 => Ok(OB_V3P0_DOC.to_string()),
        other => extra
            .iter()
            .find(|(u, _)| *u == other)
            .map(|(_, d)| d.to_string())
            .ok_or_else(|| format!("context {other} is not pinned")),
    }
}

/// RDFC-1.0 canonical N-Quads of a JSON-LD document.
pub fn canonicalize(doc: &Value) -> Result<String, DiError> {
    canonicalize_with(doc, &[])
}

pub(crate) fn canonicalize_with(
    doc: &Value,
    extra: &'static [(&'static str, &'static str)],
) -> Result<String, DiError> {
    let options = JsonLdOptions::new().with_document_loader_closure(move || {
        ClosureLoader::new(move |iri: sophia_iri::Iri<String>| {
            let found = context_for(iri.as_str(), extra);
            async move { found }.boxed()
        })
    });
    let parser = JsonLdParser::new_with_options(options);
    let text = doc.to_string();
    // The parser's own `parse_str` starts a Tokio runtime, which panics inside one; the
    // loader does no I/O, so its future is driven here on the calling thread.
    let quads: HashSet<Spog<SimpleTerm<'static>>> =
        futures::executor::block_on(parser.async_parse_str(&text))
            .collect_quads()
            .map_err(|e| DiError::JsonLd(e.to_string()))?;
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&quads, &mut out).map_err(|e| DiError::Canon(e.to_string()))?;
    String::from_utf8(out).map_err(|e| DiError::Canon(e.to_string()))
}

/// The proof options: the proof without its value, with the document's `@context`.
fn proof_options(proof: &Map<String, Value>, context: &Value) -> Value {
    let mut opts = proof.clone();
    opts.remove("proofValue");
    opts.insert("@context".into(), context.clone());
    Value::Object(opts)
}

/// `sha256(canonical(options)) ‖ sha256(canonical(document))`.
fn hash_data(
    unsecured: &Value,
    options: &Value,
    extra: &'static [(&'static str, &'static str)],
) -> Result<Vec<u8>, DiError> {
    let doc = canonicalize_with(unsecured, extra)?;
    let opts = canonicalize_with(options, extra)?;
    let mut data = Sha256::digest(opts.as_bytes()).to_vec();
    data.extend_from_slice(&Sha256::digest(doc.as_bytes()));
    Ok(data)
}

/// Adds a `DataIntegrityProof` (`eddsa-rdfc-2022`) to `doc` as the one-element `proof`
/// array. `created` is an XML Schema date-time in UTC, whole seconds.
pub fn sign(
    doc: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, DiError> {
    sign_with(doc, key, verification_method, created, &[])
}

pub(crate) fn sign_with(
    doc: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
    extra: &'static [(&'static str, &'static str)],
) -> Result<Value, DiError> {
    let mut unsecured = doc.clone();
    let obj = unsecured.as_object_mut().ok_or(DiError::NoProof)?;
    obj.remove("proof");
    let context = obj.get("@context").cloned().unwrap_or(Value::Null);
    let mut proof = Map::new();
    proof.insert("type".into(), "DataIntegrityProof".into());
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    proof.insert("created".into(), created.into());
    proof.insert("verificationMethod".into(), verification_method.into());
    proof.insert("proofPurpose".into(), "assertionMethod".into());
    let data = hash_data(&unsecured, &proof_options(&proof, &context), extra)?;
    let signature = key.sign(&data);
    proof.insert("proofValue".into(), multibase(&signature.to_bytes()).into());
    let mut signed = unsecured;
    if let Some(o) = signed.as_object_mut() {
        o.insert("proof".into(), Value::Array(vec![Value::Object(proof)]));
    }
    Ok(signed)
}

/// The first proof of `doc`: its verification method and whether it is this suite's.
pub fn proof_method(doc: &Value) -> Result<String, DiError> {
    let proof = first_proof(doc)?;
    proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or(DiError::NoProof)
}

fn first_proof(doc: &Value) -> Result<&Map<String, Value>, DiError> {
    let proof = doc.get("proof").ok_or(DiError::NoProof)?;
    let proof = match proof {
        Value::Array(a) => a.first().ok_or(DiError::NoProof)?,
        p => p,
    };
    proof.as_object().ok_or(DiError::NoProof)
}

/// Checks the first proof of `doc` against `key`.
pub fn verify(doc: &Value, key: &VerifyingKey) -> Result<(), DiError> {
    verify_with(doc, key, &[])
}

pub(crate) fn verify_with(
    doc: &Value,
    key: &VerifyingKey,
    extra: &'static [(&'static str, &'static str)],
) -> Result<(), DiError> {
    let proof = first_proof(doc)?;
    if proof.get("type").and_then(Value::as_str) != Some("DataIntegrityProof")
        || proof.get("cryptosuite").and_then(Value::as_str) != Some(CRYPTOSUITE)
    {
        return Err(DiError::WrongSuite);
    }
    let value = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or(DiError::BadProofValue)?;
    let sig_bytes = from_multibase(value).ok_or(DiError::BadProofValue)?;
    let sig_arr: [u8; 64] = sig_bytes.try_into().map_err(|_| DiError::BadProofValue)?;
    let signature = ed25519_dalek::Signature::from_bytes(&sig_arr);
    let mut unsecured = doc.clone();
    let context = unsecured.get("@context").cloned().unwrap_or(Value::Null);
    if let Some(o) = unsecured.as_object_mut() {
        o.remove("proof");
    }
    let data = hash_data(&unsecured, &proof_options(proof, &context), extra)?;
    key.verify(&data, &signature)
        .map_err(|_| DiError::BadSignature)
}

/// Multibase base58-btc (`z…`).
pub fn multibase(bytes: &[u8]) -> String {
    format!("z{}", bs58::encode(bytes).into_string())
}

pub fn from_multibase(s: &str) -> Option<Vec<u8>> {
    bs58::decode(s.strip_prefix('z')?).into_vec().ok()
}

/// A `Multikey` public key: multibase of `ed25519-pub` ‖ key.
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    multibase(&bytes)
}

pub fn public_key_from_multibase(s: &str) -> Result<VerifyingKey, DiError> {
    let bytes = from_multibase(s).ok_or(DiError::BadKey)?;
    let raw = bytes
        .strip_prefix(&ED25519_PUB[..])
        .ok_or(DiError::BadKey)?;
    let arr: [u8; 32] = raw.try_into().map_err(|_| DiError::BadKey)?;
    VerifyingKey::from_bytes(&arr).map_err(|_| DiError::BadKey)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    /// vc-di-eddsa's examples context (`@vocab` only), for the published test vector.
    const EXAMPLES: &[(&str, &str)] = &[(
        "https://www.w3.org/ns/credentials/examples/v2",
        r#"{"@context":{"@vocab":"https://www.w3.org/ns/credentials/examples#"}}"#,
    )];

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn alumni() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:abcdefgh",
                                  "alumniOf": "The School of Examples"}
        })
    }

    const VM: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    /// The spec's key pair (vc-di-eddsa B.1): secretKeyMultibase is `0x8026` ‖ seed.
    fn spec_key() -> SigningKey {
        let secret = from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").unwrap();
        assert_eq!(&secret[..2], &[0x80, 0x26]);
        SigningKey::from_bytes(&secret[2..].try_into().unwrap())
    }

    #[test]
    fn pinned_contexts_are_the_published_ones() {
        assert_eq!(
            hex(&Sha256::digest(CREDENTIALS_V2_DOC.as_bytes())),
            "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"
        );
        assert_eq!(
            hex(&Sha256::digest(OB_V3P0_DOC.as_bytes())),
            "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"
        );
    }

    /// vc-di-eddsa B.1 (eddsa-rdfc-2022): the canonical document's and proof options'
    /// SHA-256 and the proof value, all published in the specification.
    #[test]
    fn known_answer_vector() {
        let key = spec_key();
        assert_eq!(
            public_key_multibase(&key.verifying_key()),
            "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        );
        let doc = canonicalize_with(&alumni(), EXAMPLES).unwrap();
        assert_eq!(doc.lines().count(), 8);
        assert_eq!(
            hex(&Sha256::digest(doc.as_bytes())),
            "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
        );
        let signed = sign_with(&alumni(), &key, VM, "2023-02-24T23:36:38Z", EXAMPLES).unwrap();
        let proof = &signed["proof"][0];
        let opts = proof_options(proof.as_object().unwrap(), &alumni()["@context"]);
        assert_eq!(
            hex(&Sha256::digest(
                canonicalize_with(&opts, EXAMPLES).unwrap().as_bytes()
            )),
            "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
        );
        assert_eq!(
            proof["proofValue"],
            "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
        );
        verify_with(&signed, &key.verifying_key(), EXAMPLES).unwrap();
    }

    #[test]
    fn tampering_and_other_keys_fail() {
        let key = spec_key();
        let signed = sign_with(&alumni(), &key, VM, "2023-02-24T23:36:38Z", EXAMPLES).unwrap();
        let mut tampered = signed.clone();
        tampered["credentialSubject"]["alumniOf"] = "Another School".into();
        assert_eq!(
            verify_with(&tampered, &key.verifying_key(), EXAMPLES),
            Err(DiError::BadSignature)
        );
        let mut later = signed.clone();
        later["proof"][0]["created"] = "2024-01-01T00:00:00Z".into();
        assert_eq!(
            verify_with(&later, &key.verifying_key(), EXAMPLES),
            Err(DiError::BadSignature)
        );
        let other = SigningKey::from_bytes(&[7u8; 32]);
        assert_eq!(
            verify_with(&signed, &other.verifying_key(), EXAMPLES),
            Err(DiError::BadSignature)
        );
        // JSON key order and whitespace are not part of the signed data.
        let reordered: Value =
            serde_json::from_str(&serde_json::to_string_pretty(&signed).unwrap()).unwrap();
        verify_with(&reordered, &key.verifying_key(), EXAMPLES).unwrap();
    }

    #[test]
    fn unknown_contexts_are_refused_not_fetched() {
        let mut doc = alumni();
        doc["@context"][1] = "https://evil.example/context".into();
        assert!(matches!(canonicalize(&doc), Err(DiError::JsonLd(_))));
    }

    #[test]
    fn multikey_round_trip() {
        let key = spec_key().verifying_key();
        let mb = public_key_multibase(&key);
        assert_eq!(public_key_from_multibase(&mb).unwrap(), key);
        assert_eq!(public_key_from_multibase("zabc"), Err(DiError::BadKey));
        assert_eq!(public_key_from_multibase("nope"), Err(DiError::BadKey));
    }
}
