//! The recording client itself: building it (CA file, verification),
//! sending a request within the endpoint's bound and waiting out 429s,
//! bursts for the rate-limit scenarios, and every attempt kept as an
//! [`Exchange`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use super::exchange::{
    Exchange, ReceivedResponse, SentRequest, TransportError, TransportErrorKind, WaitedOut,
};
use super::polite::{
    endpoint_key, parse_retry_after, Gate, BACKOFF, CIRCUIT_BREAKER_FAILURES, MAX_429_RETRIES,
    RATE_LIMIT_BREAKER,
};
use super::replay::ClientDefaults;
use super::request::{ClientBuildError, ClientSettings, On429, RequestSpec, USER_AGENT};

/// The recording HTTP client of a run.
pub(crate) struct HttpClient {
    client: reqwest::Client,
    base: Url,
    settings: ClientSettings,
    gates: Mutex<HashMap<String, Arc<Gate>>>,
    /// Transport failures in a row, with no answer between them.
    consecutive_failures: std::sync::atomic::AtomicUsize,
    /// Requests whose 429 retry budget ran out, in a row.
    rate_limited_in_a_row: std::sync::atomic::AtomicUsize,
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
    pub(crate) fn replay_defaults(&self) -> ClientDefaults {
        ClientDefaults {
            user_agent: Some(USER_AGENT.to_string()),
            insecure: self.settings.tls.insecure_skip_verify,
            ca_file: self.settings.tls.ca_file.clone(),
        }
    }

    pub(crate) fn new(base: Url, settings: ClientSettings) -> Result<Self, ClientBuildError> {
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

    pub(crate) fn base_url(&self) -> &Url {
        &self.base
    }

    /// The absolute URL of a path below the base URL.
    pub(crate) fn url_for(&self, path: &str) -> String {
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
    pub(crate) async fn send(&self, spec: &RequestSpec) -> Exchange {
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
    pub(crate) async fn burst(
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
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
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
