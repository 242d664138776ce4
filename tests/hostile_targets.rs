//! Targets that misbehave at the transport level: each run must end with
//! the right exit code, in bounded time, with one clear message and no
//! panic — and no credential may follow a redirect.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

const TOKEN: &str = "hostile-test-token-0123456789";
const KEY: &str = "hostile-test-key-0123456789";
const PASSWORD: &str = "hostile-test-password-0123456789";

/// A loopback server whose every connection is handled by `handler`.
fn serve(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handler = Arc::new(handler);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            thread::spawn(move || handler(stream));
        }
    });
    addr.to_string()
}

/// Reads one request's head (and drops any body).
fn read_head(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&byte[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn respond(mut stream: TcpStream, head: &str, body: &[u8]) {
    let _ = read_head(&mut stream);
    let _ = stream.write_all(
        format!(
            "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    let _ = stream.write_all(body);
}

fn run_against(base_url: &str, extra: &[&str]) -> (Output, Duration, PathBuf) {
    let (output, elapsed, out, _) = run_measured(base_url, extra);
    (output, elapsed, out)
}

/// Runs the suite against a target and returns, besides its output, the
/// child's peak resident set size in KiB (`ru_maxrss` from `wait4`).
fn run_measured(base_url: &str, extra: &[&str]) -> (Output, Duration, PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap().keep();
    let target = dir.join("target.toml");
    std::fs::write(
        &target,
        format!(
            "base_url = \"{base_url}\"\n[auth]\nbearer_token_env = \"H_TOKEN\"\nintegration_key_env = \"H_KEY\"\n\
             [standard_psa]\nusername = \"psa-admin@example.com\"\npassword_env = \"H_PASS\"\n[custom_psa]\nticket_id = \"1\"\n\
             [rate_limit]\nmax_requests = 20\nrecovery_timeout_secs = 2\n"
        ),
    )
    .unwrap();
    let out = dir.join("reports");
    let started = Instant::now();
    let mut args = vec![
        "run",
        "--target",
        target.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--timeout",
        "2",
    ];
    args.extend_from_slice(extra);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_psa-conformance"));
    cmd.args(&args);
    let (output, max_rss_kib) = spawn_measured(cmd, &dir);
    (output, started.elapsed(), out, max_rss_kib)
}

/// Runs `cmd` with the secrets the target files name, its output going to
/// files in `dir` (so the child never blocks on a full pipe while this
/// thread waits for it with wait4); its output and peak RSS (KiB).
fn spawn_measured(mut cmd: std::process::Command, dir: &std::path::Path) -> (Output, i64) {
    let stdout_path = dir.join("stdout");
    let stderr_path = dir.join("stderr");
    let child = cmd
        .env("H_TOKEN", TOKEN)
        .env("H_KEY", KEY)
        .env("H_PASS", PASSWORD)
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let (status, max_rss_kib) = wait_with_rusage(child);
    let output = Output {
        status,
        stdout: std::fs::read(&stdout_path).unwrap(),
        stderr: std::fs::read(&stderr_path).unwrap(),
    };
    (output, max_rss_kib)
}

/// Waits for one child and returns its exit status and peak RSS (KiB):
/// `wait4` reports the resources of exactly that child, whatever else the
/// test process runs in parallel.
fn wait_with_rusage(child: std::process::Child) -> (std::process::ExitStatus, i64) {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own child, not yet reaped; the pointers are to
        // live locals of the right types.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EINTR),
            "wait4 failed"
        );
    }
    (std::process::ExitStatus::from_raw(status), usage.ru_maxrss)
}

fn all_text(output: &Output, out: &PathBuf) -> String {
    let mut text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.flatten() {
            text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    text
}

fn assert_clean(
    output: &Output,
    out: &PathBuf,
    codes: &[i32],
    within: Duration,
    elapsed: Duration,
) -> String {
    let text = all_text(output, out);
    let terminal: String = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
    .chars()
    .take(3000)
    .collect();
    assert!(
        codes.contains(&output.status.code().unwrap_or(-1)),
        "exit {:?}, wanted {codes:?}:\n{terminal}",
        output.status.code()
    );
    assert!(elapsed < within, "took {elapsed:?}, more than {within:?}");
    assert!(
        !terminal.contains("panicked"),
        "a panic reached the user:\n{terminal}"
    );
    for secret in [TOKEN, KEY, PASSWORD] {
        assert!(!text.contains(secret), "a secret leaked");
    }
    text
}

#[test]
fn a_server_that_never_answers_times_out_in_bounded_time() {
    let addr = serve(|stream| {
        thread::sleep(Duration::from_secs(60));
        drop(stream);
    });
    let (output, elapsed, out) = run_against(&format!("http://{addr}"), &[]);
    let text = assert_clean(&output, &out, &[3], Duration::from_secs(20), elapsed);
    assert!(text.contains(&addr), "the message names the address");
}

/// The client's read cap (`ClientSettings::default().body_cap`).
const READ_CAP: usize = 1024 * 1024;

#[test]
fn a_200_mib_body_is_read_only_up_to_the_cap_and_reported() {
    let total: usize = 200 * 1024 * 1024;
    // Bytes the server got into each connection before the client hung up.
    let per_connection = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = per_connection.clone();
    let addr = serve(move |mut stream| {
        let _ = read_head(&mut stream);
        let _ = stream.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {total}\r\n\r\n").as_bytes(),
        );
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0;
        while written < total {
            match stream.write(&chunk) {
                Ok(n) => written += n,
                Err(_) => break,
            }
        }
        record.lock().unwrap().push(written);
    });
    let (output, elapsed, out, max_rss_kib) =
        run_measured(&format!("http://{addr}"), &["--profile", "core"]);
    let text = assert_clean(&output, &out, &[1, 3], Duration::from_secs(60), elapsed);
    assert!(
        text.contains("read cap") || text.contains("not JSON"),
        "the truncation is reported"
    );

    // What the client read: the reports give each kept body's length.
    let kept: Vec<usize> = text
        .match_indices(" characters in all)")
        .filter_map(|(i, _)| {
            let digits = text[..i].rsplit(|c: char| !c.is_ascii_digit()).next()?;
            digits.parse().ok()
        })
        .collect();
    assert!(
        !kept.is_empty(),
        "no report says how much of a body was read"
    );
    let most = kept.iter().copied().max().unwrap_or(0);
    assert!(
        most <= READ_CAP,
        "a body of {most} bytes was read, more than the {READ_CAP}-byte cap"
    );

    // What the server could push before the client hung up: the cap plus
    // what the kernel buffers on a loopback connection, nowhere near 200 MiB.
    let written = per_connection.lock().unwrap().clone();
    assert!(!written.is_empty(), "no request reached the server");
    let slack = 32 * 1024 * 1024;
    let most_written = written.iter().copied().max().unwrap_or(0);
    assert!(
        most_written <= READ_CAP + slack,
        "one connection took {most_written} bytes: the client kept reading past its cap"
    );

    // Peak memory of the run: bounded, whatever the target sends. A run
    // against the built-in mock peaks near 60 MiB; 16 scenarios in flight,
    // each holding its capped bodies, add a few dozen more. One body read
    // whole (200 MiB) would pass the bound alone.
    let bound_kib = 192 * 1024;
    assert!(
        max_rss_kib > 0 && max_rss_kib <= bound_kib,
        "peak RSS {max_rss_kib} KiB, bound {bound_kib} KiB"
    );
    eprintln!(
        "200 MiB bodies: {} connections, most written {most_written} bytes, most kept {most} bytes, peak RSS {max_rss_kib} KiB",
        written.len()
    );
}

#[test]
fn html_where_json_is_due_is_a_failure_naming_the_content_type() {
    let addr = serve(|stream| {
        respond(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html",
            b"<html><body>Welcome to nginx!</body></html>",
        );
    });
    let (output, elapsed, out) = run_against(&format!("http://{addr}"), &["--profile", "core"]);
    let text = assert_clean(&output, &out, &[1], Duration::from_secs(60), elapsed);
    assert!(text.contains("text/html"), "names the content type");
    assert!(
        text.contains("Welcome to nginx"),
        "shows the start of the body"
    );
}

#[test]
fn bytes_that_are_not_http_are_a_transport_error() {
    let addr = serve(|mut stream| {
        let _ = read_head(&mut stream);
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.0 not http at all\r\n\r\n");
    });
    let (output, elapsed, out) = run_against(&format!("http://{addr}"), &["--profile", "core"]);
    // A peer that does not speak HTTP is a transport error (exit 3,
    // inconclusive), never a finding against the target (exit 1).
    let text = assert_clean(&output, &out, &[3], Duration::from_secs(60), elapsed);
    assert!(text.contains(&addr), "the message names the address");
}

#[test]
fn a_redirect_is_not_followed_and_no_credential_reaches_the_other_host() {
    let other_hits = Arc::new(AtomicUsize::new(0));
    let hits = other_hits.clone();
    let other = serve(move |mut stream| {
        hits.fetch_add(1, Ordering::Relaxed);
        let _ = read_head(&mut stream);
    });
    let location = format!("http://{other}/api/standard-psa");
    let addr = serve(move |stream| {
        respond(
            stream,
            &format!("HTTP/1.1 302 Found\r\nLocation: {location}"),
            b"",
        );
    });
    let (output, elapsed, out) = run_against(&format!("http://{addr}"), &["--profile", "core"]);
    let text = assert_clean(&output, &out, &[1], Duration::from_secs(60), elapsed);
    assert_eq!(
        other_hits.load(Ordering::Relaxed),
        0,
        "a request followed the redirect"
    );
    assert!(text.contains("302"), "the 3xx is the finding");
    assert!(
        text.contains("redirects are not followed"),
        "the hint explains"
    );
}

#[test]
fn tls_to_a_plain_http_server_is_a_clear_error() {
    let addr = serve(|stream| {
        respond(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json",
            b"{}",
        );
    });
    let (output, elapsed, out) = run_against(&format!("https://{addr}"), &[]);
    let text = assert_clean(&output, &out, &[3], Duration::from_secs(20), elapsed);
    assert!(text.contains(&addr), "the message names the address");
}

#[test]
fn a_target_that_answers_429_with_retry_after_0_to_everything_ends_inconclusive_in_bounded_time() {
    let addr = serve(|stream| {
        respond(
            stream,
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Type: application/json",
            br#"{"status":429,"message":"Too many requests"}"#,
        );
    });
    let (output, elapsed, out) = run_against(&format!("http://{addr}"), &["--profile", "core"]);
    // Every check was rate-limited: nothing failed, nothing passed.
    assert_clean(&output, &out, &[3], Duration::from_secs(90), elapsed);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["verdict"], "inconclusive");
    let statuses: Vec<&str> = summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(
        !statuses.contains(&"failed") && !statuses.contains(&"passed"),
        "a target that only says 429 fails nothing and passes nothing: {statuses:?}"
    );
    assert!(summary["counts"]["inconclusive"].as_u64().unwrap() > 0);
}

// ---- hostile target files (both sides): read through a cap, every check
// before a port is bound, no unbounded value printed ----------------------

/// Runs `run [--side psa] --target {target}` and returns its output, the
/// reports directory, and the child's peak RSS (KiB).
fn run_target_file(side_psa: bool, target: &std::path::Path) -> (Output, PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap().keep();
    let out = dir.join("reports");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_psa-conformance"));
    cmd.arg("run");
    if side_psa {
        cmd.args(["--side", "psa"]);
    }
    cmd.arg("--target").arg(target).arg("--out").arg(&out);
    let (output, max_rss_kib) = spawn_measured(cmd, &dir);
    (output, out, max_rss_kib)
}

/// A target file of the PSA side for `push_url`, `[ncentral]` ending with
/// `extra`, its secrets from the variables `run_target_file` sets.
fn psa_target(dir: &std::path::Path, push_url: &str, extra: &str) -> PathBuf {
    let path = dir.join("vendor.toml");
    std::fs::write(
        &path,
        format!(
            "push_url = \"{push_url}\"\n[ncentral]\nlisten = \"127.0.0.1:0\"\n\
             user_api_jwt_env = \"H_TOKEN\"\nintegration_key_env = \"H_KEY\"\n{extra}\n"
        ),
    )
    .unwrap();
    path
}

fn ncentral_target(dir: &std::path::Path, base_url: &str) -> PathBuf {
    let path = dir.join("target.toml");
    std::fs::write(
        &path,
        format!(
            "base_url = \"{base_url}\"\n[auth]\nbearer_token_env = \"H_TOKEN\"\nintegration_key_env = \"H_KEY\"\n\
             [standard_psa]\nusername = \"psa-admin@example.com\"\npassword_env = \"H_PASS\"\n[custom_psa]\nticket_id = \"1\"\n"
        ),
    )
    .unwrap();
    path
}

/// Exit 2, every `says` in the output, the output short, no report.
fn assert_refused(o: &Output, out: &std::path::Path, says: &[&str]) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let head: String = text.chars().take(2000).collect();
    assert_eq!(o.status.code(), Some(2), "{head}");
    for s in says {
        assert!(text.contains(s), "{s:?} not in: {head}");
    }
    assert!(text.len() < 2000, "{} bytes of output: {head}", text.len());
    assert!(!out.join("summary.json").exists(), "reports were written");
}

