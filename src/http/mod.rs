//! The HTTP client every scenario uses: one connection pool, a per-request
//! timeout, a cap on how much of a body is read, no redirects followed, a
//! bound on requests in flight per endpoint, and a polite wait on 429.
//!
//! Every request it sends comes back as an [`Exchange`], whatever happened,
//! so the reports can show exactly what was sent and received.

mod exchange;
mod replay;

pub use exchange::{
    Exchange, ExchangeRecord, ReceivedResponse, SentRequest, TransportError, TransportErrorKind,
    WaitedOut, WireBodies, WireBody, WIRE_BODY_CHARS,
};
pub use replay::{curl, ClientDefaults, ACCESS_TOKEN_VAR, FORGED_TOKEN_VAR, REFRESH_TOKEN_VAR};

/// The `User-Agent` the client sends.
pub const USER_AGENT: &str = concat!("psa-conformance/", env!("CARGO_PKG_VERSION"));

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::sync::Semaphore;
use url::Url;

/// How to treat a 429 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On429 {
    /// Wait (`Retry-After`, else 2 s, 5 s, 10 s) and retry; the 429 is kept
    /// as evidence, never counted as a failure.
    WaitAndRetry,
    /// Return the 429 as the answer (rate-limit scenarios).
    Return,
}

/// Backoff steps when a 429 carries no usable `Retry-After`.
pub const BACKOFF: [Duration; 3] = [
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
];

/// A request to send. Secrets may be in it; it is never printed as is.
#[derive(Clone)]
pub struct RequestSpec {
    pub method: Method,
    /// Path (and query) below the base URL, already percent-encoded.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub on_429: On429,
}

impl RequestSpec {
    /// `POST /api/auth/authenticate` with the User-API JWT as bearer: the
    /// token exchange of N-central.
    pub fn token_exchange(user_api_jwt: &crate::redact::Secret) -> Self {
        RequestSpec {
            method: Method::POST,
            path: "/api/auth/authenticate".into(),
            headers: vec![
                ("Accept".into(), "application/json".into()),
                (
                    "Authorization".into(),
                    format!("Bearer {}", user_api_jwt.expose()),
                ),
            ],
            body: None,
            on_429: On429::WaitAndRetry,
        }
    }
}

/// TLS options of the target file's `[tls]` table.
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    /// A PEM file with the private CA that signed the target's certificate.
    pub ca_file: Option<std::path::PathBuf>,
    /// Skip certificate verification. Every report says so.
    pub insecure_skip_verify: bool,
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub timeout: Duration,
    /// Requests in flight at once per endpoint.
    pub per_endpoint: usize,
    /// Response bytes read at most; the rest is not read.
    pub body_cap: usize,
    pub tls: TlsSettings,
    /// Longest total wait for 429s of one request before giving up.
    pub max_429_wait: Duration,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            timeout: Duration::from_secs(10),
            per_endpoint: 2,
            body_cap: 1024 * 1024,
            tls: TlsSettings::default(),
            max_429_wait: Duration::from_secs(30),
        }
    }
}

/// A problem building the client (bad CA file): a configuration error.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct ClientBuildError(pub String);

/// The recording HTTP client of a run.
pub struct HttpClient {
    client: reqwest::Client,
    base: Url,
    settings: ClientSettings,
    gates: Mutex<HashMap<String, Arc<Gate>>>,
    /// Transport failures in a row, with no answer between them.
    consecutive_failures: std::sync::atomic::AtomicUsize,
    /// Requests whose 429 retry budget ran out, in a row.
    rate_limited_in_a_row: std::sync::atomic::AtomicUsize,
}

/// After this many requests in a row still got 429 at the end of their
/// retry budget, later requests stop waiting: their 429 is returned at once
/// (their scenarios are inconclusive, rate-limited). A target that limits
/// everything costs a few budgets, not one per request.
pub const RATE_LIMIT_BREAKER: usize = 3;

/// After this many transport failures in a row the client stops sending:
/// a target that stopped answering costs a few timeouts, not hundreds.
pub const CIRCUIT_BREAKER_FAILURES: usize = 5;

