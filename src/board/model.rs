//! The board as data: what one verified run says ([`RunRecord`], also what
//! the cache keeps), and `board.json` ([`Board`], whose JSON Schema is
//! `schemas/board.json`). Pages and badges only format a [`Board`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) use crate::report::RequirementStatus;

/// A requirement's level, as `summary.json` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
}

/// One requirement's result in one run, as its `summary.json` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RequirementResult {
    pub id: String,
    pub level: Level,
    pub status: RequirementStatus,
}

/// A verified submission: the facts of its signed `summary.json` and its
/// attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RunRecord {
    /// The submission's folder, relative to `--submissions`, `/`-separated.
    pub id: String,
    pub vendor: String,
    /// `started_at` of the attested `summary.json`.
    pub started_at: String,
    pub verdict: String,
    /// The test-result predicate's `result`: PASSED, WARNED or FAILED.
    pub result: String,
    pub side: String,
    pub profile: String,
    pub strict: bool,
    pub suite_version: String,
    /// Fingerprint of the key that signed it.
    pub key: String,
    pub summary_sha256: String,
    /// The set holds a `report.html`.
    pub has_report: bool,
    pub requirements: Vec<RequirementResult>,
}

impl RunRecord {
    /// The requirement's status in this run, if the run reports it.
    pub(crate) fn status_of(&self, id: &str) -> Option<RequirementStatus> {
        self.requirements
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.status)
    }

    /// The requirements that failed, in the report's order.
    pub(crate) fn failing(&self) -> Vec<String> {
        self.requirements
            .iter()
            .filter(|r| r.status == RequirementStatus::Failed)
            .map(|r| r.id.clone())
            .collect()
    }
}

/// A submission that does not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Rejected {
    /// The first folder level under `--submissions` (maybe no vendor of
    /// KEYS.toml: reason `unknown-vendor`).
    pub vendor: String,
    /// The submission's folder, relative to `--submissions`.
    pub path: String,
    /// `bad-signature`, `unknown-key`, `digest-mismatch`, `file-added`,
    /// `file-missing`, `not-a-report-set` or `unknown-vendor`.
    pub reason: String,
    pub detail: String,
}

/// `board.json`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Board {
    /// `--now`, RFC 3339 UTC.
    pub generated_at: String,
    pub generator: Generator,
    pub max_age_days: u32,
    pub history: u32,
    /// How many vendors have each status.
    pub statuses: BTreeMap<String, usize>,
    pub vendors: Vec<VendorView>,
    pub alarms: Vec<Alarm>,
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

/// One vendor's row and page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct VendorView {
    pub id: String,
    pub name: String,
    pub side: String,
    /// `accepted`, `accepted-with-waivers`, `not-accepted`, `stale` or
    /// `no-submission`.
    pub status: String,
    /// The status the latest run gives when fresh (shown beside `stale`);
    /// `null` without a verified run.
    pub latest_run_status: Option<String>,
    pub latest_run: Option<RunView>,
    /// The requirements the latest run failed (waived or not).
    pub failing: Vec<String>,
    /// Of `failing`, those an unexpired waiver covers.
    pub waived: Vec<String>,
    pub waivers: Vec<WaiverView>,
    /// Verified runs of the vendor's side, in all.
    pub run_count: usize,
    /// The newest `history` verified runs, newest first (those of the other
    /// side too, with `counted: false`).
    pub runs: Vec<RunView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct WaiverView {
    pub requirement: String,
    pub reason: String,
    /// The last day it holds (UTC), `YYYY-MM-DD`.
    pub expires: String,
    pub approved_by: String,
    /// Not expired at `generated_at`.
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RunView {
    pub id: String,
    pub started_at: String,
    /// Whole days between `started_at` and `generated_at`.
    pub age_days: i64,
    pub verdict: String,
    pub result: String,
    pub side: String,
    pub profile: String,
    pub strict: bool,
    pub suite_version: String,
    /// Fingerprint of the signing key.
    pub key: String,
    pub summary_sha256: String,
    /// The run's `report.html`, relative to the site's root; `null` when
    /// the set has none.
    pub report: Option<String>,
    /// Counts for the status (false: the run certifies the other side).
    pub counted: bool,
    pub failing: Vec<String>,
    /// Requirement ID → status in this run.
    pub requirements: BTreeMap<String, String>,
}

/// One alarm of `board.json` `alarms[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Alarm {
    /// `rejected-submission`, `regression`, `waiver-expired`,
    /// `waiver-unneeded`, `flaky` or `wrong-side`.
    pub kind: &'static str,
    pub vendor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    pub detail: String,
}
