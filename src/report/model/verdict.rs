//! Every decision of the model, made once: each requirement's status from
//! its scenarios, the verdict from the requirements, the exit status, and
//! the sentences that explain them.

use crate::catalog::{self, Level};
use crate::exit::Exit;

use super::additional;
use super::run::{
    millis, Counts, RequirementResult, RequirementStatus, RunInfo, RunReport, Verdict,
};
#[cfg(test)]
use super::scenario::Undecided;
use super::scenario::{DisplayOutcome, ScenarioResult, ScenarioStatus};
use crate::report::reproduce::Reproduce;

impl RunReport {
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
            additional: Vec::new(),
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
        // Scenarios of one's own never make the verdict inconclusive.
        let catalogs = |s: &&ScenarioResult| additional::check_of(s).is_none();
        for s in scenarios
            .iter()
            .filter(catalogs)
            .filter(|s| s.harness_error())
        {
            inconclusive_reasons.push(format!(
                "{}: {}",
                s.id,
                s.failure_title().unwrap_or("harness error")
            ));
        }
        if scenarios
            .iter()
            .filter(catalogs)
            .all(|s| s.status == ScenarioStatus::Skipped)
        {
            inconclusive_reasons.push("no scenario ran (check --tags and --profile)".into());
        }
        let verdict = verdict_of(&requirements, &inconclusive_reasons, strict);
        let additional = additional::checks(&scenarios, strict);
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
            additional,
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
                if self.regressions.as_ref().is_some_and(|c| c.regressed())
                    || !additional::failed(&self.additional).is_empty() =>
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
        let failed = additional::failed(&self.additional);
        let catalog = self.catalog_explanation();
        if failed.is_empty() {
            return catalog;
        }
        format!(
            "{catalog}; {} additional check(s) of your own failed (not part of the verdict): {}",
            failed.len(),
            failed.join(", ")
        )
    }

    /// [`RunReport::verdict_explanation`] for the catalog's requirements.
    fn catalog_explanation(&self) -> String {
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
    RequirementResult {
        id: r.id,
        level: r.level,
        section: r.section,
        title: r.title,
        status: super::status::status_of(r.level, &mine, strict),
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
#[path = "verdict_tests.rs"]
mod verdict_tests;
