//! Answering one call to the harness's N-central: routing it, telling the
//! PSA's calls from foreign ones, reading its body within bounds, springing
//! a ticket's trap, and keeping it in the record.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::state::{NcentralState, Trap};
use crate::suite::psa_side::answers::{
    self, answer_ticket_call, caller_of, error, read_body, refused, respond, Caller,
};
use crate::suite::psa_side::calls::{self as rec, route, ticket_id_of, Bearer, Call, CallKind};

/// Largest callback body read, as Spring's default.
const BODY_CAP: usize = 1024 * 1024;
/// Largest refresh body read (a refresh token).
const REFRESH_CAP: usize = 16 * 1024;

pub(super) async fn serve(State(s): State<Arc<NcentralState>>, request: Request) -> Response {
    let started = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    // Behind a proxy, public_url may carry a path: the API lives below it.
    let routed = path
        .strip_prefix(s.public_path.as_str())
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(&path);
    let (kind, path_id) = route(&method, routed);
    let path_ticket = path_id
        .as_deref()
        .and_then(|id| id.parse::<i32>().ok().map(i64::from));
    let (bearer, token) = s.bearer_of(&parts.headers);
    let json_headers = vec![("content-type".to_string(), "application/json".to_string())];
    let caller = caller_of(&kind, &bearer);
    if let Caller::Foreign(why) = caller {
        let (status, answer) = refused(&kind, why);
        s.foreign(peer, &method, &path, status, why);
        return respond(status, answer.to_string().into_bytes(), &json_headers);
    }
    let (cap, permits) = match caller {
        Caller::Refresh => (REFRESH_CAP, &s.untrusted_reads),
        Caller::Bare => (BODY_CAP, &s.untrusted_reads),
        _ => (BODY_CAP, &s.trusted_reads),
    };
    let bytes = read_body(body, cap, permits).await;
    // A refresh is the PSA's when it offers a refresh token of this run.
    let offered = bytes
        .as_ref()
        .ok()
        .map(|b| String::from_utf8_lossy(b).trim().to_string());
    let refresh_known = offered.as_deref().is_some_and(|t| s.refresh_known(t));
    if caller == Caller::Refresh && !refresh_known {
        let (status, answer) = match &bytes {
            Err(code) => error(*code, "The request body could not be read."),
            Ok(_) => refused(&kind, rec::WHY_UNKNOWN_TOKEN),
        };
        s.foreign(peer, &method, &path, status, rec::WHY_UNKNOWN_TOKEN);
        return respond(status, answer.to_string().into_bytes(), &json_headers);
    }
    let read = match (&bytes, &kind) {
        (Ok(b), k) if k.links() || matches!(k, CallKind::Resolve | CallKind::Reopen) => {
            rec::callback_fields(b)
        }
        _ => rec::CallbackBody::default(),
    };
    let ticket = path_ticket.or_else(|| {
        read.full
            .as_ref()
            .and_then(|b| b.get("psaCustomTicketId"))
            .and_then(ticket_id_of)
    });
    if caller == Caller::Bare && !ticket.is_some_and(|t| s.was_pushed(t)) {
        let why = if matches!(kind, CallKind::Legacy { .. }) {
            rec::WHY_LEGACY_UNPUSHED
        } else {
            rec::WHY_NO_CREDENTIAL
        };
        let (status, answer) = match &bytes {
            Err(code) => error(*code, "The request body could not be read."),
            Ok(_) => refused(&kind, why),
        };
        s.foreign(peer, &method, &path, status, why);
        return respond(status, answer.to_string().into_bytes(), &json_headers);
    }
    let mut trapped = false;
    let mut retry_after = None;
    let mut shown_answer = None;
    let (status, answer) = match (&bytes, &kind) {
        (Err(code), _) => error(*code, "The request body could not be read."),
        (_, CallKind::Other) => error(StatusCode::NOT_FOUND, "Not Found"),
        (_, CallKind::Validate) => {
            if matches!(bearer, Bearer::Access { expired: false, .. }) {
                (StatusCode::OK, json!({ "message": "The token is valid." }))
            } else {
                refused(&kind, "")
            }
        }
        (_, CallKind::Authenticate) if bearer == Bearer::UserApiJwt => {
            let (answer, shown) = s.issue();
            shown_answer = Some(shown);
            (StatusCode::OK, answer)
        }
        (_, CallKind::Authenticate) => refused(&kind, ""),
        (_, CallKind::Refresh) => {
            let (answer, shown) = s.issue();
            shown_answer = Some(shown);
            (StatusCode::OK, answer)
        }
        (_, kind) => {
            let valid_bearer = matches!(bearer, Bearer::Access { expired: false, .. });
            // The older form is accepted without a bearer token; with one,
            // it is authenticated like the current API.
            let authorised =
                valid_bearer || (caller == Caller::Bare && matches!(kind, CallKind::Legacy { .. }));
            // Only an authorised link spends the trap: a 401 for the
            // credential leaves it set for the retry.
            let trap = if authorised && kind.links() {
                ticket.and_then(|t| s.traps.lock().unwrap_or_else(|e| e.into_inner()).remove(&t))
            } else {
                None
            };
            if !authorised {
                refused(kind, "")
            } else if let Some(trap) = trap {
                trapped = true;
                match trap {
                    Trap::TooManyRequests => {
                        retry_after = Some("1");
                        error(StatusCode::TOO_MANY_REQUESTS, "Too many requests.")
                    }
                    Trap::ExpiredToken => {
                        if let Some(t) = &token {
                            s.expire(t);
                        }
                        error(StatusCode::UNAUTHORIZED, "Access token expired.")
                    }
                }
            } else {
                answer_ticket_call(kind, ticket, read.full.as_ref())
            }
        }
    };
    let body = answer.to_string().into_bytes();
    let mut response_headers = json_headers;
    if let Some(r) = retry_after {
        response_headers.push(("retry-after".to_string(), r.to_string()));
    }
    let (exchange, cut) = answers::kept_exchange(
        answers::Seen {
            method: &method,
            url: format!("{}{}", s.public_origin, parts.uri),
            headers: &parts.headers,
            bearer: &bearer,
            kind: &kind,
            body: bytes.as_deref().ok(),
            offered: offered.as_deref(),
        },
        status,
        shown_answer.map_or_else(|| body.clone(), |v| v.to_string().into_bytes()),
        &response_headers,
        started.elapsed(),
    );
    let cut = cut + read.cut;
    s.record
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .keep(Call {
            at: s.started.elapsed(),
            kind,
            ticket,
            bearer,
            body: read.kept,
            status: status.as_u16(),
            trapped,
            cut,
            exchange,
        });
    s.arrived.notify_waiters();
    respond(status, body, &response_headers)
}
