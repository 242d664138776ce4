//! Unit tests of `report::model`.

use super::*;
use crate::catalog::Profile;
use crate::report::Comparison;
use std::time::Duration;

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

// --- The verdict rules as CLI.md states them ("Verdicts", "Exit status"),
// --- each test written against a mutant `cargo mutants` found (MUTANTS.md).

fn info(strict: bool) -> RunInfo {
    RunInfo {
        profile: Profile::Core,
        strict,
        target: "http://t".into(),
        tls_insecure: false,
        started_at: jiff::Timestamp::UNIX_EPOCH,
        elapsed: Duration::ZERO,
    }
}

/// A report of `verdict` over these requirements, nothing else set.
fn report(verdict: Verdict, strict: bool, requirements: Vec<RequirementResult>) -> RunReport {
    RunReport {
        verdict,
        requirements,
        inconclusive_reasons: Vec::new(),
        ..RunReport::not_run(&info(strict), String::new())
    }
}

#[test]
fn only_a_failed_should_without_strict_is_a_warning() {
    let s = |level, status| scenario("X-01", level, status);
    assert!(s(Should, ScenarioStatus::Failed).is_warning(false));
    assert!(!s(Should, ScenarioStatus::Failed).is_warning(true));
    assert!(!s(Must, ScenarioStatus::Failed).is_warning(false));
    // What did not fail is no warning, whatever its level.
    for status in [
        ScenarioStatus::Passed,
        ScenarioStatus::Skipped,
        ScenarioStatus::Inconclusive,
    ] {
        assert!(!s(Should, status).is_warning(false), "{status:?}");
    }
}

#[test]
fn a_pass_after_a_waited_out_429_shows_as_flaky() {
    let mut s = scenario("X-01", Must, ScenarioStatus::Passed);
    s.exchanges.push(crate::http::ExchangeRecord {
        method: "GET".into(),
        url: "http://t/x".into(),
        request_headers: vec![],
        request_body: None,
        status: Some(200),
        response_headers: vec![],
        response_body: None,
        transport_error: None,
        elapsed_ms: 1.0,
        waited_out: vec![crate::http::WaitedOut {
            status: 429,
            retry_after: Some("1".into()),
            waited_ms: 1000,
        }],
        started_at: jiff::Timestamp::UNIX_EPOCH,
        inbound: false,
        replay: None,
        wire: Default::default(),
    });
    assert_eq!(s.display_outcome(false), DisplayOutcome::Flaky);
    assert!(DisplayOutcome::Flaky.passed());
}

#[test]
fn every_scenario_is_counted_once_a_failed_should_as_warned_unless_strict() {
    use ScenarioStatus::{Failed, Inconclusive, Passed, Skipped};
    let scenarios = || {
        let mut all = Vec::new();
        for (n, level, status) in [
            (3, Must, Passed),
            (2, Must, Skipped),
            (4, Must, Inconclusive),
            (1, Must, Failed),
            (5, Should, Failed),
        ] {
            for _ in 0..n {
                all.push(scenario("AUTH-01", level, status));
            }
        }
        all
    };
    let counts = RunReport::build(&info(false), scenarios(), &[], Vec::new()).counts;
    let expected = Counts {
        passed: 3,
        failed: 1,
        warned: 5,
        skipped: 2,
        inconclusive: 4,
    };
    assert_eq!(counts, expected);
    let strict = RunReport::build(&info(true), scenarios(), &[], Vec::new()).counts;
    assert_eq!(
        strict,
        Counts {
            failed: 6,
            warned: 0,
            ..expected
        }
    );
}

