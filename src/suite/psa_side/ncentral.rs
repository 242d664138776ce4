//! The N-central the harness plays toward a custom PSA: it serves the part of
//! N-central's API a PSA calls back — the token exchange and refresh,
//! `POST /api/custom-psa/tickets`, resolve, reopen, ticket info, and the
//! older `PUT /dms/rest/custompsa/tickets/{action}/{id}` — accepting exactly
//! the configured credentials, and records every call, in order, as an
//! [`Exchange`] with what the checks of CB-01…06 need to know about it.
//!
//! Scenarios can set a trap for one ticket: its first link callback is then
//! answered 429 (`Retry-After: 1`, CB-05) or 401 with its access token
//! expired from then on (CB-06).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::http::{Exchange, ReceivedResponse, SentRequest};
use crate::redact::{Redactor, Secret};

/// Largest callback body read, as Spring's default.
const BODY_CAP: usize = 1024 * 1024;
/// Lives of the tokens the harness issues, in seconds.
const ACCESS_SECS: u64 = 3600;
const REFRESH_SECS: u64 = 86_400;

/// What a call to the harness's N-central was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallKind {
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
    pub fn links(&self) -> bool {
        match self {
            CallKind::Link => true,
            CallKind::Legacy { action } => action.eq_ignore_ascii_case("create"),
            _ => false,
        }
    }

    /// Whether the call is to the current API (a bearer token is required).
    pub fn current_api(&self) -> bool {
        !matches!(self, CallKind::Legacy { .. } | CallKind::Other)
    }
}

/// Which credential a call carried as its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    None,
    /// The configured User-API JWT itself.
    UserApiJwt,
    /// An access token this N-central issued (its number in issue order),
    /// and whether it had expired.
    Access {
        serial: usize,
        expired: bool,
    },
    /// A refresh token this N-central issued.
    RefreshToken,
    /// Something this N-central never issued.
    Unknown,
}

impl Bearer {
    pub fn describe(&self) -> String {
        match self {
            Bearer::None => "no bearer token".into(),
            Bearer::UserApiJwt => "the User-API JWT itself".into(),
            Bearer::Access { serial, expired } => format!(
                "access token #{serial} issued by N-central{}",
                if *expired { " (expired)" } else { "" }
            ),
            Bearer::RefreshToken => "the refresh token".into(),
            Bearer::Unknown => "a token N-central never issued".into(),
        }
    }
}

/// One call the PSA made, as recorded.
#[derive(Debug, Clone)]
pub struct Call {
    /// Time since the harness's N-central started.
    pub at: Duration,
    pub kind: CallKind,
    /// The N-central ticket the call is about: from the path, or the body's
    /// `psaCustomTicketId` (a number, or a decimal string as Jackson reads it).
    pub ticket: Option<i64>,
    pub bearer: Bearer,
    /// The body as JSON, when it is JSON.
    pub body: Option<Value>,
    /// The status the harness answered.
    pub status: u16,
    /// Answered 429 or 401 on purpose (a trap).
    pub trapped: bool,
    pub exchange: Exchange,
}

/// How one ticket's first link callback is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    /// 429 with `Retry-After: 1` (CB-05).
    TooManyRequests,
    /// 401, and the access token it carried expires (CB-06).
    ExpiredToken,
}

#[derive(Default)]
struct Tokens {
    /// Access token → (serial, expired).
    access: HashMap<String, (usize, bool)>,
    refresh: HashSet<String>,
}

/// The shared state: credentials, issued tokens, calls, traps.
pub struct NcentralState {
    user_api_jwt: Secret,
    /// `scheme://host:port` of `public_url`: what the recorded calls name.
    public_origin: String,
    /// The path of `public_url` (`""` for a bare host).
    public_path: String,
    redactor: Redactor,
    started: Instant,
    tokens: Mutex<Tokens>,
    calls: Mutex<Vec<Call>>,
    traps: Mutex<HashMap<i64, Trap>>,
    /// Tickets pushed so far, with how many CREATEs each got (a callback
    /// for any other ticket is unasked, CB-04).
    pushed: Mutex<HashMap<i64, usize>>,
    /// Woken on every call.
    arrived: tokio::sync::Notify,
}

