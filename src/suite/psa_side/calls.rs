//! What the harness's N-central keeps of the calls it receives: a bounded
//! record. A call that carries a credential of this run (or comes as a
//! PSA's older-form callback comes) is kept as a [`Call`] for the CB
//! checks, with its body and headers cut to a few KiB and its credentials
//! shown by kind and length; every other call is *foreign* — kept as a
//! [`ForeignCall`] line (peer, time, method, path, status), never judged.
//! Both lists have a cap; what a kept call lost to the caps is noted
//! in its scenario's evidence, and a call not kept is counted in the reports.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

use crate::http::Exchange;
use crate::redact::describe_credential;

/// Calls of the PSA kept at most (the rest are counted, not kept).
pub(crate) const MAX_CALLS: usize = 1000;
/// Foreign calls listed at most (the rest are counted).
pub(crate) const MAX_FOREIGN: usize = 100;
/// Bytes of a body kept per call (reports show 4,000 characters).
pub(crate) const KEPT_BODY: usize = 4096;
/// Bytes of one header value, of one path, of one body member kept.
pub(crate) const KEPT_HEADER: usize = 512;
pub(crate) const KEPT_PATH: usize = 512;
pub(crate) const KEPT_MEMBER: usize = 4096;

/// What a call to the harness's N-central was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// `POST /api/auth/authenticate`.
    Authenticate,
    /// `POST /api/auth/refresh`.
    Refresh,
    /// `POST /api/custom-psa/tickets`: the PSA names its ticket.
    Link,
    /// `PUT /dms/rest/custompsa/tickets/{action}/{id}`: the older form;
    /// `create` links.
    Legacy { action: String },
    /// `POST /api/custom-psa/tickets/{id}/resolve`.
    Resolve,
    /// `POST /api/custom-psa/tickets/{id}/reopen`.
    Reopen,
    /// `POST` or `GET /api/custom-psa/tickets/{id}`.
    Info,
    /// `GET /api/auth/validate`: is the access token still good?
    Validate,
    /// Anything else (answered 404).
    Other,
}

impl CallKind {
    /// Whether the call tells N-central the PSA's ticket for one of its own.
    pub(crate) fn links(&self) -> bool {
        match self {
            CallKind::Link => true,
            CallKind::Legacy { action } => action.eq_ignore_ascii_case("create"),
            _ => false,
        }
    }

    /// Whether the call is to the current API (a bearer token is required).
    pub(crate) fn current_api(&self) -> bool {
        !matches!(self, CallKind::Legacy { .. } | CallKind::Other)
    }
}

/// Which credential a call carried as its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bearer {
    None,
    /// An `Authorization` header that is present but not `Bearer <token>`
    /// in UTF-8: refused, never read as "none".
    Malformed,
    /// The configured User-API JWT itself.
    UserApiJwt,
    /// An access token this N-central issued in this run (its number in
    /// issue order), and whether it had expired.
    Access {
        serial: usize,
        expired: bool,
    },
    /// A refresh token this N-central issued in this run.
    RefreshToken,
    /// A token this N-central did not issue in this run: a stranger's, or
    /// one the PSA kept from an earlier run (to N-central, an expired one).
    Unknown,
}

impl Bearer {
    pub(crate) fn describe(&self) -> String {
        match self {
            Bearer::None => "no bearer token".into(),
            Bearer::Malformed => "a malformed Authorization header".into(),
            Bearer::UserApiJwt => "the User-API JWT itself".into(),
            Bearer::Access { serial, expired } => format!(
                "access token #{serial} issued by N-central{}",
                if *expired { " (expired)" } else { "" }
            ),
            Bearer::RefreshToken => "the refresh token".into(),
            Bearer::Unknown => "a token N-central did not issue in this run".into(),
        }
    }

    /// Whether the token is a credential of this run.
    pub(crate) fn of_this_run(&self) -> bool {
        matches!(
            self,
            Bearer::UserApiJwt | Bearer::Access { .. } | Bearer::RefreshToken
        )
    }

