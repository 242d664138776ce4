//! The one rule that turns the scenarios checking something — a requirement
//! of the catalog, or an additional check of one's own — into its status.

use crate::catalog::Level;

use super::run::RequirementStatus;
use super::scenario::{ScenarioResult, ScenarioStatus, Undecided};

/// The status of a requirement (or an additional check) of `level` from
/// the scenarios that check it.
pub(crate) fn status_of(level: Level, mine: &[&ScenarioResult], strict: bool) -> RequirementStatus {
    let counted_failure = |s: &&ScenarioResult| {
        s.status == ScenarioStatus::Failed
            && (s.level == Level::Must || strict)
            && level == Level::Must
    };
    let should_failure = |s: &&ScenarioResult| s.status == ScenarioStatus::Failed;
    let undecided = |s: &&ScenarioResult| {
        s.status == ScenarioStatus::Inconclusive && s.undecided != Some(Undecided::NotTested)
    };
    if mine.is_empty() {
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
    }
}
