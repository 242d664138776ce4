//! The in-toto Statement a run is signed as: its types, the digests of
//! the reports and of the embedded features and schemas, the run's settings
//! as ResourceDescriptors, and which verdicts may be signed at all.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys::hex;
use crate::report::{RunReport, ScenarioStatus, Verdict};

/// The file `run --sign-with` writes beside the reports.
pub const ATTESTATION_FILE: &str = "attestation.json";
/// in-toto Statement v1.
pub(crate) const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The in-toto test-result predicate.
pub(crate) const PREDICATE_TYPE: &str = "https://in-toto.io/attestation/test-result/v0.1";

/// A complete verdict's test-result `result`, or why the run cannot be
/// signed.
pub(crate) fn signable_result(report: &RunReport) -> Result<&'static str, String> {
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
    pub(super) fn sha256(name: &str, hex: String) -> Self {
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

    pub(super) fn annotation(&self, key: &str) -> Option<&serde_json::Value> {
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
pub(crate) fn files_digest(files: &[(String, &str)]) -> (String, BTreeMap<String, String>) {
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
pub(crate) fn feature_files() -> Vec<(String, &'static str)> {
    crate::features::FEATURES
        .iter()
        .map(|(path, text)| (path.to_string(), *text))
        .collect()
}

/// The embedded JSON Schemas, by path.
pub(crate) fn schema_files() -> Vec<(String, &'static str)> {
    crate::schema::SCHEMA_SOURCES
        .iter()
        .map(|(name, text)| (format!("schemas/{name}.json"), *text))
        .collect()
}

/// The run's facts that are not the reports themselves.
#[derive(Debug, Clone)]
pub(crate) struct RunFacts<'a> {
    pub report: &'a RunReport,
    /// `ncentral` or `psa`.
    pub side: &'a str,
}

/// Builds the Statement over `files` (name, bytes), the reports as written.
pub(crate) fn statement(
    facts: &RunFacts<'_>,
    files: &[(String, Vec<u8>)],
) -> Result<Statement, String> {
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
