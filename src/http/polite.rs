//! Politeness toward the target: the bound on requests in flight per
//! endpoint (shrinking on every 429), the waits after a 429 and their
//! limits, and the breakers that stop a run hammering a target that only
//! refuses or no longer answers.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use tokio::sync::Semaphore;

/// Backoff steps when a 429 carries no usable `Retry-After`.
pub(crate) const BACKOFF: [Duration; 3] = [
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
];

/// After this many requests in a row still got 429 at the end of their
/// retry budget, later requests stop waiting: their 429 is returned at once
/// (their scenarios are inconclusive, rate-limited). A target that limits
/// everything costs a few budgets, not one per request.
pub(crate) const RATE_LIMIT_BREAKER: usize = 3;

/// After this many transport failures in a row the client stops sending:
/// a target that stopped answering costs a few timeouts, not hundreds.
pub(crate) const CIRCUIT_BREAKER_FAILURES: usize = 5;

/// The in-flight bound of one endpoint. It starts at the configured
/// concurrency and drops by one on every 429, down to one: a target that
/// says "too many" gets fewer.
pub(super) struct Gate {
    pub(super) permits: Semaphore,
    limit: std::sync::atomic::AtomicUsize,
}

impl Gate {
    pub(super) fn new(limit: usize) -> Self {
        Gate {
            permits: Semaphore::new(limit),
            limit: std::sync::atomic::AtomicUsize::new(limit),
        }
    }

    /// One permit fewer from now on, if more than one is left.
    pub(super) fn shrink(self: &Arc<Self>) {
        use std::sync::atomic::Ordering;
        let shrunk = self
            .limit
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n > 1).then(|| n - 1)
            })
            .is_ok();
        if shrunk {
            let gate = self.clone();
            tokio::spawn(async move {
                if let Ok(permit) = gate.permits.acquire().await {
                    permit.forget();
                }
            });
        }
    }
}

/// The endpoint a request goes to, for the per-endpoint bound: the method
/// and the route, with path parameters folded (`POST /api/custom-psa/tickets/{id}`).
pub fn endpoint_key(method: &Method, path: &str) -> String {
    match crate::api::find(method.as_str(), path) {
        Some(endpoint) => endpoint.key(),
        None => format!("{method} {}", path.split('?').next().unwrap_or(path)),
    }
}

/// `Retry-After` as delta-seconds or an HTTP-date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        httpdate_parse(value)?.saturating_sub(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default(),
        )
    };
    // `Retry-After: 0` (or a date in the past) would have the suite retry
    // at full speed: it waits at least this long.
    Some(wait.max(MIN_429_WAIT))
}

/// The shortest wait after a 429, whatever `Retry-After` says.
pub(crate) const MIN_429_WAIT: Duration = Duration::from_secs(1);

/// The most retries of one request after 429s, whatever the waits add up to.
pub(crate) const MAX_429_RETRIES: usize = 8;

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as time since the epoch.
fn httpdate_parse(value: &str) -> Option<Duration> {
    let stamp = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(Duration::from_secs(u64::try_from(stamp.as_second()).ok()?))
}
