//! `cargo bench`: what a certification run costs, next to what its HTTP
//! requests alone cost.
//!
//! 1. Whole-process runs of the release binary (`run --profile core|full`
//!    and a one-scenario run, `run --tags @DISC-01`, against the built-in
//!    mock): median wall time of several runs and the highest peak RSS among
//!    them (from `wait4`), beside the goal.
//! 2. The floor: the same requests, replayed from a run's recorded exchanges
//!    by a bare reqwest loop (no cucumber, no schemas) with the same bound
//!    per endpoint, against the same kind of mock; and the suite's own
//!    in-process time for that run. Their ratio is the suite's overhead.
//! 3. Scaling: the core profile with every feature repeated ×1, ×5, ×20.
//! 4. The mock's throughput on loopback for a discovery GET and the
//!    credential POST, so it is never the bottleneck.
//! 5. The vendor's side (`run --side psa`) against the reference PSA, in
//!    both answering styles.
//!
//! Times are wall-clock on a shared machine: compare runs made side by side.

use std::collections::HashMap;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use psa_conformance::catalog::Profile;
use psa_conformance::config::{RunConfig, TargetSource};
use psa_conformance::http::endpoint_key;
use psa_conformance::mock::{MockServer, RateLimit};
use psa_conformance::report::RunReport;
use psa_conformance::selftest::mock_config;
use tokio::sync::Semaphore;

const RUNS: usize = 5;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// Runs the release binary once: (wall seconds, peak RSS in KiB).
fn whole_process(args: &[&str]) -> (f64, i64) {
    let out = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "reaped below with wait4, which also gives its rusage"
    )]
    let child = Command::new(env!("CARGO_BIN_EXE_psa-conformance"))
        .args(args)
        .args(["--quiet", "--out", out.path().to_str().expect("utf-8 path")])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("binary starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped; the pointers are valid.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "run {args:?} was not conformant"
    );
    (wall, usage.ru_maxrss)
}

fn measure(label: &str, args: &[&str]) -> (f64, i64) {
    measure_against(label, args, None)
}

/// [`measure`], with the peak RSS compared to a goal in MiB.
fn measure_against(label: &str, args: &[&str], goal_mib: Option<f64>) -> (f64, i64) {
    let samples: Vec<(f64, i64)> = (0..RUNS).map(|_| whole_process(args)).collect();
    let wall = median(samples.iter().map(|s| s.0).collect());
    let rss = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let mib = rss as f64 / 1024.0;
    let goal = goal_mib.map_or(String::new(), |g| {
        let verdict = if mib <= g { "met" } else { "MISSED" };
        format!("   goal ≤ {g:.0} MiB: {verdict}")
    });
    println!(
        "{label:<34} median {:>7.0} ms   peak RSS {mib:>5.1} MiB   ({RUNS} runs){goal}",
        wall * 1000.0,
    );
    (wall, rss)
}

