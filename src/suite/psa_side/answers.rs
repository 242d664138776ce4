//! How the harness's N-central answers, as N-central would: whose call it
//! is before any body is read ([`caller_of`]), the refusals, the answers to
//! authorised ticket calls, the bounded body read — and what the evidence
//! keeps of a call of the PSA ([`kept_exchange`]): credentials by kind and
//! length, bodies and headers cut to the record's caps.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::calls::{self as rec, ticket_number_of, Bearer, CallKind};
use crate::http::{Exchange, ReceivedResponse, SentRequest};
use crate::redact::describe_credential;

/// Longest a body may take to arrive once its read has begun.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What arrived, for [`kept_exchange`].
pub(super) struct Seen<'a> {
    pub method: &'a str,
    /// `public_url`'s origin and the request's path and query.
    pub url: String,
    pub headers: &'a HeaderMap,
    pub bearer: &'a Bearer,
    pub kind: &'a CallKind,
    pub body: Option<&'a [u8]>,
    /// A refresh call's body as text: the refresh token offered.
    pub offered: Option<&'a str>,
}

/// The exchange the evidence keeps of a call of the PSA, and the bytes cut:
/// each credential by its kind and length (the `Authorization` header, a
/// credential header, the refresh token of a refresh body, the tokens of
/// `shown_answer`), bodies cut to [`rec::KEPT_BODY`], headers and the URL
/// to their caps.
pub(super) fn kept_exchange(
    seen: Seen<'_>,
    status: StatusCode,
    shown_answer: Vec<u8>,
    response_headers: &[(String, String)],
    elapsed: Duration,
) -> (Exchange, usize) {
    let mut cut = 0;
    let headers: Vec<(String, String)> = seen
        .headers
        .iter()
        .map(|(k, v)| {
            let (kept, n) = rec::kept_header(k.as_str(), v.as_bytes(), seen.bearer);
            cut += n;
            (k.to_string(), kept)
        })
        .collect();
    let body = match (seen.body, seen.kind) {
        (Some(b), CallKind::Refresh) if !b.is_empty() => Some(
            describe_credential(
                "a refresh token issued in this run",
                seen.offered.unwrap_or_default(),
            )
            .into_bytes(),
        ),
        (Some(b), _) if !b.is_empty() => {
            let (kept, n) = rec::cut_bytes(b, rec::KEPT_BODY);
            cut += n;
            Some(kept)
        }
        _ => None,
    };
    let (shown, n) = rec::cut_bytes(&shown_answer, rec::KEPT_BODY);
    cut += n;
    let exchange = Exchange {
        request: SentRequest {
            method: seen.method.to_string(),
            url: rec::cut_text(&seen.url, rec::KEPT_PATH),
            headers,
            body,
        },
        outcome: Ok(ReceivedResponse {
            status: status.as_u16(),
            headers: response_headers.to_vec(),
            body: shown,
            truncated: false,
        }),
        started_at: jiff::Timestamp::now() - elapsed,
        elapsed,
        inbound: true,
        waited_out: Vec::new(),
    };
    (exchange, cut)
}

pub(super) fn error(status: StatusCode, message: &str) -> (StatusCode, Value) {
    (
        status,
        json!({ "status": status.as_u16(), "message": message, "errors": null }),
    )
}

/// Whose call it is, decided from its headers and path before any body
/// is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Caller {
    /// A credential of this run: the PSA's call.
    Psa,
    /// A ticket call without an `Authorization` header: the PSA's when it
    /// names a ticket N-central pushed in this run (only N-central and the
    /// PSA know those ids) — as PSA-SIDE.md says a PSA's older-form
    /// callback comes; on the current API, a call CB-03 then fails.
    Bare,
    /// A refresh: the PSA's when its body is a refresh token of this run.
    Refresh,
    /// Anyone else: answered without reading a body, listed as foreign.
    Foreign(&'static str),
}

pub(super) fn caller_of(kind: &CallKind, bearer: &Bearer) -> Caller {
    match (kind, bearer) {
        (CallKind::Refresh, _) => Caller::Refresh,
        (_, b) if b.of_this_run() => Caller::Psa,
        (_, Bearer::Malformed) => Caller::Foreign(rec::WHY_MALFORMED),
        (_, Bearer::Unknown) => Caller::Foreign(rec::WHY_UNKNOWN_TOKEN),
        (
            CallKind::Legacy { .. }
            | CallKind::Link
            | CallKind::Resolve
            | CallKind::Reopen
            | CallKind::Info,
            Bearer::None,
        ) => Caller::Bare,
        _ => Caller::Foreign(rec::WHY_NO_CREDENTIAL),
    }
}

/// N-central's answer to a call it does not authenticate.
pub(super) fn refused(kind: &CallKind, why: &str) -> (StatusCode, Value) {
    match kind {
        CallKind::Other => error(StatusCode::NOT_FOUND, "Not Found"),
        CallKind::Legacy { .. } if why == rec::WHY_LEGACY_UNPUSHED => {
            error(StatusCode::NOT_FOUND, "Custom PSA ticket not found.")
        }
        CallKind::Authenticate => error(StatusCode::UNAUTHORIZED, "Invalid User-API token."),
        CallKind::Refresh => error(StatusCode::UNAUTHORIZED, "Invalid refresh token."),
        _ => error(
            StatusCode::UNAUTHORIZED,
            "Access token is missing, invalid or expired.",
        ),
    }
}

/// Reads a body up to `cap` bytes, one of `permits` at a time and within
/// [`BODY_READ_TIMEOUT`]; the status to answer when it cannot be read.
pub(super) async fn read_body(
    body: axum::body::Body,
    cap: usize,
    permits: &tokio::sync::Semaphore,
) -> Result<axum::body::Bytes, StatusCode> {
    let _permit = permits
        .acquire()
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    match tokio::time::timeout(BODY_READ_TIMEOUT, to_bytes(Body::new(body), cap)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Err(_) => Err(StatusCode::REQUEST_TIMEOUT),
    }
}

pub(super) fn respond(status: StatusCode, body: Vec<u8>, headers: &[(String, String)]) -> Response {
    let mut response = (status, body).into_response();
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// N-central's answer to an authorised ticket call.
pub(super) fn answer_ticket_call(
    kind: &CallKind,
    ticket: Option<i64>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let Some(id) = ticket else {
        return error(
            StatusCode::BAD_REQUEST,
            "psaCustomTicketId is missing or not an integer.",
        );
    };
    if kind.links() {
        let number = ticket_number_of(body);
        let url = body
            .and_then(|b| b.get("ticketUrl"))
            .and_then(crate::jackson::text);
        let url_ok = url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .is_some_and(|u| matches!(u.scheme(), "http" | "https"));
        if number.is_none() || !url_ok {
            return error(
                StatusCode::BAD_REQUEST,
                "ticketNumber and an http(s) ticketUrl are required.",
            );
        }
        return (
            StatusCode::OK,
            json!({
                "status": 200,
                "message": "Custom PSA ticket created successfully.",
                "data": { "psaCustomTicketId": id, "psaTicketNumber": number, "url": url }
            }),
        );
    }
    let message = match kind {
        CallKind::Resolve => "Custom PSA ticket resolved successfully.",
        CallKind::Reopen => "Custom PSA ticket reopened successfully.",
        _ => "OK",
    };
    (
        StatusCode::OK,
        json!({ "status": 200, "message": message, "data": { "psaCustomTicketId": id } }),
    )
}
