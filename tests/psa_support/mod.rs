//! The independent PSA of tests/data/independent-psa (Python, written from
//! docs/PSA-SIDE.md alone), the reference PSA as a process of its own, and
//! the harness run against either: what tests/psa_side.rs,
//! tests/psa_listener.rs and tests/psa_tls.rs share.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::common::*;

pub const PUSH_AUTH: &str = "Basic dmVuZG9yOnB1c2gtc2VjcmV0LTQ0MTc=";
pub const USER_API_JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwc2EtdmVuZG9yIn0.c2lnbmF0dXJlLW9mLXRoZS10ZXN0";
pub const KEY: &str = "integration-key-0c41d7e2";

/// A port free a moment ago, for the harness's N-central to listen on
/// (the PSA must know the URL before the run starts).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The independent PSA, started on a port of its choosing.
pub struct IndependentPsa {
    pub child: Child,
    pub port: u16,
}

impl Drop for IndependentPsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

pub fn start_independent_psa(
    style: &str,
    ncentral: &str,
    push_auth: bool,
    broken: &str,
) -> IndependentPsa {
    start_independent_psa_with(style, ncentral, push_auth, broken, &[])
}

/// [`start_independent_psa`] with further environment variables
/// (`PSA_TOKEN_FILE`, `PSA_EXTRA_BODY`, `PSA_EXTRA_HEADER`).
pub fn start_independent_psa_with(
    style: &str,
    ncentral: &str,
    push_auth: bool,
    broken: &str,
    env: &[(&str, &str)],
) -> IndependentPsa {
    let Some(python) = python() else {
        // .ci/run installs python3; a missing interpreter is a failed test,
        // never a skipped one.
        panic!("python3 is needed for the independent PSA (tests/data/independent-psa)");
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/independent-psa/psa.py");
    let mut cmd = Command::new(python);
    cmd.arg(script)
        .args([style, ncentral])
        .env("NCENTRAL_USER_API_JWT", USER_API_JWT)
        .env("PSA_BREAK", broken)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if push_auth {
        cmd.env("PSA_PUSH_AUTH", PUSH_AUTH);
    }
    let mut child = cmd.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port = first
        .trim()
        .strip_prefix("listening on ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the independent PSA said {first:?}"));
    IndependentPsa { child, port }
}

/// An independent PSA calling back to `http://127.0.0.1:{listen}`, a
/// target file naming both in a fresh directory, and the report directory
/// `r` in it (not yet made). The PSA is killed and the directory removed
/// when this is dropped.
pub struct IndependentRun {
    pub target: PathBuf,
    pub out: PathBuf,
    pub listen: u16,
    pub dir: tempfile::TempDir,
    pub process: IndependentPsa,
}

impl IndependentRun {
    /// [`run_psa`] against this target, reports to `out`.
    pub fn run(&self, extra: &[&str]) -> Output {
        run_psa(&self.target, &self.out, extra)
    }

    /// [`psa_command`] against this target, reports to `out`.
    pub fn command(&self, extra: &[&str]) -> Command {
        psa_command(&self.target, &self.out, extra)
    }
}

/// [`IndependentRun`] for [`start_independent_psa`]'s arguments; the
/// target has `[push_auth]` when the PSA demands it.
pub fn independent_run(style: &str, push_auth: bool, broken: &str) -> IndependentRun {
    independent_run_with(style, push_auth, broken, &[])
}

/// [`independent_run`] with the further environment of
/// [`start_independent_psa_with`].
pub fn independent_run_with(
    style: &str,
    push_auth: bool,
    broken: &str,
    env: &[(&str, &str)],
) -> IndependentRun {
    let listen = free_port();
    let psa = start_independent_psa_with(
        style,
        &format!("http://127.0.0.1:{listen}"),
        push_auth,
        broken,
        env,
    );
    let dir = tempfile::tempdir().unwrap();
    let target = write_psa_target(dir.path(), psa.port, listen, push_auth);
    let out = dir.path().join("r");
    IndependentRun {
        target,
        out,
        listen,
        dir,
        process: psa,
    }
}

/// Replaces `from` with `to` in the target file at `target`.
pub fn edit_target(target: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(target).unwrap();
    assert!(text.contains(from), "{from:?} is not in {text}");
    std::fs::write(target, text.replace(from, to)).unwrap();
}

