//! Signing a run: before it, the checks that it can be signed (no foreign
//! files in `--out`, no counted requirement left out by `--tags`); after
//! it, the envelope over the reports as written, `attestation.json`.

use std::path::{Path, PathBuf};

use super::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use super::keys::PrivateKey;
use super::statement::{signable_result, statement, RunFacts, ATTESTATION_FILE};
use crate::report::{RunReport, REPORT_FILES};

/// Before a signed run's reports are written to `dir`: removes an earlier
/// run's `attestation.json` (it would not match them), and either marks
/// the report as signed by `key` — its pages name the key, so this comes
/// before they are rendered — or says why the run cannot be signed.
pub(crate) fn prepare_report(
    report: &mut RunReport,
    key: &PrivateKey,
    dir: &Path,
) -> Result<(), String> {
    let _ = std::fs::remove_file(dir.join(ATTESTATION_FILE));
    signable_result(report)?;
    report.signed_by = Some(key.fingerprint());
    Ok(())
}

/// Why signing failed after the run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignError {
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
pub(crate) fn write_attestation(
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
pub(crate) fn foreign_files(dir: &Path) -> Vec<String> {
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
pub(crate) fn unchecked_requirements(
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
        if crate::catalog::run_wide_tags(id, Some(op)).is_some() {
            covered.insert(id);
        }
    }
    crate::catalog::in_profile(profile)
        .filter(|r| (r.level == crate::catalog::Level::Must || strict) && !covered.contains(r.id))
        .map(|r| r.id)
        .collect()
}
