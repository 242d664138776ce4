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