    /// How an `Authorization` value carrying this bearer reads in the
    /// evidence: its kind and length, never the value.
    pub(crate) fn masked(&self, value: &[u8]) -> String {
        let text = String::from_utf8_lossy(value);
        let token = text
            .trim()
            .split_once(' ')
            .map_or(text.trim(), |(_, t)| t.trim());
        let kind = match self {
            Bearer::None | Bearer::Malformed => {
                return format!("<malformed Authorization value, {} bytes>", value.len())
            }
            Bearer::UserApiJwt => "the User-API JWT".to_string(),
            Bearer::Access { serial, .. } => {
                format!("access token #{serial} issued in this run")
            }
            Bearer::RefreshToken => "a refresh token issued in this run".to_string(),
            Bearer::Unknown => "a token N-central did not issue in this run".to_string(),
        };
        format!("Bearer {}", describe_credential(&kind, token))
    }
}

/// One call the PSA made, as recorded.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// Time since the harness's N-central started.
    pub at: Duration,
    pub kind: CallKind,
    /// The N-central ticket the call is about: from the path, or the body's
    /// `psaCustomTicketId` (a number, or a decimal string as Jackson reads it).
    pub ticket: Option<i64>,
    pub bearer: Bearer,
    /// The body's `psaCustomTicketId`, `ticketNumber` and `ticketUrl`, when
    /// the body is a JSON object (a member longer than [`KEPT_MEMBER`] is
    /// kept as a note of its length).
    pub body: Option<Value>,
    /// The status the harness answered.
    pub status: u16,
    /// Answered 429 or 401 on purpose (a trap).
    pub trapped: bool,
    /// Bytes of this call not kept (body, headers beyond the caps).
    pub cut: usize,
    pub exchange: Exchange,
}

/// A call that carried no credential of this run: answered as N-central
/// would, listed, never judged.
#[derive(Debug, Clone)]
pub(crate) struct ForeignCall {
    pub peer: Option<SocketAddr>,
    pub at: Duration,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Why it is not the PSA's (`no credential`, …).
    pub why: &'static str,
}

/// The bounded record of every call.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub calls: Vec<Call>,
    /// Calls of the PSA beyond [`MAX_CALLS`]: counted, not kept.
    pub calls_not_kept: usize,
    pub foreign: Vec<ForeignCall>,
    /// Every foreign call, the listed ones included.
    pub foreign_total: usize,
    /// Foreign calls that carried a token this N-central did not issue.
    pub unknown_tokens: usize,
}

impl Record {
    /// Keeps a call of the PSA, or counts it when the record is full.
    pub(crate) fn keep(&mut self, call: Call) {
        if self.calls.len() < MAX_CALLS {
            self.calls.push(call);
        } else {
            self.calls_not_kept += 1;
        }
    }

    /// Lists a foreign call, or counts it when the list is full.
    pub(crate) fn foreign(&mut self, call: ForeignCall) {
        self.foreign_total += 1;
        if call.why == WHY_UNKNOWN_TOKEN {
            self.unknown_tokens += 1;
        }
        if self.foreign.len() < MAX_FOREIGN {
            self.foreign.push(call);
        }
    }
}

/// Why a foreign call is not the PSA's.
pub(crate) const WHY_NO_CREDENTIAL: &str = "no credential of this run";
pub(crate) const WHY_UNKNOWN_TOKEN: &str = "a token N-central did not issue in this run";
pub(crate) const WHY_MALFORMED: &str = "a malformed Authorization header";
pub(crate) const WHY_LEGACY_UNPUSHED: &str =
    "an older-form call without a token, for no ticket N-central pushed in this run";

/// The route of a call: what it is and which ticket its path names.
pub(crate) fn route(method: &str, path: &str) -> (CallKind, Option<String>) {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    match (method, segments.as_slice()) {
        ("POST", ["api", "auth", "authenticate"]) => (CallKind::Authenticate, None),
        ("POST", ["api", "auth", "refresh"]) => (CallKind::Refresh, None),
        ("GET", ["api", "auth", "validate"]) => (CallKind::Validate, None),
        ("POST", ["api", "custom-psa", "tickets"]) => (CallKind::Link, None),
        ("POST", ["api", "custom-psa", "tickets", id, "resolve"]) => {
            (CallKind::Resolve, Some(id.to_string()))
        }
        ("POST", ["api", "custom-psa", "tickets", id, "reopen"]) => {
            (CallKind::Reopen, Some(id.to_string()))
        }
        ("POST" | "GET", ["api", "custom-psa", "tickets", id]) => {
            (CallKind::Info, Some(id.to_string()))
        }
        ("PUT", ["dms", "rest", "custompsa", "tickets", action, id]) => (
            CallKind::Legacy {
                action: action.to_string(),
            },
            Some(id.to_string()),
        ),
        _ => (CallKind::Other, None),
    }
}

