//! DSSE (Dead Simple Signing Envelope) v1: the pre-authentication encoding,
//! and signing and verifying one envelope with an Ed25519 key.
//!
//! The envelope is the JSON form of the DSSE spec (`payload`, `payloadType`,
//! `signatures: [{keyid, sig}]`, base64 values), which in-toto, sigstore and
//! Python's `securesystemslib.dsse` read.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ed25519_dalek::{Signature as EdSignature, Signer as _};
use serde::{Deserialize, Serialize};

use super::keys::{PrivateKey, PublicKey};

/// The payload type of an in-toto Statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
/// lengths in ASCII decimal — the bytes that are signed.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + body.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(body);
    out
}

/// A DSSE envelope in its JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The serialized body, base64.
    pub payload: String,
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    pub signatures: Vec<Signature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The signing key's fingerprint (see [`super::keys`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// The Ed25519 signature over the PAE, base64.
    pub sig: String,
}

/// Why an envelope does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DsseError {
    #[error("payloadType is {actual:?}, expected {expected:?}")]
    PayloadType {
        actual: String,
        expected: &'static str,
    },
    #[error("the payload is not base64")]
    PayloadEncoding,
    #[error("the envelope has no signature")]
    NoSignature,
    #[error("no signature is by key {expected} (keyids: {actual})")]
    KeyId { actual: String, expected: String },
    #[error("the signature does not verify with key {key}")]
    BadSignature { key: String },
}

/// Either base64 alphabet, padded or not, as the DSSE spec requires of
/// verifiers; each engine is strict about its own form.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

impl Envelope {
    /// Signs `body` as `payload_type` with `key`.
    pub fn sign(payload_type: &str, body: &[u8], key: &PrivateKey) -> Self {
        let signature = key.signing_key().sign(&pae(payload_type, body));
        Envelope {
            payload: STANDARD.encode(body),
            payload_type: payload_type.to_string(),
            signatures: vec![Signature {
                keyid: key.fingerprint(),
                sig: STANDARD.encode(signature.to_bytes()),
            }],
        }
    }

    /// Checks the payload type and that a signature naming `key` (by its
    /// fingerprint) verifies with it; returns the payload's bytes.
    ///
    /// The keyid is only a hint in DSSE, but an envelope whose every keyid
    /// names another key is refused: it was altered, or it is not ours.
    pub fn verify(
        &self,
        payload_type: &'static str,
        key: &PublicKey,
    ) -> Result<Vec<u8>, DsseError> {
        if self.payload_type != payload_type {
            return Err(DsseError::PayloadType {
                actual: self.payload_type.clone(),
                expected: payload_type,
            });
        }
        let body = decode_base64(&self.payload).ok_or(DsseError::PayloadEncoding)?;
        if self.signatures.is_empty() {
            return Err(DsseError::NoSignature);
        }
        let fingerprint = key.fingerprint();
        let mine: Vec<&Signature> = self
            .signatures
            .iter()
            .filter(|s| s.keyid == fingerprint)
            .collect();
        if mine.is_empty() {
            let ids: Vec<&str> = self.signatures.iter().map(|s| s.keyid.as_str()).collect();
            return Err(DsseError::KeyId {
                actual: ids.join(", "),
                expected: fingerprint,
            });
        }
        let message = pae(&self.payload_type, &body);
        let verified = mine.iter().any(|s| {
            decode_base64(&s.sig)
                .and_then(|bytes| EdSignature::from_slice(&bytes).ok())
                .is_some_and(|sig| key.verifying_key().verify_strict(&message, &sig).is_ok())
        });
        if verified {
            Ok(body)
        } else {
            Err(DsseError::BadSignature { key: fingerprint })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector of the DSSE protocol (protocol.md, "Test Vectors").
    #[test]
    fn pae_matches_the_dsse_test_vector() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        // …and the vector's envelope carries the body as this base64.
        assert_eq!(STANDARD.encode(b"hello world"), "aGVsbG8gd29ybGQ=");
    }

    #[test]
    fn pae_counts_bytes_not_characters_and_handles_empty_parts() {
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
        assert_eq!(
            pae("é", "ü".as_bytes()),
            "DSSEv1 2 é 2 ü".as_bytes().to_vec()
        );
    }

    fn key() -> (tempfile::TempDir, PrivateKey) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("k");
        super::super::keys::generate(&out).unwrap();
        let key = PrivateKey::load(&out).unwrap();
        (dir, key)
    }

    #[test]
    fn a_signed_envelope_verifies_and_any_change_is_refused() {
        let (_dir, key) = key();
        let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", &key);
        assert_eq!(
            env.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()),
            Ok(b"{\"a\":1}".to_vec())
        );

        let mut other = env.clone();
        other.payload = STANDARD.encode(b"{\"a\":2}");
        assert!(matches!(
            other.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()),
            Err(DsseError::BadSignature { .. })
        ));

        let mut other = env.clone();
        other.payload_type = "application/json".into();
        assert!(matches!(
            other.verify("application/json", &key.public()),
            Err(DsseError::BadSignature { .. })
        ));
        assert!(matches!(
            other.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()),
            Err(DsseError::PayloadType { .. })
        ));

        let mut other = env.clone();
        other.signatures[0].keyid = "0".repeat(64);
        assert!(matches!(
            other.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()),
            Err(DsseError::KeyId { .. })
        ));

        let mut other = env.clone();
        other.signatures.clear();
        assert_eq!(
            other.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()),
            Err(DsseError::NoSignature)
        );

        let (_dir2, wrong) = super::tests::key();
        assert!(matches!(
            env.verify(IN_TOTO_PAYLOAD_TYPE, &wrong.public()),
            Err(DsseError::KeyId { .. })
        ));
        // A wrong key that claims the right keyid still fails the signature.
        let mut forged = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", &wrong);
        forged.signatures[0].keyid = key.fingerprint();
        assert!(matches!(
            forged.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()),
            Err(DsseError::BadSignature { .. })
        ));
    }

    #[test]
    fn url_safe_base64_is_accepted_as_the_spec_requires() {
        let (_dir, key) = key();
        let body = vec![0xfb_u8; 30]; // encodes to '+' / '-' characters
        let mut env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &body, &key);
        env.payload = URL_SAFE.encode(&body);
        assert_ne!(env.payload, STANDARD.encode(&body));
        assert_eq!(env.verify(IN_TOTO_PAYLOAD_TYPE, &key.public()), Ok(body));
    }
}