#[test]
fn a_run_where_no_scenario_ran_is_inconclusive_and_says_so() {
    let skipped = vec![scenario("AUTH-01", Must, ScenarioStatus::Skipped)];
    let run = RunReport::build(&info(false), skipped, &[], Vec::new());
    assert_eq!(run.verdict, Verdict::Inconclusive);
    assert!(
        run.inconclusive_reasons
            .iter()
            .any(|r| r.contains("no scenario ran")),
        "{:?}",
        run.inconclusive_reasons
    );
    // One scenario that ran is enough: no such reason, nothing inconclusive.
    let ran = vec![scenario("AUTH-01", Must, ScenarioStatus::Passed)];
    let run = RunReport::build(&info(false), ran, &[], Vec::new());
    assert!(run.inconclusive_reasons.is_empty());
    assert_eq!(run.verdict, Verdict::Partial);
}

#[test]
fn the_exit_status_follows_the_table_of_cli_md() {
    let code = |v| report(v, false, Vec::new()).exit_code().code();
    assert_eq!(code(Verdict::Conformant), 0);
    assert_eq!(code(Verdict::Partial), 0);
    assert_eq!(code(Verdict::NotConformant), 1);
    assert_eq!(code(Verdict::Inconclusive), 3);
}

fn with_baseline(verdict: Verdict, new_failure: bool, regressions_only: bool) -> u8 {
    let comparison = Comparison {
        new_failures: if new_failure {
            vec!["A-01".into()]
        } else {
            vec![]
        },
        regressions: if new_failure {
            vec!["A-01".into()]
        } else {
            vec![]
        },
        regressions_only,
        ..Comparison::default()
    };
    RunReport {
        regressions: Some(comparison),
        ..report(verdict, false, Vec::new())
    }
    .exit_code()
    .code()
}

#[test]
fn a_regression_against_the_baseline_makes_a_passing_run_exit_1() {
    for v in [Verdict::Conformant, Verdict::Partial] {
        assert_eq!(with_baseline(v, true, false), 1, "{v:?}");
        assert_eq!(with_baseline(v, false, false), 0, "{v:?}");
    }
    assert_eq!(with_baseline(Verdict::NotConformant, false, false), 1);
    assert_eq!(with_baseline(Verdict::Inconclusive, true, false), 3);
}

#[test]
fn with_fail_on_regression_only_a_regression_exits_1_and_inconclusive_stays_3() {
    // Known failures are reported, not fatal.
    assert_eq!(with_baseline(Verdict::NotConformant, false, true), 0);
    assert_eq!(with_baseline(Verdict::NotConformant, true, true), 1);
    assert_eq!(with_baseline(Verdict::Conformant, false, true), 0);
    assert_eq!(with_baseline(Verdict::Inconclusive, false, true), 3);
    assert_eq!(with_baseline(Verdict::Inconclusive, true, true), 3);
}

#[test]
fn counted_requirements_are_every_must_and_with_strict_every_should() {
    let reqs = || {
        vec![
            req("A-01", Must, R::Untested),
            req("B-01", Should, R::Untested),
            req("A-02", Must, R::Failed),
            req("A-03", Must, R::Passed),
        ]
    };
    let run = report(Verdict::Partial, false, reqs());
    assert_eq!(run.counted_with_status(R::Untested), ["A-01"]);
    assert_eq!(run.counted_with_status(R::Failed), ["A-02"]);
    let strict = report(Verdict::Partial, true, reqs());
    assert_eq!(strict.counted_with_status(R::Untested), ["A-01", "B-01"]);
}

#[test]
fn a_conformant_run_says_how_many_requirements_were_checked() {
    // CLI.md's summary.json: "every MUST requirement of the profile (34)
    // was checked and passed" — the counted ones, a SHOULD not among them.
    let reqs = vec![
        req("A-01", Must, R::Passed),
        req("A-02", Must, R::Passed),
        req("B-01", Should, R::Untested),
    ];
    assert_eq!(
        report(Verdict::Conformant, false, reqs).verdict_explanation(),
        "every MUST requirement of the profile (2) was checked and passed"
    );
    // One that does not apply does not count, and is said not to apply.
    let reqs = vec![
        req("A-01", Must, R::Passed),
        req("A-02", Must, R::Passed),
        req("AUTH-06", Must, R::NotApplicable),
    ];
    let why = report(Verdict::Conformant, false, reqs).verdict_explanation();
    assert!(why.contains("(2 of 3; 1 not applicable)"), "{why}");
}

