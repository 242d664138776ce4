//! Nightly runs against a baseline: `--fail-on regression` (three nights:
//! a known failure, the same again, then a new one) beside the default,
//! and a baseline of another side or profile refused unless asked for —
//! never silently dropping its requirements.

use crate::common;

use std::path::Path;

use common::{bin, summary_of, text};

fn night(out: &Path, faults: &[&str], extra: &[&str]) -> std::process::Output {
    let mut cmd = bin();
    cmd.args([
        "run",
        "--profile",
        "core",
        "--tags",
        "@KEY-01 or @CRED-01 or @DISC-01",
    ]);
    for f in faults {
        cmd.args(["--mock-fault", f]);
    }
    cmd.args(extra).arg("--out").arg(out).output().unwrap()
}

#[test]
fn regression_mode_fails_only_on_what_passed_last_night() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let baseline = |n: &str| d(n).join("summary.json").display().to_string();

    // Night 1: one known failure (KEY-01), no baseline: exit 1 as ever.
    let o = night(&d("n1"), &["wrong-key-401"], &["--fail-on", "regression"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // Night 2: the same failure against night 1: reported, not fatal.
    let o = night(
        &d("n2"),
        &["wrong-key-401"],
        &["--baseline", &baseline("n1"), "--fail-on", "regression"],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("NOT CONFORMANT"), "{out}");
    assert!(
        out.contains("still failing") && out.contains("KEY-01"),
        "{out}"
    );
    assert!(out.contains("regression: no"), "{out}");
    // The default keeps today's behaviour: a not-conformant run exits 1.
    let o = night(
        &d("n2b"),
        &["wrong-key-401"],
        &["--baseline", &baseline("n1")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // Night 3: CRED-01, which passed on night 2, now fails too.
    let o = night(
        &d("n3"),
        &["wrong-key-401", "valid-as-string"],
        &["--baseline", &baseline("n2"), "--fail-on", "regression"],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("regression: yes"), "{out}");
    let regressions = &summary_of(&d("n3"))["regressions"]["regressions"];
    assert_eq!(regressions, &serde_json::json!(["CRED-01"]), "{out}");
}

#[test]
fn a_baseline_of_another_profile_or_side_is_refused_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let n1 = dir.path().join("n1");
    let o = night(&n1, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Last night's run was of profile extended (and checked LIFE-01).
    let mut summary = summary_of(&n1);
    summary["profile"] = "extended".into();
    summary["requirements"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "LIFE-01", "level": "MUST", "title": "t",
            "status": "passed", "scenarios": ["features/lifecycle.feature:9"]
        }));
    let extended = dir.path().join("extended.json");
    std::fs::write(&extended, summary.to_string()).unwrap();
    let o = night(
        &dir.path().join("n2"),
        &[],
        &["--baseline", extended.to_str().unwrap()],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("profile extended") && out.contains("--allow-baseline-mismatch"),
        "{out}"
    );
    assert!(
        !dir.path().join("n2/summary.json").exists(),
        "nothing is run: {out}"
    );

    // Asked for: compared, and the requirement only the baseline has is named.
    let o = night(
        &dir.path().join("n3"),
        &[],
        &[
            "--baseline",
            extended.to_str().unwrap(),
            "--allow-baseline-mismatch",
        ],
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("not compared") && out.contains("LIFE-01"),
        "{out}"
    );

    // Another side is refused the same way.
    summary["side"] = "psa".into();
    std::fs::write(&extended, summary.to_string()).unwrap();
    let o = night(
        &dir.path().join("n4"),
        &[],
        &["--baseline", extended.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("side psa"), "{}", text(&o));
}

#[test]
fn rerun_failed_runs_only_what_failed_or_warned_in_that_summary() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    // KEY-01 fails (MUST); CRED-03 warns (SHOULD) with wrong-password-401.
    let o = bin()
        .args(["run", "--profile", "core", "--mock-fault", "wrong-key-401"])
        .args(["--mock-fault", "wrong-password-401", "--out"])
        .arg(&first)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let summary = summary_of(&first);
    let attention: std::collections::BTreeSet<String> = summary["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "failed")
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert!(attention.len() >= 3, "{attention:?}");
    let rerun = |out: &str, faults: &[&str], extra: &[&str]| {
        let mut cmd = bin();
        cmd.args(["run", "--profile", "core", "--rerun-failed"])
            .arg(first.join("summary.json"));
        for f in faults {
            cmd.args(["--mock-fault", f]);
        }
        cmd.args(extra).arg("--out").arg(dir.path().join(out));
        cmd.output().unwrap()
    };
    let ran = |out: &str| -> std::collections::BTreeSet<String> {
        summary_of(&dir.path().join(out))["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] != "skipped")
            .map(|s| s["id"].as_str().unwrap().to_string())
            // The run-wide checks are made over whatever a run sends.
            .filter(|id| !id.starts_with("run-wide:"))
            .collect()
    };
    // Still broken: exactly those scenarios run, and fail again.
    let o = rerun("again", &["wrong-key-401", "wrong-password-401"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(ran("again"), attention);
    // Fixed: the same scenarios pass; the run is partial, never conformant.
    let o = rerun("fixed", &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(ran("fixed"), attention);
    assert_eq!(summary_of(&dir.path().join("fixed"))["verdict"], "partial");
    // A summary with nothing to rerun, of another profile, or a signed
    // rerun: exit 2.
    let o = bin()
        .args(["run", "--profile", "full", "--rerun-failed"])
        .arg(first.join("summary.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = rerun("signed", &[], &["--sign-with", "key.pem"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = bin()
        .args(["run", "--profile", "core", "--rerun-failed"])
        .arg(dir.path().join("fixed/summary.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("nothing to rerun"), "{}", text(&o));
}
