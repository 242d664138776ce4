//! The reference PSA's axum router: the push endpoint N-central calls
//! (`POST` or `PUT /ncentral/tickets`), a page per PSA ticket (what a
//! `ticketUrl` points at), and JSON answers for everything else.
//!
//! A push is checked in this order: the push auth header (when configured),
//! the body's size (1 MiB), that it is a JSON object, `action`,
//! `ncentralTicketId`, `title`, `details`; unknown keys are ignored. Every
//! refusal is a 4xx with a JSON `{"error": …}`; nothing here answers 5xx
//! but a fault.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::callback::Link;
use super::faults::PsaFault;
use super::state::PsaState;
use super::style::AnswerStyle;

type Shared = State<Arc<PsaState>>;

/// The largest push body read.
const MAX_BODY: usize = 1024 * 1024;

/// The path N-central pushes to.
pub(super) const PUSH_PATH: &str = "/ncentral/tickets";

/// The keys a push may carry; any other is ignored (PUSH-05).
const KNOWN_KEYS: [&str; 7] = [
    "action",
    "title",
    "details",
    "ncentralTicketId",
    "psaTicketNumber",
    "customTags",
    "customTag",
];

/// The router of one instance.
pub(super) fn router(state: Arc<PsaState>) -> Router {
    Router::new()
        .route(PUSH_PATH, post(push).put(push))
        .route("/tickets/{number}", get(ticket_page))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(state)
}

/// A JSON error answer.
fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such resource")
}

async fn method_not_allowed() -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed here")
}

/// What a PSA ticket's URL shows.
async fn ticket_page(State(s): Shared, Path(number): Path<String>) -> Response {
    let tickets = s.tickets();
    match tickets.get(&number) {
        Some(t) => Json(json!({
            "ticketNumber": t.number,
            "ncentralTicketId": t.ncentral_id,
            "title": t.title,
            "details": t.details,
            "status": if t.resolved { "resolved" } else { "open" },
        }))
        .into_response(),
        None => error(StatusCode::NOT_FOUND, "no such PSA ticket"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Update,
    Resolve,
    Reopen,
}

/// A push, read.
#[derive(Debug)]
struct Push {
    action: Action,
    ncentral_id: i64,
    title: String,
    details: String,
    psa_ticket_number: Option<Value>,
    extra_keys: bool,
    custom_tag: bool,
}

/// `ncentralTicketId`: a JSON integer or a decimal string.
fn ticket_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        }
        _ => None,
    }
}

/// Why a push is refused: its status and message.
type Refusal = (StatusCode, String);

fn refuse(status: StatusCode, message: &str) -> Refusal {
    (status, message.to_string())
}

/// Reads a push, or why it is refused.
fn read_push(object: &Map<String, Value>, s: &PsaState) -> Result<Push, Refusal> {
    let action = match object.get("action") {
        None | Some(Value::Null) => {
            return Err(refuse(StatusCode::BAD_REQUEST, "action is required"));
        }
        Some(Value::String(a)) => match a.as_str() {
            "CREATE" => Action::Create,
            "UPDATE" => Action::Update,
            "RESOLVE" => Action::Resolve,
            "REOPEN" => Action::Reopen,
            _ if s.has(PsaFault::UnknownAction500) => {
                return Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error"));
            }
            _ => {
                return Err(refuse(
                    StatusCode::BAD_REQUEST,
                    "action must be CREATE, UPDATE, RESOLVE or REOPEN",
                ));
            }
        },
        Some(_) => {
            return Err(refuse(StatusCode::BAD_REQUEST, "action must be a string"));
        }
    };
    let Some(ncentral_id) = object.get("ncentralTicketId").and_then(ticket_id) else {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "ncentralTicketId must be an integer or a decimal string",
        ));
    };
    let text = |key: &str| -> Result<String, Refusal> {
        match object.get(key) {
            Some(Value::String(t)) => Ok(t.clone()),
            _ => Err(refuse(
                StatusCode::BAD_REQUEST,
                &format!("{key} must be a string"),
            )),
        }
    };
    let title = text("title")?;
    let details = text("details")?;
    Ok(Push {
        action,
        ncentral_id,
        title,
        details,
        psa_ticket_number: object.get("psaTicketNumber").cloned(),
        extra_keys: object.keys().any(|k| !KNOWN_KEYS.contains(&k.as_str())),
        custom_tag: object.contains_key("customTag"),
    })
}

/// Whether the push carries the configured auth header with its exact value.
fn authorised(s: &PsaState, headers: &HeaderMap) -> bool {
    let Some(auth) = &s.push_auth else {
        return true;
    };
    if s.has(PsaFault::PushAuthIgnored) {
        return true;
    }
    headers
        .get(auth.header.as_str())
        .is_some_and(|v| v.as_bytes() == auth.value.expose().as_bytes())
}

