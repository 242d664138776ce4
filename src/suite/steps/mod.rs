//! Step definitions, one module per domain. Steps read like the requirement
//! they check, return a [`crate::suite::finding::Finding`] with actual vs expected
//! on failure, and never `unwrap()` anything the target sent.
//!
//! - [`request`]: build and send requests (`Given the INTEGRATION-KEY is wrong`, `When the client sends GET /api/standard-psa`).
//! - [`response`]: generic checks (status, content type, schema, JSON values, links, error bodies).
//! - [`auth`]: forged tokens and the token exchange.
//! - [`psa`]: checks particular to credential validation and tickets.
//! - [`errors`]: error-response checks shared by every endpoint.
//! - [`rate_limit`]: bursts and recovery (RATE-01..04).
//! - [`robustness`]: hostile bodies and a target that must survive them (SEC-01..03).
//! - [`lifecycle`]: creating, reading, resolving and reopening custom PSA tickets (LIFE-01..06).
//! - [`tokens`]: refresh, validate and expiry of tokens (TOKEN-01..05).
//! - [`push`], [`extra_keys`], [`callback`]: the vendor's side (`run --side psa`): pushes to
//!   the PSA (PUSH-01..10) and the calls it makes back (CB-01..06).
//! - [`catalog`]: every step phrase above, read from these files (`list --steps`).

pub(crate) mod auth;
pub(crate) mod callback;
pub(crate) mod catalog;
pub(crate) mod errors;
pub(crate) mod evidence;
pub(crate) mod extra_keys;
pub(crate) mod lifecycle;
pub(crate) mod psa;
pub(crate) mod push;
pub(crate) mod rate_limit;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod robustness;
pub(crate) mod tokens;
