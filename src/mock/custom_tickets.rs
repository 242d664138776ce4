//! Two more of N-central's real operations on custom PSA tickets, served by
//! the N-central style only. The canonical and alternate styles serve
//! exactly the surface the suite's own `openapi.json` describes (sections
//! 1–8; `tests/interop.rs` holds the canonical mock to it with Schemathesis),
//! where these operations are not (yet) documented:
//!
//! - `POST /api/custom-psa/tickets` (`createCustomTicket`): links a custom
//!   PSA ticket to the PSA's ticket. Body `CustomPsaTicketCreateRequest`
//!   `{psaCustomTicketId: int32, ticketNumber: string, ticketUrl: "^https?://.+"}`,
//!   read with Jackson's default coercions (`"123"` and `1.5` are ints);
//!   answer `CustomPsaTicketCreateResponse` `{status, message, data}`. A body
//!   it cannot accept is 400, an unknown ticket 404, a ticket already linked
//!   to another PSA ticket 409.
//! - `GET /api/custom-psa/tickets/{customPsaTicketId}`
//!   (`getCustomTicketInfoWithoutPsaCreds`): the bearer token alone, no
//!   integration key, no PSA credentials; the same ticket-info envelope as the
//!   POST. Malformed id 400, unknown id 404.
//!
//! Both check the token first (401), as every N-central operation does.

// As in `checks`: a check's `Err` is the HTTP answer itself.
#![allow(clippy::result_large_err)]

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::MethodRouter;
use serde_json::{json, Map, Value};

use super::answers::{render_ticket, truncate};
use super::checks::read_body;
use super::fixtures;
use super::state::{MockState, Shared};
use super::Style;

/// The PSA ticket a custom PSA ticket was linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsaTicket {
    pub number: String,
    pub url: String,
}

type Router = MethodRouter<std::sync::Arc<MockState>>;

/// Whether this style serves N-central's further ticket operations.
fn serves(s: &MockState) -> bool {
    s.style() == Style::Ncentral
}

/// `GET /api/custom-psa/tickets`, plus `POST` when the style serves it.
pub(super) fn serve_create(s: &MockState, root: Router, create: Router) -> Router {
    if serves(s) {
        root.merge(create)
    } else {
        root
    }
}

/// `POST /api/custom-psa/tickets/{id}`, plus `GET` when the style serves it.
pub(super) fn serve_info_without_creds(s: &MockState, post: Router, get: Router) -> Router {
    if serves(s) {
        post.merge(get)
    } else {
        post
    }
}

/// `createCustomTicket`.
pub(super) async fn create_ticket(State(s): Shared, headers: HeaderMap, body: Body) -> Response {
    if let Err(r) = s.authenticate(&headers, false) {
        return r;
    }
    match read_body(&s, body)
        .await
        .and_then(|b| create_answer(&s, &headers, &b))
    {
        Ok(r) | Err(r) => r,
    }
}

fn create_answer(s: &MockState, headers: &HeaderMap, body: &Bytes) -> Result<Response, Response> {
    let bad = |detail: &str| {
        s.error(
            StatusCode::BAD_REQUEST,
            "InvalidInputFormatException",
            detail,
        )
    };
    let Value::Object(obj) = s.read_json(headers, body)? else {
        return Err(bad("Request body must be a JSON object."));
    };
    let id = int32(&obj, "psaCustomTicketId").map_err(|e| bad(&e))?;
    let number = string(&obj, "ticketNumber").map_err(|e| bad(&e))?;
    let url = string(&obj, "ticketUrl").map_err(|e| bad(&e))?;
    if !is_http_url(&url) {
        return Err(bad(&format!(
            "Field 'ticketUrl' must match \"^https?://.+\": '{}'.",
            truncate(&url, 60)
        )));
    }
    let id_number = id;
    let id = id.to_string();
    let Some(ticket) = s.tickets().iter().find(|t| t.id == id) else {
        return Err(s.error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Ticket with ID {id} was not found!"),
        ));
    };
    let linked = PsaTicket { number, url };
    {
        let mut created = s.created.lock().unwrap_or_else(|e| e.into_inner());
        match created.get(&id) {
            Some(existing) if *existing != linked => {
                return Err(s.error(
                    StatusCode::CONFLICT,
                    "ConflictException",
                    &format!("Ticket with ID {id} is already linked to another PSA ticket."),
                ));
            }
            Some(_) => {}
            None => {
                created.insert(id.clone(), linked.clone());
            }
        }
    }
    Ok(s.json(
        StatusCode::OK,
        json!({
            "status": 200,
            "message": "Custom PSA ticket created successfully.",
            "data": {
                "inconsistencyDetected": false,
                "lastStatus": ticket.status,
                "lastStatusTimestamp": ticket.created,
                "newConfirmedStatus": ticket.status,
                "psaCustomTicketId": id_number,
                "psaTicketNumber": linked.number,
                "ticketCreationDate": ticket.created,
                "url": linked.url,
            }
        }),
    ))
}

