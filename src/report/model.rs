//! The run model: scenario and requirement results, their statuses, the
//! verdict and why, and the one triage of display outcomes. Every decision
//! (status, level, verdict) is made here, once; every text in it is already
//! redacted. It imports no writer: the writers import it.

use std::time::Duration;

use serde::Serialize;

use crate::catalog::{self, Level, Profile};
use crate::exit::Exit;
use crate::http::ExchangeRecord;

pub use super::reproduce::Reproduce;

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
    /// decisive requests (set by [`RunReport::build`]).
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
        match self.id.rsplit_once(':') {
            Some((file, line)) => (file.to_string(), line.parse().unwrap_or(0)),
            None => (self.id.clone(), 0),
        }
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
    fn started_at_text(&self) -> String {
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
    pub listener: Option<super::listener::ListenerReport>,
}

impl RunReport {
    /// Which side of the integration the run certified (its profile's).
    pub fn side(&self) -> catalog::Side {
        self.profile.side()
    }

    /// The report of a run that could not test at all (unreachable target,
    /// failed token exchange): verdict inconclusive, every requirement
    /// untested, the reason stated — so pipelines still find their files.
    pub fn not_run(info: &RunInfo, reason: String) -> Self {
        RunReport {
            verdict: Verdict::Inconclusive,
            profile: info.profile,
            strict: info.strict,
            target: info.target.clone(),
            started_at: info.started_at_text(),
            duration_ms: millis(info.elapsed),
            counts: Counts::default(),
            requirements: catalog::in_profile(info.profile)
                .map(|r| requirement_result(r, &[], info.strict))
                .collect(),
            scenarios: Vec::new(),
            inconclusive_reasons: vec![reason],
            secrets_not_checked: Vec::new(),
            tls_insecure: info.tls_insecure,
            regressions: None,
            signed_by: None,
            listener: None,
        }
    }

    /// The model of a run from its scenarios: requirement statuses, counts
    /// and the verdict are decided here, once.
    pub fn build(
        info: &RunInfo,
        mut scenarios: Vec<ScenarioResult>,
        parse_errors: &[String],
        secrets_not_checked: Vec<String>,
    ) -> Self {
        let strict = info.strict;
        let requirements = catalog::in_profile(info.profile)
            .map(|r| requirement_result(r, &scenarios, strict))
            .collect::<Vec<_>>();
        for s in &mut scenarios {
            if matches!(
                s.display_outcome(strict),
                DisplayOutcome::Failed | DisplayOutcome::Warned
            ) {
                s.reproduce = Reproduce::of(&s.exchanges);
            }
        }
        let mut counts = Counts::default();
        for s in &scenarios {
            match s.status {
                ScenarioStatus::Passed => counts.passed += 1,
                ScenarioStatus::Skipped => counts.skipped += 1,
                ScenarioStatus::Inconclusive => counts.inconclusive += 1,
                ScenarioStatus::Failed if s.is_warning(strict) => counts.warned += 1,
                ScenarioStatus::Failed => counts.failed += 1,
            }
        }
        let mut inconclusive_reasons: Vec<String> = parse_errors
            .iter()
            .map(|e| format!("a feature file did not parse: {e}"))
            .collect();
        for s in scenarios.iter().filter(|s| s.harness_error()) {
            inconclusive_reasons.push(format!(
                "{}: {}",
                s.id,
                s.failure_title().unwrap_or("harness error")
            ));
        }
        if scenarios
            .iter()
            .all(|s| s.status == ScenarioStatus::Skipped)
        {
            inconclusive_reasons.push("no scenario ran (check --tags and --profile)".into());
        }
        let verdict = verdict_of(&requirements, &inconclusive_reasons, strict);
        RunReport {
            verdict,
            profile: info.profile,
            strict,
            target: info.target.clone(),
            started_at: info.started_at_text(),
            duration_ms: millis(info.elapsed),
            counts,
            requirements,
            scenarios,
            inconclusive_reasons,
            secrets_not_checked,
            tls_insecure: info.tls_insecure,
            regressions: None,
            signed_by: None,
            listener: None,
        }
    }

