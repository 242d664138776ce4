//! Profile extended as a nightly job (docs/NIGHTLY.md): two nights against
//! the same N-central (one mock, its links kept between the nights), the
//! lifecycle tickets read from the environment variables the target file
//! names, the second night compared with the first as the workflow does.
//!
//! - A fresh pending ticket injected for the second night: conformant again,
//!   no regression.
//! - The first night's pending ticket named again (N-central answers the link
//!   409, already linked): LIFE-01 is inconclusive and says to name a fresh
//!   pending ticket; the night is neither NOT CONFORMANT nor a regression.

use std::path::Path;
use std::process::Output;

use crate::common;
use common::*;

use psa_conformance::mock::{MockServer, Style};
use serde_json::Value;

/// The mock and the runtime that serves it, for the whole test.
fn mock(style: Style) -> (tokio::runtime::Runtime, MockServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(MockServer::builder().style(style).start())
        .unwrap();
    (rt, server)
}

/// The target file of the nightly job: the lifecycle ids by variable.
fn target(dir: &Path, server: &MockServer) -> std::path::PathBuf {
    let c = server.credentials();
    let path = dir.join("nightly.toml");
    std::fs::write(
        &path,
        format!(
            "base_url = \"{}\"\n[auth]\nuser_api_jwt_env = \"N_JWT\"\nintegration_key_env = \"N_KEY\"\n\
             [standard_psa]\npsa_type = \"{}\"\nusername = \"{}\"\npassword_env = \"N_PASS\"\n\
             [custom_psa]\nticket_id = \"{}\"\n\
             [lifecycle]\npending_ticket_id_env = \"N_PENDING\"\nresolvable_ticket_id_env = \"N_RESOLVABLE\"\n",
            server.uri(),
            c.psa_type,
            c.username,
            c.ticket_ids[0]
        ),
    )
    .unwrap();
    path
}

/// One night: `run --profile extended`, against last night's summary when
/// there is one.
fn night(
    server: &MockServer,
    target: &Path,
    out: &Path,
    pending: &str,
    baseline: Option<&Path>,
) -> Output {
    let c = server.credentials();
    let mut cmd = bin();
    cmd.arg("run")
        .arg("--target")
        .arg(target)
        .args(["--profile", "extended", "--tags", "not @slow", "--quiet"])
        .arg("--out")
        .arg(out)
        .env("N_JWT", c.user_api_jwt.expose())
        .env("N_KEY", c.integration_key.expose())
        .env("N_PASS", c.password.expose())
        .env("N_PENDING", pending)
        .env("N_RESOLVABLE", &c.resolvable_ticket_id)
        .env_remove("GITHUB_ACTIONS");
    if let Some(b) = baseline {
        cmd.arg("--baseline").arg(b);
    }
    cmd.output().unwrap()
}

fn requirement<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in summary.json"))
}

fn no_regression(summary: &Value, night: &str) {
    let r = &summary["regressions"];
    assert!(r.is_object(), "{night}: no comparison with last night");
    assert_eq!(
        r["new_failures"],
        serde_json::json!([]),
        "{night}: a regression: {r}"
    );
}

