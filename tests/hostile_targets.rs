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
    let dir = tempfile::tempdir().unwrap().keep();
    let target = dir.join("target.toml");
    std::fs::write(
        &target,
        format!(
            "base_url = \"{base_url}\"\n[auth]\nbearer_token_env = \"H_TOKEN\"\nintegration_key_env = \"H_KEY\"\n\
             [standard_psa]\nusername = \"[email protected]\"\npassword_env = \"H_PASS\"\n[custom_psa]\nticket_id = \"1\"\n\
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
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_psa-conformance"))
        .args(&args)
        .env("H_TOKEN", TOKEN)
        .env("H_KEY", KEY)
        .env("H_PASS", PASSWORD)
        .output()
        .unwrap();
    (output, started.elapsed(), out)
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

#[test]
fn a_200_mib_body_is_read_only_up_to_the_cap_and_reported() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let addr = serve(move |mut stream| {
        let _ = read_head(&mut stream);
        let total: usize = 200 * 1024 * 1024;
        let _ = stream.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {total}\r\n\r\n").as_bytes(),
        );
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0;
        while written < total {
            match stream.write(&chunk) {
                Ok(n) => {
                    written += n;
                    counter.fetch_add(n, Ordering::Relaxed);
                }
                Err(_) => break,
            }
        }
    });
    let (output, elapsed, out) = run_against(&format!("http://{addr}"), &["--profile", "core"]);
    let text = assert_clean(&output, &out, &[1, 3], Duration::from_secs(60), elapsed);
    assert!(
        text.contains("read cap") || text.contains("not JSON"),
        "the truncation is reported"
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
    assert_clean(&output, &out, &[1, 3], Duration::from_secs(60), elapsed);
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
