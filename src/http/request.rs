//! What a request is and how the client is set up: the request spec and
//! its 429 policy, the client's settings (timeouts, bounds, TLS) and the
//! `User-Agent` it sends.

use std::time::Duration;

use reqwest::Method;

/// The `User-Agent` the client sends.
pub(crate) const USER_AGENT: &str = concat!("psa-conformance/", env!("CARGO_PKG_VERSION"));

/// How to treat a 429 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum On429 {
    /// Wait (`Retry-After`, else 2 s, 5 s, 10 s) and retry; the 429 is kept
    /// as evidence, never counted as a failure.
    WaitAndRetry,
    /// Return the 429 as the answer (rate-limit scenarios).
    Return,
}

/// A request to send. Secrets may be in it; it is never printed as is.
#[derive(Clone)]
pub(crate) struct RequestSpec {
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
    pub(crate) fn token_exchange(user_api_jwt: &crate::redact::Secret) -> Self {
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
pub(crate) struct ClientSettings {
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