#[test]
fn two_nights_of_profile_extended() {
    let (_rt, server) = mock(Style::Ncentral);
    let c = server.credentials();
    let dir = tempfile::tempdir().unwrap();
    let target = target(dir.path(), &server);
    // A ticket the mock knows and no night links: tomorrow's fresh pending
    // ticket.
    let fresh = c
        .ticket_ids
        .iter()
        .find(|id| {
            **id != c.ticket_ids[0] && **id != c.pending_ticket_id && **id != c.resolvable_ticket_id
        })
        .expect("a fourth ticket")
        .clone();

    let first = dir.path().join("night1");
    let o = night(&server, &target, &first, &c.pending_ticket_id, None);
    assert_eq!(o.status.code(), Some(0), "night 1:\n{}", text(&o));
    // Quiet or not, a run that changes tickets says which before it starts.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!(
            "psa-conformance: profile extended changes data on {}",
            server.uri().trim_end_matches('/')
        )) && stderr.contains(&format!(
            "ticket {} ([lifecycle] pending_ticket_id): links it",
            c.pending_ticket_id
        )),
        "night 1 said nothing of the tickets it changes:\n{stderr}"
    );
    let s1 = summary_of(&first);
    assert_eq!(s1["verdict"], "conformant", "night 1");
    assert_eq!(requirement(&s1, "LIFE-01")["status"], "passed");
    assert_eq!(requirement(&s1, "LIFE-04")["status"], "passed");

    // Night 2, the same pending ticket named again: already linked.
    let stale = dir.path().join("night2-stale");
    let o = night(
        &server,
        &target,
        &stale,
        &c.pending_ticket_id,
        Some(&first.join("summary.json")),
    );
    let s2 = summary_of(&stale);
    assert_ne!(s2["verdict"], "not-conformant", "{}", text(&o));
    assert_eq!(s2["verdict"], "inconclusive", "{}", text(&o));
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert_eq!(requirement(&s2, "LIFE-01")["status"], "inconclusive");
    // Only LIFE-01 is undecided; the rest of the night is judged as usual.
    for r in s2["requirements"].as_array().unwrap() {
        assert_ne!(r["status"], "failed", "{r}");
        if r["id"] != "LIFE-01" {
            assert_ne!(r["status"], "inconclusive", "{r}");
        }
    }
    let said = s2.to_string();
    assert!(
        said.contains("name a fresh pending ticket") && said.contains(&c.pending_ticket_id),
        "the reason is not given: {said}"
    );
    no_regression(&s2, "night 2 (stale)");

    // Night 2 as the workflow runs it: a fresh pending ticket injected.
    let second = dir.path().join("night2");
    let o = night(
        &server,
        &target,
        &second,
        &fresh,
        Some(&first.join("summary.json")),
    );
    assert_eq!(o.status.code(), Some(0), "night 2:\n{}", text(&o));
    let s3 = summary_of(&second);
    assert_eq!(s3["verdict"], "conformant", "night 2");
    assert_eq!(requirement(&s3, "LIFE-01")["status"], "passed");
    assert_eq!(requirement(&s3, "LIFE-04")["status"], "passed");
    no_regression(&s3, "night 2");
}

/// A variable the target file names but the job did not set, or set to no
/// ticket id, stops the night before anything is sent (exit 2), naming the
/// key and the variable.
#[test]
fn a_missing_or_bad_ticket_variable_is_exit_2_naming_key_and_variable() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens here: a request sent would be a transport error, exit 3.
    let path = write_target(
        dir.path(),
        "http://127.0.0.1:9",
        "bearer_token_env = \"T_TOKEN\"",
    );
    let text_of = |t: &str| std::fs::read_to_string(t).unwrap();
    let with_lifecycle = format!(
        "{}[lifecycle]\npending_ticket_id_env = \"N_PENDING\"\n",
        text_of(path.to_str().unwrap())
    );
    std::fs::write(&path, with_lifecycle).unwrap();
    for pending in [None, Some("abc"), Some("0"), Some("2147483648")] {
        let mut cmd = bin();
        cmd.args(["run", "--profile", "extended", "--quiet", "--target"])
            .arg(&path)
            .arg("--out")
            .arg(dir.path().join("out"))
            .env("T_TOKEN", "token-1234567890")
            .env("T_KEY", "key-1234567890")
            .env("T_PASS", "pass-1234567890")
            .env_remove("N_PENDING");
        if let Some(p) = pending {
            cmd.env("N_PENDING", p);
        }
        let o = cmd.output().unwrap();
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{pending:?}: {t}");
        assert!(
            t.contains("lifecycle.pending_ticket_id_env") && t.contains("N_PENDING"),
            "{pending:?}: {t}"
        );
    }
}
