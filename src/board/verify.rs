//! One submission checked: with the same code as `verify` ([`attest::signer`]
//! picks which of the vendor's or the program's keys signed it, then
//! [`attest::verify`] checks that signature and every report's digest, and
//! that no file was added or is missing), then its attested `summary.json`
//! read into a [`RunRecord`]. Anything else is a [`Rejected`] with its
//! reason.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::cache::{self, Cache, Entry};
use super::config::Vendor;
use super::model::{Rejected, RequirementResult, RunRecord};
use super::scan::Candidate;
use crate::attest::{self, Invalid, ATTESTATION_FILE};

/// What checking one submission gave.
#[derive(Debug)]
pub(crate) enum Checked {
    /// Verified; the cache entry to keep, and whether it came from the
    /// cache.
    Verified(Box<Entry>, bool),
    Rejected(Rejected),
}

/// The part of `summary.json` the board reads.
#[derive(Deserialize)]
struct SummaryFacts {
    verdict: String,
    #[serde(default = "ncentral")]
    side: String,
    profile: String,
    #[serde(default)]
    strict: bool,
    suite_version: String,
    started_at: String,
    requirements: Vec<RequirementResult>,
}

fn ncentral() -> String {
    "ncentral".into()
}

/// The reason a failed check gives, most telling first.
const REASONS: &[(&str, &str)] = &[
    ("key", "unknown-key"),
    ("signature", "bad-signature"),
    ("envelope", "not-a-report-set"),
    ("statement", "not-a-report-set"),
    ("subject", "not-a-report-set"),
    ("digest", "digest-mismatch"),
    ("missing", "file-missing"),
    ("added", "file-added"),
];

fn reason_of(problems: &[Invalid]) -> &'static str {
    REASONS
        .iter()
        .find(|(check, _)| problems.iter().any(|p| p.check == *check))
        .map_or("not-a-report-set", |(_, reason)| reason)
}

/// Checks one submission, reusing `cache` when its folder is unchanged.
pub(crate) fn check(c: &Candidate, vendors: &BTreeMap<String, Vendor>, cache: &Cache) -> Checked {
    let reject = |reason: &str, detail: String| {
        Checked::Rejected(Rejected {
            vendor: c.vendor.clone(),
            path: c.id.clone(),
            reason: reason.into(),
            detail,
        })
    };
    let Some(vendor) = vendors.get(&c.vendor) else {
        return reject(
            "unknown-vendor",
            format!(
                "the folder {:?} is no vendor of KEYS.toml",
                c.id.split('/').next().unwrap_or_default()
            ),
        );
    };
    if !c.signed {
        return reject(
            "not-a-report-set",
            format!("no {ATTESTATION_FILE}: the run was not signed (run --sign-with)"),
        );
    }
    let stamp = match cache::stamp(&c.dir) {
        Ok(s) => s,
        Err(e) => return reject("not-a-report-set", format!("cannot read the folder: {e}")),
    };
    let envelope = match std::fs::read(c.dir.join(ATTESTATION_FILE)) {
        Ok(b) => b,
        Err(e) => {
            return reject(
                "not-a-report-set",
                format!("cannot read {ATTESTATION_FILE}: {e}"),
            )
        }
    };
    let attestation_sha256 = attest::sha256_hex(&envelope);
    if let Some(hit) = cache.hit(&c.id, &stamp, &attestation_sha256) {
        if vendor.keys.iter().any(|k| k.fingerprint == hit.run.key) {
            return Checked::Verified(Box::new(hit.clone()), true);
        }
    }
    let (envelope, files) = match attest::read_bundle(&c.dir) {
        Ok(b) => b,
        Err(e) => return reject("not-a-report-set", e.to_string()),
    };
    // The digest of the bytes verified, should the file change meanwhile.
    let attestation_sha256 = attest::sha256_hex(&envelope);
    let keys = vendor.public_keys();
    let verified = attest::signer(&envelope, &keys)
        .map_err(|e| vec![e])
        .and_then(|key| attest::verify(&envelope, &files, key));
    let attested = match verified {
        Ok(a) => a,
        Err(problems) => {
            let detail: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return reject(reason_of(&problems), detail.join("; "));
        }
    };
    let Some(summary) = files.get("summary.json") else {
        return reject(
            "not-a-report-set",
            "the signed set holds no summary.json".into(),
        );
    };
    let facts: SummaryFacts = match serde_json::from_slice(summary) {
        Ok(f) => f,
        Err(e) => {
            return reject(
                "not-a-report-set",
                format!("summary.json is not a run's summary: {e}"),
            )
        }
    };
    if facts.started_at.parse::<jiff::Timestamp>().is_err() {
        return reject(
            "not-a-report-set",
            format!(
                "summary.json: started_at {:?} is not an RFC 3339 time",
                facts.started_at
            ),
        );
    }
    Checked::Verified(
        Box::new(Entry {
            stamp,
            attestation_sha256,
            run: RunRecord {
                id: c.id.clone(),
                vendor: c.vendor.clone(),
                started_at: facts.started_at,
                verdict: facts.verdict,
                result: attested.result,
                side: facts.side,
                profile: facts.profile,
                strict: facts.strict,
                suite_version: facts.suite_version,
                key: attested.key,
                summary_sha256: attest::sha256_hex(summary),
                has_report: files.contains_key("report.html"),
                requirements: facts.requirements,
            },
        }),
        false,
    )
}