#[cfg(unix)]
#[test]
fn an_endless_target_file_is_refused_in_bounded_memory() {
    for side_psa in [false, true] {
        let (o, out, rss_kib) = run_target_file(side_psa, std::path::Path::new("/dev/zero"));
        assert_refused(&o, &out, &["/dev/zero", "larger than 1024 KiB"]);
        assert!(rss_kib < 64 * 1024, "peak RSS {rss_kib} KiB");
    }
}

#[test]
fn a_huge_url_is_refused_by_a_cap_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    // 5 MB: beyond the file's cap.
    let five_mb = format!("http://psa.example/{}", "a".repeat(5 * 1024 * 1024));
    let (o, out, rss_kib) = run_target_file(true, &psa_target(dir.path(), &five_mb, ""));
    assert_refused(&o, &out, &["larger than 1024 KiB"]);
    assert!(rss_kib < 64 * 1024, "peak RSS {rss_kib} KiB");
    // 900 KB: within the file's cap, beyond the URL's.
    let long = format!("http://psa.example/{}", "a".repeat(900 * 1024));
    let (o, out, _) = run_target_file(true, &psa_target(dir.path(), &long, ""));
    assert_refused(&o, &out, &["push_url", "at most 4096"]);
    let (o, out, _) = run_target_file(false, &ncentral_target(dir.path(), &long));
    assert_refused(&o, &out, &["base_url", "at most 4096"]);
    let public = format!("public_url = \"{long}\"");
    let (o, out, _) = run_target_file(
        true,
        &psa_target(dir.path(), "http://127.0.0.1:9/hook", &public),
    );
    assert_refused(&o, &out, &["ncentral.public_url", "at most 4096"]);
}

