//! Unit tests of `report::model`.

use super::*;

fn req(id: &'static str, level: Level, status: RequirementStatus) -> RequirementResult {
    RequirementResult {
        id,
        level,
        section: 1,
        title: "t",
        status,
        scenarios: Vec::new(),
    }
}

fn scenario(req: &str, level: Level, status: ScenarioStatus) -> ScenarioResult {
    ScenarioResult {
        id: format!("features/x.feature:{}", req.len()),
        feature: "x".into(),
        name: "n".into(),
        tags: vec![format!("@{req}")],
        requirements: vec![req.to_string()],
        level,
        status,
        undecided: (status == ScenarioStatus::Inconclusive).then_some(Undecided::RateLimited),
        failure: None,
        skip_reason: None,
        duration_ms: 0,
        steps: Vec::new(),
        exchanges: Vec::new(),
        notes: Vec::new(),
        reproduce: None,
    }
}

use Level::{Must, Should};
use RequirementStatus as R;

#[test]
fn every_must_passed_is_conformant() {
    let reqs = [
        req("A-01", Must, R::Passed),
        req("B-01", Should, R::Untested),
    ];
    assert_eq!(verdict_of(&reqs, &[], false), Verdict::Conformant);
}

#[test]
fn an_untested_must_makes_the_run_partial_never_conformant() {
    let reqs = [req("A-01", Must, R::Passed), req("A-02", Must, R::Untested)];
    assert_eq!(verdict_of(&reqs, &[], false), Verdict::Partial);
    // With --strict an untested SHOULD counts too.
    let reqs = [
        req("A-01", Must, R::Passed),
        req("B-01", Should, R::Untested),
    ];
    assert_eq!(verdict_of(&reqs, &[], true), Verdict::Partial);
}

#[test]
fn not_applicable_never_makes_a_run_partial() {
    let reqs = [
        req("A-01", Must, R::Passed),
        req("AUTH-06", Must, R::NotApplicable),
    ];
    assert_eq!(verdict_of(&reqs, &[], false), Verdict::Conformant);
}

#[test]
fn a_failure_wins_over_everything_else() {
    let reqs = [
        req("A-01", Must, R::Failed),
        req("A-02", Must, R::Untested),
        req("A-03", Must, R::Inconclusive),
    ];
    assert_eq!(
        verdict_of(&reqs, &["unreachable".into()], false),
        Verdict::NotConformant
    );
}

#[test]
fn an_undecided_must_or_a_harness_reason_is_inconclusive() {
    let reqs = [
        req("A-01", Must, R::Passed),
        req("A-02", Must, R::Inconclusive),
    ];
    assert_eq!(verdict_of(&reqs, &[], false), Verdict::Inconclusive);
    let reqs = [req("A-01", Must, R::Passed)];
    assert_eq!(
        verdict_of(&reqs, &["interrupted".into()], false),
        Verdict::Inconclusive
    );
}

#[test]
fn only_conformant_reads_conformant() {
    for v in [
        Verdict::Partial,
        Verdict::NotConformant,
        Verdict::Inconclusive,
    ] {
        assert_ne!(v.label(), "CONFORMANT");
        assert!(!v.label().split_whitespace().eq(["CONFORMANT"]));
    }
    assert_eq!(
        serde_json::to_string(&Verdict::Partial).unwrap(),
        "\"partial\""
    );
    assert_eq!(
        serde_json::to_string(&RequirementStatus::NotApplicable).unwrap(),
        "\"not-applicable\""
    );
}

#[test]
fn a_rate_limited_scenario_makes_its_requirement_inconclusive_not_failed() {
    let r = catalog::find("AUTH-01").unwrap();
    let scenarios = [
        scenario("AUTH-01", Must, ScenarioStatus::Passed),
        scenario("AUTH-01", Must, ScenarioStatus::Inconclusive),
    ];
    assert_eq!(
        requirement_result(r, &scenarios, false).status,
        R::Inconclusive
    );
}

#[test]
fn a_not_tested_scenario_leaves_its_requirement_untested() {
    let r = catalog::find("RATE-03").unwrap();
    let mut s = scenario("RATE-03", Must, ScenarioStatus::Inconclusive);
    s.undecided = Some(Undecided::NotTested);
    assert_eq!(requirement_result(r, &[s], false).status, R::Untested);
}

#[test]
fn skipped_everywhere_is_not_applicable() {
    let r = catalog::find("AUTH-06").unwrap();
    let s = scenario("AUTH-06", Must, ScenarioStatus::Skipped);
    assert_eq!(requirement_result(r, &[s], false).status, R::NotApplicable);
}

#[test]
fn one_triage_names_every_display_outcome() {
    use DisplayOutcome as D;
    let with = |status, level, undecided| ScenarioResult {
        undecided,
        ..scenario("X-01", level, status)
    };
    let s = ScenarioStatus::Inconclusive;
    assert_eq!(
        with(s, Must, Some(Undecided::Harness)).display_outcome(false),
        D::Error
    );
    assert_eq!(
        with(s, Must, Some(Undecided::NotTested)).display_outcome(false),
        D::NotTested
    );
    assert_eq!(
        with(s, Must, Some(Undecided::RateLimited)).display_outcome(false),
        D::Inconclusive(Some(Undecided::RateLimited))
    );
    let should = with(ScenarioStatus::Failed, Should, None);
    assert_eq!(should.display_outcome(false), D::Warned);
    assert_eq!(should.display_outcome(true), D::Failed);
    assert_eq!(
        with(ScenarioStatus::Failed, Must, None).display_outcome(false),
        D::Failed
    );
    assert_eq!(
        with(ScenarioStatus::Passed, Must, None).display_outcome(false),
        D::Passed
    );
    assert_eq!(
        with(ScenarioStatus::Skipped, Must, None).display_outcome(false),
        D::Skipped
    );
    // Worst first; a flaky pass needs no attention.
    assert!(D::Failed < D::Error && D::Error < D::Warned && D::Warned < D::NotTested);
    assert!(D::NotTested.needs_attention() && !D::Flaky.needs_attention());
}

#[test]
fn a_requirement_partly_not_applicable_is_not_claimed_passed() {
    let r = catalog::find("LIFE-04").unwrap();
    let scenarios = [
        scenario("LIFE-04", Must, ScenarioStatus::Passed),
        scenario("LIFE-04", Must, ScenarioStatus::Skipped),
    ];
    assert_eq!(
        requirement_result(r, &scenarios, false).status,
        R::NotApplicable
    );
}

#[test]
fn a_baseline_that_says_skipped_still_reads() {
    let s: RequirementStatus = serde_json::from_str("\"skipped\"").unwrap();
    assert_eq!(s, R::NotApplicable);
}
