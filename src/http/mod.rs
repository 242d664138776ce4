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

pub(crate) use client::{error_chain, HttpClient};
pub(crate) use exchange::{
    Exchange, ExchangeRecord, ReceivedResponse, SentRequest, TransportErrorKind, WireBody,
    WIRE_BODY_CHARS,
};
pub use polite::endpoint_key;
pub(crate) use polite::{parse_retry_after, BACKOFF};
pub(crate) use replay::{ClientDefaults, ACCESS_TOKEN_VAR, FORGED_TOKEN_VAR, REFRESH_TOKEN_VAR};
pub(crate) use request::{
    ClientBuildError, ClientSettings, On429, RequestSpec, TlsSettings, USER_AGENT,
};
#[cfg(test)]
pub(crate) use {
    exchange::{TransportError, WaitedOut},
    polite::MIN_429_WAIT,
};

#[cfg(test)]
use {reqwest::Method, std::time::Duration};

#[cfg(test)]
mod tests;
