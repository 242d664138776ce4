//! The replay commands and evidence.har of a run against a faulty mock,
//! checked from outside: bash runs the reproduce commands printed in
//! junit.xml against the same mock (a separate `psa-conformance mock`
//! process, so it is still up) and gets back the status and body the run
//! recorded; evidence.har is validated against the published HAR 1.2 JSON
//! Schema (npm `har-schema`, tests/data/har) and read by the `har` crate.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{bin, start_mock, text};
use serde_json::Value;

/// The text of every `<system-out>` in junit.xml, unescaped.
fn system_outs(junit: &str) -> Vec<String> {
    junit
        .split("<system-out>")
        .skip(1)
        .map(|s| {
            s.split("</system-out>")
                .next()
                .unwrap()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// A body with N-central's per-answer error id (`[ID=1f2e]`) blanked.
fn without_error_ids(body: &str) -> String {
    let re = regex::Regex::new(r"\[ID=[0-9a-f]+\]").unwrap();
    re.replace_all(body, "[ID=…]").into_owned()
}

fn require(tool: &str) {
    let found = Command::new(tool).arg("--version").output().is_ok();
    assert!(
        found,
        "{tool} is needed to run the reproduce commands (and is on every CI image)"
    );
}

#[test]
fn reproduce_commands_replay_the_run_against_the_same_mock() {
    require("curl");
    require("bash");
    // Wrong types in a 200 (CRED-01), a malformed body that crashes the
    // server (CRED-04), a wrong key answered 401 (KEY-01).
    let mock = start_mock(&["valid-as-string", "malformed-json-500", "wrong-key-401"]);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.toml");
    std::fs::write(
        &target,
        format!(
            r#"base_url = "{}"
[auth]
bearer_token_env = "PSA_BEARER_TOKEN"
integration_key_env = "PSA_INTEGRATION_KEY"
[standard_psa]
psa_type = "3"
username = "{}"
password_env = "PSA_PASSWORD"
[custom_psa]
ticket_id = "1142285696"
"#,
            mock.uri, mock.username
        ),
    )
    .unwrap();
    let out = dir.path().join("r");
    let o = bin()
        .args(["run", "--profile", "core", "--target"])
        .arg(&target)
        .args(["--tags", "@CRED-01 or @CRED-04 or @KEY-01", "--out"])
        .arg(&out)
        .envs(mock.exports.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let terminal = text(&o);
    assert!(terminal.contains("reproduce (bash):"), "{terminal}");

    // No secret's value in any report; the variables instead.
    for file in ["junit.xml", "summary.md", "report.html", "evidence.har"] {
        let content = std::fs::read_to_string(out.join(file)).unwrap();
        for (var, value) in &mock.exports {
            assert!(!content.contains(value.as_str()), "{file} shows {var}");
        }
        assert!(content.contains("${PSA_BEARER_TOKEN}"), "{file}: no replay");
    }
    assert!(!terminal.contains(&mock.exports[1].1));

    let har: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("evidence.har")).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let mut replayed = 0;
    for block in system_outs(&junit) {
        let Some(commands) = block.split("Reproduce (bash):\n").nth(1) else {
            continue;
        };
        let last = commands
            .lines()
            .rfind(|l| !l.starts_with('#') && !l.trim().is_empty())
            .unwrap();
        // What the run recorded for this very request.
        let recorded = entries
            .iter()
            .rev()
            .find(|e| e["_replay"] == last)
            .unwrap_or_else(|| panic!("no HAR entry replays as {last}"));
        // Pasted into bash, as a user would.
        let run = Command::new("bash")
            .arg("-c")
            .arg(format!("{last} 2>&1"))
            .envs(mock.exports.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        let output = String::from_utf8_lossy(&run.stdout).into_owned();
        let (head, body) = output
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP answer from {last}:\n{output}"));
        let status: u64 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(
            Some(status),
            recorded["response"]["status"].as_u64(),
            "{last}"
        );
        let recorded_body = recorded["response"]["content"]["text"].as_str().unwrap();
        assert_eq!(
            without_error_ids(body),
            without_error_ids(recorded_body),
            "{last}"
        );
        replayed += 1;
    }
    assert!(
        replayed >= 3,
        "only {replayed} reproduce blocks in junit.xml"
    );
}

/// The published schema as one document: each `$ref` to a sibling file
/// replaced by that file's content (their ids are relative file names).
fn har_schema() -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/har");
    fn inline(v: &mut Value, dir: &Path) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let file = r.trim_end_matches('#').to_string();
                    let mut sub: Value =
                        serde_json::from_str(&std::fs::read_to_string(dir.join(&file)).unwrap())
                            .unwrap();
                    if let Value::Object(m) = &mut sub {
                        m.remove("$id");
                        m.remove("$schema");
                    }
                    inline(&mut sub, dir);
                    *v = sub;
                    return;
                }
                for child in map.values_mut() {
                    inline(child, dir);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|c| inline(c, dir)),
            _ => {}
        }
    }
    let mut root: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("har.json")).unwrap()).unwrap();
    if let Value::Object(m) = &mut root {
        m.remove("$id");
    }
    inline(&mut root, &dir);
    root
}