impl NcentralState {
    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The calls about one ticket, in order.
    pub fn calls_for(&self, ticket: i64) -> Vec<Call> {
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|c| c.ticket == Some(ticket))
            .cloned()
            .collect()
    }

    /// Time since the harness's N-central started.
    pub fn now(&self) -> Duration {
        self.started.elapsed()
    }

    /// Notes that N-central pushed this ticket, a CREATE or not (before
    /// the push is sent).
    pub fn pushed(&self, ticket: i64, create: bool) {
        *self
            .pushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(ticket)
            .or_default() += usize::from(create);
    }

    /// Whether this ticket was ever pushed.
    pub fn was_pushed(&self, ticket: i64) -> bool {
        self.pushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&ticket)
    }

    /// How many CREATEs N-central pushed for this ticket.
    pub fn creates_of(&self, ticket: i64) -> usize {
        self.pushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&ticket)
            .copied()
            .unwrap_or(0)
    }

    /// Sets a trap for the ticket's first link callback.
    pub fn set_trap(&self, ticket: i64, trap: Trap) {
        self.traps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(ticket, trap);
    }

    /// Waits until `accept` holds for the calls about `ticket`, or the
    /// deadline passes; the calls about it either way.
    pub async fn wait_for(
        &self,
        ticket: i64,
        deadline: Instant,
        accept: impl Fn(&[Call]) -> bool,
    ) -> (bool, Vec<Call>) {
        loop {
            let notified = self.arrived.notified();
            let calls = self.calls_for(ticket);
            if accept(&calls) {
                return (true, calls);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return (false, calls);
            }
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    fn bearer_of(&self, headers: &HeaderMap) -> (Bearer, Option<String>) {
        let Some(value) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
        else {
            return (Bearer::None, None);
        };
        let Some(token) = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string())
        else {
            return (Bearer::Unknown, None);
        };
        if token == self.user_api_jwt.expose() {
            return (Bearer::UserApiJwt, Some(token));
        }
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let bearer = if let Some((serial, expired)) = tokens.access.get(&token) {
            Bearer::Access {
                serial: *serial,
                expired: *expired,
            }
        } else if tokens.refresh.contains(&token) {
            Bearer::RefreshToken
        } else {
            Bearer::Unknown
        };
        (bearer, Some(token))
    }

    /// New access and refresh tokens, known to the redactor from birth.
    fn issue(&self) -> Value {
        let access = format!("nc-access-{:032x}", rand::random::<u128>());
        let refresh = format!("nc-refresh-{:032x}", rand::random::<u128>());
        self.redactor.add(&Secret::new(access.clone()));
        self.redactor.add(&Secret::new(refresh.clone()));
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let serial = tokens.access.len() + 1;
        tokens.access.insert(access.clone(), (serial, false));
        tokens.refresh.insert(refresh.clone());
        json!({
            "tokens": {
                "access": { "token": access, "type": "Bearer", "expirySeconds": ACCESS_SECS },
                "refresh": { "token": refresh, "type": "Body", "expirySeconds": REFRESH_SECS }
            }
        })
    }

    fn expire(&self, token: &str) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = tokens.access.get_mut(token) {
            entry.1 = true;
        }
    }
}

