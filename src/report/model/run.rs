//! The run as a whole: requirement results and statuses, the verdict's
//! names, scenario counts, what the model knows of the run ([`RunInfo`]) and
//! the changes against a baseline. How the statuses and the verdict are
//! decided is `verdict.rs`.

use std::time::Duration;

use serde::Serialize;

use crate::catalog::{self, Level, Profile};

use super::scenario::ScenarioResult;

/// A requirement's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementStatus {
    Failed,
    Warned,
    /// Checked, but some check could not decide (rate-limited, harness).
    Inconclusive,
    Passed,
    /// Does not apply to this target (AUTH-06 without token exchange).
    #[serde(alias = "skipped")]
    NotApplicable,
    /// Nothing checked it in this run.
    Untested,
}

impl RequirementStatus {
    /// The name summary.json uses: `not-applicable`.
    pub fn name(self) -> &'static str {
        match self {
            RequirementStatus::Failed => "failed",
            RequirementStatus::Warned => "warned",
            RequirementStatus::Inconclusive => "inconclusive",
            RequirementStatus::Passed => "passed",
            RequirementStatus::NotApplicable => "not-applicable",
            RequirementStatus::Untested => "untested",
        }
    }
}

/// The run's verdict (CLI.md, "Verdicts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every MUST of the profile was checked and passed.
    Conformant,
    /// Nothing failed, but MUSTs were left untested (`--tags`, a skip).
    Partial,
    NotConformant,
    Inconclusive,
}

impl Verdict {
    /// The word every report and the terminal show. Only a complete,
    /// passing run reads CONFORMANT; no other label contains that word.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Conformant => "CONFORMANT",
            Verdict::Partial => "PARTIAL",
            Verdict::NotConformant => "NOT CONFORMANT",
            Verdict::Inconclusive => "INCONCLUSIVE",
        }
    }

    /// The name summary.json uses.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Conformant => "conformant",
            Verdict::Partial => "partial",
            Verdict::NotConformant => "not-conformant",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// One requirement's result.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementResult {
    pub id: &'static str,
    pub level: Level,
    pub section: u8,
    pub title: &'static str,
    pub status: RequirementStatus,
    pub scenarios: Vec<String>,
}

/// Scenario counts: every scenario is in exactly one.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub skipped: usize,
    /// Ran but could not decide (rate-limited, harness error, interrupted).
    #[serde(default)]
    pub inconclusive: usize,
}

/// What the model needs to know of a run besides its scenarios: set by
/// the configuration and the clock, already redacted.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub profile: Profile,
    pub strict: bool,
    /// The base URL, redacted, without a trailing `/`.
    pub target: String,
    /// TLS verification was switched off.
    pub tls_insecure: bool,
    pub started_at: jiff::Timestamp,
    pub elapsed: Duration,
}

impl RunInfo {
    pub(super) fn started_at_text(&self) -> String {
        self.started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// A report file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write reports to {path}: {source}")]
pub struct WriteError {
    pub path: String,
    pub source: std::io::Error,
}

/// Rounds a duration to whole milliseconds.
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A whole run.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub verdict: Verdict,
    pub profile: catalog::Profile,
    pub strict: bool,
    pub target: String,
    pub started_at: String,
    pub duration_ms: u64,
    pub counts: Counts,
    pub requirements: Vec<RequirementResult>,
    pub scenarios: Vec<ScenarioResult>,
    /// Why the run is inconclusive, when it is.
    pub inconclusive_reasons: Vec<String>,
    /// Secrets ERR-03 could not check (too short to tell from ordinary
    /// words), by role and length: never their value.
    pub secrets_not_checked: Vec<String>,
    /// TLS verification was switched off for this run.
    pub tls_insecure: bool,
    /// Changes against `--baseline`, when one was given.
    pub regressions: Option<Comparison>,
    /// The fingerprint of the key that signs this run (`--sign-with`), set
    /// before the reports are rendered: they are the attestation's subjects.
    pub signed_by: Option<String>,
    /// On the vendor's side: what the harness's N-central saw.
    pub listener: Option<crate::report::listener::ListenerReport>,
    /// The scenarios of one's own (`--features`), by ID: never part of
    /// the verdict word.
    pub additional: Vec<AdditionalCheck>,
}

/// One additional check of a run: the scenarios of one's own
/// (`run --features DIR`) that carry one ID tag (`@X-ACME-01`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AdditionalCheck {
    /// The ID tag, without its `@`.
    pub id: String,
    /// `MUST`, or `SHOULD` when every scenario of it is tagged `@should`.
    pub level: String,
    /// The name of its first scenario.
    pub title: String,
    pub status: RequirementStatus,
    /// Its scenarios (`file:line`).
    pub scenarios: Vec<String>,
}

impl RunReport {
    /// Which side of the integration the run certified (its profile's).
    pub fn side(&self) -> catalog::Side {
        self.profile.side()
    }
}

/// What changed between a baseline and a newer run (computed by
/// [`crate::report::compare`], part of summary.json).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Comparison {
    /// Requirements failing now that did not fail before.
    pub new_failures: Vec<String>,
    /// Requirements that failed before and do not now.
    pub fixed: Vec<String>,
    pub still_failing: Vec<String>,
    pub added_scenarios: Vec<String>,
    pub removed_scenarios: Vec<String>,
    /// Requirements that passed in the baseline and fail now: all that is
    /// fatal with `--fail-on regression`.
    #[serde(default)]
    pub regressions: Vec<String>,
    /// Requirements of the baseline this run did not include (another
    /// profile, `--tags`): neither fixed nor failing, and said so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_compared: Vec<String>,
    /// `--fail-on regression`: only [`Comparison::regressions`] make the
    /// exit status 1; known failures are reported, not fatal.
    #[serde(skip)]
    pub regressions_only: bool,
}
