//! `junit.xml`: one test suite per feature, one test case per scenario.
//!
//! A finding about the target is a `<failure>`; a harness problem (no
//! response) is an `<error>`; a SHOULD failure without `--strict` passes,
//! with the warning in `<system-out>` and a `warning` property, so a CI
//! build reading the file does not break on it; a skipped scenario is
//! `<skipped>` with its reason.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{RunReport, ScenarioStatus, Undecided};

pub fn render(run: &RunReport) -> String {
    let mut report = Report::new("psa-conformance");
    let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
    for s in &run.scenarios {
        let file =
            s.id.rsplit_once(':')
                .map(|(f, _)| f.to_string())
                .unwrap_or_else(|| s.id.clone());
        let suite = suites.entry(file.clone()).or_insert_with(|| {
            let mut suite = TestSuite::new(file.clone());
            suite.add_property(Property::new("feature", s.feature.clone()));
            suite
        });
        let status = match s.status {
            ScenarioStatus::Passed => TestCaseStatus::success(),
            ScenarioStatus::Skipped => {
                let mut st = TestCaseStatus::skipped();
                if let TestCaseStatus::Skipped { message, .. } = &mut st {
                    *message = s.skip_reason.clone().map(Into::into);
                }
                st
            }
            ScenarioStatus::Inconclusive if s.undecided == Some(Undecided::NotTested) => {
                let mut st = TestCaseStatus::skipped();
                if let TestCaseStatus::Skipped { message, .. } = &mut st {
                    *message = s.failure_title().map(|t| format!("not tested: {t}").into());
                }
                st
            }
            ScenarioStatus::Failed if s.is_warning(run.strict) => TestCaseStatus::success(),
            ScenarioStatus::Failed | ScenarioStatus::Inconclusive => {
                let kind = if s.status == ScenarioStatus::Inconclusive {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut st = TestCaseStatus::non_success(kind);
                if let TestCaseStatus::NonSuccess {
                    message,
                    description,
                    ty,
                    ..
                } = &mut st
                {
                    *message = s
                        .failure_title()
                        .map(|t| format!("{}: {t}", s.requirements.join(", ")).into());
                    *description = s.failure.clone().map(Into::into);
                    *ty = Some(
                        match s.undecided {
                            Some(u) => u.label(),
                            None => "requirement-failed",
                        }
                        .into(),
                    );
                }
                st
            }
        };
        let mut case = TestCase::new(format!("{} [{}]", s.name, s.id), status);
        case.set_classname(format!("{} {}", s.requirements.join(" "), s.level));
        case.set_time(std::time::Duration::from_millis(s.duration_ms));
        case.add_property(Property::new("requirements", s.requirements.join(" ")));
        case.add_property(Property::new("level", s.level.to_string()));
        if s.is_warning(run.strict) {
            case.add_property(Property::new(
                "warning",
                "SHOULD requirement not met (counts only with --strict)",
            ));
            case.set_system_out(format!(
                "WARNING (SHOULD, {}): {}",
                s.requirements.join(", "),
                s.failure.clone().unwrap_or_default()
            ));
        }
        suite.add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- could not render junit: {e} -->\n<testsuites/>"))
}