/// The harness's N-central, serving until stopped.
pub struct HarnessNcentralServer {
    pub state: Arc<NcentralState>,
    address: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl HarnessNcentralServer {
    /// Serves on `listener`; `public_url` is the base URL the PSA calls.
    pub fn start(
        listener: tokio::net::TcpListener,
        public_url: &str,
        user_api_jwt: Secret,
        redactor: Redactor,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let state = Arc::new(NcentralState {
            user_api_jwt,
            public_origin: url::Url::parse(public_url)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|_| public_url.trim_end_matches('/').to_string()),
            public_path: url::Url::parse(public_url)
                .map(|u| u.path().trim_end_matches('/').to_string())
                .unwrap_or_default(),
            redactor,
            started: Instant::now(),
            tokens: Mutex::default(),
            calls: Mutex::default(),
            traps: Mutex::default(),
            pushed: Mutex::default(),
            arrived: tokio::sync::Notify::new(),
        });
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(HarnessNcentralServer {
            state,
            address,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops serving; calls in flight are answered first.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
    }
}

impl Drop for HarnessNcentralServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The route of a call: what it is and which ticket its path names.
fn route(method: &str, path: &str) -> (CallKind, Option<String>) {
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
pub fn ticket_id_of(value: &Value) -> Option<i64> {
    crate::jackson::int32(value).map(i64::from)
}

/// A callback's `ticketNumber` as N-central's Jackson reads a `String`: a
/// string, or a number or boolean as text; `None` when absent or blank.
pub fn ticket_number_of(body: Option<&Value>) -> Option<String> {
    body.and_then(|b| b.get("ticketNumber"))
        .and_then(crate::jackson::text)
        .filter(|n| !n.trim().is_empty())
}

fn error(status: StatusCode, message: &str) -> (StatusCode, Value) {
    (
        status,
        json!({ "status": status.as_u16(), "message": message, "errors": null }),
    )
}

async fn serve(State(s): State<Arc<NcentralState>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let request_headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let bytes = to_bytes(Body::new(body), BODY_CAP).await;
    // Behind a proxy, public_url may carry a path: the API lives below it.
    let routed = path
        .strip_prefix(s.public_path.as_str())
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(&path);
    let (kind, path_id) = route(&method, routed);
    let (bearer, token) = s.bearer_of(&parts.headers);
    let mut trapped = false;
    let mut retry_after = None;
    let body_json: Option<Value> = bytes
        .as_ref()
        .ok()
        .and_then(|b| serde_json::from_slice(b).ok());
    let ticket = path_id
        .as_deref()
        .and_then(|id| id.parse::<i32>().ok().map(i64::from))
        .or_else(|| {
            body_json
                .as_ref()
                .and_then(|b| b.get("psaCustomTicketId"))
                .and_then(ticket_id_of)
        });
    let (status, answer) = match (&bytes, &kind) {
        (Err(_), _) => error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large."),
        (_, CallKind::Other) => error(StatusCode::NOT_FOUND, "Not Found"),
        (_, CallKind::Validate) => {
            if matches!(bearer, Bearer::Access { expired: false, .. }) {
                (StatusCode::OK, json!({ "message": "The token is valid." }))
            } else {
                error(
                    StatusCode::UNAUTHORIZED,
                    "Access token is missing, invalid or expired.",
                )
            }
        }
        (_, CallKind::Authenticate) => {
            if bearer == Bearer::UserApiJwt {
                (StatusCode::OK, s.issue())
            } else {
                error(StatusCode::UNAUTHORIZED, "Invalid User-API token.")
            }
        }
        (Ok(b), CallKind::Refresh) => {
            let offered = String::from_utf8_lossy(b).trim().to_string();
            let known = s
                .tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .refresh
                .contains(&offered);
            if known {
                (StatusCode::OK, s.issue())
            } else {
                error(StatusCode::UNAUTHORIZED, "Invalid refresh token.")
            }
        }
        (_, kind) => {
            let valid_bearer = matches!(bearer, Bearer::Access { expired: false, .. });
            // The older form is accepted without a bearer token; with one,
            // it is authenticated like the current API.
            let authorised = valid_bearer || (!kind.current_api() && bearer == Bearer::None);
            let trap = if kind.links() {
                ticket.and_then(|t| s.traps.lock().unwrap_or_else(|e| e.into_inner()).remove(&t))
            } else {
                None
            };
            if !authorised {
                error(
                    StatusCode::UNAUTHORIZED,
                    "Access token is missing, invalid or expired.",
                )
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
                answer_ticket_call(kind, ticket, body_json.as_ref())
            }
        }
    };
    let body = answer.to_string().into_bytes();
    let mut response_headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(r) = retry_after {
        response_headers.push(("retry-after".to_string(), r.to_string()));
    }
    let exchange = Exchange {
        started_at: jiff::Timestamp::now() - started.elapsed(),
        inbound: true,
        request: SentRequest {
            method: method.clone(),
            url: format!("{}{}", s.public_origin, parts.uri),
            headers: request_headers,
            body: bytes
                .as_ref()
                .ok()
                .filter(|b| !b.is_empty())
                .map(|b| b.to_vec()),
        },
        outcome: Ok(ReceivedResponse {
            status: status.as_u16(),
            headers: response_headers.clone(),
            body: body.clone(),
            truncated: false,
        }),
        elapsed: started.elapsed(),
        waited_out: Vec::new(),
    };
    s.calls
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Call {
            at: s.started.elapsed(),
            kind,
            ticket,
            bearer,
            body: body_json,
            status: status.as_u16(),
            trapped,
            exchange,
        });
    s.arrived.notify_waiters();
    let mut response = (status, body).into_response();
    for (k, v) in response_headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// N-central's answer to an authorised ticket call.
fn answer_ticket_call(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
