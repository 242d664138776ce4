//! Rate-limit steps: a bounded concurrent burst (RATE-01, RATE-02, RATE-04)
//! and the recovery after it (RATE-03). The evidence shows the burst:
//! requests sent, status counts, time to the first 429, recovery time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cucumber::{then, when};
use reqwest::Method;

use crate::http::{parse_retry_after, Exchange, On429, BACKOFF};
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::PsaWorld;

/// The method of the certified PSA endpoint the path goes to (GET for a
/// path the API table does not know).
fn method_for(endpoint: &str) -> Method {
    crate::api::certified_psa()
        .find(|e| e.matches_path(endpoint))
        .and_then(|e| Method::from_bytes(e.method.as_bytes()).ok())
        .unwrap_or(Method::GET)
}

fn status_counts(burst: &[(Duration, Exchange)]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_, e) in burst {
        let key = e
            .response()
            .map_or_else(|| "no answer".to_string(), |r| r.status.to_string());
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

fn describe(counts: &BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(k, v)| format!("{k}×{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[when("the client sends a burst to the rate-limit endpoint")]
async fn burst(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        let rl = ctx.target.rate_limit.clone();
        let path = w.expand_path(&rl.endpoint)?;
        let method = method_for(&rl.endpoint);
        let mut spec = w.build_request(method.clone(), &path)?;
        spec.on_429 = On429::Return;
        let burst = ctx
            .client
            .burst(&spec, rl.concurrency, rl.max_requests)
            .await;
        for (_, e) in &burst {
            ctx.monitor.observe(e);
        }
        let counts = status_counts(&burst);
        let first_429 = burst
            .iter()
            .filter(|(_, e)| e.response().is_some_and(|r| r.status == 429))
            .map(|(t, _)| *t)
            .min();
        w.notes.push(format!(
            "burst: {} requests to {method} {} ({} in flight, at most {}): {}; first 429 after {}",
            burst.len(),
            rl.endpoint,
            rl.concurrency,
            rl.max_requests,
            describe(&counts),
            first_429.map_or_else(|| "none".to_string(), |t| format!("{} ms", t.as_millis()))
        ));
        // Evidence: the first answer of each kind.
        let mut seen = std::collections::BTreeSet::new();
        for (_, e) in &burst {
            let key = e.response().map_or(0, |r| r.status);
            if seen.insert(key) {
                w.exchanges.push(e.clone());
            }
        }
        w.burst = burst;
        w.draft = Default::default();
        Ok(())
    })
    .await
}

fn burst_of(w: &PsaWorld) -> Result<&[(Duration, Exchange)], Finding> {
    if w.burst.is_empty() {
        return Err(Finding::harness("no burst was sent before this check"));
    }
    Ok(&w.burst)
}

#[then("at least one burst answer is 429")]
async fn some_429(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
    let burst = burst_of(w)?;
    if burst
        .iter()
        .any(|(_, e)| e.response().is_some_and(|r| r.status == 429))
    {
        return Ok(());
    }
    let rl = &w.ctx()?.target.rate_limit;
    Err(Finding::failure("the burst was never limited")
        .expected("at least one 429")
        .actual(format!("{} requests, {} in flight: {}", burst.len(), rl.concurrency, describe(&status_counts(burst))))
        .at(format!("[rate_limit] endpoint {}", rl.endpoint))
        .hint("N-central limits 3 to 50 requests in flight per endpoint; raise [rate_limit] concurrency if the target allows more"))
    })
    .await
}

#[then("every burst answer is 200 or 429")]
async fn only_200_or_429(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let burst = burst_of(w)?;
        let bad: Vec<&Exchange> = burst
            .iter()
            .map(|(_, e)| e)
            .filter(|e| {
                !e.response()
                    .is_some_and(|r| r.status == 200 || r.status == 429)
            })
            .collect();
        let Some(first) = bad.first() else {
            return Ok(());
        };
        Err(Finding::failure(format!(
            "{} of {} burst answers are neither 200 nor 429",
            bad.len(),
            burst.len()
        ))
        .expected("200 or 429 on a connection that stays up")
        .actual(describe(&status_counts(burst)))
        .exchange(first.summary_line()))
    })
    .await
}

