//! Helpers the integration tests share: the binary under test, its output
//! as text, and the summary.json of a report directory. Each test crate
//! uses some of them, so unused ones are allowed here.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The `psa-conformance` binary cargo built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_psa-conformance"))
}

/// Runs the binary with `args` and waits for it.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

/// Standard output, then standard error, as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The summary.json of a report directory.
pub fn summary_of(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json"))
        .unwrap_or_else(|e| panic!("no summary.json in {}: {e}", out.display()));
    serde_json::from_str(&text).expect("summary.json is JSON")
}

/// A target file in `dir` for `base_url`: the `[auth]` line given, the key
/// and password from `T_KEY` and `T_PASS`, psaType 3 and one ticket.
pub fn write_target(dir: &Path, base_url: &str, auth_line: &str) -> std::path::PathBuf {
    let path = dir.join("target.toml");
    std::fs::write(
        &path,
        format!(
            r#"base_url = "{base_url}"
[auth]
{auth_line}
integration_key_env = "T_KEY"
[standard_psa]
psa_type = "3"
username = "psa-admin@example.com"
password_env = "T_PASS"
[custom_psa]
ticket_id = "1142285696"
"#
        ),
    )
    .unwrap();
    path
}