/// `POST|PUT /ncentral/tickets`.
async fn push(State(s): Shared, headers: HeaderMap, body: Body) -> Response {
    if !authorised(&s, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "the push does not carry the configured credentials",
        );
    }
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the push body could not be read within 1 MiB",
        );
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) if s.has(PsaFault::NonJsonAccepted) => return Json(json!({})).into_response(),
        Err(_) => return error(StatusCode::BAD_REQUEST, "the push body is not JSON"),
    };
    let Value::Object(object) = value else {
        return error(
            StatusCode::BAD_REQUEST,
            "the push body is not a JSON object",
        );
    };
    let push = match read_push(&object, &s) {
        Ok(p) => p,
        Err((status, message)) => return error(status, &message),
    };
    if push.extra_keys && s.has(PsaFault::ExtraKeysRefused) {
        return error(StatusCode::BAD_REQUEST, "unknown key in the push");
    }
    if push.custom_tag && s.has(PsaFault::CustomTagRefused) {
        return error(StatusCode::BAD_REQUEST, "unknown key customTag");
    }
    match push.action {
        Action::Create => create(s, push),
        _ => change(s, push).await,
    }
}

/// A `CREATE`: a new PSA ticket, or the one already made for this N-central
/// ticket (N-central retries after a timeout).
fn create(s: Arc<PsaState>, push: Push) -> Response {
    if s.has(PsaFault::Create500) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    }
    let (ticket, new) = {
        let mut tickets = s.tickets();
        let existing = tickets.for_ncentral(push.ncentral_id).cloned();
        match existing {
            Some(t) if !s.has(PsaFault::DuplicateCreateNewTicket) => (t, false),
            _ => (
                tickets.create(push.ncentral_id, &push.title, &push.details),
                true,
            ),
        }
    };
    match s.style {
        AnswerStyle::Body => {
            let mut answer = json!({ "externalTicketId": ticket.number });
            if !s.has(PsaFault::CreateWithoutTicketUrl) {
                answer["ticketUrl"] = if s.has(PsaFault::RelativeTicketUrl) {
                    json!(format!("/tickets/{}", ticket.number))
                } else {
                    json!(s.ticket_url(&ticket.number))
                };
            }
            (StatusCode::CREATED, Json(answer)).into_response()
        }
        AnswerStyle::Callback => {
            if new && s.caller.is_some() && !s.has(PsaFault::CallbackNeverSent) {
                tokio::spawn(call_back(s.clone(), ticket.ncentral_id, ticket.number));
            }
            // hyper writes `Content-Length: 0` for the empty body.
            StatusCode::ACCEPTED.into_response()
        }
    }
}

/// The link callback for a created ticket, after the answer to its `CREATE`.
async fn call_back(s: Arc<PsaState>, ncentral_id: i64, number: String) {
    let Some(caller) = s.caller.as_ref() else {
        return;
    };
    let link = Link {
        psa_custom_ticket_id: if s.has(PsaFault::CallbackWrongId) {
            ncentral_id.checked_add(1).unwrap_or(ncentral_id - 1)
        } else {
            ncentral_id
        },
        ticket_url: if s.has(PsaFault::CallbackRelativeUrl) {
            format!("/tickets/{number}")
        } else {
            s.ticket_url(&number)
        },
        ticket_number: number,
    };
    caller.link(&link).await;
    if s.has(PsaFault::CallbackTwice) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        caller.link(&link).await;
    }
    if s.has(PsaFault::CallbackUnasked) && s.take_unasked() {
        let phantom = {
            let mut tickets = s.tickets();
            let mut id = ncentral_id
                .wrapping_add(7919)
                .rem_euclid(i64::from(i32::MAX));
            while tickets.knows_ncentral(id) || id == 0 {
                id = (id + 1) % i64::from(i32::MAX);
            }
            let number = tickets.next_number();
            Link {
                psa_custom_ticket_id: id,
                ticket_url: s.ticket_url(&number),
                ticket_number: number,
            }
        };
        caller.link(&phantom).await;
    }
}

/// An `UPDATE`, `RESOLVE` or `REOPEN` of a PSA ticket.
async fn change(s: Arc<PsaState>, push: Push) -> Response {
    if push.action == Action::Update && s.has(PsaFault::SlowAnswers) {
        tokio::time::sleep(Duration::from_millis(5500)).await;
    }
    let number = match &push.psa_ticket_number {
        Some(Value::String(n)) if !n.is_empty() => n.clone(),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "psaTicketNumber must be a non-empty string",
            )
        }
    };
    let mut tickets = s.tickets();
    match tickets.get_mut(&number) {
        Some(t) if t.ncentral_id == push.ncentral_id => {
            if push.action == Action::Update && s.has(PsaFault::UpdateKnown404) {
                return error(StatusCode::NOT_FOUND, "no such PSA ticket");
            }
            match push.action {
                Action::Update => {
                    t.title = push.title;
                    t.details = push.details;
                }
                Action::Resolve => t.resolved = true,
                Action::Reopen => t.resolved = false,
                Action::Create => {}
            }
            Json(json!({})).into_response()
        }
        Some(_) => error(
            StatusCode::NOT_FOUND,
            "this PSA ticket belongs to another N-central ticket",
        ),
        None if s.has(PsaFault::UnknownTicket500) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
        None => error(StatusCode::NOT_FOUND, "no such PSA ticket"),
    }
}
