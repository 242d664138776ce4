//! The suite against its own reference mock, in-process, in every
//! conformant configuration: each must come out conformant with every
//! requirement of the profile passed (harness = false: a plain `main`).

use std::process::ExitCode;
use std::time::Duration;

use psa_conformance::catalog::{Level, Profile};
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
            || (r.status == RequirementStatus::Skipped && allow_skipped.contains(&r.id))
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

async fn all() -> Vec<Result<(), String>> {
    let mut results = Vec::new();
    let mut push = |r: Result<RunReport, String>| results.push(r.map(|_| ()));
    push(
        check(
            "canonical mock, token exchange, core",
            mock_config(vec![], Profile::Core, false),
            &[],
        )
        .await,
    );
    push(
        check(
            "canonical mock, token exchange, core, strict",
            mock_config(vec![], Profile::Core, true),
            &[],
        )
        .await,
    );

    let bearer = MockServer::start().await.expect("mock starts");
    push(
        check(
            "canonical mock, ready bearer token",
            live(bearer.target_with_bearer(), Profile::Core),
            &["AUTH-06"],
        )
        .await,
    );

    let alternate = MockServer::builder()
        .style(Style::Alternate)
        .start()
        .await
        .expect("mock starts");
    push(
        check(
            "alternate-style mock, token exchange",
            live(alternate.target(), Profile::Core),
            &[],
        )
        .await,
    );
    let mut second_ticket = alternate.target_with_bearer();
    second_ticket.ticket_id = alternate.credentials().ticket_ids[1].clone();
    push(
        check(
            "alternate-style mock, bearer, another ticket",
            live(second_ticket, Profile::Core),
            &["AUTH-06"],
        )
        .await,
    );

    // Profile full under both kinds of limit the mock can apply.
    let in_flight = MockServer::builder()
        .rate_limit(RateLimit::InFlight(8))
        .start()
        .await
        .expect("mock starts");
    push(
        check(
            "full profile, in-flight limit 8",
            live(in_flight.target(), Profile::Full),
            &[],
        )
        .await,
    );
    let window = MockServer::builder()
        .rate_limit(RateLimit::Window {
            requests: 100,
            window: Duration::from_secs(1),
        })
        .start()
        .await
        .expect("mock starts");
    push(
        check(
            "full profile, 100 requests per second",
            live(window.target(), Profile::Full),
            &[],
        )
        .await,
    );
    let alternate_full = MockServer::builder()
        .style(Style::Alternate)
        .start()
        .await
        .expect("mock starts");
    push(
        check(
            "full profile, alternate style",
            live(alternate_full.target(), Profile::Full),
            &[],
        )
        .await,
    );

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

    // The verdict must not depend on SHOULD levels being MUST.
    let must = psa_conformance::catalog::REQUIREMENTS
        .iter()
        .filter(|r| r.level == Level::Must)
        .count();
    assert!(must > 0);
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
