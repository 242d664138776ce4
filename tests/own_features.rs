//! `run --features DIR`: scenarios of one's own beside the catalog's. The
//! worked examples run green on both sides; a failed check makes the exit 1
//! and is named, but never changes the verdict word; a step the suite does
//! not define is exit 2 before anything is sent; such a run is never
//! signed; and `--fail-on regression` treats a check of one's own as it
//! treats a requirement.

use std::net::TcpListener;
use std::path::Path;

use crate::common::{run, summary_of, text, write_target};

fn checks(out: &Path) -> Vec<(String, String)> {
    summary_of(out)["additional_checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no additional_checks in {}", out.display()))
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_worked_examples_run_green_against_the_built_in_mock_on_both_sides() {
    let tmp = tempfile::tempdir().unwrap();
    for (side, dir, ids) in [
        (
            "ncentral",
            "examples/features/ncentral",
            vec!["X-ACME-01", "X-ACME-02", "X-ACME-03"],
        ),
        ("psa", "examples/features/psa", vec!["X-ACME-PSA-01"]),
    ] {
        let out = tmp.path().join(side);
        let o = run(&[
            "run",
            "--side",
            side,
            "--quiet",
            "--features",
            dir,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{side}: {}", text(&o));
        let got = checks(&out);
        let want: Vec<(String, String)> = ids
            .iter()
            .map(|i| (i.to_string(), "passed".to_string()))
            .collect();
        assert_eq!(got, want, "{side}");
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(
            html.contains(r#"<h2 id="additional">Additional checks"#),
            "{side}: report.html"
        );
        let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
        assert!(
            md.contains("**Additional checks**") && md.contains(&format!("| {} ", ids[0])),
            "{side}: {md}"
        );
        let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
        assert!(
            junit.contains(&format!(
                r#"<property name="additional_check" value="{} passed"/>"#,
                ids[0]
            )),
            "{side}"
        );
        let ctrf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("ctrf.json")).unwrap()).unwrap();
        assert_eq!(
            ctrf["extra"]["psa-conformance.additionalChecks"][0]["id"], ids[0],
            "{side}"
        );
    }
}

#[test]
fn a_failed_check_of_ones_own_exits_1_and_is_named_but_the_verdict_is_the_catalogs() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--profile",
        "core",
        "--features",
        "tests/data/own/fail",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    let s = summary_of(out.path());
    assert_eq!(s["verdict"], "conformant", "{t}");
    let why = s["verdict_reason"].as_str().unwrap();
    assert!(
        why.ends_with(
            "1 additional check(s) of your own failed (not part of the verdict): X-TEST-01"
        ),
        "{why}"
    );
    assert_eq!(
        checks(out.path()),
        [
            ("X-TEST-01".into(), "failed".into()),
            ("X-TEST-02".into(), "warned".into())
        ]
    );
    assert!(
        t.contains("FAILED X-TEST-01 [tests/data/own/fail/own.feature:6] Discovery answers 418"),
        "{t}"
    );
    assert!(t.contains("verdict: CONFORMANT"), "{t}");
    // The failure carries its replay, as a catalog failure does.
    assert!(t.contains("reproduce (bash):"), "{t}");
}

#[test]
fn an_undefined_step_is_exit_2_naming_file_line_and_the_closest_steps_before_anything_is_sent() {
    // A target that counts connections: none may arrive.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let target = write_target(dir.path(), &url, r#"bearer_token_env = "T_TOKEN""#);
    let out = dir.path().join("reports");
    let o = crate::common::bin()
        .args(["run", "--features", "tests/data/own/undefined", "--target"])
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .env("T_TOKEN", "token-never-sent")
        .env("T_KEY", "key-never-sent")
        .env("T_PASS", "password-never-sent")
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("error: --features tests/data/own/undefined: 2 step(s) the suite does not define exactly once for --side ncentral; nothing was sent"), "{t}");
    assert!(
        t.contains("at tests/data/own/undefined/own.feature:8: Then the status is 200"),
        "{t}"
    );
    assert!(
        t.contains("at tests/data/own/undefined/own.feature:9: Given the response status is 200"),
        "{t}"
    );
    assert!(
        t.contains("did you mean: Then the response status is 200"),
        "{t}"
    );
    assert!(t.contains("hint: `psa-conformance list --steps`"), "{t}");
    assert!(
        listener.accept().is_err(),
        "a connection reached the target"
    );
    assert!(!out.exists(), "--out was created");
}