/// An `Integer` field as Jackson reads it by default: a JSON integer in
/// range, a float (truncated) or a string of digits; anything else is 400.
fn int32(obj: &Map<String, Value>, name: &str) -> Result<i32, String> {
    let invalid = || format!("Field '{name}' must be a 32-bit integer.");
    match obj.get(name) {
        None | Some(Value::Null) => Err(format!("Missing required field '{name}'.")),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.trunc() as i64)
            })
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(invalid),
        Some(Value::String(t)) => t.trim().parse::<i32>().map_err(|_| invalid()),
        Some(_) => Err(invalid()),
    }
}

/// A `String` field as Jackson reads it by default: a string, or a number
/// or boolean written as text; missing, null, blank or structured is 400.
fn string(obj: &Map<String, Value>, name: &str) -> Result<String, String> {
    let text = match obj.get(name) {
        None | Some(Value::Null) => return Err(format!("Missing required field '{name}'.")),
        Some(Value::String(t)) => t.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(_) => return Err(format!("Field '{name}' must be a string.")),
    };
    if text.trim().is_empty() {
        return Err(format!("Field '{name}' must not be blank."));
    }
    Ok(text)
}

/// `^https?://.+`, as the OpenAPI pattern says.
fn is_http_url(url: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        url.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty())
    })
}

/// `getCustomTicketInfoWithoutPsaCreds`.
pub(super) async fn ticket_info_without_creds(
    State(s): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.authenticate(&headers, false) {
        return r;
    }
    if !fixtures::well_formed_id(&id) {
        return s.error(
            StatusCode::BAD_REQUEST,
            "InvalidInputFormatException",
            &format!("Invalid customPsaTicketId format: '{}'.", truncate(&id, 40)),
        );
    }
    match s.tickets().iter().find(|t| t.id == id) {
        Some(ticket) => s.json(StatusCode::OK, render_ticket(&s, ticket)),
        None => s.error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Ticket with ID {id} was not found!"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn ids_are_read_with_jacksons_default_coercions() {
        let ok = |v: Value| int32(&obj(json!({ "id": v })), "id");
        assert_eq!(ok(json!(123)), Ok(123));
        assert_eq!(ok(json!("123")), Ok(123));
        assert_eq!(ok(json!(1.5)), Ok(1));
        for bad in [
            json!("abc"),
            json!(true),
            json!({}),
            json!([1]),
            json!(null),
            json!(2_147_483_648_i64),
        ] {
            assert!(ok(bad.clone()).is_err(), "{bad} accepted");
        }
        assert!(int32(&Map::new(), "id").is_err());
    }

    #[test]
    fn strings_and_urls() {
        assert_eq!(
            string(&obj(json!({ "n": 456 })), "n"),
            Ok("456".to_string())
        );
        for bad in [json!(null), json!(" "), json!({}), json!([])] {
            assert!(string(&obj(json!({ "n": bad })), "n").is_err());
        }
        assert!(is_http_url("https://psa.example/t/1"));
        assert!(is_http_url("http://x"));
        for bad in ["ftp://x", "https://", "psa.example/t/1", "HTTPS:/x", ""] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}