fn check_har(path: &Path) -> Value {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&har_schema())
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "evidence.har breaks HAR 1.2: {errors:#?}"
    );
    // A third-party HAR reader accepts it as HAR 1.2.
    let read = har::from_path(path).expect("the har crate reads evidence.har");
    match read.log {
        har::Spec::V1_2(log) => {
            assert!(!log.entries.is_empty());
            assert_eq!(
                log.entries.len(),
                doc["log"]["entries"].as_array().unwrap().len()
            );
        }
        other => panic!("not read as HAR 1.2: {other:?}"),
    }
    doc
}

#[test]
fn evidence_har_is_valid_har_1_2_with_every_exchange_timed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = bin()
        .args([
            "run",
            "--profile",
            "core",
            "--mock-fault",
            "malformed-json-500",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let doc = check_har(&out.join("evidence.har"));
    let entries = doc["log"]["entries"].as_array().unwrap();
    // Every exchange the report shows is in it, with a start and a duration.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(entries.len() > 50, "{} entries", entries.len());
    for e in entries {
        assert!(e["startedDateTime"].as_str().unwrap().ends_with('Z'));
        assert!(e["time"].as_f64().unwrap() >= 0.0);
        assert!(html.contains(e["request"]["method"].as_str().unwrap()));
    }

    // The vendor's side: pushes and callbacks, both timed.
    let out = dir.path().join("p");
    let o = bin()
        .args(["run", "--side", "psa", "--mock-style", "callback", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc = check_har(&out.join("evidence.har"));
    let entries = doc["log"]["entries"].as_array().unwrap();
    assert!(entries
        .iter()
        .any(|e| e["_direction"] == "callback to the harness" && e.get("_replay").is_none()));
    assert!(entries
        .iter()
        .any(|e| e["_direction"] == "sent by the harness" && e["_replay"].is_string()));
}

#[test]
fn a_faulty_psa_gets_the_push_to_replay_with_its_auth_as_a_variable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let faults = bin()
        .args(["mock", "--side", "psa", "--list-faults"])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&faults.stdout)
        .lines()
        .find(|l| l.contains("PUSH-"))
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .expect("a PUSH fault");
    let o = bin()
        .args(["run", "--side", "psa", "--mock-fault", &first, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let replay = system_outs(&junit)
        .into_iter()
        .find(|s| s.contains("Reproduce (bash):"))
        .unwrap_or_else(|| panic!("no reproduce block for {first}:\n{junit}"));
    assert!(replay.contains("\"${PSA_PUSH_AUTH}\""), "{replay}");
    assert!(replay.contains("/ncentral/tickets"), "{replay}");
}
