//! Helpers the integration tests share: the binary under test, its output
//! as text, the summary.json of a report directory, the mock as a process
//! of its own, axe-core through Chromium, and the check of a kill matrix.
//! Each test crate uses some of them, so unused ones are allowed here.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

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

/// Whether the tests run under CI (`CI=true`), where a missing tool is a
/// failure and never a skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `true` when `found`. Otherwise: under `CI=true` the test fails here;
/// elsewhere a `SKIPPED` line goes straight to the terminal's standard
/// error (written with `io::stderr()`, which libtest does not capture, so a
/// passing test cannot hide it) and `false` comes back. A caller gates only
/// the checks that need the tool, never the ones that do not.
pub fn tool_available(found: bool, what: &str) -> bool {
    if found {
        return true;
    }
    assert!(
        !under_ci(),
        "{what} is missing: .ci/run installs it, and under CI=true a missing tool fails"
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED ({}): {what} is missing; the checks that need it did not run \
         (.ci/run installs it; under CI=true this fails)",
        std::thread::current().name().unwrap_or("a test")
    );
    false
}

/// The first executable named `program` on `PATH`.
pub fn on_path(program: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A `psa-conformance mock` process and what it printed; killed when
/// dropped.
pub struct MockProcess {
    pub child: Child,
    pub uri: String,
    /// The `export NAME='value'` lines, in order.
    pub exports: Vec<(String, String)>,
    /// The user name of its `username …` line.
    pub username: String,
    /// The ready target file it printed between its marker lines.
    pub target_file: String,
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mock --listen 127.0.0.1:0` with `faults` and reads what it
/// prints up to `Press Ctrl-C`.
pub fn start_mock(faults: &[&str]) -> MockProcess {
    let mut cmd = bin();
    cmd.args(["mock", "--listen", "127.0.0.1:0"]);
    for f in faults {
        cmd.args(["--fault", f]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut uri, mut exports, mut username) = (String::new(), Vec::new(), String::new());
    let mut target_file = String::new();
    let mut in_target = false;
    for line in lines {
        let line = line.unwrap();
        match line.as_str() {
            "# --- target file ---" => in_target = true,
            "# --- end of target file ---" => in_target = false,
            _ if in_target => {
                target_file.push_str(&line);
                target_file.push('\n');
            }
            _ => {}
        }
        if let Some(rest) = line.strip_prefix("psa-conformance reference mock listening on ") {
            uri = rest.trim().to_string();
        }
        if let Some(rest) = line.trim().strip_prefix("export ") {
            let (k, v) = rest.split_once('=').unwrap();
            exports.push((k.to_string(), v.trim_matches('\'').to_string()));
        }
        if let Some(rest) = line.trim().strip_prefix("username ") {
            username = rest.split_whitespace().next().unwrap().to_string();
        }
        if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    assert!(!uri.is_empty() && exports.len() == 4, "mock did not start");
    MockProcess {
        child,
        uri,
        exports,
        username,
        target_file,
    }
}

/// Whether `program --version` runs and succeeds.
pub fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The npm packages `.ci/run` installs (axe-core, the cucumber and CTRF
/// tools), or `PSA_NODE_MODULES`.
pub fn node_modules() -> std::path::PathBuf {
    std::env::var_os("PSA_NODE_MODULES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/node_modules")
        })
}

/// axe-core's `axe.min.js` when it and Chromium are there; otherwise what
/// [`tool_available`] does for a missing tool (a failure under `CI=true`, a
/// `SKIPPED` line elsewhere) and `None`.
pub fn axe_core() -> Option<std::path::PathBuf> {
    let axe = node_modules().join("axe-core/axe.min.js");
    tool_available(
        runs("chromium") && axe.exists(),
        "chromium and the npm package axe-core",
    )
    .then_some(axe)
}

/// The page at `html` with axe-core (`axe`) injected (test-only: the pages
/// and reports have no script of their own), rendered by headless
/// Chromium; the violations axe finds, as JSON (`[]` for none).
pub fn axe_violations(html: &Path, axe: &Path) -> String {
    use std::time::{Duration, Instant};
    let page = std::fs::read_to_string(html).unwrap();
    assert!(!page.contains("<script"), "the page itself has no script");
    let probe = r#"<script>axe.run(document,{resultTypes:["violations"]}).then(function(r){var p=document.createElement("pre");p.id="axe-result";p.textContent=JSON.stringify(r.violations.map(function(v){return {id:v.id,impact:v.impact,help:v.help,nodes:v.nodes.slice(0,5).map(function(n){return n.target.join(" ")})}}));document.body.appendChild(p);},function(e){var p=document.createElement("pre");p.id="axe-result";p.textContent="axe failed: "+e;document.body.appendChild(p);});</script>"#;
    let injected = page.replace(
        "</body>",
        &format!(
            "<script>{}</script>{probe}</body>",
            std::fs::read_to_string(axe).unwrap()
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("axe.html");
    std::fs::write(&file, injected).unwrap();
    let dom_file = std::fs::File::create(dir.path().join("dom.html")).unwrap();
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("p").display()
        ))
        .arg(format!("file://{}", file.display()))
        .stdout(dom_file)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = std::fs::read(dir.path().join("dom.html")).unwrap();
    let dom = String::from_utf8_lossy(&dom);
    dom.split_once(r#"<pre id="axe-result">"#)
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(r, _)| r)
        .unwrap_or_else(|| panic!("axe left no result in {}", html.display()))
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The kill matrix of one side's `faults` (`parallel` runs at a time, in
/// `profile`): its Markdown must be `docs/{doc}` as committed (rewritten
/// instead under `UPDATE_KILL_MATRIX`, the command the stale message names
/// with `module`), and every fault must be caught — with a `bound`, also
/// within it.
pub async fn check_kill_matrix<F: psa_conformance::selftest::KillFault>(
    faults: &[F],
    profile: psa_conformance::catalog::Profile,
    parallel: usize,
    bound: Option<std::time::Duration>,
    doc: &str,
    module: &str,
) {
    use psa_conformance::selftest::{kill_matrix, render_matrix};
    let rows = kill_matrix(faults, profile, parallel).await.unwrap();
    let missed: Vec<String> = rows
        .iter()
        .filter(|r| !r.caught() || bound.is_some_and(|b| r.elapsed > b))
        .map(|r| {
            let style = r
                .fault
                .style()
                .map(|s| format!(", {s} style"))
                .unwrap_or_default();
            format!(
                "{} ({}{style}): exit {}, failed {:?}, {:.1} s",
                r.fault,
                r.fault.requirement(),
                r.exit_code,
                r.failed,
                r.elapsed.as_secs_f64()
            )
        })
        .collect();
    let rendered = render_matrix(&rows);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(doc);
    if std::env::var_os("UPDATE_KILL_MATRIX").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    } else {
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == rendered,
            "docs/{doc} is stale; run UPDATE_KILL_MATRIX=1 cargo test --test integration {module}::"
        );
    }
    let within = if bound.is_some() {
        " (or not in bounded time)"
    } else {
        ""
    };
    assert!(
        missed.is_empty(),
        "faults the suite does not catch{within}:\n  {}",
        missed.join("\n  ")
    );
}
