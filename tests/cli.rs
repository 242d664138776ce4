//! The command-line contract of CLI.md, through the real binary: exit
//! codes, messages, report files, and that no secret leaks into any of them.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use common::*;

/// The verdict label of the terminal's `verdict: LABEL (profile …)` line.
fn verdict_line(o: &Output) -> String {
    let stdout = String::from_utf8_lossy(&o.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("verdict: "))
        .unwrap_or_else(|| panic!("no verdict line in:\n{stdout}"));
    line.split(" (").next().unwrap_or_default().to_string()
}

/// `run --target FILE --out DIR` with the target file's key and password
/// variables set, plus `env`.
fn run_target(target: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    bin()
        .args([
            "run",
            "--target",
            target.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("T_KEY", "key-1234567")
        .env("T_PASS", "pass-1234567")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn help_and_version_exit_0_and_a_bad_flag_exits_2() {
    assert_eq!(run(&["--help"]).status.code(), Some(0));
    assert_eq!(run(&["--version"]).status.code(), Some(0));
    let o = run(&["run", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run(&["run", "--profile", "medium"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run(&["run", "--tags", "@a and or"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("tag expression"), "{}", text(&o));
}

#[test]
fn the_built_in_mock_run_is_conformant_and_writes_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let o = run(&["run", "--profile", "core", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Exactly CONFORMANT: `contains` would also take NOT CONFORMANT.
    assert_eq!(verdict_line(&o), "CONFORMANT", "{}", text(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["verdict"], "conformant");
    assert_eq!(summary["profile"], "core");
    for key in [
        "strict",
        "target",
        "suite_version",
        "started_at",
        "duration_ms",
        "counts",
        "requirements",
        "scenarios",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    assert!(summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "passed"));
    let cucumber: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("cucumber.json")).unwrap()).unwrap();
    assert!(!cucumber.as_array().unwrap().is_empty());
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(junit.starts_with("<?xml") && junit.contains("<testsuites"));
    assert!(!junit.contains("<failure") && !junit.contains("<error"));
    assert!(out.join("summary.md").is_file());
}

#[test]
fn a_faulty_mock_is_not_conformant_and_names_the_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(&[
        "run",
        "--profile",
        "core",
        "--mock-fault",
        "key-before-token",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("AUTH-04"), "{}", text(&o));
    assert_eq!(verdict_line(&o), "NOT CONFORMANT", "{}", text(&o));
    assert_eq!(summary_of(&out)["verdict"], "not-conformant");
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(junit.contains("<failure"), "a finding is a <failure>");
    let o = run(&["run", "--mock-fault", "no-such-fault"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_missing_secret_variable_exits_2_naming_it_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let target = write_target(
        dir.path(),
        &url,
        r#"bearer_token_env = "T_TOKEN_NOT_SET_ANYWHERE""#,
    );
    let o = bin()
        .args([
            "run",
            "--target",
            target.to_str().unwrap(),
            "--out",
            dir.path().join("r").to_str().unwrap(),
        ])
        .env("T_KEY", "key-1234567")
        .env("T_PASS", "pass-1234567")
        .env_remove("T_TOKEN_NOT_SET_ANYWHERE")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("T_TOKEN_NOT_SET_ANYWHERE"),
        "{}",
        text(&o)
    );
    assert!(
        listener.accept().is_err(),
        "a request was sent despite the configuration error"
    );
}

#[test]
fn an_invalid_target_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(&path, "base_url = 3\n").unwrap();
    let o = run(&["run", "--target", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run(&["run", "--target", "/no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("/no/such/file.toml"));
}

#[test]
fn an_unreachable_target_exits_3_quickly_naming_the_address() {
    let dir = tempfile::tempdir().unwrap();
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let target = write_target(dir.path(), &url, r#"bearer_token_env = "T_TOKEN""#);
    let started = Instant::now();
    let o = run_target(
        &target,
        &dir.path().join("r"),
        &[("T_TOKEN", "tok-1234567")],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("127.0.0.1:{port}")),
        "{}",
        text(&o)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // A pipeline still finds its files, saying why nothing was tested.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["verdict"], "inconclusive");
    assert!(summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "untested"));
    assert!(summary["inconclusive_reasons"][0]
        .as_str()
        .unwrap()
        .contains("cannot reach"));
}

/// The README's first step for N-central QA: `mock` prints its credentials
/// and a target file; saved as printed, with the `export` lines set, that
/// file runs conformant against the mock.
#[test]
fn the_target_file_mock_prints_runs_conformant_against_it() {
    let mock = start_mock(&[]);
    assert!(
        mock.target_file
            .contains(&format!("base_url = \"{}\"", mock.uri)),
        "no target file naming the mock's address was printed:\n{}",
        mock.target_file
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mock.toml");
    std::fs::write(&target, &mock.target_file).unwrap();
    let out = dir.path().join("reports");
    let mut cmd = bin();
    cmd.args(["run", "--profile", "core", "--quiet", "--target"])
        .arg(&target)
        .arg("--out")
        .arg(&out);
    for (k, v) in &mock.exports {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(summary_of(&out)["verdict"], "conformant");
}

fn files_text(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        all.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
    }
    all
}

#[test]
fn no_secret_reaches_a_report_or_the_terminal_even_when_the_target_echoes_it() {
    let echoes = vec!["password-echoed", "token-echoed-in-header", "key-echoed"];
    // Any whole signed JWT: the exchanged access token is not known to this
    // test, but no whole token of any kind may appear anywhere.
    let whole_jwt =
        regex::Regex::new(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}").unwrap();
    // An older mock's refresh tokens looked like `refresh-<32 hex>`; now
    // they are JWTs, which `whole_jwt` finds.
    let refresh = regex::Regex::new(r"refresh-[0-9a-f]{32}").unwrap();
    let exchange = r#"user_api_jwt_env = "NCENTRAL_USER_API_JWT""#;
    for (faults, auth, profile) in [
        (vec![], exchange, "full"),
        (
            echoes.clone(),
            r#"bearer_token_env = "PSA_BEARER_TOKEN""#,
            "full",
        ),
        (echoes.clone(), exchange, "full"),
        // The AUTH-06 scenario fails early here: its issued tokens must be
        // masked although the step that uses them never runs.
        (vec!["exchange-expiry-string"], exchange, "full"),
        // Profile extended: the refresh token, every token a refresh issues
        // and the forged ones made from them, in every report and the
        // terminal — also when the step that would use them fails first.
        (vec![], exchange, "extended"),
        (
            vec!["refreshed-token-rejected", "refresh-accepts-forged"],
            exchange,
            "extended",
        ),
    ] {
        let mock = start_mock(&faults);
        let dir = tempfile::tempdir().unwrap();
        let target = write_target(dir.path(), &mock.uri, auth);
        if profile == "extended" {
            let mut text = std::fs::read_to_string(&target).unwrap();
            text.push_str("[lifecycle]\npending_ticket_id = 1142285698\nresolvable_ticket_id = \"1142285699\"\n");
            std::fs::write(&target, text).unwrap();
        }
        let out = dir.path().join("r");
        let o = bin()
            .args([
                "run",
                "--profile",
                profile,
                "--target",
                target.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .envs(mock.exports.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env(
                "T_KEY",
                &mock
                    .exports
                    .iter()
                    .find(|(k, _)| k == "PSA_INTEGRATION_KEY")
                    .unwrap()
                    .1,
            )
            .env(
                "T_PASS",
                &mock
                    .exports
                    .iter()
                    .find(|(k, _)| k == "PSA_PASSWORD")
                    .unwrap()
                    .1,
            )
            .output()
            .unwrap();
        let expected = if faults.is_empty() { 0 } else { 1 };
        assert_eq!(o.status.code(), Some(expected), "{}", text(&o));
        let everything = format!("{}{}", text(&o), files_text(&out));
        for (name, secret) in &mock.exports {
            assert!(
                !everything.contains(secret.as_str()),
                "{name} leaked with faults {faults:?}"
            );
        }
        assert!(
            !refresh.is_match(&everything),
            "a refresh token leaked with faults {faults:?}"
        );
        if let Some(m) = whole_jwt.find(&everything) {
            panic!(
                "a whole JWT appears with faults {faults:?}: {}…",
                &m.as_str()[..20]
            );
        }
        if profile == "extended" {
            assert!(
                text(&o).contains("ticket 1142285698") && text(&o).contains("ticket 1142285699"),
                "the run must say which tickets it changes: {}",
                text(&o)
            );
        }
        if faults.iter().any(|f| f.contains("echo")) {
            assert!(
                everything.contains("ERR-03"),
                "the echo must be reported as an ERR-03 failure"
            );
        }
    }
}

#[test]
fn list_validate_and_schemas() {
    let o = run(&["list", "--profile", "core"]);
    assert_eq!(o.status.code(), Some(0));
    let listing = text(&o);
    assert!(listing.contains("CRED-01") && !listing.contains("RATE-01"));
    assert!(
        !listing.contains("[untested"),
        "a core requirement has no scenario:\n{listing}"
    );

    let dir = tempfile::tempdir().unwrap();
    let o = run(&["schemas", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let openapi: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("openapi.json")).unwrap())
            .unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");

    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"data":{"isPsaCredentialsValid":true},"_links":{}}"#,
    )
    .unwrap();
    assert_eq!(
        run(&[
            "validate",
            "--schema",
            "credential-validation",
            good.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"data":{"isPsaCredentialsValid":"true"},"_links":{}}"#,
    )
    .unwrap();
    let o = run(&[
        "validate",
        "--schema",
        "credential-validation",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("/data/isPsaCredentialsValid"),
        "{}",
        text(&o)
    );
    assert_eq!(
        run(&["validate", "--schema", "nope", bad.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_failed_token_exchange_exits_3_with_the_servers_status() {
    let mock = start_mock(&[]);
    let dir = tempfile::tempdir().unwrap();
    let target = write_target(dir.path(), &mock.uri, r#"user_api_jwt_env = "BAD_JWT""#);
    let o = run_target(
        &target,
        &dir.path().join("r"),
        &[(
            "BAD_JWT",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.not-a-valid-signature",
        )],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("token exchange failed") && text(&o).contains("401"),
        "{}",
        text(&o)
    );
    assert!(
        !text(&o).contains("not-a-valid-signature"),
        "the JWT leaked"
    );
}

#[test]
fn an_unreadable_ca_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let target = write_target(
        dir.path(),
        "https://127.0.0.1:9",
        r#"bearer_token_env = "T_TOKEN""#,
    );
    let not_pem = dir.path().join("ca.pem");
    std::fs::write(&not_pem, "this is not a certificate").unwrap();
    let mut text_of_target = std::fs::read_to_string(&target).unwrap();
    text_of_target.push_str(&format!("[tls]\nca_file = \"{}\"\n", not_pem.display()));
    std::fs::write(&target, text_of_target).unwrap();
    let o = run_target(
        &target,
        &dir.path().join("r"),
        &[("T_TOKEN", "tok-1234567")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("ca.pem"), "{}", text(&o));
}

#[test]
fn compare_and_baseline_report_regressions() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    let bad = dir.path().join("bad");
    assert_eq!(
        run(&[
            "run",
            "--profile",
            "core",
            "-q",
            "--out",
            good.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let o = run(&[
        "run",
        "--profile",
        "core",
        "-q",
        "--mock-fault",
        "wrong-key-401",
        "--out",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let (g, b) = (good.join("summary.json"), bad.join("summary.json"));

    let same = run(&["compare", g.to_str().unwrap(), g.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    let worse = run(&["compare", g.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(worse.status.code(), Some(1), "{}", text(&worse));
    assert!(text(&worse).contains("KEY-01"), "{}", text(&worse));
    let better = run(&["compare", b.to_str().unwrap(), g.to_str().unwrap()]);
    assert_eq!(better.status.code(), Some(0), "{}", text(&better));
    assert!(text(&better).contains("fixed") && text(&better).contains("KEY-01"));

    // Inside a run: a new failure against the baseline is exit 1 and every report says so.
    let again = dir.path().join("again");
    let o = run(&[
        "run",
        "--profile",
        "core",
        "--mock-fault",
        "wrong-key-401",
        "--baseline",
        g.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // The failures of this run (KEY-01 among them; the fault also breaks
    // KEY-04) are each shown as new — on the terminal's "new failures" line
    // and in summary.json's regression data — against a clean baseline.
    let summary = summary_of(&again);
    let mut failed: Vec<&str> = summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    failed.sort_unstable();
    assert!(failed.contains(&"KEY-01"), "{failed:?}");
    assert_eq!(
        summary["regressions"]["new_failures"],
        serde_json::json!(failed),
        "{}",
        summary["regressions"]
    );
    assert_eq!(
        summary["regressions"]["still_failing"],
        serde_json::json!([])
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let new_line = stdout
        .lines()
        .find(|l| l.starts_with("new failures"))
        .unwrap_or_else(|| panic!("no 'new failures' line:\n{stdout}"));
    let mut shown: Vec<&str> = new_line.split_whitespace().skip(3).collect();
    shown.sort_unstable();
    assert_eq!(shown, failed, "not shown as new: {new_line:?}");
    assert!(stdout.lines().any(|l| l == "regression: yes"), "{stdout}");
    assert!(std::fs::read_to_string(again.join("summary.md"))
        .unwrap()
        .contains("baseline"));
    assert_eq!(
        run(&["compare", "/no/such.json", g.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

/// Runs the binary with its standard output a pipe whose read end is
/// already closed, as `psa-conformance list | head -0` would leave it.
fn run_into_closed_pipe(args: &[&str]) -> Output {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn every_command_ends_quietly_when_the_reader_of_its_output_has_gone() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let good = d("good.json");
    std::fs::write(
        &good,
        r#"{"data":{"isPsaCredentialsValid":true},"_links":{}}"#,
    )
    .unwrap();
    let o = run(&["run", "--profile", "core", "-q", "--out", &d("r1")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = d("r1/summary.json");
    let (r2, schemas) = (d("r2"), d("schemas"));
    let commands: Vec<(Vec<&str>, i32)> = vec![
        (vec!["list"], 0),
        (vec!["list", "--profile", "core"], 0),
        (vec!["run", "--profile", "core", "--out", &r2], 0),
        (vec!["mock", "--list-faults"], 0),
        (vec!["compare", &summary, &summary], 0),
        (vec!["schemas", "--out", &schemas], 0),
        (
            vec!["validate", "--schema", "credential-validation", &good],
            0,
        ),
        (vec!["--help"], 0),
        (vec!["run", "--help"], 0),
    ];
    for (args, status) in commands {
        let o = run_into_closed_pipe(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?} on a closed pipe:\n{stderr}"
        );
        assert_eq!(o.status.code(), Some(status), "{args:?}:\n{stderr}");
    }
    // The run whose output nobody read still wrote its reports.
    assert_eq!(summary_of(&dir.path().join("r2"))["verdict"], "conformant");
}

#[test]
fn numeric_flags_out_of_range_say_what_they_accept() {
    for (flag, value, expected) in [
        ("--timeout", "0", "--timeout must be more than 0 and at most 600 seconds; got 0"),
        ("--timeout", "-1", "--timeout must be more than 0 and at most 600 seconds; got -1"),
        ("--timeout", "601", "--timeout must be more than 0 and at most 600 seconds; got 601"),
        ("--timeout", "NaN", "--timeout must be more than 0 and at most 600 seconds; got NaN"),
        ("--concurrency", "0", "--concurrency must be at least 1 and at most 64 requests in flight per endpoint; got 0"),
        ("--concurrency", "-1", "--concurrency must be at least 1 and at most 64 requests in flight per endpoint; got -1"),
        ("--concurrency", "65", "--concurrency must be at least 1 and at most 64 requests in flight per endpoint; got 65"),
        ("--repeat-features", "0", "--repeat-features must be at least 1 and at most 100; got 0"),
        ("--repeat-features", "101", "--repeat-features must be at least 1 and at most 100; got 101"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        let o = run(&["run", flag, value, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            stderr.lines().next(),
            Some(format!("error: {expected}").as_str()),
            "{flag} {value}"
        );
        assert!(stderr.contains("hint: "), "{flag} {value}: {stderr}");
        assert!(!out.exists(), "{flag} {value}: a run started");
    }
}

/// A loopback listener that counts the connections made to it.
struct CountingListener {
    listener: TcpListener,
    url: String,
}

impl CountingListener {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        CountingListener { listener, url }
    }

    fn connections(&self) -> usize {
        std::iter::from_fn(|| self.listener.accept().ok()).count()
    }
}

#[test]
fn an_unwritable_out_exits_2_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let in_the_way = dir.path().join("a-file");
    std::fs::write(&in_the_way, "not a directory").unwrap();
    let target_server = CountingListener::new();
    let target = write_target(
        dir.path(),
        &target_server.url,
        r#"bearer_token_env = "T_TOKEN""#,
    );
    for out in [in_the_way.join("reports"), in_the_way.clone()] {
        let o = run_target(&target, &out, &[("T_TOKEN", "tok-1234567")]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            stderr.lines().next(),
            Some(format!("error: cannot write reports to --out {}", out.display()).as_str()),
            "{stderr}"
        );
        assert!(stderr.contains("  cause: "), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "  hint: {} is a file, not a directory",
                in_the_way.display()
            )),
            "{stderr}"
        );
        assert_eq!(target_server.connections(), 0, "a request was sent");
    }
    // The built-in mock: nothing runs either, and no report appears.
    let o = run(&["run", "--out", in_the_way.join("r").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(&in_the_way).unwrap(),
        "not a directory"
    );
}

/// The files a complete run writes (whatever that set grows to), which an
/// interrupted run must write too.
fn report_files_of_a_complete_run() -> std::collections::BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--profile",
        "core",
        "-q",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let files = file_names(dir.path());
    for file in [
        "summary.json",
        "junit.xml",
        "cucumber.json",
        "summary.md",
        "report.html",
    ] {
        assert!(files.contains(file), "a complete run wrote no {file}");
    }
    files
}

fn file_names(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Starts `run` against `target`, sends `signal` as soon as `ready()` says
/// the run has reached the point the test is about (polled every 10 ms, at
/// most 60 s), and returns what the process did and how long it took to
/// exit after the signal.
fn interrupt_run(
    target: &Path,
    out: &Path,
    env: &[(&str, &str)],
    signal: i32,
    mut ready: impl FnMut() -> bool,
) -> (Output, Duration) {
    let mut child = bin()
        .args([
            "run",
            "--target",
            target.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waiting = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it was ready for the signal");
        }
        if waiting.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the run was not ready for the signal within 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on the pid of a child this test started and has not
    // yet waited for, so the pid cannot have been reused.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let signalled = Instant::now();
    let o = child.wait_with_output().unwrap();
    (o, signalled.elapsed())
}

/// A TCP forwarder to `upstream` that counts the HTTP/1.1 request lines
/// passing through it: the run's own requests are the readiness signal.
struct CountingProxy {
    url: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingProxy {
    fn new(upstream: std::net::SocketAddr) -> Self {
        use std::io::{Read as _, Write as _};
        use std::net::TcpStream;
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let Ok(mut server) = TcpStream::connect(upstream) else {
                    return;
                };
                let (mut client_out, mut server_in) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let counter = counter.clone();
                std::thread::spawn(move || {
                    const LINE_END: &[u8] = b" HTTP/1.1\r\n";
                    let mut seen: Vec<u8> = Vec::new();
                    let mut chunk = [0u8; 8192];
                    while let Ok(n) = client.read(&mut chunk) {
                        if n == 0 || server_in.write_all(&chunk[..n]).is_err() {
                            break;
                        }
                        // The tail of the previous chunk, so a request
                        // line split across two reads still counts once.
                        let tail = seen.len();
                        seen.extend_from_slice(&chunk[..n]);
                        let found = seen
                            .windows(LINE_END.len())
                            .enumerate()
                            .filter(|(at, w)| *w == LINE_END && at + LINE_END.len() > tail)
                            .count();
                        counter.fetch_add(found, Ordering::SeqCst);
                        let keep = seen.len().saturating_sub(LINE_END.len() - 1);
                        seen.drain(..keep);
                    }
                    let _ = server_in.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server, &mut client_out);
                    let _ = client_out.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        CountingProxy { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[test]
fn a_signal_during_a_run_stops_it_and_leaves_every_report_inconclusive() {
    // A reference mock that answers every request after 200 ms: the whole
    // run takes far longer than it takes to reach its first scenarios.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt
        .block_on(
            psa_conformance::mock::MockServer::builder()
                .latency(Duration::from_millis(200))
                .start(),
        )
        .unwrap();
    let c = mock.credentials();
    let env = [
        ("T_TOKEN", c.access_token.expose().to_string()),
        ("T_KEY", c.integration_key.expose().to_string()),
        ("T_PASS", c.password.expose().to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let every_report = report_files_of_a_complete_run();
    for (signal, name, status) in [
        (libc::SIGTERM, "SIGTERM", 143),
        (libc::SIGINT, "SIGINT", 130),
    ] {
        let dir = tempfile::tempdir().unwrap();
        // The run's requests pass through a counter: the preflight is one
        // request, so a third one means scenarios are under way.
        let proxy = CountingProxy::new(mock.address());
        let target = write_target(dir.path(), &proxy.url, r#"bearer_token_env = "T_TOKEN""#);
        let out = dir.path().join("r");
        let (o, took) = interrupt_run(&target, &out, &env, signal, || proxy.requests() >= 3);
        assert_eq!(o.status.code(), Some(status), "{name}: {}", text(&o));
        assert!(!text(&o).contains("panicked"), "{name}: {}", text(&o));
        assert!(
            took < Duration::from_secs(5),
            "{name}: took {took:?} to stop"
        );
        assert_eq!(file_names(&out), every_report, "{name}");
        let cucumber: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("cucumber.json")).unwrap())
                .expect("cucumber.json is JSON");
        assert!(cucumber.is_array(), "{name}: {cucumber}");
        let summary = summary_of(&out);
        assert_eq!(summary["verdict"], "inconclusive", "{name}");
        let reason = summary["inconclusive_reasons"][0]
            .as_str()
            .unwrap_or_default();
        assert!(
            reason.starts_with(&format!("interrupted ({name})")),
            "{name}: {reason:?}"
        );
        assert_eq!(verdict_line(&o), "INCONCLUSIVE", "{name}");
        // Unfinished scenarios are listed as not run, and every requirement
        // one of them checks is untested.
        let scenarios = summary["scenarios"].as_array().unwrap();
        let not_run: Vec<&str> = scenarios
            .iter()
            .filter(|s| {
                s["skip_reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("interrupted"))
            })
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert!(!not_run.is_empty(), "{name}: every scenario finished");
        for r in summary["requirements"].as_array().unwrap() {
            let mine = r["scenarios"].as_array().unwrap();
            if mine
                .iter()
                .any(|id| not_run.contains(&id.as_str().unwrap()))
            {
                assert_eq!(r["status"], "untested", "{name}: {r}");
            }
        }
    }
    rt.block_on(mock.stop());
}

#[test]
fn a_signal_before_the_first_scenario_leaves_the_not_run_reports() {
    // Accepts connections (the kernel does) but never answers: the preflight waits.
    let silent = CountingListener::new();
    let dir = tempfile::tempdir().unwrap();
    let target = write_target(dir.path(), &silent.url, r#"bearer_token_env = "T_TOKEN""#);
    let out = dir.path().join("r");
    let env = [
        ("T_TOKEN", "tok-1234567"),
        ("T_KEY", "key-1234567"),
        ("T_PASS", "pass-1234567"),
    ];
    // Ready once the preflight's connection arrived; it is held open,
    // unanswered, until the run has exited.
    let mut held = Vec::new();
    let (o, took) = interrupt_run(&target, &out, &env, libc::SIGTERM, || {
        held.extend(silent.listener.accept().ok());
        !held.is_empty()
    });
    drop(held);
    assert_eq!(o.status.code(), Some(143), "{}", text(&o));
    assert!(took < Duration::from_secs(5), "took {took:?} to stop");
    assert_eq!(file_names(&out), report_files_of_a_complete_run());
    let summary = summary_of(&out);
    assert_eq!(summary["verdict"], "inconclusive");
    assert!(summary["inconclusive_reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("interrupted (SIGTERM) before the first scenario"));
    assert!(summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "untested"));
}

#[test]
fn a_tags_subset_is_partial_never_conformant_and_names_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let o = run(&[
        "run",
        "--side",
        "ncentral",
        "--tags",
        "@DISC-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(verdict_line(&o), "PARTIAL");
    let all = text(&o);
    assert!(
        !all.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w == "CONFORMANT"),
        "the word CONFORMANT stands for a partial run:\n{all}"
    );
    let summary = summary_of(&out);
    assert_eq!(summary["verdict"], "partial");
    let untested = summary["untested_requirements"].as_array().unwrap();
    assert!(untested.iter().any(|r| r == "DISC-02") && !untested.iter().any(|r| r == "DISC-01"));
    assert!(summary["verdict_reason"]
        .as_str()
        .unwrap()
        .contains("were not checked"));
    for file in ["summary.md", "report.html", "junit.xml", "ctrf.json"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            text.contains("PARTIAL") || text.contains("partial"),
            "{file} does not say partial"
        );
    }
}

#[test]
fn a_secret_too_short_to_check_is_named_by_role_in_every_report_never_by_value() {
    let mock = start_mock(&[]);
    let export = |k: &str| {
        mock.exports
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let target = write_target(dir.path(), &mock.uri, r#"bearer_token_env = "T_TOKEN""#);
    let token = export("PSA_BEARER_TOKEN");
    let key = export("PSA_INTEGRATION_KEY");
    // A 7-character PSA password: wrong for the mock, and too short for
    // ERR-03 to tell from ordinary words.
    let o = bin()
        .args(["run", "--tags", "@ERR-03", "--target"])
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .env("T_TOKEN", &token)
        .env("T_KEY", &key)
        .env("T_PASS", "pw-7chr")
        .output()
        .unwrap();
    let role = "the PSA password (7 characters)";
    assert!(text(&o).contains(role), "terminal: {}", text(&o));
    // Every report file the run wrote, not a chosen few.
    let files = file_names(&out);
    assert!(
        files.is_superset(&report_files_of_a_complete_run()),
        "{files:?}"
    );
    for file in &files {
        let body = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            body.contains(role),
            "{file} does not name the unchecked secret"
        );
    }
    assert!(!text(&o).contains("pw-7chr") && !files_text(&out).contains("pw-7chr"));
}

/// The vendor's side of the same promise: `mock --side psa` prints a target
/// file for the harness; saved as printed, it runs conformant against the
/// reference PSA, which calls the harness's N-central back where it listens.
#[test]
fn the_target_file_the_reference_psa_prints_runs_conformant_against_it() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = [
        (
            "NCENTRAL_USER_API_JWT",
            "ref-psa-user-api-jwt-for-this-test",
        ),
        ("PSA_INTEGRATION_KEY", "ref-psa-integration-key-0123"),
        ("PSA_PUSH_AUTH", "Bearer ref-psa-push-auth-0123456"),
    ];
    let mut cmd = bin();
    cmd.args(["mock", "--side", "psa", "--style", "callback", "--listen"])
        .arg("127.0.0.1:0")
        .arg("--ncentral-url")
        .arg(format!("http://127.0.0.1:{port}"))
        .envs(env)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut target_file = String::new();
    let mut in_target = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        match line.as_str() {
            "# --- target file ---" => in_target = true,
            "# --- end of target file ---" => break,
            _ if in_target => {
                target_file.push_str(&line);
                target_file.push('\n');
            }
            _ => {}
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("vendor.toml");
    std::fs::write(&target, &target_file).unwrap();
    let out = dir.path().join("reports");
    let o = bin()
        .args(["run", "--side", "psa", "--quiet", "--target"])
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .envs(env)
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        target_file.contains(&format!("listen = \"127.0.0.1:{port}\"")),
        "{target_file}"
    );
    assert_eq!(o.status.code(), Some(0), "{}\n{target_file}", text(&o));
    assert_eq!(summary_of(&out)["verdict"], "conformant");
}