/// `psaCustomTicketId` as N-central's Jackson reads an int32
/// ([`crate::jackson::int32`]).
pub(crate) fn ticket_id_of(value: &Value) -> Option<i64> {
    crate::jackson::int32(value).map(i64::from)
}

/// A callback's `ticketNumber` as N-central's Jackson reads a `String`: a
/// string, or a number or boolean as text; `None` when absent or blank.
pub(crate) fn ticket_number_of(body: Option<&Value>) -> Option<String> {
    body.and_then(|b| b.get("ticketNumber"))
        .and_then(crate::jackson::text)
        .filter(|n| !n.trim().is_empty())
}

/// A callback body as read: the members the checks and N-central's answer
/// read (`psaCustomTicketId`, `ticketNumber`, `ticketUrl`), in full and as
/// kept, when the body is a JSON object.
#[derive(Debug, Default)]
pub(crate) struct CallbackBody {
    pub full: Option<Value>,
    /// Each member longer than [`KEPT_MEMBER`] kept as a note of its length.
    pub kept: Option<Value>,
    /// Bytes of members not kept.
    pub cut: usize,
}

/// Reads the members of a callback body, without keeping any other.
pub(crate) fn callback_fields(bytes: &[u8]) -> CallbackBody {
    #[derive(serde::Deserialize)]
    #[allow(non_snake_case)]
    struct Fields {
        psaCustomTicketId: Option<Value>,
        ticketNumber: Option<Value>,
        ticketUrl: Option<Value>,
    }
    let is_object = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let Some(fields) = is_object
        .then(|| serde_json::from_slice::<Fields>(bytes).ok())
        .flatten()
    else {
        return CallbackBody::default();
    };
    let mut full = serde_json::Map::new();
    let mut kept = serde_json::Map::new();
    let mut cut = 0;
    for (key, value) in [
        ("psaCustomTicketId", fields.psaCustomTicketId),
        ("ticketNumber", fields.ticketNumber),
        ("ticketUrl", fields.ticketUrl),
    ] {
        let Some(value) = value else { continue };
        let size = match &value {
            Value::String(s) => s.len(),
            Value::Array(_) | Value::Object(_) => value.to_string().len(),
            _ => 0,
        };
        if size > KEPT_MEMBER {
            cut += size;
            kept.insert(
                key.into(),
                Value::String(format!("<{size} bytes, not kept>")),
            );
        } else {
            kept.insert(key.into(), value.clone());
        }
        full.insert(key.into(), value);
    }
    CallbackBody {
        full: Some(Value::Object(full)),
        kept: Some(Value::Object(kept)),
        cut,
    }
}

/// At most `max` bytes of `bytes`; the bytes cut.
pub(crate) fn cut_bytes(bytes: &[u8], max: usize) -> (Vec<u8>, usize) {
    if bytes.len() <= max {
        (bytes.to_vec(), 0)
    } else {
        (bytes[..max].to_vec(), bytes.len() - max)
    }
}