/// The reference PSA, `mock --side psa --style callback`, as a process of
/// its own; killed when dropped.
pub struct ReferencePsa {
    pub child: Child,
    pub push_port: u16,
}

impl Drop for ReferencePsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the reference PSA calling back to `ncentral_url`, with `extra`
/// arguments (`--ncentral-ca FILE`), and reads its push port from the
/// line it prints first (`… push_url = http://127.0.0.1:PORT/…`).
pub fn start_reference_psa(ncentral_url: &str, extra: &[&std::ffi::OsStr]) -> ReferencePsa {
    let mut child = bin()
        .args([
            "mock",
            "--side",
            "psa",
            "--style",
            "callback",
            "--listen",
            "127.0.0.1:0",
            "--ncentral-url",
            ncentral_url,
        ])
        .args(extra)
        .env("NCENTRAL_USER_API_JWT", USER_API_JWT)
        .env("PSA_INTEGRATION_KEY", KEY)
        .env("PSA_PUSH_AUTH", PUSH_AUTH)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let push_port = first
        .trim()
        .rsplit("push_url = ")
        .next()
        .and_then(|url| url.strip_prefix("http://127.0.0.1:"))
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the reference PSA said {first:?}"));
    ReferencePsa { child, push_port }
}

pub fn write_psa_target(dir: &Path, push_port: u16, listen_port: u16, push_auth: bool) -> PathBuf {
    write_psa_target_with(dir, push_port, listen_port, push_auth, "")
}

/// [`write_psa_target`] whose `[ncentral]` table ends with `ncentral_lines`
/// (the TLS keys).
pub fn write_psa_target_with(
    dir: &Path,
    push_port: u16,
    listen_port: u16,
    push_auth: bool,
    ncentral_lines: &str,
) -> PathBuf {
    let path = dir.join("vendor.toml");
    let auth = if push_auth {
        "[push_auth]\nheader = \"Authorization\"\nvalue_env = \"T_PUSH_AUTH\"\n"
    } else {
        ""
    };
    std::fs::write(
        &path,
        format!(
            r#"push_url = "http://127.0.0.1:{push_port}/ncentral/tickets"
{auth}
[ncentral]
listen = "127.0.0.1:{listen_port}"
user_api_jwt_env = "T_JWT"
integration_key_env = "T_KEY"
callback_timeout_secs = 5
answer_timeout_secs = 10
{ncentral_lines}
"#
        ),
    )
    .unwrap();
    path
}

pub fn run_psa(target: &Path, out: &Path, extra: &[&str]) -> Output {
    psa_command(target, out, extra).output().unwrap()
}

/// `run --side psa` against `target`, reports to `out`, with the secrets
/// in the environment the target file names; not yet started.
pub fn psa_command(target: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.args(["run", "--side", "psa", "--target"])
        .arg(target)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("T_PUSH_AUTH", PUSH_AUTH)
        .env("T_JWT", USER_API_JWT)
        .env("T_KEY", KEY);
    cmd
}

/// Every report file and the terminal output, as one text.
pub fn everything(o: &Output, out: &Path) -> String {
    format!("{}{}", text(o), files_text(out))
}

/// Every file of a report directory, as one text.
pub fn files_text(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        all.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
    }
    all
}

pub fn status_of(summary: &serde_json::Value, id: &str) -> String {
    summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .map(|r| r["status"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("{id} is not in summary.json"))
}

/// Each requirement of summary.json with its status, in order.
pub fn requirement_statuses(summary: &serde_json::Value) -> Vec<(String, String)> {
    summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn assert_all_passed(summary: &serde_json::Value) {
    for (id, status) in requirement_statuses(summary) {
        assert_eq!(status, "passed", "{id}");
    }
}

/// No secret of either side in the terminal or any report: the push auth,
/// the User-API JWT, the integration key, or a token the harness issued.
pub fn assert_no_secret(o: &Output, out: &Path) {
    let all = everything(o, out);
    for secret in [PUSH_AUTH, USER_API_JWT, KEY, "nc-access-", "nc-refresh-"] {
        assert!(!all.contains(secret), "{secret} leaked");
    }
}
