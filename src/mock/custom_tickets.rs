//! N-central's operations on custom PSA tickets beyond the certified
//! ticket read (REQUIREMENTS.md §9, profile extended), served by every
//! style, with per-instance state: what one mock links, resolves or reopens
//! no other mock sees.
//!
//! - `POST /api/custom-psa/tickets` (`createCustomTicket`): links a custom
//!   PSA ticket to the PSA's ticket, once. Body `CustomPsaTicketCreateRequest`
//!   `{psaCustomTicketId: int32, ticketNumber: string, ticketUrl: "^https?://.+"}`,
//!   read with Jackson's default coercions (`"123"` and `1.5` are ints);
//!   answer `CustomPsaTicketCreateResponse` `{status, message, data}`. A body
//!   it cannot accept is 400, an unknown ticket 404, a ticket already linked
//!   409 (a second create, whatever it names).
//! - `GET /api/custom-psa/tickets/{customPsaTicketId}`
//!   (`getCustomTicketInfoWithoutPsaCreds`): the bearer token alone, no
//!   integration key, no PSA credentials; the same ticket-info envelope as the
//!   POST. Malformed id 400, unknown id 404.
//! - `POST …/{customPsaTicketId}/resolve` and `…/reopen`: 200 with
//!   `{status, message, data: CustomPsaTicket}`; malformed id 400, unknown
//!   404. Resolving a resolved ticket, or reopening one that is not resolved,
//!   is 409 Conflict (the mock's choice among the two REQUIREMENTS.md LIFE-05
//!   allows: N-central's OpenAPI lists 409 for both operations).
//!
//! Every operation checks the token first (401), as every N-central
//! operation does; a refused request changes nothing. The ticket-info
//! `ticketStatus` shows each change (`LINKED`, `RESOLVED`, `REOPENED` below),
//! so a client can see that nothing changed.

// As in `routes`: a check's `Err` is the HTTP answer itself.
#![allow(clippy::result_large_err)]

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::answers::{render_ticket, truncate};
use super::checks::read_body;
use super::faults::Fault;
use super::fixtures::{self, Ticket};
use super::options::Style;
use super::state::{MockState, PsaTicket, Shared};

/// The ticket-info status of a ticket linked to its PSA ticket.
pub(super) const LINKED: &str = "CREATE_TICKET_CREATED_IN_PSA";
/// The ticket-info status of a resolved ticket.
pub(super) const RESOLVED: &str = "RESOLVE_TICKET_RESOLVED_IN_PSA";
/// The ticket-info status of a reopened ticket.
pub(super) const REOPENED: &str = "REOPEN_TICKET_REOPENED_IN_PSA";

impl MockState {
    /// A ticket's status now: its fixture's, or the last change's.
    pub(super) fn ticket_status(&self, t: &Ticket) -> &'static str {
        self.statuses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(t.id)
            .copied()
            .unwrap_or(t.status)
    }

    fn set_status(&self, id: &str, status: &'static str) {
        self.statuses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), status);
    }

    /// The bearer check of the lifecycle operations.
    fn lifecycle_auth(&self, headers: &HeaderMap) -> Result<(), Response> {
        if self.has(Fault::LifecycleWithoutAuth) {
            return Ok(());
        }
        self.authenticate(headers, false)
    }
}

/// `CustomPsaTicket`: a ticket and the PSA ticket linked to it. The
/// `ncentral` style writes what Jackson writes for the fields N-central's
/// object never set: `null` (the new status is not confirmed yet; no
/// inconsistency was looked for; a ticket not linked has no PSA number or
/// URL); the other styles leave them out or fill them.
fn custom_psa_ticket(s: &MockState, t: &Ticket, id: i64, last: &str) -> Value {
    let linked = s
        .created
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(t.id)
        .cloned();
    let mut data = json!({
        "inconsistencyDetected": false,
        "lastStatus": last,
        "lastStatusTimestamp": jiff::Timestamp::now().to_string(),
        "newConfirmedStatus": last,
        "psaCustomTicketId": id,
        "ticketCreationDate": t.created,
    });
    if let Some(p) = linked {
        data["psaTicketNumber"] = json!(p.number);
        data["url"] = json!(p.url);
    }
    if s.options.style == Style::Ncentral {
        data["newConfirmedStatus"] = Value::Null;
        data["inconsistencyDetected"] = Value::Null;
        for unset in ["psaTicketNumber", "url"] {
            if data.get(unset).is_none() {
                data[unset] = Value::Null;
            }
        }
    }
    data
}

