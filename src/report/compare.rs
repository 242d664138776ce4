//! Regressions between two runs (`compare`, `run --baseline`): new
//! failures, fixes, unchanged failures, added and removed scenarios.

use std::collections::BTreeSet;
use std::fmt::Write as _;

pub(crate) use super::model::Comparison;
use super::model::RequirementStatus;
use super::summary::Summary;

/// How a baseline differs from this run in side or profile, when it does:
/// `side psa, profile psa; this run is side ncentral, profile full`.
pub(crate) fn baseline_mismatch(baseline: &Summary, side: &str, profile: &str) -> Option<String> {
    (baseline.side != side || baseline.profile != profile).then(|| {
        format!(
            "side {}, profile {}; this run is side {side}, profile {profile}",
            baseline.side, baseline.profile
        )
    })
}

/// `--rerun-failed`: the scenarios that failed or warned in a summary of
/// the same side and profile. Run-wide checks are made again over whatever
/// the rerun sends; they name no scenario of their own.
pub(crate) fn scenarios_to_rerun(
    summary: &Summary,
    side: &str,
    profile: &str,
) -> Result<BTreeSet<String>, String> {
    if let Some(problem) = baseline_mismatch(summary, side, profile) {
        return Err(format!(
            "it is a run of {problem}\n  hint: rerun with the same --side and --profile as that run"
        ));
    }
    let failed: BTreeSet<String> = summary
        .scenarios
        .iter()
        .filter(|s| s.status == super::model::ScenarioStatus::Failed)
        .map(|s| s.id.clone())
        .collect();
    let ids: BTreeSet<String> = failed
        .iter()
        .filter(|id| !id.starts_with("run-wide:"))
        .cloned()
        .collect();
    if ids.is_empty() {
        return Err(if failed.is_empty() {
            "no scenario failed or warned in it: nothing to rerun".into()
        } else {
            format!(
                "only run-wide checks failed in it ({}): they check every exchange of a run\n  hint: run the whole profile again, without --rerun-failed",
                failed.into_iter().collect::<Vec<_>>().join(", ")
            )
        });
    }
    Ok(ids)
}

impl Comparison {
    pub fn between(baseline: &Summary, new: &Summary) -> Self {
        // Requirements and additional checks (`--features`) alike.
        let statuses = |s: &Summary| -> Vec<(String, RequirementStatus)> {
            s.requirements
                .iter()
                .map(|r| (r.id.clone(), r.status))
                .chain(s.additional_checks.iter().map(|c| (c.id.clone(), c.status)))
                .collect()
        };
        let failing = |s: &Summary| -> BTreeSet<String> {
            statuses(s)
                .into_iter()
                .filter(|(_, status)| *status == RequirementStatus::Failed)
                .map(|(id, _)| id)
                .collect()
        };
        let (before, now) = (failing(baseline), failing(new));
        let ids = |s: &Summary| -> BTreeSet<String> {
            s.scenarios.iter().map(|x| x.id.clone()).collect()
        };
        let (old_ids, new_ids) = (ids(baseline), ids(new));
        let with = |s: &Summary, wanted: RequirementStatus| -> BTreeSet<String> {
            statuses(s)
                .into_iter()
                .filter(|(_, status)| *status == wanted)
                .map(|(id, _)| id)
                .collect()
        };
        let passed_before = with(baseline, RequirementStatus::Passed);
        let in_run: BTreeSet<&str> = new.requirements.iter().map(|r| r.id.as_str()).collect();
        Comparison {
            regressions: now.intersection(&passed_before).cloned().collect(),
            not_compared: baseline
                .requirements
                .iter()
                .filter(|r| !in_run.contains(r.id.as_str()))
                .map(|r| r.id.clone())
                .collect(),
            regressions_only: false,
            new_failures: now.difference(&before).cloned().collect(),
            fixed: before.difference(&now).cloned().collect(),
            still_failing: now.intersection(&before).cloned().collect(),
            added_scenarios: new_ids.difference(&old_ids).cloned().collect(),
            removed_scenarios: old_ids.difference(&new_ids).cloned().collect(),
        }
    }

    /// Whether the comparison makes the run exit 1: a new failure; with
    /// `--fail-on regression`, only a requirement that passed in the
    /// baseline and fails now.
    pub fn regressed(&self) -> bool {
        if self.regressions_only {
            !self.regressions.is_empty()
        } else {
            !self.new_failures.is_empty()
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let rows = [
            ("new failures", &self.new_failures),
            ("fixed", &self.fixed),
            ("still failing", &self.still_failing),
            ("added scenarios", &self.added_scenarios),
            ("removed scenarios", &self.removed_scenarios),
            ("regressions", &self.regressions),
        ];
        for (label, items) in rows {
            let _ = writeln!(
                out,
                "{label:<18} {:>3}  {}",
                items.len(),
                if items.is_empty() {
                    "-".to_string()
                } else {
                    items.join(" ")
                }
            );
        }
        if !self.not_compared.is_empty() {
            let _ = writeln!(
                out,
                "{:<18} {:>3}  {}  (in the baseline, not in this run: not checked tonight)",
                "not compared",
                self.not_compared.len(),
                self.not_compared.join(" ")
            );
        }
        let _ = writeln!(
            out,
            "{}{}",
            if self.regressed() {
                "regression: yes"
            } else {
                "regression: no"
            },
            if self.regressions_only {
                " (--fail-on regression: only a requirement that passed in the baseline and fails now is fatal; known failures are reported)"
            } else {
                ""
            }
        );
        out
    }
}
