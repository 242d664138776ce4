//! The vendor's side from the outside: `run --side psa` against the built-in
//! reference PSA and against an independent PSA written in Python from
//! docs/PSA-SIDE.md alone (tests/data/independent-psa/psa.py), in both
//! answering styles; the broken variants of that PSA caught by the right
//! requirement; no secret of either side in any report; and the usage
//! errors of this side (exit 2, nothing sent).

use crate::common;
use crate::psa_support;

use common::*;
use psa_support::*;

#[test]
fn an_independent_psa_calling_back_is_conformant_and_every_requirement_is_checked() {
    let psa = independent_run("callback", true, "");
    let o = psa.run(&["--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = summary_of(&psa.out);
    assert_eq!(summary["verdict"], "conformant");
    assert_eq!(summary["side"], "psa");
    assert_eq!(summary["profile"], "psa");
    assert_all_passed(&summary);
    assert_eq!(summary["requirements"].as_array().unwrap().len(), 16);
    // The acceptance report shows the pushes and the callbacks in order.
    let html = std::fs::read_to_string(psa.out.join("report.html")).unwrap();
    let push = html
        .find("/ncentral/tickets")
        .expect("a push in the report");
    assert!(
        html[push..].contains("/api/custom-psa/tickets"),
        "a callback after the push"
    );
    assert!(html.contains("custom PSA; the harness played N-central"));
    assert_no_secret(&o, &psa.out);
}

#[test]
fn an_independent_psa_calling_back_in_the_older_form_after_a_status_body_is_conformant() {
    // 202 {"status": "accepted"} names no ticket: pending, as N-central
    // reads it; the callback comes as PUT /dms/rest/custompsa/tickets/create/{id}.
    let psa = independent_run("callback-legacy", true, "");
    let o = psa.run(&["--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = summary_of(&psa.out);
    assert_all_passed(&summary);
    let html = std::fs::read_to_string(psa.out.join("report.html")).unwrap();
    assert!(html.contains("/dms/rest/custompsa/tickets/create/"));
    assert_no_secret(&o, &psa.out);
}

#[test]
fn an_independent_psa_answering_with_its_ticket_is_conformant_and_the_callbacks_do_not_apply() {
    let psa = independent_run("body", false, "");
    let o = psa.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = summary_of(&psa.out);
    assert_eq!(summary["verdict"], "conformant");
    for id in ["CB-01", "CB-02", "CB-03", "CB-05", "CB-06", "PUSH-09"] {
        assert_eq!(status_of(&summary, id), "not-applicable", "{id}");
    }
    for id in ["PUSH-01", "PUSH-02", "PUSH-03", "PUSH-07", "CB-04"] {
        assert_eq!(status_of(&summary, id), "passed", "{id}");
    }
    assert_no_secret(&o, &psa.out);
}

#[test]
fn a_broken_independent_psa_is_caught_by_the_requirement_it_breaks() {
    for (style, broken, requirement, exit) in [
        ("callback", "jwt-bearer", "CB-03", 1),
        ("body", "no-push-auth", "PUSH-09", 1),
        ("body", "unknown-500", "PUSH-08", 0),
        // Later than the PUSH-07 scenario waits: the run-wide check sees it.
        ("callback", "renames", "PUSH-07", 0),
    ] {
        let psa = independent_run(style, true, broken);
        let o = psa.run(&[]);
        assert_eq!(o.status.code(), Some(exit), "{broken}: {}", text(&o));
        let summary = summary_of(&psa.out);
        let expected = if exit == 1 { "failed" } else { "warned" };
        assert_eq!(status_of(&summary, requirement), expected, "{broken}");
        assert_no_secret(&o, &psa.out);
    }
}

#[test]
fn a_psa_that_does_not_answer_is_inconclusive_with_reports() {
    let dir = tempfile::tempdir().unwrap();
    let target = write_psa_target(dir.path(), free_port(), free_port(), true);
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("cannot reach"), "{}", text(&o));
    assert_eq!(summary_of(&out)["verdict"], "inconclusive");
    assert_no_secret(&o, &out);
}

#[test]
fn usage_errors_of_the_psa_side_send_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let out_arg = out.to_str().unwrap();
    for (args, says) in [
        (
            vec!["run", "--side", "psa", "--profile", "full"],
            "--side psa has one profile",
        ),
        (vec!["run", "--profile", "psa"], "add --side psa"),
        (
            vec!["run", "--side", "psa", "--mock-fault", "nope"],
            "--mock-fault \"nope\"",
        ),
        (
            vec!["run", "--side", "psa", "--mock-style", "canonical"],
            "one of: body, callback",
        ),
        (
            vec!["run", "--mock-style", "callback"],
            "--mock-style \"callback\"",
        ),
        (
            vec!["list", "--side", "psa", "--profile", "core"],
            "--side psa has one profile",
        ),
        (
            vec!["mock", "--side", "psa", "--fault", "nope"],
            "--side psa --list-faults",
        ),
    ] {
        let mut all = args.clone();
        if args[0] == "run" {
            all.extend(["--out", out_arg]);
        }
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
        assert!(!out.exists(), "{args:?} wrote reports");
    }
    // A missing secret variable and a port in use are named, nothing sent:
    // the push URL is a port that listens, so a request sent to it would
    // be accepted by the kernel and seen below.
    let recorder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    recorder.set_nonblocking(true).unwrap();
    let push_port = recorder.local_addr().unwrap().port();
    let target = write_psa_target(dir.path(), push_port, free_port(), true);
    let o = bin()
        .args(["run", "--side", "psa", "--target"])
        .arg(&target)
        .args(["--out", out_arg])
        .env("T_JWT", USER_API_JWT)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("T_PUSH_AUTH") && text(&o).contains("push_auth.value_env"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let target = write_psa_target(dir.path(), push_port, taken_port, true);
    let o = run_psa(&target, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("[ncentral] listen"), "{}", text(&o));
    match recorder.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("a usage error connected to the push URL (from {peer})"),
        Err(e) => panic!("the recording listener failed: {e}"),
    }
    drop(taken);
}

#[test]
fn list_shows_the_psa_side_requirements_and_scenarios() {
    let o = run(&["list", "--side", "psa"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    for id in ["PUSH-01", "PUSH-10", "CB-01", "CB-06"] {
        assert!(t.contains(id), "{id} not listed:\n{t}");
    }
    assert!(
        !t.contains("DISC-01"),
        "N-central's requirements are not the PSA side's"
    );
}

#[test]
fn a_psa_that_never_answers_is_a_finding_in_bounded_time_not_a_hang() {
    // Accepts connections and never answers a byte.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(64) {
            open.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let target = write_psa_target(dir.path(), port, free_port(), true);
    let quick = std::fs::read_to_string(&target)
        .unwrap()
        .replace("callback_timeout_secs = 5", "callback_timeout_secs = 1")
        .replace("answer_timeout_secs = 10", "answer_timeout_secs = 1");
    std::fs::write(&target, quick).unwrap();
    let out = dir.path().join("r");
    let started = std::time::Instant::now();
    let o = run_psa(&target, &out, &[]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let summary = summary_of(&out);
    assert_eq!(status_of(&summary, "PUSH-01"), "failed");
    assert_no_secret(&o, &out);
    drop(held);
}

#[test]
fn a_reference_psa_fault_runs_in_the_style_it_shows_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(&[
        "run",
        "--side",
        "psa",
        "--mock-fault",
        "callback-twice",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let summary = summary_of(&out);
    assert_eq!(status_of(&summary, "CB-04"), "failed");
    // The count names what broke it: the PSA's calls, not N-central's pushes.
    let failure = summary["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "run-wide:CB-04")
        .and_then(|s| s["failure"].as_str())
        .expect("run-wide:CB-04 failed")
        .to_string();
    let counted = regex::Regex::new(r"^(\d+) of (\d+) calls about tickets break CB-04\n").unwrap();
    let c = counted
        .captures(&failure)
        .unwrap_or_else(|| panic!("{failure}"));
    let (bad, seen): (u32, u32) = (c[1].parse().unwrap(), c[2].parse().unwrap());
    assert!(
        bad >= 1 && seen >= 2 * bad,
        "each second callback follows a first: {failure}"
    );
    // Faults of both styles cannot show in one run.
    let o = run(&[
        "run",
        "--side",
        "psa",
        "--mock-fault",
        "callback-twice",
        "--mock-fault",
        "create-500",
        "--out",
        dir.path().join("r2").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("shows only in the"), "{}", text(&o));
}

/// The README's two-terminal flow: `mock --side psa` as a process of its
/// own, configured with the harness's N-central, and `run --side psa
/// --target` against it.
#[test]
fn the_reference_psa_as_a_process_is_conformant_in_the_callback_style() {
    let listen = free_port();
    let mock = start_reference_psa(&format!("http://127.0.0.1:{listen}"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let target = write_psa_target(dir.path(), mock.push_port, listen, true);
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &["--strict"]);
    drop(mock);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = summary_of(&out);
    assert_eq!(summary["verdict"], "conformant");
    assert_eq!(status_of(&summary, "CB-06"), "passed");
    assert_no_secret(&o, &out);
}

#[test]
fn a_public_url_with_a_path_serves_the_api_below_it() {
    // N-central behind a proxy at /n-central: the PSA calls
    // http://127.0.0.1:PORT/n-central/api/…
    let listen = free_port();
    let base = format!("http://127.0.0.1:{listen}/n-central");
    let psa = start_independent_psa("callback", &base, true, "");
    let dir = tempfile::tempdir().unwrap();
    let target = write_psa_target(dir.path(), psa.port, listen, true);
    edit_target(
        &target,
        &format!("listen = \"127.0.0.1:{listen}\""),
        &format!("listen = \"127.0.0.1:{listen}\"\npublic_url = \"{base}\""),
    );
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(status_of(&summary_of(&out), "CB-01"), "passed");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("/n-central/api/custom-psa/tickets"));
}