/// `createCustomTicket`.
pub(super) async fn create_ticket(State(s): Shared, headers: HeaderMap, body: Body) -> Response {
    if let Err(r) = s.lifecycle_auth(&headers) {
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
    let id = match int32(&obj, "psaCustomTicketId") {
        Ok(id) => id,
        Err(_) if s.has(Fault::CreateBadId500) && obj.contains_key("psaCustomTicketId") => {
            return Err(s.crash("converting psaCustomTicketId"))
        }
        Err(e) => return Err(bad(&e)),
    };
    let number = string(&obj, "ticketNumber").map_err(|e| bad(&e))?;
    let url = match string(&obj, "ticketUrl") {
        Ok(url) => url,
        Err(_) if s.has(Fault::CreateWithoutTicketUrl) => String::new(),
        Err(e) => return Err(bad(&e)),
    };
    if !is_http_url(&url) && !s.has(Fault::CreateAnyUrl) && !s.has(Fault::CreateWithoutTicketUrl) {
        return Err(bad(&format!(
            "Field 'ticketUrl' must match \"^https?://.+\": '{}'.",
            truncate(&url, 60)
        )));
    }
    let id_text = id.to_string();
    let Some(ticket) = s.tickets().iter().find(|t| t.id == id_text) else {
        return Err(s.error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Ticket with ID {id_text} was not found!"),
        ));
    };
    {
        let mut created = s.created.lock().unwrap_or_else(|e| e.into_inner());
        if created.contains_key(&id_text) {
            return Err(s.error(
                StatusCode::CONFLICT,
                "ConflictException",
                &format!("Ticket with ID {id_text} is already linked to a PSA ticket."),
            ));
        }
        created.insert(id_text.clone(), PsaTicket { number, url });
    }
    s.set_status(&id_text, LINKED);
    let answered_id = if s.has(Fault::CreateOtherId) {
        i64::from(id) + 1
    } else {
        i64::from(id)
    };
    Ok(s.json(
        StatusCode::OK,
        json!({
            "status": 200,
            "message": "Custom PSA ticket created successfully.",
            "data": custom_psa_ticket(s, ticket, answered_id, "Open"),
        }),
    ))
}

/// Which way a lifecycle operation moves a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    Resolve,
    Reopen,
}

/// `resolveCustomTicket`.
pub(super) async fn resolve(
    State(s): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    lifecycle_move(&s, &id, &headers, Move::Resolve).unwrap_or_else(|r| r)
}

/// `reopenCustomTicket`.
pub(super) async fn reopen(
    State(s): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    lifecycle_move(&s, &id, &headers, Move::Reopen).unwrap_or_else(|r| r)
}

fn lifecycle_move(
    s: &MockState,
    id: &str,
    headers: &HeaderMap,
    to: Move,
) -> Result<Response, Response> {
    let known = || s.tickets().iter().find(|t| t.id == id);
    if let Err(refused) = s.lifecycle_auth(headers) {
        if to == Move::Resolve && s.has(Fault::RefusedResolveApplied) && known().is_some() {
            s.set_status(id, RESOLVED);
        }
        return Err(refused);
    }
    if !fixtures::well_formed_id(id) {
        return Err(s.error(
            StatusCode::BAD_REQUEST,
            "InvalidInputFormatException",
            &format!("Invalid customPsaTicketId format: '{}'.", truncate(id, 40)),
        ));
    }
    let number = id.parse::<i64>().unwrap_or_default();
    let (label, status, message) = match to {
        Move::Resolve => (
            "Resolved",
            RESOLVED,
            "Custom PSA ticket resolved successfully",
        ),
        Move::Reopen => (
            "Reopened",
            REOPENED,
            "Custom PSA ticket reopened successfully",
        ),
    };
    let Some(ticket) = known() else {
        if to == Move::Resolve && s.has(Fault::ResolveUnknown200) {
            return Ok(s.json(
                StatusCode::OK,
                json!({ "status": 200, "message": message, "data": { "psaCustomTicketId": number } }),
            ));
        }
        return Err(s.error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Ticket with ID {id} was not found!"),
        ));
    };
    let resolved = s.ticket_status(ticket) == RESOLVED;
    match (to, resolved) {
        (Move::Resolve, true) if s.has(Fault::ResolveTwice500) => {
            return Err(s.crash("resolving the ticket"))
        }
        (Move::Resolve, true) => {
            return Err(s.error(
                StatusCode::CONFLICT,
                "ConflictException",
                &format!("Ticket with ID {id} is already resolved."),
            ))
        }
        (Move::Reopen, false) => {
            return Err(s.error(
                StatusCode::CONFLICT,
                "ConflictException",
                &format!("Ticket with ID {id} is not resolved."),
            ))
        }
        _ => {}
    }
    s.set_status(id, status);
    Ok(s.json(
        StatusCode::OK,
        json!({
            "status": 200,
            "message": message,
            "data": custom_psa_ticket(s, ticket, number, label),
        }),
    ))
}

/// An `Integer` field as Jackson reads it by default: a JSON integer in
/// range, a float (truncated) or a string of digits; anything else is 400.
fn int32(obj: &Map<String, Value>, name: &str) -> Result<i32, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Err(format!("Missing required field '{name}'.")),
        Some(v) => crate::jackson::int32(v)
            .ok_or_else(|| format!("Field '{name}' must be a 32-bit integer.")),
    }
}

/// A `String` field as Jackson reads it by default: a string, or a number
/// or boolean written as text; missing, null, blank or structured is 400.
fn string(obj: &Map<String, Value>, name: &str) -> Result<String, String> {
    let text = match obj.get(name) {
        None | Some(Value::Null) => return Err(format!("Missing required field '{name}'.")),
        Some(v) => {
            crate::jackson::text(v).ok_or_else(|| format!("Field '{name}' must be a string."))?
        }
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
    if let Err(r) = s.lifecycle_auth(&headers) {
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
        Some(ticket) => {
            let mut answer = render_ticket(&s, ticket);
            if s.has(Fault::InfoWithoutCredsNoDetails) {
                if let Some(data) = answer.get_mut("data").and_then(Value::as_object_mut) {
                    data.remove("ticketDetails");
                }
            }
            s.json(StatusCode::OK, answer)
        }
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
