//! Signed attestations of a run (`run --sign-with`, `verify`).
//!
//! `attestation.json` is a DSSE envelope ([`dsse`]) signed with an Ed25519
//! key ([`keys`]) around an in-toto Statement v1 whose predicate is the
//! test-result predicate v0.1:
//! - `subject`: every report file of the run, by file name and SHA-256;
//! - `predicate.result`: `PASSED` (conformant), `WARNED` (conformant with
//!   SHOULD warnings) or `FAILED` (not conformant);
//! - `predicate.configuration`: ResourceDescriptors naming the suite and its
//!   version, the SHA-256 of the embedded features and of the schemas, the
//!   side, profile, strictness and target, and the run itself (verdict,
//!   start time) by the digest of its `summary.json`;
//! - `predicate.passedTests` / `warnedTests` / `failedTests`: scenario ids.
//!
//! Only a complete run is signed: a partial or inconclusive verdict is
//! refused ([`signable_result`]).

pub mod dsse;
pub mod keys;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use cucumber::tag::Ext as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::{RunReport, ScenarioStatus, Verdict};
use dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use keys::{hex, PrivateKey, PublicKey};

/// The file `run --sign-with` writes beside the reports.
pub const ATTESTATION_FILE: &str = "attestation.json";
/// in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The in-toto test-result predicate.
pub const PREDICATE_TYPE: &str = "https://in-toto.io/attestation/test-result/v0.1";
/// The report files CLI.md promises in `--out DIR`: a directory to be
/// signed may hold these (from an earlier run) and nothing else.
pub use crate::report::REPORT_FILES;

/// A complete verdict's test-result `result`, or why the run cannot be
/// signed.
pub fn signable_result(report: &RunReport) -> Result<&'static str, String> {
    match report.verdict {
        Verdict::Conformant if report.counts.warned > 0 => Ok("WARNED"),
        Verdict::Conformant => Ok("PASSED"),
        Verdict::NotConformant => Ok("FAILED"),
        Verdict::Partial => Err(format!(
            "the run is partial ({}): only a complete run is signed",
            report.verdict_explanation()
        )),
        Verdict::Inconclusive => Err(format!(
            "the run is inconclusive ({}): only a complete run is signed",
            report.verdict_explanation()
        )),
    }
}

/// Before a signed run's reports are written to `dir`: removes an earlier
/// run's `attestation.json` (it would not match them), and either marks
/// the report as signed by `key` — its pages name the key, so this comes
/// before they are rendered — or says why the run cannot be signed.
pub fn prepare_report(report: &mut RunReport, key: &PrivateKey, dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(dir.join(ATTESTATION_FILE));
    signable_result(report)?;
    report.signed_by = Some(key.fingerprint());
    Ok(())
}

/// SHA-256, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// An in-toto ResourceDescriptor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, rename = "mediaType", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub annotations: serde_json::Map<String, serde_json::Value>,
}

impl ResourceDescriptor {
    fn sha256(name: &str, hex: String) -> Self {
        ResourceDescriptor {
            name: name.to_string(),
            digest: BTreeMap::from([("sha256".to_string(), hex)]),
            ..Default::default()
        }
    }

    /// A setting of the run: its value is the descriptor's content (as
    /// text) and, readably, its `value` annotation.
    fn setting(name: &str, value: serde_json::Value) -> Self {
        let text = match &value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        ResourceDescriptor {
            name: name.to_string(),
            content: Some(STANDARD.encode(text.as_bytes())),
            media_type: Some("text/plain".into()),
            annotations: [("value".to_string(), value)].into_iter().collect(),
            ..Default::default()
        }
    }

    fn annotation(&self, key: &str) -> Option<&serde_json::Value> {
        self.annotations.get(key)
    }
}

/// The test-result predicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub result: String,
    pub configuration: Vec<ResourceDescriptor>,
    #[serde(rename = "passedTests", default)]
    pub passed_tests: Vec<String>,
    #[serde(rename = "warnedTests", default)]
    pub warned_tests: Vec<String>,
    #[serde(rename = "failedTests", default)]
    pub failed_tests: Vec<String>,
}

/// An in-toto Statement v1 with the test-result predicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub type_: String,
    pub subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: TestResult,
}

/// The SHA-256 of a set of embedded files, as `sha256sum` lists them: the
/// digest of the lines `<hex>  <path>\n` in path order, so that
/// `LC_ALL=C sha256sum features/*.feature | sha256sum` reproduces it from
/// a source checkout. Also returns each file's digest.
pub fn files_digest(files: &[(String, &str)]) -> (String, BTreeMap<String, String>) {
    let each: BTreeMap<String, String> = files
        .iter()
        .map(|(path, text)| (path.clone(), sha256_hex(text.as_bytes())))
        .collect();
    let listing: String = each
        .iter()
        .map(|(path, digest)| format!("{digest}  {path}\n"))
        .collect();
    (sha256_hex(listing.as_bytes()), each)
}