#[test]
fn a_run_with_features_of_ones_own_is_never_signed_and_untagged_scenarios_are_refused() {
    let o = run(&[
        "run",
        "--features",
        "examples/features/ncentral",
        "--sign-with",
        "no-such.key",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("'--features <DIR>' cannot be used with '--sign-with <KEYFILE>'"),
        "{}",
        text(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.feature"),
        "Feature: f\n\n  @CRED-01\n  Scenario: claims a requirement\n    When the client sends GET /api/standard-psa\n",
    )
    .unwrap();
    let o = run(&["run", "--features", dir.path().to_str().unwrap()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("x.feature:4: scenario \"claims a requirement\" is tagged @CRED-01, a requirement of the catalog"), "{t}");
}

#[test]
fn fail_on_regression_judges_a_check_of_ones_own_as_it_judges_a_requirement() {
    let tmp = tempfile::tempdir().unwrap();
    let night = |name: &str, features: &str, baseline: Option<&Path>| {
        let out = tmp.path().join(name);
        let mut args = vec![
            "run",
            "--profile",
            "core",
            "--quiet",
            "--features",
            features,
            "--out",
            out.to_str().unwrap(),
        ];
        let b;
        if let Some(path) = baseline {
            b = path.join("summary.json").display().to_string();
            args.extend(["--baseline", &b, "--fail-on", "regression"]);
        }
        let o = run(&args);
        (o.status.code(), text(&o), out)
    };
    let (code, t, first) = night("1", "tests/data/own/pass", None);
    assert_eq!(code, Some(0), "{t}");
    // X-TEST-01 passed last night and fails now: a regression.
    let (code, t, second) = night("2", "tests/data/own/fail", Some(&first));
    assert_eq!(code, Some(1), "{t}");
    assert_eq!(
        summary_of(&second)["regressions"]["regressions"],
        serde_json::json!(["X-TEST-01"]),
        "{t}"
    );
    // Failing again: a known failure, reported and not fatal.
    let (code, t, third) = night("3", "tests/data/own/fail", Some(&second));
    assert_eq!(code, Some(0), "{t}");
    assert_eq!(
        summary_of(&third)["regressions"]["still_failing"],
        serde_json::json!(["X-TEST-01"]),
        "{t}"
    );
}

#[test]
fn rerun_failed_reruns_a_failed_check_of_ones_own_only_with_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let o = run(&[
        "run",
        "--profile",
        "core",
        "--quiet",
        "--features",
        "tests/data/own/fail",
        "--out",
        first.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let summary = first.join("summary.json");
    let o = run(&[
        "run",
        "--profile",
        "core",
        "--rerun-failed",
        summary.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("scenarios of your own failed in it (tests/data/own/fail/own.feature:6, tests/data/own/fail/own.feature:11), and this run has no --features"), "{t}");
    let again = tmp.path().join("again");
    let o = run(&[
        "run",
        "--profile",
        "core",
        "--quiet",
        "--features",
        "tests/data/own/fail",
        "--rerun-failed",
        summary.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let ran: Vec<String> = summary_of(&again)["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .filter(|id| !id.starts_with("run-wide:"))
        .collect();
    assert_eq!(
        ran,
        [
            "tests/data/own/fail/own.feature:6",
            "tests/data/own/fail/own.feature:11"
        ]
    );
}

#[test]
fn a_secret_written_into_a_step_of_ones_own_is_masked_in_the_step_error() {
    let dir = tempfile::tempdir().unwrap();
    let token = "tok-3f9a81c2d47e5b60";
    std::fs::write(
        dir.path().join("x.feature"),
        format!("Feature: f\n\n  @X-ACME-01\n  Scenario: s\n    Given the token {token} is sent\n"),
    )
    .unwrap();
    let target = write_target(
        dir.path(),
        "http://127.0.0.1:9",
        r#"bearer_token_env = "T_TOKEN""#,
    );
    let o = crate::common::bin()
        .args(["run", "--features"])
        .arg(dir.path())
        .arg("--target")
        .arg(&target)
        .env("T_TOKEN", token)
        .env("T_KEY", "key-never-sent")
        .env("T_PASS", "password-never-sent")
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("x.feature:5: Given the token"), "{t}");
    assert!(!t.contains(token), "the token reached stderr: {t}");
}
