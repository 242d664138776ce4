//! The reference PSA's calls to N-central: the token exchange, the refresh,
//! and the link callback `POST /api/custom-psa/tickets`, with the retry on
//! 429 (after `Retry-After`) and the refresh-and-retry on 401 a well-behaved
//! PSA does — and the faults that leave them out.
//!
//! Nothing here prints or logs: a failed callback is given up silently, so
//! no token, JWT or key can leak through it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::redact::Secret;

/// At most this many tries of one callback answered 429.
const MAX_TRIES_ON_429: u32 = 5;
/// At most this many new tokens (refresh or authenticate) for one callback.
const MAX_RENEWALS: u32 = 2;
/// `Retry-After` when the answer has none (or one that is not seconds).
const DEFAULT_RETRY_AFTER: u64 = 1;
/// The longest wait on one `Retry-After`.
const MAX_RETRY_AFTER: u64 = 10;
/// The timeout of every call to N-central.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How a PSA calls back, bent by the faults.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Behaviour {
    /// The User-API JWT itself is the bearer (no exchange).
    pub jwt_as_bearer: bool,
    /// A 429 is given up.
    pub no_retry_on_429: bool,
    /// A 401 is given up.
    pub no_refresh_on_401: bool,
}

/// One link callback: N-central's ticket id and the PSA ticket it belongs to.
#[derive(Debug, Clone)]
pub(super) struct Link {
    pub psa_custom_ticket_id: i64,
    pub ticket_number: String,
    pub ticket_url: String,
}

/// How one callback ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// N-central answered 2xx.
    Linked,
    /// Given up: the last status N-central answered, or none (no answer).
    GaveUp(Option<u16>),
}

/// A token and when it stops being valid (never, when N-central did not say).
#[derive(Debug, Clone)]
struct Token {
    value: Secret,
    expires: Option<Instant>,
}

impl Token {
    fn fresh(&self) -> bool {
        self.expires.is_none_or(|e| Instant::now() < e)
    }
}

#[derive(Debug, Clone)]
struct Tokens {
    access: Token,
    refresh: Option<Token>,
}

/// The PSA's client of one N-central: its credentials and the tokens it was
/// issued, shared by every callback.
#[derive(Debug)]
pub(super) struct Caller {
    client: Client,
    /// A PEM file of the CA the N-central's certificate must chain to (the
    /// only one trusted then), read when a call is made — the harness may
    /// write it after this PSA started — and read again when it changed.
    trust: Option<Trust>,
    base: String,
    user_api_jwt: Secret,
    integration_key: Option<Secret>,
    behaviour: Behaviour,
    tokens: Mutex<Option<Tokens>>,
}

impl Caller {
    /// A caller of the N-central at `base` (with or without a trailing slash).
    pub(super) fn new(
        base: &str,
        user_api_jwt: Secret,
        integration_key: Option<Secret>,
        behaviour: Behaviour,
        ca_file: Option<PathBuf>,
    ) -> std::io::Result<Caller> {
        let client = client_builder().build().map_err(std::io::Error::other)?;
        Ok(Caller {
            client,
            trust: ca_file.map(|file| Trust {
                file,
                built: std::sync::Mutex::new(None),
            }),
            base: base.trim_end_matches('/').to_string(),
            user_api_jwt,
            integration_key,
            behaviour,
            tokens: Mutex::new(None),
        })
    }

    /// The client to call with: the default one, or one trusting exactly
    /// the CA file's certificates (`None` when that file cannot be used).
    fn client(&self) -> Option<Client> {
        let Some(trust) = &self.trust else {
            return Some(self.client.clone());
        };
        let pem = read_ca_file(&trust.file).ok()?;
        let mut built = trust.built.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((bytes, client)) = built.as_ref() {
            if *bytes == pem {
                return Some(client.clone());
            }
        }
        let client = trusting_only(&pem).ok()?;
        *built = Some((pem, client.clone()));
        Some(client)
    }

    /// Sends one link callback, retrying as a well-behaved PSA does.
    pub(super) async fn link(&self, link: &Link) -> Outcome {
        let body = json!({
            "psaCustomTicketId": link.psa_custom_ticket_id,
            "ticketNumber": link.ticket_number,
            "ticketUrl": link.ticket_url,
        });
        let url = format!("{}/api/custom-psa/tickets", self.base);
        let mut tries_429 = 0;
        let mut renewals = 0;
        loop {
            let Some(client) = self.client() else {
                return Outcome::GaveUp(None);
            };
            let bearer = if self.behaviour.jwt_as_bearer {
                self.user_api_jwt.clone()
            } else {
                match self.access().await {
                    Some(token) => token,
                    None => return Outcome::GaveUp(None),
                }
            };
            let mut request = client
                .post(&url)
                .header(AUTHORIZATION, format!("Bearer {}", bearer.expose()))
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
            if let Some(key) = &self.integration_key {
                request = request.header("INTEGRATION-KEY", key.expose());
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(_) => return Outcome::GaveUp(None),
            };
            let status = response.status();
            if status.is_success() {
                return Outcome::Linked;
            }
            if status == StatusCode::TOO_MANY_REQUESTS && !self.behaviour.no_retry_on_429 {
                tries_429 += 1;
                if tries_429 < MAX_TRIES_ON_429 {
                    tokio::time::sleep(retry_after(response.headers())).await;
                    continue;
                }
            }
            if status == StatusCode::UNAUTHORIZED
                && !self.behaviour.no_refresh_on_401
                && !self.behaviour.jwt_as_bearer
                && renewals < MAX_RENEWALS
            {
                renewals += 1;
                if self.renew(&bearer).await {
                    continue;
                }
            }
            return Outcome::GaveUp(Some(status.as_u16()));
        }
    }