#[test]
fn a_url_without_a_host_is_refused_naming_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let (o, out, _) = run_target_file(true, &psa_target(dir.path(), "http:///x", ""));
    assert_refused(&o, &out, &["push_url", "no host"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("base_url"));
    let (o, out, _) = run_target_file(
        true,
        &psa_target(
            dir.path(),
            "http://127.0.0.1:9/hook",
            "public_url = \"https:///n-central\"",
        ),
    );
    assert_refused(&o, &out, &["ncentral.public_url", "no host"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("base_url"));
    let (o, out, _) = run_target_file(false, &ncentral_target(dir.path(), "https:///api"));
    assert_refused(&o, &out, &["base_url", "no host"]);
}

#[test]
fn a_user_and_password_in_push_url_go_out_as_one_authorization_header() {
    const USERINFO_PASSWORD: &str = "userinfo-pw-73519";
    let heads = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = heads.clone();
    let psa = serve(move |mut stream| {
        let head = read_head(&mut stream);
        seen.lock().unwrap().push(head.to_ascii_lowercase());
        let body = br#"{"externalTicketId":"PSA-1","ticketUrl":"https://psa.example/t/1"}"#;
        let _ = stream.write_all(
            format!(
                "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        let _ = stream.write_all(body);
    });
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://n-central:{USERINFO_PASSWORD}@{psa}/hook");
    let extra = "callback_timeout_secs = 2\nanswer_timeout_secs = 5";
    let (o, out, _) = run_target_file(true, &psa_target(dir.path(), &url, extra));
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // RFC 7617, computed by another encoder: base64("n-central:userinfo-pw-73519").
    let basic = format!(
        "authorization: basic {}",
        "bi1jZW50cmFsOnVzZXJpbmZvLXB3LTczNTE5".to_ascii_lowercase()
    );
    let heads = heads.lock().unwrap();
    assert!(!heads.is_empty());
    for head in heads.iter() {
        let count = head.matches("\r\nauthorization:").count();
        assert!(count <= 1, "{count} Authorization headers:\n{head}");
    }
    assert!(heads.iter().any(|h| h.contains(&basic)), "{heads:?}");
    // PUSH-09's pushes without the push auth carry no credential at all.
    assert!(
        heads.iter().any(|h| !h.contains("\r\nauthorization:")),
        "every push carried a credential"
    );
    let all = all_text(&o, &out);
    assert!(
        !all.contains(USERINFO_PASSWORD) && !all.contains("bi1jZW50cmFsOnVzZXJpbmZvLXB3LTczNTE5")
    );
}

#[test]
fn an_unreachable_psa_is_named_by_push_url_never_base_url() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (o, _, _) = run_target_file(true, &psa_target(dir.path(), &url, ""));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("check push_url") && !stderr.contains("base_url"),
        "{stderr}"
    );
}
