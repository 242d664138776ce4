//! The suite against its own reference mock, in-process, in every
//! conformant configuration: each must come out conformant with every
//! requirement of the profile passed (harness = false: a plain `main`).

use std::process::ExitCode;
use std::time::Duration;

use psa_conformance::catalog::Profile;
use psa_conformance::config::{RunConfig, TargetSource};
use psa_conformance::mock::{MockServer, RateLimit, Style};
use psa_conformance::report::{RequirementStatus, RunReport, Verdict};
use psa_conformance::runner;
use psa_conformance::selftest::mock_config;

fn live(target: psa_conformance::config::Target, profile: Profile) -> RunConfig {
    RunConfig {
        target: TargetSource::Live(Box::new(target)),
        ..mock_config(vec![], profile, false)
    }
}

fn problems(report: &RunReport, allow_skipped: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if report.verdict != Verdict::Conformant {
        out.push(format!(
            "verdict {:?}: {:?}",
            report.verdict, report.inconclusive_reasons
        ));
    }
    for r in &report.requirements {
        let fine = r.status == RequirementStatus::Passed
            || (r.status == RequirementStatus::NotApplicable && allow_skipped.contains(&r.id))
            || (r.status == RequirementStatus::Untested && r.section >= 7);
        if !fine {
            out.push(format!("{} {} is {:?}", r.id, r.level, r.status));
        }
    }
    for s in report.scenarios.iter().filter(|s| s.failure.is_some()) {
        out.push(format!(
            "{}: {}",
            s.id,
            s.failure.as_deref().unwrap_or_default()
        ));
    }
    out
}

async fn check(name: &str, config: RunConfig, allow_skipped: &[&str]) -> Result<RunReport, String> {
    let report = runner::execute(&config)
        .await
        .map_err(|e| format!("{name}: {e}"))?;
    let p = problems(&report, allow_skipped);
    if p.is_empty() {
        println!(
            "ok   {name} ({} scenarios, {} ms)",
            report.scenarios.len(),
            report.duration_ms
        );
        Ok(report)
    } else {
        Err(format!("{name}:\n  {}", p.join("\n  ")))
    }
}

/// How the suite reaches the mock in one configuration.
enum Auth {
    Exchange,
    Bearer,
}

/// One conformant configuration: a mock, how to reach it, which ticket.
struct Case {
    name: &'static str,
    mock: psa_conformance::mock::MockBuilder,
    auth: Auth,
    ticket: usize,
    profile: Profile,
    strict: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, mock, auth, ticket, profile, strict| Case {
        name,
        mock,
        auth,
        ticket,
        profile,
        strict,
    };
    let canonical = MockServer::builder;
    let alternate = || MockServer::builder().style(Style::Alternate);
    vec![
        case(
            "canonical mock, token exchange, core",
            canonical(),
            Auth::Exchange,
            0,
            Profile::Core,
            false,
        ),
        case(
            "canonical mock, token exchange, core, strict",
            canonical(),
            Auth::Exchange,
            0,
            Profile::Core,
            true,
        ),
        case(
            "canonical mock, ready bearer token",
            canonical(),
            Auth::Bearer,
            0,
            Profile::Core,
            false,
        ),
        case(
            "alternate-style mock, token exchange",
            alternate(),
            Auth::Exchange,
            0,
            Profile::Core,
            false,
        ),
        case(
            "alternate-style mock, bearer, another ticket",
            alternate(),
            Auth::Bearer,
            1,
            Profile::Core,
            false,
        ),
        case(
            "full profile, in-flight limit 8",
            canonical().rate_limit(RateLimit::InFlight(8)),
            Auth::Exchange,
            0,
            Profile::Full,
            false,
        ),
        case(
            "full profile, 100 requests per second",
            canonical().rate_limit(RateLimit::Window {
                requests: 100,
                window: Duration::from_secs(1),
            }),
            Auth::Exchange,
            0,
            Profile::Full,
            false,
        ),
        case(
            "full profile, alternate style",
            alternate(),
            Auth::Exchange,
            0,
            Profile::Full,
            false,
        ),
    ]
}

async fn all() -> Vec<Result<(), String>> {
    let mut results = Vec::new();
    for c in cases() {
        let server = c.mock.start().await.expect("mock starts");
        let (mut target, skipped): (_, &[&str]) = match c.auth {
            Auth::Exchange => (server.target(), &[]),
            Auth::Bearer => (server.target_with_bearer(), &["AUTH-06"]),
        };
        target.ticket_id = server.credentials().ticket_ids[c.ticket].clone();
        let mut config = live(target, c.profile);
        config.strict = c.strict;
        results.push(check(c.name, config, skipped).await.map(|_| ()));
    }

    // A slow mock with a tight in-flight limit: the suite must wait out 429s.
    let tight = MockServer::builder()
        .rate_limit(RateLimit::InFlight(1))
        .latency(Duration::from_millis(5))
        .start()
        .await
        .expect("mock starts");
    let mut polite = live(tight.target(), Profile::Core);
    polite.concurrency = 2;
    let waited = check("in-flight limit 1, slow answers, 2 in flight per endpoint", polite, &[])
        .await
        .and_then(|report| {
            let waits: usize = report.scenarios.iter().flat_map(|s| &s.exchanges).map(|e| e.waited_out.len()).sum();
            if waits == 0 {
                Err("the tight in-flight limit produced no 429 to wait out: the politeness test proves nothing".into())
            } else {
                println!("     ({waits} answers of 429 waited out and retried, none counted as a failure)");
                Ok(())
            }
        });
    results.push(waited);

    results
}

fn main() -> ExitCode {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let results = rt.block_on(all());
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for f in &failed {
        println!("FAIL {f}");
    }
    println!(
        "{} passed, {} failed",
        results.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
