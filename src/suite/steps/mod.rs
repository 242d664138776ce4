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
//! - [`push`], [`callback`]: the vendor's side (`run --side psa`): pushes to
//!   the PSA (PUSH-01..10) and the calls it makes back (CB-01..06).

pub mod auth;
pub mod callback;
pub mod errors;
pub mod lifecycle;
pub mod psa;
pub mod push;
pub mod rate_limit;
pub mod request;
pub mod response;
pub mod robustness;
pub mod tokens;

use crate::suite::finding::Finding;

use crate::suite::world::PsaWorld;

/// The last exchange as `POST /api/… → 200`, for a finding's "exchange" row.
pub(crate) fn last_line(w: &PsaWorld) -> String {
    w.exchanges
        .last()
        .map(|e| e.summary_line())
        .unwrap_or_else(|| "(no request sent)".into())
}

/// The start of the last response body, for a finding's "actual" row.
pub(crate) fn body_preview(w: &PsaWorld) -> String {
    w.last_response()
        .map(|r| {
            let media = r.header("content-type").unwrap_or("no Content-Type");
            format!("{} ({media}): {}", r.status, r.body_preview(300))
        })
        .unwrap_or_default()
}

/// Parses the last body as JSON, or says why not.
pub(crate) fn last_json(w: &PsaWorld) -> Result<serde_json::Value, Finding> {
    let r = w.last_response()?;
    r.json().map_err(|e| {
        Finding::failure("the response body is not JSON")
            .expected("a JSON document")
            .actual(format!(
                "{} — {e}",
                if r.body.is_empty() {
                    "an empty body".to_string()
                } else {
                    body_preview(w)
                }
            ))
            .exchange(last_line(w))
    })
}