fn embedded_descriptor(name: &str, files: &[(String, &str)]) -> ResourceDescriptor {
    let (digest, each) = files_digest(files);
    let mut d = ResourceDescriptor::sha256(name, digest);
    d.media_type = Some("text/x-sha256sum".into());
    d.annotations.insert(
        "files".into(),
        serde_json::to_value(each).unwrap_or_default(),
    );
    d
}

/// The embedded feature files, by path.
pub fn feature_files() -> Vec<(String, &'static str)> {
    crate::features::FEATURES
        .iter()
        .map(|(path, text)| (path.to_string(), *text))
        .collect()
}

/// The embedded JSON Schemas, by path.
pub fn schema_files() -> Vec<(String, &'static str)> {
    crate::schema::SCHEMA_SOURCES
        .iter()
        .map(|(name, text)| (format!("schemas/{name}.json"), *text))
        .collect()
}

/// The run's facts that are not the reports themselves.
#[derive(Debug, Clone)]
pub struct RunFacts<'a> {
    pub report: &'a RunReport,
    /// `ncentral` or `psa`.
    pub side: &'a str,
}

/// Builds the Statement over `files` (name, bytes), the reports as written.
pub fn statement(facts: &RunFacts<'_>, files: &[(String, Vec<u8>)]) -> Result<Statement, String> {
    let report = facts.report;
    let result = signable_result(report)?;
    let mut subject: Vec<ResourceDescriptor> = files
        .iter()
        .map(|(name, bytes)| ResourceDescriptor::sha256(name, sha256_hex(bytes)))
        .collect();
    subject.sort_by(|a, b| a.name.cmp(&b.name));
    let version = env!("CARGO_PKG_VERSION");
    let mut suite = ResourceDescriptor {
        name: "psa-conformance".into(),
        uri: Some(format!("pkg:cargo/psa-conformance@{version}")),
        ..Default::default()
    };
    suite.annotations.insert("version".into(), version.into());
    let target = if url::Url::parse(&report.target).is_ok() {
        let mut d = ResourceDescriptor::setting("target", report.target.clone().into());
        d.uri = Some(report.target.clone());
        d.content = None;
        d.media_type = None;
        d
    } else {
        ResourceDescriptor::setting("target", report.target.clone().into())
    };
    let summary = files
        .iter()
        .find(|(name, _)| name == "summary.json")
        .map(|(_, bytes)| sha256_hex(bytes))
        .ok_or("the reports hold no summary.json")?;
    let mut run = ResourceDescriptor::sha256("run", summary);
    run.media_type = Some("application/json".into());
    for (key, value) in [
        ("summary", serde_json::Value::from("summary.json")),
        (
            "verdict",
            serde_json::to_value(report.verdict).unwrap_or_default(),
        ),
        ("startedAt", report.started_at.clone().into()),
        ("durationMs", report.duration_ms.into()),
    ] {
        run.annotations.insert(key.into(), value);
    }
    let configuration = vec![
        suite,
        embedded_descriptor("features", &feature_files()),
        embedded_descriptor("schemas", &schema_files()),
        ResourceDescriptor::setting("side", facts.side.into()),
        ResourceDescriptor::setting("profile", report.profile.to_string().into()),
        ResourceDescriptor::setting("strict", report.strict.into()),
        target,
        run,
    ];
    let (mut passed, mut warned, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for s in &report.scenarios {
        match s.status {
            ScenarioStatus::Passed => passed.push(s.id.clone()),
            ScenarioStatus::Failed if s.is_warning(report.strict) => warned.push(s.id.clone()),
            ScenarioStatus::Failed => failed.push(s.id.clone()),
            // Not run (not applicable, or left out), or undecided within a
            // run that a failure made complete: no test result either way.
            ScenarioStatus::Skipped | ScenarioStatus::Inconclusive => {}
        }
    }
    Ok(Statement {
        type_: STATEMENT_TYPE.into(),
        subject,
        predicate_type: PREDICATE_TYPE.into(),
        predicate: TestResult {
            result: result.into(),
            configuration,
            passed_tests: passed,
            warned_tests: warned,
            failed_tests: failed,
        },
    })
}

/// Why signing failed after the run.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("not signed: {0}")]
    Refused(String),
    #[error("cannot read the report {path} to sign it: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Signs the reports already written to `dir` (`written`) and writes
/// `dir/attestation.json` — through a temporary file and a rename, so it is
/// never left half-written.
pub fn write_attestation(
    dir: &Path,
    written: &[PathBuf],
    facts: &RunFacts<'_>,
    key: &PrivateKey,
) -> Result<PathBuf, SignError> {
    let mut files = Vec::new();
    for path in written {
        let bytes = std::fs::read(path).map_err(|source| SignError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, bytes));
    }
    let statement = statement(facts, &files).map_err(SignError::Refused)?;
    let body = serde_json::to_vec(&statement)
        .map_err(|e| SignError::Refused(format!("the statement does not serialize: {e}")))?;
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &body, key);
    let mut text = serde_json::to_string_pretty(&envelope)
        .map_err(|e| SignError::Refused(format!("the envelope does not serialize: {e}")))?;
    text.push('\n');
    let path = dir.join(ATTESTATION_FILE);
    let temp = dir.join(format!(".{ATTESTATION_FILE}.{}.tmp", std::process::id()));
    let write_err = |p: &Path, source| SignError::Write {
        path: p.display().to_string(),
        source,
    };
    std::fs::write(&temp, text).map_err(|e| write_err(&temp, e))?;
    if let Err(e) = std::fs::rename(&temp, &path) {
        let _ = std::fs::remove_file(&temp);
        return Err(write_err(&path, e));
    }
    Ok(path)
}

