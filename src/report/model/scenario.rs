//! A scenario as it ran: its steps, its status and why an undecided one
//! could not decide, and the one triage of display outcomes every writer
//! shows.

use serde::Serialize;

use crate::catalog::Level;
use crate::http::ExchangeRecord;

use crate::report::reproduce::Reproduce;

/// A scenario's or a step's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScenarioStatus {
    Passed,
    Failed,
    /// It ran, but could not decide (see [`Undecided`]).
    Inconclusive,
    Skipped,
}

/// Why a scenario that ran could not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Undecided {
    /// The harness failed: no response, a suite bug.
    Harness,
    /// Its requests still got only 429 when their retry budget was spent.
    RateLimited,
    /// A precondition of the check did not hold (RATE-03 after a burst that
    /// got no 429): the requirement stays untested.
    NotTested,
    /// The run was interrupted before the scenario ended.
    Interrupted,
}

impl Undecided {
    /// How reports name it: `inconclusive (rate-limited)`.
    pub fn label(self) -> &'static str {
        match self {
            Undecided::Harness => "inconclusive (harness error)",
            Undecided::RateLimited => "inconclusive (rate-limited)",
            Undecided::NotTested => "not tested",
            Undecided::Interrupted => "inconclusive (interrupted)",
        }
    }
}

/// One step as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// The step's line in its feature file.
    pub line: usize,
    pub keyword: String,
    pub text: String,
    pub status: ScenarioStatus,
    pub error: Option<String>,
}

/// One scenario as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// `features/credential.feature:12`, or `run-wide:ERR-02`.
    pub id: String,
    pub feature: String,
    pub name: String,
    /// With the leading `@`.
    pub tags: Vec<String>,
    pub requirements: Vec<String>,
    pub level: Level,
    pub status: ScenarioStatus,
    /// Why an inconclusive scenario could not decide.
    pub undecided: Option<Undecided>,
    /// The failure, or for an inconclusive scenario the reason.
    pub failure: Option<String>,
    pub skip_reason: Option<String>,
    pub duration_ms: u64,
    pub steps: Vec<StepResult>,
    pub exchanges: Vec<ExchangeRecord>,
    pub notes: Vec<String>,
    /// For a failed or warned scenario: the commands that replay its
    /// decisive requests (set by [`crate::report::RunReport::build`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproduce: Option<Reproduce>,
}

impl ScenarioResult {
    /// The harness could not check (no response, a suite bug): not the target's fault.
    pub fn harness_error(&self) -> bool {
        self.undecided == Some(Undecided::Harness)
    }

    /// Passed, but only after a 429 was waited out and the request retried.
    pub fn is_flaky(&self) -> bool {
        self.status == ScenarioStatus::Passed
            && self.exchanges.iter().any(|e| !e.waited_out.is_empty())
    }
}

impl ScenarioResult {
    /// Feature file, then line number.
    pub fn sort_key(&self) -> (String, u64) {
        id_sort_key(&self.id)
    }

    /// A SHOULD-level failure that does not count (no `--strict`).
    pub fn is_warning(&self, strict: bool) -> bool {
        self.status == ScenarioStatus::Failed && self.level == Level::Should && !strict
    }

    /// The first line of the failure.
    pub fn failure_title(&self) -> Option<&str> {
        self.failure.as_deref().and_then(|f| f.lines().next())
    }

    /// The one triage every writer shows: what a reader should make of
    /// this scenario in a run with or without `--strict`.
    pub fn display_outcome(&self, strict: bool) -> DisplayOutcome {
        match self.status {
            ScenarioStatus::Inconclusive => match self.undecided {
                Some(Undecided::Harness) => DisplayOutcome::Error,
                Some(Undecided::NotTested) => DisplayOutcome::NotTested,
                other => DisplayOutcome::Inconclusive(other),
            },
            ScenarioStatus::Failed if self.is_warning(strict) => DisplayOutcome::Warned,
            ScenarioStatus::Failed => DisplayOutcome::Failed,
            ScenarioStatus::Passed if self.is_flaky() => DisplayOutcome::Flaky,
            ScenarioStatus::Passed => DisplayOutcome::Passed,
            ScenarioStatus::Skipped => DisplayOutcome::Skipped,
        }
    }
}

/// How a scenario is shown, decided once ([`ScenarioResult::display_outcome`])
/// for every writer. Declared worst first: the order reports list them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DisplayOutcome {
    /// A finding about the target that counts toward the verdict.
    Failed,
    /// The harness could not make the check: not the target's fault.
    Error,
    /// A SHOULD not met, without `--strict`: reported, not counted.
    Warned,
    /// It ran but could not decide (rate-limited, interrupted).
    Inconclusive(Option<Undecided>),
    /// A precondition of the check did not hold: the requirement stays untested.
    NotTested,
    /// Passed, but only after a 429 was waited out and the request retried.
    Flaky,
    Passed,
    Skipped,
}

impl DisplayOutcome {
    /// One word (a CSS class in report.html): `not-tested`.
    pub fn name(self) -> &'static str {
        match self {
            DisplayOutcome::Failed => "failed",
            DisplayOutcome::Error => "error",
            DisplayOutcome::Warned => "warned",
            DisplayOutcome::Inconclusive(_) => "inconclusive",
            DisplayOutcome::NotTested => "not-tested",
            DisplayOutcome::Flaky => "flaky",
            DisplayOutcome::Passed => "passed",
            DisplayOutcome::Skipped => "skipped",
        }
    }

    /// Why an undecided scenario could not decide, as reports name it:
    /// `inconclusive (rate-limited)`.
    pub fn undecided_label(self) -> Option<&'static str> {
        match self {
            DisplayOutcome::Error => Some(Undecided::Harness.label()),
            DisplayOutcome::NotTested => Some(Undecided::NotTested.label()),
            DisplayOutcome::Inconclusive(u) => Some(u.map_or("inconclusive", Undecided::label)),
            _ => None,
        }
    }

    /// A reader has to look at it: it failed, warned or could not decide.
    pub fn needs_attention(self) -> bool {
        self < DisplayOutcome::Flaky
    }

    /// Passed, with or without a waited-out 429.
    pub fn passed(self) -> bool {
        matches!(self, DisplayOutcome::Passed | DisplayOutcome::Flaky)
    }
}

/// How a scenario id (`features/x.feature:12`) sorts: by file, then by line
/// as a number (`:6` before `:11`).
pub(crate) fn id_sort_key(id: &str) -> (String, u64) {
    match id.rsplit_once(':') {
        Some((file, line)) => (file.to_string(), line.parse().unwrap_or(0)),
        None => (id.to_string(), 0),
    }
}