#[then("every 429 of the burst carries Retry-After and an ErrorResponse body")]
async fn retry_after_and_body(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        for (_, e) in burst_of(w)? {
            let Some(r) = e.response().filter(|r| r.status == 429) else {
                continue;
            };
            let retry_after = r.header("retry-after");
            if retry_after.and_then(parse_retry_after).is_none() {
                return Err(Finding::failure("a 429 without a usable Retry-After")
                    .expected("Retry-After: <delta-seconds> or an HTTP-date")
                    .actual(format!(
                        "Retry-After: {}",
                        retry_after.unwrap_or("(absent)")
                    ))
                    .at("Retry-After")
                    .exchange(e.summary_line()));
            }
            if let Err(problem) = crate::suite::error_body::check(&ctx.schemas, r) {
                return Err(Finding::failure("a 429 without an ErrorResponse body")
                    .expected("application/json {\"status\": 429, \"message\": …}")
                    .actual(problem.describe())
                    .exchange(e.summary_line()));
            }
        }
        Ok(())
    })
    .await
}

/// The waits between recovery attempts without a `Retry-After`: 2 s, 5 s,
/// then 10 s for as long as the recovery window lasts.
fn recovery_backoff() -> impl Iterator<Item = Duration> {
    BACKOFF
        .iter()
        .copied()
        .chain(std::iter::repeat(BACKOFF[BACKOFF.len() - 1]))
}

#[then("a single request to the rate-limit endpoint succeeds within the recovery window")]
async fn recovers(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        let rl = ctx.target.rate_limit.clone();
        let burst = burst_of(w)?;
        if !burst
            .iter()
            .any(|(_, e)| e.response().is_some_and(|r| r.status == 429))
        {
            // Nothing was limited, so there is nothing to recover from: RATE-03
            // stays untested (RATE-01 reports the missing 429).
            return Err(Finding::not_tested(
                "the burst got no 429, so recovery could not be observed",
            )
            .actual(describe(&status_counts(burst)))
            .at(format!("[rate_limit] endpoint {}", rl.endpoint)));
        }
        let started = Instant::now();
        let deadline = started + rl.recovery_timeout;
        let mut backoff = recovery_backoff();
        let mut retry_after = burst
            .iter()
            .filter_map(|(_, e)| {
                e.response()
                    .filter(|r| r.status == 429)
                    .and_then(|r| r.header("retry-after"))
            })
            .filter_map(parse_retry_after)
            .max();
        let path = w.expand_path(&rl.endpoint)?;
        let method = method_for(&rl.endpoint);
        let mut attempts = 0;
        loop {
            if let Some(wait) = retry_after.take() {
                // Never wait past the window; the last attempt is at its end.
                let left = deadline.saturating_duration_since(Instant::now());
                tokio::time::sleep(wait.min(left)).await;
            }
            let mut spec = w.build_request(method.clone(), &path)?;
            spec.on_429 = On429::Return;
            w.send(spec).await?;
            attempts += 1;
            let status = w.last_exchange()?.response().map(|r| r.status);
            match status {
                Some(s) if (200..300).contains(&s) => {
                    w.notes.push(format!(
                        "recovered after {} ms ({attempts} request(s) after the burst)",
                        started.elapsed().as_millis()
                    ));
                    return Ok(());
                }
                Some(429) if Instant::now() < deadline => {
                    let given = w
                        .last_response()?
                        .header("retry-after")
                        .and_then(parse_retry_after);
                    retry_after = given.or_else(|| backoff.next());
                }
                _ => break,
            }
        }
        let last = w.last_exchange()?.summary_line();
        Err(
            Finding::failure("the endpoint did not recover after the burst")
                .expected(format!(
                    "a 2xx within {} s (recovery_timeout_secs)",
                    rl.recovery_timeout.as_secs()
                ))
                .actual(format!(
                    "{attempts} attempt(s) over {} ms; last: {last}",
                    started.elapsed().as_millis()
                ))
                .at(format!("[rate_limit] endpoint {}", rl.endpoint))
                .hint("N-central accepts requests again once earlier ones complete"),
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_backs_off_2_5_10_then_10_for_good() {
        let waits: Vec<u64> = recovery_backoff().take(6).map(|d| d.as_secs()).collect();
        assert_eq!(waits, [2, 5, 10, 10, 10, 10]);
    }
}