#[test]
fn a_partial_run_says_how_many_and_which_were_not_checked() {
    let reqs = vec![
        req("A-01", Must, R::Passed),
        req("A-02", Must, R::Untested),
        req("A-03", Must, R::NotApplicable),
        req("B-01", Should, R::Untested),
    ];
    let why = report(Verdict::Partial, false, reqs).verdict_explanation();
    // Two MUSTs count (A-03 does not apply), one of them untested.
    assert!(why.contains("1 of 2 MUST requirements"), "{why}");
    assert!(why.ends_with(": A-02"), "{why}");
}

#[test]
fn a_failed_or_inconclusive_run_names_its_requirements_and_reasons() {
    let reqs = vec![
        req("A-01", Must, R::Failed),
        req("A-02", Must, R::Inconclusive),
    ];
    let why = report(Verdict::NotConformant, false, reqs.clone()).verdict_explanation();
    assert!(why.contains("A-01") && !why.contains("A-02"), "{why}");
    let mut run = report(Verdict::Inconclusive, false, reqs);
    run.inconclusive_reasons = vec!["interrupted (SIGTERM)".into()];
    let why = run.verdict_explanation();
    assert!(why.starts_with("interrupted (SIGTERM); "), "{why}");
    assert!(why.ends_with(": A-02"), "{why}");
    // The reason alone when every requirement was decided.
    run.requirements = vec![req("A-01", Must, R::Passed)];
    assert_eq!(run.verdict_explanation(), "interrupted (SIGTERM)");
}

#[test]
fn a_failed_must_fails_its_requirement_a_failed_should_warns_unless_strict() {
    // NCENTRAL-SIDE.md: a MUST failure is a failure; a SHOULD failure (a
    // SHOULD requirement, or a `@should` scenario of a MUST one) is a
    // warning, and with --strict a failure.
    let status = |id, level, strict| {
        let s = scenario(id, level, ScenarioStatus::Failed);
        requirement_result(catalog::find(id).unwrap(), &[s], strict).status
    };
    assert_eq!(status("AUTH-01", Must, false), R::Failed);
    assert_eq!(status("AUTH-01", Should, false), R::Warned);
    assert_eq!(status("AUTH-01", Should, true), R::Failed);
    assert_eq!(status("KEY-03", Should, false), R::Warned);
    assert_eq!(status("KEY-03", Should, true), R::Failed);
}

#[test]
fn a_requirement_whose_scenarios_all_passed_passed() {
    let r = catalog::find("AUTH-01").unwrap();
    let scenarios = [
        scenario("AUTH-01", Must, ScenarioStatus::Passed),
        scenario("AUTH-01", Must, ScenarioStatus::Passed),
    ];
    let result = requirement_result(r, &scenarios, false);
    assert_eq!(result.status, R::Passed);
    assert_eq!(result.scenarios.len(), 2);
    // Another requirement's scenarios are not its own.
    let other = requirement_result(catalog::find("AUTH-02").unwrap(), &scenarios, false);
    assert_eq!(other.status, R::Untested);
}

#[test]
fn a_harness_error_makes_the_run_inconclusive_and_names_the_scenario() {
    let mut s = scenario("AUTH-01", Must, ScenarioStatus::Inconclusive);
    s.undecided = Some(Undecided::Harness);
    s.failure = Some("no response: connection refused\nmore".into());
    let run = RunReport::build(&info(false), vec![s], &[], Vec::new());
    assert_eq!(run.verdict, Verdict::Inconclusive);
    let reason = "features/x.feature:7: no response: connection refused";
    assert_eq!(run.inconclusive_reasons, [reason]);
}