/// Before a signed run: `dir` must hold nothing but report files of an
/// earlier run (which this run replaces), or `verify` would find files
/// that were never attested. Returns the intruders.
pub fn foreign_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut foreign: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ATTESTATION_FILE && !REPORT_FILES.contains(&n.as_str()))
        .collect();
    foreign.sort();
    foreign
}

/// The run-wide requirements, checked over every exchange of a run.
const RUN_WIDE: [&str; 3] = ["ERR-01", "ERR-02", "ERR-03"];

/// Before a signed run: the requirements that count toward the verdict
/// (every MUST; with `strict` every SHOULD too) that the tag expression
/// leaves without any scenario — the run would be partial, so it is refused
/// before any request.
pub fn unchecked_requirements(
    profile: crate::catalog::Profile,
    strict: bool,
    tags: Option<&cucumber::gherkin::tagexpr::TagOperation>,
) -> Vec<&'static str> {
    let Some(op) = tags else {
        return Vec::new();
    };
    let mut covered = std::collections::BTreeSet::new();
    for feature in crate::features::parse_all().into_iter().flatten() {
        for scenario in &feature.scenarios {
            let selection = crate::features::select(&feature, scenario, profile, Some(op), None);
            if selection != crate::features::Selection::Exclude {
                covered.extend(
                    crate::catalog::requirement_tags(&scenario.tags)
                        .iter()
                        .map(|r| r.id),
                );
            }
        }
    }
    for id in RUN_WIDE {
        if op.eval([id, "run-wide"]) {
            covered.insert(id);
        }
    }
    crate::catalog::in_profile(profile)
        .filter(|r| (r.level == crate::catalog::Level::Must || strict) && !covered.contains(r.id))
        .map(|r| r.id)
        .collect()
}

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
pub fn signer<'k>(envelope: &[u8], keys: &'k [PublicKey]) -> Result<&'k PublicKey, Invalid> {
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

/// Why `verify` could not even start (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum VerifyInputError {
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Files by name, with their bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The most a report set's files are read into memory, together: a real
/// one holds a few MB; a folder holding more (a stray disk image beside the
/// reports) must not take `verify` or `board` with it.
pub const BUNDLE_READ_CAP: u64 = 256 * 1024 * 1024;

/// Reads `path` — a report directory, or its `attestation.json` — into the
/// envelope's bytes and every other regular file of the directory, at most
/// [`BUNDLE_READ_CAP`] bytes in all.
pub fn read_bundle(path: &Path) -> Result<(Vec<u8>, Files), VerifyInputError> {
    read_bundle_capped(path, BUNDLE_READ_CAP)
}

/// At most `cap` bytes of `p`, or `None` when it holds more.
fn read_at_most(p: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(p)?
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}

/// [`read_bundle`] with its cap given: a file past what is left of `cap` is
/// not read, and stands as bytes that match no digest, so it fails its
/// check (`digest`, or `added`) instead of filling memory.
fn read_bundle_capped(path: &Path, cap: u64) -> Result<(Vec<u8>, Files), VerifyInputError> {
    let read_err = |p: &Path, source| VerifyInputError::Read {
        path: p.display().to_string(),
        source,
    };
    let (dir, envelope_path) = if path.is_dir() {
        (path.to_path_buf(), path.join(ATTESTATION_FILE))
    } else {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        (dir, path.to_path_buf())
    };
    let mut left = cap;
    let envelope = read_at_most(&envelope_path, left)
        .map_err(|e| read_err(&envelope_path, e))?
        .unwrap_or_else(|| format!("(over the {cap} bytes a report set may hold)").into_bytes());
    left = left.saturating_sub(envelope.len() as u64);
    let envelope_name = envelope_path.file_name().map(|n| n.to_os_string());
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| read_err(&dir, e))? {
        let entry = entry.map_err(|e| read_err(&dir, e))?;
        if Some(entry.file_name()) == envelope_name {
            continue;
        }
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // A directory or other non-file is "added" too: give it no bytes
        // that could match a digest.
        let bytes = if p.is_file() {
            match read_at_most(&p, left).map_err(|e| read_err(&p, e))? {
                Some(bytes) => {
                    left = left.saturating_sub(bytes.len() as u64);
                    bytes
                }
                None => format!("(not read: over the {cap} bytes a report set may hold: {name})")
                    .into_bytes(),
            }
        } else {
            format!("(not a regular file: {name})").into_bytes()
        };
        files.insert(name, bytes);
    }
    Ok((envelope, files))
}

#[cfg(test)]
mod tests;