/// The in-flight bound of one endpoint. It starts at the configured
/// concurrency and drops by one on every 429, down to one: a target that
/// says "too many" gets fewer.
struct Gate {
    permits: Semaphore,
    limit: std::sync::atomic::AtomicUsize,
}

impl Gate {
    fn new(limit: usize) -> Self {
        Gate {
            permits: Semaphore::new(limit),
            limit: std::sync::atomic::AtomicUsize::new(limit),
        }
    }

    /// One permit fewer from now on, if more than one is left.
    fn shrink(self: &Arc<Self>) {
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

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("base", &self.base.as_str())
            .field("settings", &self.settings)
            .finish()
    }
}

impl HttpClient {
    /// What a replay command needs to send like this client: its
    /// `User-Agent` and TLS settings.
    pub fn replay_defaults(&self) -> ClientDefaults {
        ClientDefaults {
            user_agent: Some(USER_AGENT.to_string()),
            insecure: self.settings.tls.insecure_skip_verify,
            ca_file: self.settings.tls.ca_file.clone(),
        }
    }

    pub fn new(base: Url, settings: ClientSettings) -> Result<Self, ClientBuildError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(USER_AGENT)
            .no_proxy();
        if let Some(ca) = &settings.tls.ca_file {
            let pem = std::fs::read(ca).map_err(|e| {
                ClientBuildError(format!("cannot read tls.ca_file {}: {e}", ca.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ClientBuildError(format!("tls.ca_file {} is not PEM: {e}", ca.display()))
            })?;
            if certs.is_empty() {
                return Err(ClientBuildError(format!(
                    "tls.ca_file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                    ca.display()
                )));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        if settings.tls.insecure_skip_verify {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let client = builder
            .build()
            .map_err(|e| ClientBuildError(error_chain(&e)))?;
        Ok(HttpClient {
            client,
            base,
            settings,
            gates: Mutex::new(HashMap::new()),
            consecutive_failures: std::sync::atomic::AtomicUsize::new(0),
            rate_limited_in_a_row: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The absolute URL of a path below the base URL.
    pub fn url_for(&self, path: &str) -> String {
        let base = self.base.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }

    fn gate(&self, endpoint: &str) -> Arc<Gate> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        gates
            .entry(endpoint.to_string())
            .or_insert_with(|| Arc::new(Gate::new(self.settings.per_endpoint)))
            .clone()
    }

    /// Sends a request, waiting out 429s when the spec asks for it:
    /// `Retry-After` when given, else 2 s, 5 s, 10 s, within the client's
    /// total 429 budget. Every wait is kept in the exchange as evidence.
    pub async fn send(&self, spec: &RequestSpec) -> Exchange {
        // From the first attempt on the wire: waiting for a permit of the
        // run's own bound is not the target's time.
        let mut started: Option<Instant> = None;
        let gate = self.gate(&endpoint_key(&spec.method, &spec.path));
        let mut waited_out = Vec::new();
        let mut waited = Duration::ZERO;
        let mut backoff = BACKOFF.iter();
        loop {
            let mut exchange = {
                let _permit = gate.permits.acquire().await;
                started.get_or_insert_with(Instant::now);
                self.send_once(spec).await
            };
            use std::sync::atomic::Ordering;
            let got_429 = exchange.response().is_some_and(|r| r.status == 429);
            let limited = spec.on_429 == On429::WaitAndRetry && got_429;
            if spec.on_429 == On429::WaitAndRetry && !got_429 {
                self.rate_limited_in_a_row.store(0, Ordering::Relaxed);
            }
            let breaker_open =
                self.rate_limited_in_a_row.load(Ordering::Relaxed) >= RATE_LIMIT_BREAKER;
            if limited && !breaker_open {
                gate.shrink();
                let retry_after = exchange
                    .response()
                    .and_then(|r| r.header("retry-after"))
                    .map(str::to_string);
                let wait = retry_after
                    .as_deref()
                    .and_then(parse_retry_after)
                    .or_else(|| backoff.next().copied());
                let budget_left = waited_out.len() < MAX_429_RETRIES;
                if let Some(wait) =
                    wait.filter(|w| budget_left && waited + *w <= self.settings.max_429_wait)
                {
                    waited_out.push(WaitedOut {
                        status: 429,
                        retry_after,
                        waited_ms: wait.as_millis(),
                    });
                    waited += wait;
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            if limited {
                self.rate_limited_in_a_row.fetch_add(1, Ordering::Relaxed);
            }
            exchange.waited_out = waited_out;
            exchange.elapsed = started.map_or(exchange.elapsed, |s| s.elapsed());
            return exchange;
        }
    }

    /// Sends up to `max` copies of a request, `concurrency` in flight at
    /// once, bypassing the per-endpoint bound, and stops starting new ones
    /// after the first 429. For rate-limit scenarios only. Each exchange
    /// comes with the time from the start of the burst to its answer.
    pub async fn burst(
        &self,
        spec: &RequestSpec,
        concurrency: usize,
        max: usize,
    ) -> Vec<(Duration, Exchange)> {
        use futures::stream::{self, StreamExt};
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = AtomicBool::new(false);
        let started = Instant::now();
        stream::iter(0..max)
            .map(|_| {
                let stop = &stop;
                async move {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let ex = self.send_once(spec).await;
                    if ex.response().map(|r| r.status) == Some(429) {
                        stop.store(true, Ordering::Relaxed);
                    }
                    Some((started.elapsed(), ex))
                }
            })
            .buffer_unordered(concurrency.max(1))
            .filter_map(|x| async move { x })
            .collect()
            .await
    }

    async fn send_once(&self, spec: &RequestSpec) -> Exchange {
        use std::sync::atomic::Ordering;
        let url = self.url_for(&spec.path);
        let request = SentRequest {
            method: spec.method.to_string(),
            url: url.clone(),
            headers: spec.headers.clone(),
            body: spec.body.clone(),
        };
        let started = Instant::now();
        let started_at = jiff::Timestamp::now();
        let failures = self.consecutive_failures.load(Ordering::Relaxed);
        let outcome = if failures >= CIRCUIT_BREAKER_FAILURES {
            Err(TransportError {
                kind: TransportErrorKind::NotSent,
                message: format!(
                    "not sent: the target failed {failures} requests in a row without answering (circuit open)"
                ),
            })
        } else {
            let outcome = self.try_send(spec, &url).await;
            match &outcome {
                Ok(_) => self.consecutive_failures.store(0, Ordering::Relaxed),
                Err(_) => {
                    self.consecutive_failures.fetch_add(1, Ordering::Relaxed);
                }
            }
            outcome
        };
        Exchange {
            request,
            outcome,
            started_at,
            elapsed: started.elapsed(),
            inbound: false,
            waited_out: Vec::new(),
        }
    }

    async fn try_send(
        &self,
        spec: &RequestSpec,
        url: &str,
    ) -> Result<ReceivedResponse, TransportError> {
        let mut builder = self.client.request(spec.method.clone(), url);
        for (k, v) in &spec.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &spec.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| classify(&e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.settings.body_cap.saturating_sub(body.len());
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(&e)),
            }
        }
        Ok(ReceivedResponse {
            status,
            headers,
            body,
            truncated,
        })
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
pub fn parse_retry_after(value: &str) -> Option<Duration> {
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
pub const MIN_429_WAIT: Duration = Duration::from_secs(1);

/// The most retries of one request after 429s, whatever the waits add up to.
pub const MAX_429_RETRIES: usize = 8;

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as time since the epoch.
fn httpdate_parse(value: &str) -> Option<Duration> {
    let stamp = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(Duration::from_secs(u64::try_from(stamp.as_second()).ok()?))
}

fn classify(e: &reqwest::Error) -> TransportError {
    let kind = if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Protocol
    };
    TransportError {
        kind,
        message: error_chain(e),
    }
}

/// An error and its sources on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests;