/// At most `max` bytes of `text`, on a character boundary.
pub(crate) fn cut_text(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Whether a header carries a credential by its name.
pub(crate) fn credential_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "auth", "token", "key", "secret", "cookie", "password", "session",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A request header as the evidence keeps it: a credential header by its
/// kind and length, others cut to [`KEPT_HEADER`]; the bytes cut.
pub(crate) fn kept_header(name: &str, value: &[u8], bearer: &Bearer) -> (String, usize) {
    if name.eq_ignore_ascii_case("authorization") {
        return (bearer.masked(value), 0);
    }
    let text = String::from_utf8_lossy(value);
    if credential_header(name) {
        return (describe_credential("credential", &text), 0);
    }
    let kept = cut_text(&text, KEPT_HEADER);
    (kept, text.len().saturating_sub(KEPT_HEADER))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn routes_name_the_call_and_its_ticket() {
        assert_eq!(route("POST", "/api/custom-psa/tickets").0, CallKind::Link);
        assert_eq!(
            route("POST", "/api/custom-psa/tickets/42/resolve"),
            (CallKind::Resolve, Some("42".into()))
        );
        assert!(route("PUT", "/dms/rest/custompsa/tickets/create/42")
            .0
            .links());
        assert!(!route("PUT", "/dms/rest/custompsa/tickets/resolve/42")
            .0
            .links());
        assert_eq!(
            route("DELETE", "/api/custom-psa/tickets").0,
            CallKind::Other
        );
    }

    #[test]
    fn a_ticket_id_reads_as_jackson_reads_an_int32() {
        assert_eq!(ticket_id_of(&json!(42)), Some(42));
        assert_eq!(ticket_id_of(&json!("42")), Some(42));
        assert_eq!(ticket_id_of(&json!(2_147_483_648_i64)), None);
        assert_eq!(ticket_id_of(&json!("x")), None);
        assert_eq!(ticket_id_of(&json!(true)), None);
        assert_eq!(ticket_id_of(&json!(7.9)), Some(7));
        assert_eq!(
            ticket_number_of(Some(&json!({"ticketNumber": 1001}))).as_deref(),
            Some("1001")
        );
        assert_eq!(ticket_number_of(Some(&json!({"ticketNumber": " "}))), None);
    }

    #[test]
    fn a_callback_body_keeps_the_members_checked_and_counts_what_is_cut() {
        let big = "x".repeat(KEPT_MEMBER + 1);
        let body =
            json!({"psaCustomTicketId": 7, "ticketNumber": "INC1", "ticketUrl": big, "pad": big});
        let read = callback_fields(body.to_string().as_bytes());
        let (kept, cut) = (read.kept.unwrap(), read.cut);
        assert_eq!(read.full.unwrap()["ticketUrl"], big);
        assert_eq!(kept["psaCustomTicketId"], 7);
        assert_eq!(kept["ticketNumber"], "INC1");
        assert_eq!(
            kept["ticketUrl"],
            format!("<{} bytes, not kept>", big.len())
        );
        assert!(kept.get("pad").is_none());
        assert_eq!(cut, big.len());
        assert_eq!(callback_fields(b"[1]").full, None);
        assert_eq!(callback_fields(b"not json").kept, None);
    }

    #[test]
    fn the_record_is_bounded_and_counts_what_it_did_not_keep() {
        let mut record = Record::default();
        for i in 0..MAX_FOREIGN + 5 {
            record.foreign(ForeignCall {
                peer: None,
                at: Duration::from_millis(i as u64),
                method: "POST".into(),
                path: "/".into(),
                status: 401,
                why: WHY_UNKNOWN_TOKEN,
            });
        }
        assert_eq!(record.foreign.len(), MAX_FOREIGN);
        assert_eq!(record.foreign_total, MAX_FOREIGN + 5);
        assert_eq!(record.unknown_tokens, MAX_FOREIGN + 5);
    }

    #[test]
    fn credentials_in_headers_show_by_kind_and_length() {
        let (v, _) = kept_header("Authorization", b"Bearer stranger-0123", &Bearer::Unknown);
        assert_eq!(
            v,
            "Bearer <a token N-central did not issue in this run, 13 chars>"
        );
        let (v, _) = kept_header(
            "authorization",
            b"Bearer nc-access-1",
            &Bearer::Access {
                serial: 2,
                expired: false,
            },
        );
        assert_eq!(v, "Bearer <access token #2 issued in this run, 11 chars>");
        let (v, _) = kept_header("Authorization", &[0xff, 0xfe], &Bearer::Malformed);
        assert_eq!(v, "<malformed Authorization value, 2 bytes>");
        assert_eq!(
            kept_header("INTEGRATION-KEY", b"k-123456", &Bearer::None).0,
            "<credential, 8 chars>"
        );
        assert_eq!(
            kept_header("accept", b"application/json", &Bearer::None).0,
            "application/json"
        );
    }
}
