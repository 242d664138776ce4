//! The independent PSA of tests/data/independent-psa (Python, written from
//! docs/PSA-SIDE.md alone) and the harness run against it: what
//! tests/psa_side.rs and tests/psa_listener.rs share.
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

pub fn write_psa_target(dir: &Path, push_port: u16, listen_port: u16, push_auth: bool) -> PathBuf {
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
"#
        ),
    )
    .unwrap();
    path
}

pub fn run_psa(target: &Path, out: &Path, extra: &[&str]) -> Output {
    bin()
        .args(["run", "--side", "psa", "--target"])
        .arg(target)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("T_PUSH_AUTH", PUSH_AUTH)
        .env("T_JWT", USER_API_JWT)
        .env("T_KEY", KEY)
        .output()
        .unwrap()
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

/// No secret of either side in the terminal or any report: the push auth,
/// the User-API JWT, the integration key, or a token the harness issued.
pub fn assert_no_secret(o: &Output, out: &Path) {
    let all = format!("{}{}", text(o), files_text(out));
    for secret in [PUSH_AUTH, USER_API_JWT, KEY, "nc-access-", "nc-refresh-"] {
        assert!(!all.contains(secret), "{secret} leaked");
    }
}