/// A request as recorded, with the masked secrets put back.
struct Replay {
    method: reqwest::Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

fn replays(report: &RunReport, server: &MockServer) -> Vec<Replay> {
    let c = server.credentials();
    let unmask = |text: &str, secret: &str| text.replace("***", secret);
    report
        .scenarios
        .iter()
        .flat_map(|s| s.exchanges.iter())
        .filter_map(|e| {
            let headers = e
                .request_headers
                .iter()
                .map(|(k, v)| {
                    let v = match k.to_ascii_lowercase().as_str() {
                        "authorization" => unmask(v, c.access_token.expose()),
                        "integration-key" => unmask(v, c.integration_key.expose()),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect();
            Some(Replay {
                method: reqwest::Method::from_bytes(e.method.as_bytes()).ok()?,
                url: e.url.clone(),
                headers,
                body: e
                    .request_body
                    .as_ref()
                    .map(|b| unmask(b, c.password.expose()).into_bytes()),
            })
        })
        .collect()
}

/// Sends every request with at most `per_endpoint` in flight per endpoint.
async fn replay(requests: &[Replay], per_endpoint: usize) -> Duration {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut gates: HashMap<String, Arc<Semaphore>> = HashMap::new();
    for r in requests {
        let path = url::Url::parse(&r.url)
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        gates
            .entry(endpoint_key(&r.method, &path))
            .or_insert_with(|| Arc::new(Semaphore::new(per_endpoint)));
    }
    let started = Instant::now();
    stream::iter(requests)
        .map(|r| {
            let client = client.clone();
            let path = url::Url::parse(&r.url)
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            let gate = gates[&endpoint_key(&r.method, &path)].clone();
            async move {
                let _permit = gate.acquire().await;
                let mut b = client.request(r.method.clone(), &r.url);
                for (k, v) in &r.headers {
                    b = b.header(k, v);
                }
                if let Some(body) = &r.body {
                    b = b.body(body.clone());
                }
                if let Ok(resp) = b.send().await {
                    let _ = resp.bytes().await;
                }
            }
        })
        .buffer_unordered(64)
        .collect::<Vec<()>>()
        .await;
    started.elapsed()
}

/// The suite against the mock, then the floor (the run's own requests
/// replayed under the same per-endpoint bound), with the mock holding each
/// PSA request `latency`; the ratio's goal is 1.3 against a slow server.
async fn floor(profile: Profile, latency: Duration) {
    let mut suite_times = Vec::new();
    let mut floor_times = Vec::new();
    let mut requests = 0;
    for _ in 0..RUNS {
        let server = MockServer::builder()
            .latency(latency)
            .start()
            .await
            .expect("mock");
        let config = RunConfig {
            target: TargetSource::Live(Box::new(psa_conformance::launch::mock_target(
                &server,
                psa_conformance::launch::MockAuth::Bearer,
            ))),
            ..mock_config(vec![], profile, false)
        };
        let started = Instant::now();
        let report = psa_conformance::launch::execute(&config)
            .await
            .expect("run");
        suite_times.push(started.elapsed().as_secs_f64());
        let list = replays(&report, &server);
        requests = list.len();
        floor_times.push(replay(&list, config.concurrency).await.as_secs_f64());
    }
    let (suite, floor) = (median(suite_times), median(floor_times));
    println!(
        "{:<34} suite {:>6.0} ms   floor {:>6.0} ms   ratio {:>4.2}   {} requests, {:.0} req/s (suite)",
        format!(
            "in-process, profile {profile}, {} ms/req",
            latency.as_millis()
        ),
        suite * 1000.0,
        floor * 1000.0,
        suite / floor,
        requests,
        requests as f64 / suite
    );
}

async fn mock_throughput() {
    let server = MockServer::builder()
        .rate_limit(RateLimit::Off)
        .latency(Duration::ZERO)
        .start()
        .await
        .expect("mock");
    let client = reqwest::Client::new();
    let c = server.credentials();
    let body =
        serde_json::json!({"username": c.username, "password": c.password.expose()}).to_string();
    for (label, method, path) in [
        (
            "mock: GET /api/standard-psa",
            reqwest::Method::GET,
            "/api/standard-psa".to_string(),
        ),
        (
            "mock: POST …/3/credential",
            reqwest::Method::POST,
            "/api/standard-psa/3/credential".to_string(),
        ),
    ] {
        let n = 4000;
        let started = Instant::now();
        stream::iter(0..n)
            .map(|_| {
                let mut b = client
                    .request(method.clone(), format!("{}{path}", server.uri()))
                    .bearer_auth(c.access_token.expose());
                if method == reqwest::Method::POST {
                    b = b
                        .header("INTEGRATION-KEY", c.integration_key.expose())
                        .header("Content-Type", "application/json")
                        .body(body.clone());
                }
                async move {
                    let r = b.send().await.expect("mock answers");
                    assert_eq!(r.status(), 200);
                    let _ = r.bytes().await;
                }
            })
            .buffer_unordered(16)
            .collect::<Vec<()>>()
            .await;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{label:<34} {:>7.0} req/s   ({n} requests, 16 in flight, no latency)",
            n as f64 / secs
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too: only
    // measure when asked to.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!(
        "machine: {} cores; {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    measure_against(
        "whole process, profile core",
        &["run", "--profile", "core"],
        Some(24.0),
    );
    measure("whole process, profile full", &["run", "--profile", "full"]);
    measure_against(
        "whole process, one scenario",
        &["run", "--tags", "@DISC-01"],
        Some(16.0),
    );
    // The vendor's side: the harness's N-central, the reference PSA and
    // every push in one process. The callback style waits for callbacks
    // and the 1.5 s settle, so its time is mostly waiting.
    measure("whole process, side psa (body)", &["run", "--side", "psa"]);
    measure(
        "whole process, side psa (callback)",
        &["run", "--side", "psa", "--mock-style", "callback"],
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(floor(Profile::Core, Duration::ZERO));
    // Against a server that holds each PSA request 20 ms (goal: ratio ≤ 1.3).
    rt.block_on(floor(Profile::Core, Duration::from_millis(20)));
    let base = measure("scale ×1 (core)", &["run", "--profile", "core"]).0;
    for n in ["5", "20"] {
        let (wall, _) = measure(
            &format!("scale ×{n} (core)"),
            &["run", "--profile", "core", "--repeat-features", n],
        );
        println!(
            "{:<34} {:.2}× the time for {n}× the scenarios",
            "",
            wall / base
        );
    }
    rt.block_on(mock_throughput());
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