    /// The exit status CLI.md gives the verdict: a regression against the
    /// baseline makes a conformant run exit 1. With `--fail-on regression`
    /// (and a baseline) only a requirement that passed in the baseline and
    /// fails now makes it 1; an inconclusive run stays 3.
    pub fn exit_code(&self) -> Exit {
        if let Some(c) = self.regressions.as_ref().filter(|c| c.regressions_only) {
            return match self.verdict {
                Verdict::Inconclusive => Exit::Inconclusive,
                _ if c.regressed() => Exit::Failed,
                _ => Exit::Ok,
            };
        }
        match self.verdict {
            Verdict::Conformant | Verdict::Partial
                if self.regressions.as_ref().is_some_and(|c| c.regressed()) =>
            {
                Exit::Failed
            }
            Verdict::Conformant | Verdict::Partial => Exit::Ok,
            Verdict::NotConformant => Exit::Failed,
            Verdict::Inconclusive => Exit::Inconclusive,
        }
    }

    /// The requirements that count toward the verdict (every MUST; with
    /// `--strict` every SHOULD too) and were left in this status.
    pub fn counted_with_status(&self, status: RequirementStatus) -> Vec<&'static str> {
        self.requirements
            .iter()
            .filter(|r| r.status == status && (r.level == Level::Must || self.strict))
            .map(|r| r.id)
            .collect()
    }

    /// The secrets ERR-03 could not check, in one sentence, when there are
    /// any: by role and length, never by value.
    pub fn secrets_not_checked_line(&self) -> Option<String> {
        (!self.secrets_not_checked.is_empty()).then(|| {
            format!(
                "ERR-03 could not check (too short to tell from ordinary words): {}",
                self.secrets_not_checked.join(", ")
            )
        })
    }

    /// One line on why the verdict is what it is, for every report and the
    /// terminal: which requirements failed, were left untested, or could not
    /// be decided.
    pub fn verdict_explanation(&self) -> String {
        let counted = self
            .requirements
            .iter()
            .filter(|r| r.level == Level::Must || self.strict)
            .filter(|r| r.status != RequirementStatus::NotApplicable)
            .count();
        let kind = if self.strict { "MUST/SHOULD" } else { "MUST" };
        let list = |ids: Vec<&str>| ids.join(", ");
        match self.verdict {
            Verdict::Conformant => {
                let not_applicable = self
                    .requirements
                    .iter()
                    .filter(|r| r.level == Level::Must || self.strict)
                    .filter(|r| r.status == RequirementStatus::NotApplicable)
                    .count();
                if not_applicable == 0 {
                    format!(
                        "every {kind} requirement of the profile ({counted}) was checked and passed"
                    )
                } else {
                    format!(
                        "every {kind} requirement of the profile that applies ({counted} of {}; {not_applicable} not applicable) was checked and passed",
                        counted + not_applicable
                    )
                }
            }
            Verdict::Partial => {
                let untested = self.counted_with_status(RequirementStatus::Untested);
                format!(
                    "nothing failed, but {} of {counted} {kind} requirements were not checked: {}",
                    untested.len(),
                    list(untested)
                )
            }
            Verdict::NotConformant => {
                let failed = self.counted_with_status(RequirementStatus::Failed);
                format!("{} requirement(s) failed: {}", failed.len(), list(failed))
            }
            Verdict::Inconclusive => {
                let undecided = self.counted_with_status(RequirementStatus::Inconclusive);
                let mut parts = self.inconclusive_reasons.clone();
                if !undecided.is_empty() {
                    parts.push(format!(
                        "{} {kind} requirement(s) could not be decided: {}",
                        undecided.len(),
                        list(undecided)
                    ));
                }
                parts.join("; ")
            }
        }
    }

    /// Why scenarios were not run although the profile selects them (no
    /// token exchange, no `[lifecycle]` ticket named): each reason once,
    /// with the requirements whose scenarios it left out.
    pub fn skip_reasons(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for s in self
            .scenarios
            .iter()
            .filter(|s| s.status == ScenarioStatus::Skipped)
        {
            let Some(reason) = s.skip_reason.as_deref().filter(|r| !r.is_empty()) else {
                continue;
            };
            let i = match out.iter().position(|(r, _)| r == reason) {
                Some(i) => i,
                None => {
                    out.push((reason.to_string(), Vec::new()));
                    out.len() - 1
                }
            };
            for id in &s.requirements {
                if !out[i].1.contains(id) {
                    out[i].1.push(id.clone());
                }
            }
        }
        out
    }
}

