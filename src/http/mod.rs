//! The HTTP client every scenario uses: one connection pool, a per-request
//! timeout, a cap on how much of a body is read, no redirects followed, a
//! bound on requests in flight per endpoint, and a polite wait on 429.
//!
//! Every request it sends comes back as an [`Exchange`], whatever happened,
//! so the reports can show exactly what was sent and received.//!
//! A facade: the request and the client's settings are `request.rs`, the
//! client `client.rs`, its politeness (bounds, 429 waits, breakers)
//! `polite.rs`, what it records `exchange.rs`, replay commands `replay.rs`.

mod client;
mod exchange;
mod polite;
mod replay;
mod request;

pub use client::{error_chain, HttpClient};
pub use exchange::{
    Exchange, ExchangeRecord, ReceivedResponse, SentRequest, TransportError, TransportErrorKind,
    WaitedOut, WireBodies, WireBody, WIRE_BODY_CHARS,
};
pub use polite::{
    endpoint_key, parse_retry_after, BACKOFF, CIRCUIT_BREAKER_FAILURES, MAX_429_RETRIES,
    MIN_429_WAIT, RATE_LIMIT_BREAKER,
};
pub use replay::{curl, ClientDefaults, ACCESS_TOKEN_VAR, FORGED_TOKEN_VAR, REFRESH_TOKEN_VAR};
pub use request::{ClientBuildError, ClientSettings, On429, RequestSpec, TlsSettings, USER_AGENT};

#[cfg(test)]
use {reqwest::Method, std::time::Duration};

#[cfg(test)]
mod tests;
