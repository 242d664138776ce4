//! Verifying an attestation: its signature and key, the Statement's shape,
//! every report file against its subject, and what a valid one says.

use std::fmt;

use super::bundle::Files;
use super::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use super::keys::PublicKey;
use super::statement::{sha256_hex, Statement, ATTESTATION_FILE, PREDICATE_TYPE, STATEMENT_TYPE};

/// What a valid attestation says.
#[derive(Debug, Clone, PartialEq)]
pub struct Attested {
    pub result: String,
    pub verdict: String,
    pub suite_version: String,
    pub target: String,
    pub started_at: String,
    pub side: String,
    pub profile: String,
    pub strict: String,
    pub key: String,
    pub files: Vec<String>,
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
}

impl fmt::Display for Attested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "verdict        {} ({})", self.verdict, self.result)?;
        writeln!(f, "suite version  {}", self.suite_version)?;
        writeln!(f, "target         {}", self.target)?;
        writeln!(f, "date           {}", self.started_at)?;
        writeln!(
            f,
            "run            side {}, profile {}, strict {}",
            self.side, self.profile, self.strict
        )?;
        writeln!(
            f,
            "tests          {} passed, {} warned, {} failed",
            self.passed, self.warned, self.failed
        )?;
        writeln!(f, "signed by      Ed25519 key {}", self.key)?;
        writeln!(f, "files          {}", self.files.join(", "))
    }
}

/// Why an attestation is invalid: the file, and the check it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub file: String,
    pub check: &'static str,
    pub detail: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} check failed: {}",
            self.file, self.check, self.detail
        )
    }
}

fn invalid(file: &str, check: &'static str, detail: impl Into<String>) -> Invalid {
    Invalid {
        file: file.to_string(),
        check,
        detail: detail.into(),
    }
}

/// Verifies an envelope's bytes against `key`, and the report files found
/// beside it (`files`: every file of the directory but the envelope, by
/// name) against its subjects. Every failed check is returned.
pub fn verify(envelope: &[u8], files: &Files, key: &PublicKey) -> Result<Attested, Vec<Invalid>> {
    let statement = verify_envelope(envelope, key).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut attested = std::collections::BTreeSet::new();
    for s in &statement.subject {
        let name = s.name.as_str();
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            problems.push(invalid(
                ATTESTATION_FILE,
                "subject",
                format!("the subject name {name:?} is not a plain file name"),
            ));
            continue;
        }
        if !attested.insert(name) {
            problems.push(invalid(
                ATTESTATION_FILE,
                "subject",
                format!("{name} is listed twice"),
            ));
            continue;
        }
        let Some(expected) = s.digest.get("sha256") else {
            problems.push(invalid(name, "digest", "the subject has no sha256 digest"));
            continue;
        };
        match files.get(name) {
            None => problems.push(invalid(
                name,
                "missing",
                "attested, but not in the directory",
            )),
            Some(bytes) => {
                let actual = sha256_hex(bytes);
                if &actual != expected {
                    problems.push(invalid(
                        name,
                        "digest",
                        format!("SHA-256 {actual}, attested {expected}: the file was changed"),
                    ));
                }
            }
        }
    }
    for name in files.keys() {
        if !attested.contains(name.as_str()) {
            problems.push(invalid(name, "added", "in the directory, but not attested"));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(summarize(&statement, key))
}

/// Which of `keys` signed `envelope`: the first whose fingerprint a
/// signature names as its `keyid`. [`verify`] then checks that signature
/// and every report with it; `board`, which trusts several keys per
/// vendor, picks the key here. An envelope that names none of them fails
/// the `key` check; one that is no DSSE envelope the `envelope` check.
pub(crate) fn signer<'k>(envelope: &[u8], keys: &'k [PublicKey]) -> Result<&'k PublicKey, Invalid> {
    let parsed: Envelope = serde_json::from_slice(envelope).map_err(|e| {
        invalid(
            ATTESTATION_FILE,
            "envelope",
            format!("not a DSSE envelope: {e}"),
        )
    })?;
    let fingerprints: Vec<String> = keys.iter().map(PublicKey::fingerprint).collect();
    parsed
        .signatures
        .iter()
        .find_map(|s| fingerprints.iter().position(|f| *f == s.keyid))
        .map(|i| &keys[i])
        .ok_or_else(|| {
            let ids: Vec<&str> = parsed.signatures.iter().map(|s| s.keyid.as_str()).collect();
            invalid(
                ATTESTATION_FILE,
                "key",
                format!(
                    "signed by key {}, which is not trusted here",
                    ids.join(", ")
                ),
            )
        })
}

/// The signature, the payload type and the statement's shape.
fn verify_envelope(bytes: &[u8], key: &PublicKey) -> Result<Statement, Invalid> {
    let envelope: Envelope = serde_json::from_slice(bytes).map_err(|e| {
        invalid(
            ATTESTATION_FILE,
            "envelope",
            format!("not a DSSE envelope: {e}"),
        )
    })?;
    let body = envelope
        .verify(IN_TOTO_PAYLOAD_TYPE, key)
        .map_err(|e| invalid(ATTESTATION_FILE, "signature", e.to_string()))?;
    let statement: Statement = serde_json::from_slice(&body).map_err(|e| {
        invalid(
            ATTESTATION_FILE,
            "statement",
            format!("the signed payload is not an in-toto Statement with a test result: {e}"),
        )
    })?;
    if statement.type_ != STATEMENT_TYPE {
        return Err(invalid(
            ATTESTATION_FILE,
            "statement",
            format!(
                "_type is {:?}, expected {STATEMENT_TYPE:?}",
                statement.type_
            ),
        ));
    }
    if statement.predicate_type != PREDICATE_TYPE {
        return Err(invalid(
            ATTESTATION_FILE,
            "statement",
            format!(
                "predicateType is {:?}, expected {PREDICATE_TYPE:?}",
                statement.predicate_type
            ),
        ));
    }
    Ok(statement)
}

fn summarize(statement: &Statement, key: &PublicKey) -> Attested {
    let config = &statement.predicate.configuration;
    let find = |name: &str| config.iter().find(|d| d.name == name);
    let text = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "(not stated)".into(),
    };
    let setting = |name: &str| text(find(name).and_then(|d| d.annotation("value")));
    let run = find("run");
    Attested {
        result: statement.predicate.result.clone(),
        verdict: text(run.and_then(|d| d.annotation("verdict"))),
        suite_version: text(find("psa-conformance").and_then(|d| d.annotation("version"))),
        target: setting("target"),
        started_at: text(run.and_then(|d| d.annotation("startedAt"))),
        side: setting("side"),
        profile: setting("profile"),
        strict: setting("strict"),
        key: key.fingerprint(),
        files: statement.subject.iter().map(|s| s.name.clone()).collect(),
        passed: statement.predicate.passed_tests.len(),
        warned: statement.predicate.warned_tests.len(),
        failed: statement.predicate.failed_tests.len(),
    }
}