fn requirement_result(
    r: &'static catalog::Requirement,
    scenarios: &[ScenarioResult],
    strict: bool,
) -> RequirementResult {
    let mine: Vec<&ScenarioResult> = scenarios
        .iter()
        .filter(|s| s.requirements.iter().any(|id| id == r.id))
        .collect();
    let counted_failure = |s: &&ScenarioResult| {
        s.status == ScenarioStatus::Failed
            && (s.level == Level::Must || strict)
            && r.level == Level::Must
    };
    let should_failure = |s: &&ScenarioResult| s.status == ScenarioStatus::Failed;
    let undecided = |s: &&ScenarioResult| {
        s.status == ScenarioStatus::Inconclusive && s.undecided != Some(Undecided::NotTested)
    };
    let status = if mine.is_empty() {
        RequirementStatus::Untested
    } else if mine.iter().any(counted_failure) {
        RequirementStatus::Failed
    } else if mine.iter().any(should_failure) {
        if strict {
            RequirementStatus::Failed
        } else {
            RequirementStatus::Warned
        }
    } else if mine.iter().all(|s| s.status == ScenarioStatus::Skipped) {
        RequirementStatus::NotApplicable
    } else if mine.iter().any(undecided) {
        // Some checks could not be made: not passed, not failed.
        RequirementStatus::Inconclusive
    } else if mine
        .iter()
        .any(|s| s.status == ScenarioStatus::Inconclusive)
    {
        // A check whose precondition did not hold (RATE-03 without a 429).
        RequirementStatus::Untested
    } else if mine.iter().any(|s| s.status == ScenarioStatus::Skipped) {
        // Part of it does not apply to this target (LIFE-04 without a
        // resolvable ticket): what ran passed, but "passed" would claim the
        // part that did not run.
        RequirementStatus::NotApplicable
    } else {
        RequirementStatus::Passed
    };
    RequirementResult {
        id: r.id,
        level: r.level,
        section: r.section,
        title: r.title,
        status,
        scenarios: mine.iter().map(|s| s.id.clone()).collect(),
    }
}

/// The verdict of CLI.md from the requirements' statuses: `not-conformant`
/// when a counted requirement failed; `inconclusive` when the harness could
/// not decide (the reasons are given, or added here); `partial` when nothing
/// failed but counted requirements were left untested; else `conformant`.
fn verdict_of(
    requirements: &[RequirementResult],
    inconclusive_reasons: &[String],
    strict: bool,
) -> Verdict {
    let counted = |r: &&RequirementResult| r.level == Level::Must || strict;
    let with = |status| {
        requirements
            .iter()
            .filter(counted)
            .filter(move |r| r.status == status)
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    if requirements
        .iter()
        .any(|r| r.status == RequirementStatus::Failed)
    {
        return Verdict::NotConformant;
    }
    if !inconclusive_reasons.is_empty() || !with(RequirementStatus::Inconclusive).is_empty() {
        return Verdict::Inconclusive;
    }
    if !with(RequirementStatus::Untested).is_empty() {
        return Verdict::Partial;
    }
    Verdict::Conformant
}

#[cfg(test)]
mod verdict_tests;

/// What changed between a baseline and a newer run (computed by
/// [`super::compare`], part of summary.json).
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
