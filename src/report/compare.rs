//! Regressions between two runs (`compare`, `run --baseline`): new
//! failures, fixes, unchanged failures, added and removed scenarios.

use std::collections::BTreeSet;
use std::fmt::Write as _;

pub use super::model::Comparison;
use super::model::RequirementStatus;
use super::summary::Summary;

impl Comparison {
    pub fn between(baseline: &Summary, new: &Summary) -> Self {
        let failing = |s: &Summary| -> BTreeSet<String> {
            s.requirements
                .iter()
                .filter(|r| r.status == RequirementStatus::Failed)
                .map(|r| r.id.clone())
                .collect()
        };
        let (before, now) = (failing(baseline), failing(new));
        let ids = |s: &Summary| -> BTreeSet<String> {
            s.scenarios.iter().map(|x| x.id.clone()).collect()
        };
        let (old_ids, new_ids) = (ids(baseline), ids(new));
        Comparison {
            new_failures: now.difference(&before).cloned().collect(),
            fixed: before.difference(&now).cloned().collect(),
            still_failing: now.intersection(&before).cloned().collect(),
            added_scenarios: new_ids.difference(&old_ids).cloned().collect(),
            removed_scenarios: old_ids.difference(&new_ids).cloned().collect(),
        }
    }

    pub fn regressed(&self) -> bool {
        !self.new_failures.is_empty()
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let rows = [
            ("new failures", &self.new_failures),
            ("fixed", &self.fixed),
            ("still failing", &self.still_failing),
            ("added scenarios", &self.added_scenarios),
            ("removed scenarios", &self.removed_scenarios),
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
        let _ = writeln!(
            out,
            "{}",
            if self.regressed() {
                "regression: yes"
            } else {
                "regression: no"
            }
        );
        out
    }
}