    /// The access token to use: the cached one while it is valid, else one
    /// from a refresh or a new exchange.
    async fn access(&self) -> Option<Secret> {
        let mut cached = self.tokens.lock().await;
        if let Some(tokens) = cached.as_ref() {
            if tokens.access.fresh() {
                return Some(tokens.access.value.clone());
            }
        }
        let renewed = self.new_tokens(cached.as_ref()).await?;
        let access = renewed.access.value.clone();
        *cached = Some(renewed);
        Some(access)
    }

    /// After a 401 to `stale`: a new access token, unless another callback
    /// got one meanwhile. False when neither refresh nor exchange worked.
    async fn renew(&self, stale: &Secret) -> bool {
        let mut cached = self.tokens.lock().await;
        if let Some(tokens) = cached.as_ref() {
            if tokens.access.value != *stale && tokens.access.fresh() {
                return true;
            }
        }
        let Some(renewed) = self.new_tokens(cached.as_ref()).await else {
            *cached = None;
            return false;
        };
        *cached = Some(renewed);
        true
    }

    /// A refresh with the refresh token when there is a valid one, else (or
    /// when it fails) a new exchange of the User-API JWT.
    async fn new_tokens(&self, old: Option<&Tokens>) -> Option<Tokens> {
        let client = self.client()?;
        if let Some(refresh) = old.and_then(|t| t.refresh.as_ref()).filter(|r| r.fresh()) {
            let request = client
                .post(format!("{}/api/auth/refresh", self.base))
                .header(CONTENT_TYPE, "text/plain")
                .body(refresh.value.expose().to_string());
            if let Some(mut tokens) = self.tokens_from(request).await {
                if tokens.refresh.is_none() {
                    tokens.refresh = Some(refresh.clone());
                }
                return Some(tokens);
            }
        }
        let request = client
            .post(format!("{}/api/auth/authenticate", self.base))
            .header(
                AUTHORIZATION,
                format!("Bearer {}", self.user_api_jwt.expose()),
            );
        self.tokens_from(request).await
    }

    /// The tokens of a 2xx `{"tokens":{"access":{…},"refresh":{…}}}`.
    async fn tokens_from(&self, request: reqwest::RequestBuilder) -> Option<Tokens> {
        let response = request.send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let bytes = response.bytes().await.ok()?;
        let body: Value = serde_json::from_slice(&bytes).ok()?;
        let tokens = body.get("tokens")?;
        Some(Tokens {
            access: token(tokens.get("access")?)?,
            refresh: tokens.get("refresh").and_then(token),
        })
    }
}

/// A CA file and the client last built from its bytes.
#[derive(Debug)]
struct Trust {
    file: PathBuf,
    built: std::sync::Mutex<Option<(Vec<u8>, Client)>>,
}

/// Largest CA file read.
const CA_FILE_CAP: u64 = 1024 * 1024;

fn client_builder() -> reqwest::ClientBuilder {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .no_proxy()
}

/// The bytes of a CA file, at most [`CA_FILE_CAP`].
pub fn read_ca_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut pem = Vec::new();
    std::fs::File::open(path)?
        .take(CA_FILE_CAP + 1)
        .read_to_end(&mut pem)?;
    if pem.len() as u64 > CA_FILE_CAP {
        return Err(std::io::Error::other("larger than 1 MiB: not a CA file"));
    }
    Ok(pem)
}

/// A client that trusts the PEM certificates of `pem` and nothing else
/// (not the built-in roots): an error when `pem` holds none.
pub fn trusting_only(pem: &[u8]) -> Result<Client, String> {
    let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("not PEM: {e}"))?;
    if certs.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    let mut builder = client_builder().tls_built_in_root_certs(false);
    for cert in certs {
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| e.to_string())
}

/// `{"token": "…", "expirySeconds": N}`; the expiry is optional.
fn token(value: &Value) -> Option<Token> {
    let text = value.get("token")?.as_str().filter(|t| !t.is_empty())?;
    let expires = value
        .get("expirySeconds")
        .and_then(Value::as_u64)
        .map(|s| Instant::now() + Duration::from_secs(s.min(365 * 24 * 3600)));
    Some(Token {
        value: Secret::new(text),
        expires,
    })
}

/// The wait a 429 asks for: `Retry-After` seconds, 1 when absent or not a
/// number of seconds, at most 10.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Duration {
    let secs = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_RETRY_AFTER)
        .min(MAX_RETRY_AFTER);
    Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_defaulted_and_capped() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&h), Duration::from_secs(1));
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Duration::from_secs(3));
        h.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(retry_after(&h), Duration::from_secs(10));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Duration::from_secs(1));
    }

    #[test]
    fn a_token_needs_a_non_empty_string() {
        assert!(token(&json!({"token": "abcd", "expirySeconds": 60})).is_some());
        assert!(token(&json!({"token": "abcd"})).is_some_and(|t| t.fresh()));
        assert!(token(&json!({"token": ""})).is_none());
        assert!(token(&json!({"token": 5})).is_none());
        assert!(token(&json!({"token": "abcd", "expirySeconds": 0})).is_some_and(|t| !t.fresh()));
    }
}
