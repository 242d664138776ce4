//! The harness's N-central on the vendor's side, tried as strangers and
//! real PSAs try it: a flood of big and tiny calls (peak RSS bounded, the
//! run unharmed), foreign callers (listed, never judged), a 401 that must
//! not spend the CB-05/CB-06 trap, a PSA run twice keeping its token, a PSA
//! with the wrong N-central URL, a relative `ticketUrl`, credentials the
//! harness never saw (in no report), and a listener reachable from other
//! hosts (said first, in every report).

use crate::common;
use crate::psa_support;

use std::io::{Read, Write};
use std::net::TcpStream;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use psa_support::*;

/// The bound issue 20 sets for the whole harness under a flood.
const PEAK_RSS_LIMIT_KIB: u64 = 64 * 1024;

/// Sends one raw HTTP request on a new connection and reads the status
/// line (empty when the server closed first).
fn raw(port: u16, head: &str, body: &[u8]) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(10)));
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
    let mut answer = [0u8; 64];
    let n = s.read(&mut answer).unwrap_or(0);
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Waits until something listens on `port`.
fn wait_listening(port: u16) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the harness never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `VmHWM` (peak RSS, KiB) of a running process.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[test]
fn a_flood_of_strangers_leaves_the_run_conformant_and_peak_rss_within_64_mib() {
    // A PSA that thinks 1.5 s before each answer: the run lasts while the
    // flood goes on (the test checks that it did).
    let psa = independent_run_with("callback", true, "", &[("PSA_DELAY_MS", "1500")]);
    let listen = psa.listen;
    let mut child = psa
        .command(&[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    wait_listening(listen);
    let started = Instant::now();
    // 300 bodies of 1 MB — half to the current API without a token, half
    // to the older form (which takes no token) for tickets never pushed —
    // and 5,000 tiny calls, from 8 callers at once.
    let megabyte = format!(r#"{{"pad":"{}"}}"#, "x".repeat(1_000_000));
    let callers: Vec<_> = (0..8)
        .map(|i| {
            let body = megabyte.clone();
            std::thread::spawn(move || {
                for n in 0..300 / 8 + 1 {
                    let path = if n % 2 == 0 {
                        "POST /api/custom-psa/tickets".to_string()
                    } else {
                        format!("PUT /dms/rest/custompsa/tickets/create/{}", 7 + i * 1000 + n)
                    };
                    let head = format!(
                        "{path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    raw(listen, &head, body.as_bytes());
                }
                for _ in 0..5000 / 8 {
                    raw(
                        listen,
                        "GET /api/custom-psa/tickets/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        b"",
                    );
                }
            })
        })
        .collect();
    let mut peak = 0;
    let mut flood_over = None;
    let status = loop {
        if flood_over.is_none() && callers.iter().all(|c| c.is_finished()) {
            flood_over = Some(started.elapsed());
        }
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the run did not end"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    for c in callers {
        c.join().unwrap();
    }
    eprintln!(
        "peak RSS under the flood: {peak} KiB; flood over after {flood_over:?}, run over after {:?}",
        started.elapsed()
    );
    assert!(
        flood_over.is_some(),
        "the run ended before the flood did: the test proved nothing"
    );
    assert!(peak > 0, "VmHWM was never read");
    assert!(
        peak <= PEAK_RSS_LIMIT_KIB,
        "peak RSS {peak} KiB > {PEAK_RSS_LIMIT_KIB} KiB"
    );
    assert_eq!(status.code(), Some(0));
    let summary = summary_of(&psa.out);
    assert_eq!(summary["verdict"], "conformant");
    let listener = &summary["listener"];
    assert!(
        listener["foreign_total"].as_u64().unwrap() >= 5000,
        "{listener}"
    );
    assert!(listener["foreign"].as_array().unwrap().len() <= 100);
}

#[test]
fn foreign_callers_are_listed_by_peer_and_never_judged() {
    let psa = independent_run("callback", true, "");
    let listen = psa.listen;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stranger = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut answers = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for (head, body) in [
                    ("POST /api/custom-psa/tickets HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n", "{}"),
                    ("POST /api/custom-psa/tickets HTTP/1.1\r\nAuthorization: Bearer stranger-0123456789\r\nContent-Length: 2\r\n", "{}"),
                    ("PUT /dms/rest/custompsa/tickets/create/42 HTTP/1.1\r\nAuthorization: Basic c3RyYW5nZXI6cHc=\r\nContent-Length: 2\r\n", "{}"),
                    ("PUT /dms/rest/custompsa/tickets/create/43 HTTP/1.1\r\nAuthorization: Bearer \u{fffd}x\r\nContent-Length: 2\r\n", "{}"),
                    ("PUT /dms/rest/custompsa/tickets/create/44 HTTP/1.1\r\nContent-Length: 2\r\n", "{}"),
                    ("POST /api/auth/refresh HTTP/1.1\r\nContent-Length: 5\r\n", "junk!"),
                ] {
                    let head = format!("{head}Host: x\r\nConnection: close\r\n\r\n");
                    answers.push(raw(listen, &head, body.as_bytes()));
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            answers
        })
    };
    let o = psa.run(&["--strict"]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let answers = stranger.join().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = summary_of(&psa.out);
    assert_eq!(summary["verdict"], "conformant");
    assert_all_passed(&summary);
    // Answered as N-central would: 401 without a credential, never 2xx.
    assert!(answers.iter().all(|a| !a.contains(" 200 ")), "{answers:?}");
    let foreign = summary["listener"]["foreign"].as_array().unwrap();
    assert!(foreign.len() >= 6, "{foreign:?}");
    for f in foreign {
        assert!(f["peer"].as_str().unwrap().starts_with("127.0.0.1:"), "{f}");
        assert!([401, 404].contains(&f["status"].as_u64().unwrap()), "{f}");
    }
    // A present but malformed Authorization header on the older route is
    // refused, never read as "none".
    assert!(
        foreign
            .iter()
            .any(|f| f["why"].as_str().unwrap().contains("malformed")
                && f["path"].as_str().unwrap().contains("/create/42")
                && f["status"] == 401),
        "{foreign:?}"
    );
    let html = std::fs::read_to_string(psa.out.join("report.html")).unwrap();
    assert!(html.contains("foreign") && html.contains("127.0.0.1:"));
    let md = std::fs::read_to_string(psa.out.join("summary.md")).unwrap();
    assert!(md.contains("| peer |"), "{md}");
    assert!(!everything(&o, &psa.out).contains("stranger-0123456789"));
    assert_no_secret(&o, &psa.out);
}

#[test]
fn a_401_to_a_callback_does_not_spend_the_429_or_401_trap() {
    // Every first callback carries a token N-central never issued: 401,
    // then the PSA renews its token and retries — the trap must still be
    // there for that retry.
    let psa = independent_run("callback", true, "junk-first");
    let o = psa.run(&["--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = summary_of(&psa.out);
    assert_eq!(status_of(&summary, "CB-05"), "passed");
    assert_eq!(status_of(&summary, "CB-06"), "passed");
    assert_all_passed(&summary);
}

#[test]
fn a_psa_run_twice_keeping_its_token_is_conformant_the_second_time() {
    let psa = independent_run("callback", true, "");
    for night in ["first", "second"] {
        let out = psa.dir.path().join(night);
        let o = run_psa(&psa.target, &out, &["--strict"]);
        assert_eq!(o.status.code(), Some(0), "{night}: {}", text(&o));
        let summary = summary_of(&out);
        assert_eq!(summary["verdict"], "conformant", "{night}");
        assert_all_passed(&summary);
        assert_no_secret(&o, &out);
        if night == "second" {
            // The kept token was answered 401 and said so, not blamed.
            assert!(
                summary["listener"]["notices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n.as_str().unwrap().contains("did not issue in this run")),
                "{}",
                summary["listener"]
            );
        }
    }
}

#[test]
fn a_psa_with_the_wrong_ncentral_url_hears_so_first_and_cb_03_is_not_failed() {
    let listen = free_port();
    let elsewhere = free_port();
    let psa = start_independent_psa(
        "callback",
        &format!("http://127.0.0.1:{elsewhere}"),
        true,
        "",
    );
    let dir = tempfile::tempdir().unwrap();
    let target = write_psa_target(dir.path(), psa.port, listen, true);
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    let said = t
        .find("received no call")
        .unwrap_or_else(|| panic!("not said: {t}"));
    assert!(
        t.find("FAIL").is_none_or(|fail| said < fail),
        "said after the failures: {t}"
    );
    assert!(t.contains(&format!("http://127.0.0.1:{listen}")), "{t}");
    let summary = summary_of(&out);
    let notices = summary["listener"]["notices"].as_array().unwrap();
    assert!(
        notices[0].as_str().unwrap().contains("received no call"),
        "{notices:?}"
    );
    for file in [
        "report.html",
        "summary.md",
        "junit.xml",
        "ctrf.json",
        "cucumber.json",
    ] {
        let body = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(body.contains("received no call"), "{file}");
    }
    assert_eq!(status_of(&summary, "CB-01"), "failed");
    for id in ["CB-02", "CB-03"] {
        assert_eq!(status_of(&summary, id), "untested", "{id}");
    }
    for id in ["PUSH-05", "CB-05", "CB-06"] {
        assert_ne!(status_of(&summary, id), "failed", "{id}");
    }
}

#[test]
fn a_relative_ticket_url_fails_push_02_only_and_the_ticket_number_still_serves() {
    let psa = independent_run("body", true, "relative-url");
    let o = psa.run(&["--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let summary = summary_of(&psa.out);
    for (id, status) in requirement_statuses(&summary) {
        let expected = match id.as_str() {
            "PUSH-02" => "failed",
            "CB-01" | "CB-02" | "CB-03" | "CB-05" | "CB-06" => "not-applicable",
            _ => "passed",
        };
        assert_eq!(status, expected, "{id}");
    }
}

#[test]
fn credentials_the_harness_never_saw_reach_no_report() {
    // A PSA that kept JWT-shaped tokens from elsewhere, and sends a JWT in
    // a header and in its callback bodies: every one is shown by its kind
    // and length only.
    let kept_access = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXB0LWFjY2VzcyJ9.a2VwdC1hY2Nlc3Mtc2ln";
    let kept_refresh = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXB0LXJlZnJlc2gifQ.a2VwdC1yZWZyZXNoLXNpZw";
    let in_header = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoZWFkZXIifQ.aGVhZGVyLXNpZ25hdHVyZQ";
    let in_body = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2R5In0.Ym9keS1zaWduYXR1cmUtMDE";
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.json");
    std::fs::write(
        &tokens,
        serde_json::json!({ "access": kept_access, "refresh": kept_refresh }).to_string(),
    )
    .unwrap();
    let listen = free_port();
    let extra_body = serde_json::json!({ "psaSession": in_body }).to_string();
    let extra_header = format!("X-Psa-Trace: {in_header}");
    let psa = start_independent_psa_with(
        "callback",
        &format!("http://127.0.0.1:{listen}"),
        true,
        "",
        &[
            ("PSA_TOKEN_FILE", tokens.to_str().unwrap()),
            ("PSA_EXTRA_BODY", &extra_body),
            ("PSA_EXTRA_HEADER", &extra_header),
        ],
    );
    let target = write_psa_target(dir.path(), psa.port, listen, true);
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &["--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let all = everything(&o, &out);
    for jwt in [kept_access, kept_refresh, in_header, in_body] {
        let signature = jwt.rsplit('.').next().unwrap();
        assert!(!all.contains(signature), "{jwt} reached a report");
    }
    // report.html escapes `<`: `&lt;JWT, 70 chars>`.
    assert!(
        all.contains("JWT, "),
        "the JWT in the body is not shown by kind"
    );
    assert_no_secret(&o, &out);
}

#[test]
fn a_listener_other_hosts_can_reach_is_said_before_the_first_push_and_in_every_report() {
    let psa = independent_run("callback", true, "");
    let listen = psa.listen;
    edit_target(
        &psa.target,
        &format!("listen = \"127.0.0.1:{listen}\""),
        &format!("listen = \"0.0.0.0:{listen}\"\npublic_url = \"http://127.0.0.1:{listen}\""),
    );
    let o = psa.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: The harness's N-central listens on 0.0.0.0"),
        "{stderr}"
    );
    assert!(stderr.contains("/dms/rest/custompsa/tickets"), "{stderr}");
    for file in [
        "report.html",
        "summary.json",
        "summary.md",
        "junit.xml",
        "ctrf.json",
        "cucumber.json",
    ] {
        let body = std::fs::read_to_string(psa.out.join(file)).unwrap();
        assert!(body.contains("reachable from other hosts"), "{file}");
    }
    assert_eq!(summary_of(&psa.out)["listener"]["exposed"], true);
}
