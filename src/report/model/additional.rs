//! Additional checks: the scenarios of one's own (`run --features DIR`),
//! grouped by their ID tag (`@X-ACME-01`), each with one status decided by
//! the same rule as a requirement's. They never decide the verdict word: a
//! failed one makes the exit status 1 and is named in the verdict sentence.

use crate::catalog::{self, Level};

use super::run::{AdditionalCheck, RequirementStatus};
use super::scenario::ScenarioResult;

/// The ID of the additional check a scenario belongs to: a scenario of
/// one's own names one ID, and no requirement of the catalog.
pub(crate) fn check_of(scenario: &ScenarioResult) -> Option<&str> {
    match scenario.requirements.as_slice() {
        [id] if catalog::find(id).is_none() => Some(id),
        _ => None,
    }
}

/// The additional checks among `scenarios`, in order of first appearance.
pub(crate) fn checks(scenarios: &[ScenarioResult], strict: bool) -> Vec<AdditionalCheck> {
    let mut ids: Vec<&str> = Vec::new();
    for id in scenarios.iter().filter_map(check_of) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.into_iter()
        .map(|id| {
            let mine: Vec<&ScenarioResult> = scenarios
                .iter()
                .filter(|s| check_of(s) == Some(id))
                .collect();
            let level = if mine.iter().all(|s| s.level == Level::Should) {
                Level::Should
            } else {
                Level::Must
            };
            AdditionalCheck {
                id: id.to_string(),
                level: level.to_string(),
                title: mine[0].name.clone(),
                status: super::status::status_of(level, &mine, strict),
                scenarios: mine.iter().map(|s| s.id.clone()).collect(),
            }
        })
        .collect()
}

/// The additional checks that failed: each makes the exit status 1.
pub(crate) fn failed(checks: &[AdditionalCheck]) -> Vec<&str> {
    checks
        .iter()
        .filter(|c| c.status == RequirementStatus::Failed)
        .map(|c| c.id.as_str())
        .collect()
}

#[cfg(test)]
mod tests;
