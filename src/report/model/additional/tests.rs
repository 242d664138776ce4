//! Unit tests of additional checks: grouped by ID, never the verdict's.

use super::*;
use crate::catalog::Profile;
use crate::report::model::{RunInfo, RunReport, ScenarioStatus, Verdict};

fn scenario(id: &str, line: usize, req: &str, status: ScenarioStatus) -> ScenarioResult {
    ScenarioResult {
        id: format!("{id}:{line}"),
        feature: "f".into(),
        name: format!("scenario at {line}"),
        tags: vec![format!("@{req}")],
        requirements: vec![req.to_string()],
        level: Level::Must,
        status,
        undecided: None,
        failure: (status == ScenarioStatus::Failed).then(|| "broke".to_string()),
        skip_reason: None,
        duration_ms: 0,
        steps: Vec::new(),
        exchanges: Vec::new(),
        notes: Vec::new(),
        reproduce: None,
    }
}

fn info() -> RunInfo {
    RunInfo {
        profile: Profile::Core,
        strict: false,
        target: "http://127.0.0.1:1".into(),
        tls_insecure: false,
        started_at: jiff::Timestamp::UNIX_EPOCH,
        elapsed: std::time::Duration::ZERO,
    }
}

/// Every MUST scenario of the core profile, passed.
fn catalog_passed() -> Vec<ScenarioResult> {
    crate::catalog::in_profile(Profile::Core)
        .enumerate()
        .map(|(i, r)| scenario("features/x.feature", i + 1, r.id, ScenarioStatus::Passed))
        .collect()
}

#[test]
fn scenarios_of_one_id_make_one_check_and_catalog_ids_none() {
    let s = vec![
        scenario("own/a.feature", 3, "X-ACME-01", ScenarioStatus::Passed),
        scenario("features/c.feature", 9, "CRED-01", ScenarioStatus::Failed),
        scenario("own/a.feature", 8, "X-ACME-01", ScenarioStatus::Failed),
        scenario("own/b.feature", 4, "X-ACME-02", ScenarioStatus::Passed),
    ];
    let c = checks(&s, false);
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].id.as_str(), c[0].status),
        ("X-ACME-01", RequirementStatus::Failed)
    );
    assert_eq!(c[0].scenarios, ["own/a.feature:3", "own/a.feature:8"]);
    assert_eq!(c[0].title, "scenario at 3");
    assert_eq!(
        (c[1].id.as_str(), c[1].status),
        ("X-ACME-02", RequirementStatus::Passed)
    );
    assert_eq!(failed(&c), ["X-ACME-01"]);
}

#[test]
fn a_failed_check_leaves_the_verdict_word_but_exits_1_and_is_named() {
    let mut s = catalog_passed();
    s.push(scenario(
        "own/a.feature",
        3,
        "X-ACME-01",
        ScenarioStatus::Failed,
    ));
    let r = RunReport::build(&info(), s, &[], Vec::new());
    assert_eq!(r.verdict, Verdict::Conformant);
    assert_eq!(r.exit_code().code(), 1);
    let why = r.verdict_explanation();
    assert!(
        why.ends_with(
            "1 additional check(s) of your own failed (not part of the verdict): X-ACME-01"
        ),
        "{why}"
    );
}

#[test]
fn a_passed_check_changes_nothing() {
    let mut s = catalog_passed();
    s.push(scenario(
        "own/a.feature",
        3,
        "X-ACME-01",
        ScenarioStatus::Passed,
    ));
    let r = RunReport::build(&info(), s, &[], Vec::new());
    assert_eq!((r.verdict, r.exit_code().code()), (Verdict::Conformant, 0));
    assert!(!r.verdict_explanation().contains("additional"));
    assert_eq!(r.additional[0].status, RequirementStatus::Passed);
}

#[test]
fn a_harness_error_of_ones_own_never_makes_the_verdict_inconclusive() {
    let mut s = catalog_passed();
    let mut own = scenario(
        "own/a.feature",
        3,
        "X-ACME-01",
        ScenarioStatus::Inconclusive,
    );
    own.undecided = Some(crate::report::model::Undecided::Harness);
    s.push(own);
    let r = RunReport::build(&info(), s, &[], Vec::new());
    assert_eq!(r.verdict, Verdict::Conformant);
    assert_eq!(r.additional[0].status, RequirementStatus::Inconclusive);
}

#[test]
fn only_scenarios_of_ones_own_is_no_catalog_run() {
    let s = vec![scenario(
        "own/a.feature",
        3,
        "X-ACME-01",
        ScenarioStatus::Passed,
    )];
    let r = RunReport::build(&info(), s, &[], Vec::new());
    assert_eq!(r.verdict, Verdict::Inconclusive);
    assert!(
        r.inconclusive_reasons
            .iter()
            .any(|x| x.starts_with("no scenario ran")),
        "{:?}",
        r.inconclusive_reasons
    );
}

#[test]
fn a_should_check_warns_without_strict() {
    let mut own = scenario("own/a.feature", 3, "X-ACME-01", ScenarioStatus::Failed);
    own.level = Level::Should;
    let c = checks(std::slice::from_ref(&own), false);
    assert_eq!(
        (c[0].level.as_str(), c[0].status),
        ("SHOULD", RequirementStatus::Warned)
    );
    assert!(failed(&c).is_empty());
    assert_eq!(checks(&[own], true)[0].status, RequirementStatus::Failed);
}
