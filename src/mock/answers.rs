//! How the mock words its answers, in each style and under each fault: the
//! JSON body and its `Content-Type`, N-central's `ErrorResponse` (every
//! refusal of every check is written here, nowhere else), the discovery
//! links, the credential validation and the ticket.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::faults::Fault;
use super::fixtures::Ticket;
use super::options::Style;
use super::state::MockState;

impl MockState {
    /// A JSON answer in the configured style.
    pub(super) fn json(&self, status: StatusCode, body: Value) -> Response {
        let alternate = self.options.style == Style::Alternate;
        let body = if alternate { reverse_keys(body) } else { body };
        let text = if alternate {
            serde_json::to_string_pretty(&body)
        } else {
            serde_json::to_string(&body)
        }
        .unwrap_or_default();
        let content_type = if self.has(Fault::HtmlContentType) && status == StatusCode::OK {
            "text/html"
        } else if alternate {
            "application/json;charset=UTF-8"
        } else {
            "application/json"
        };
        let mut response = (status, text).into_response();
        if !(self.has(Fault::NoContentType) && status == StatusCode::OK) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        response
    }

    /// An N-central style error: `{"status":…,"message":"[ID=…] KIND: Exception: detail"}`.
    pub(super) fn error(&self, status: StatusCode, exception: &str, detail: &str) -> Response {
        let kind = status
            .canonical_reason()
            .unwrap_or("ERROR")
            .to_ascii_uppercase();
        let id = format!("{:08x}", rand::random::<u32>());
        let message = match self.options.style {
            Style::Canonical => format!("[ID={}] {kind}: {exception}: {detail}", &id[..4]),
            Style::Alternate => format!("[ID={id}-{:04x}] {kind}: {detail}", rand::random::<u16>()),
            Style::Ncentral => format!(
                "[ID={id}-{:04x}] {kind}: {exception}: {detail}",
                rand::random::<u16>()
            ),
        };
        let plain = self.has(Fault::ErrorsNotJson)
            || (status == StatusCode::UNAUTHORIZED && self.has(Fault::AuthErrorNotJson))
            || (status == StatusCode::FORBIDDEN && self.has(Fault::ForbiddenNotJson));
        if plain {
            return (status, [(header::CONTENT_TYPE, "text/plain")], message).into_response();
        }
        let reported = if self.has(Fault::ErrorStatusMismatch) {
            400
        } else {
            status.as_u16()
        };
        let mut body = json!({ "status": reported, "message": message });
        match self.options.style {
            Style::Canonical => {}
            Style::Alternate => {
                body["errors"] = json!([{ "field": "request", "message": detail }]);
                body["timestamp"] = json!("2025-07-01T12:00:00Z");
            }
            // Jackson writes the unset `errors` list of ErrorResponse as null.
            Style::Ncentral => body["errors"] = Value::Null,
        }
        self.json(status, body)
    }

    pub(super) fn crash(&self, what: &str) -> Response {
        self.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UnexpectedDmsResponseException",
            &format!("Unexpected response while {what}"),
        )
    }

    pub(super) fn links(&self, links: Value) -> Response {
        let mut links = links;
        if self.options.style == Style::Alternate {
            links["self"] = json!("/api/self-link-for-testing");
            links["root"] = json!("/api");
        }
        if self.has(Fault::HalLinks) {
            if let Value::Object(map) = &mut links {
                for v in map.values_mut() {
                    *v = json!({ "href": v.take() });
                }
            }
        }
        let mut body = json!({ "_links": links });
        if self.options.style == Style::Alternate {
            body["generatedBy"] = json!("alternate-style mock");
        }
        self.json(StatusCode::OK, body)
    }

    /// The answer of `validatePsaCredentials` once every check has passed.
    pub(super) fn credential_validation(
        &self,
        valid: bool,
        psa_type: &str,
        headers: &HeaderMap,
        (username, password): (&str, &str),
    ) -> Response {
        let s = self;
        let flag = if s.has(Fault::ValidAsString) {
            json!(valid.to_string())
        } else {
            json!(valid)
        };
        let mut answer = if s.has(Fault::NoDataEnvelope) {
            json!({ "isPsaCredentialsValid": flag })
        } else {
            json!({ "data": { "isPsaCredentialsValid": flag }, "_links": {} })
        };
        if s.has(Fault::KeyEchoed) {
            let sent = headers
                .get("integration-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            answer["message"] = json!(format!("Validated with integration key {sent}"));
        }
        if !valid && s.has(Fault::PasswordEchoed) {
            answer["message"] = json!(format!(
                "Tigerpaw rejected password '{password}' for {username}"
            ));
        }
        if s.options.style == Style::Alternate && !s.has(Fault::NoDataEnvelope) {
            answer["data"]["psaType"] = json!(psa_type);
            answer["_links"] =
                json!({ "self": format!("/api/standard-psa/{psa_type}/credential") });
        }
        s.json(StatusCode::OK, answer)
    }
}

/// The same object with its keys in reverse order (the alternate style).
fn reverse_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map.into_iter().collect::<Vec<_>>().into_iter().rev() {
                out.insert(k, reverse_keys(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(reverse_keys).collect()),
        v => v,
    }
}

/// At most `max` characters of `text`, escaped for an error message.
pub(super) fn truncate(text: &str, max: usize) -> String {
    let t: String = text.chars().take(max).collect();
    t.escape_default().to_string()
}

/// The ticket-info envelope `{"data": {...}, "_links": {}}`.
pub(super) fn render_ticket(s: &MockState, t: &Ticket) -> Value {
    let mut data = Map::new();
    let id = if s.has(Fault::TicketIdNumber) {
        json!(t.id.parse::<u64>().unwrap_or(0))
    } else if s.has(Fault::TicketOtherId) {
        // Another ticket's id: a mapping from the wrong field.
        let other = s
            .tickets()
            .iter()
            .find(|o| o.id != t.id)
            .map_or("1", |o| o.id);
        json!(other)
    } else {
        json!(t.id)
    };
    data.insert("ticketId".into(), id);
    data.insert("ticketTitle".into(), json!(t.title));
    if !s.has(Fault::TicketNoDetails) {
        data.insert("ticketDetails".into(), json!(t.details));
    }
    let status = if s.has(Fault::StatusLowercase) {
        s.ticket_status(t).to_ascii_lowercase()
    } else {
        s.ticket_status(t).to_string()
    };
    data.insert("ticketStatus".into(), json!(status));
    let created = if s.has(Fault::DateUsFormat) {
        "02/21/2024 06:28:10".to_string()
    } else if s.has(Fault::DateNoOffset) {
        "2024-02-21T06:28:10.624".to_string()
    } else if s.has(Fault::DateLocalSeconds) {
        "2024-02-21T06:28:10".to_string()
    } else {
        t.created.to_string()
    };
    data.insert("creationDate".into(), json!(created));
    if s.options.style == Style::Alternate {
        data.insert("priority".into(), json!("P3"));
        data.insert("assignee".into(), Value::Null);
    }
    if s.has(Fault::TicketNoLinks) {
        return json!({ "data": Value::Object(data) });
    }
    json!({ "data": Value::Object(data), "_links": {} })
}
