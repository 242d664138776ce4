//! The N-central the harness plays toward a custom PSA: it serves the part of
//! N-central's API a PSA calls back — the token exchange and refresh,
//! `POST /api/custom-psa/tickets`, resolve, reopen, ticket info, and the
//! older `PUT /dms/rest/custompsa/tickets/{action}/{id}` — accepting exactly
//! the configured credentials. Calls that carry a credential of this run
//! (or come as a PSA's older-form callback comes) are kept, in order, in a
//! bounded record ([`super::calls`]) with what the checks of CB-01…06 need
//! to know; every other call is answered as N-central would and listed as
//! foreign, never judged.
//!
//! Scenarios can set a trap for one ticket: its first authorised link
//! callback is then answered 429 (`Retry-After: 1`, CB-05) or 401 with its
//! access token expired from then on (CB-06).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::answers::{
    self, answer_ticket_call, caller_of, error, read_body, refused, respond, Caller,
};
use super::calls::{self as rec, route};
pub use super::calls::{
    ticket_id_of, ticket_number_of, Bearer, Call, CallKind, ForeignCall, Record,
};
use crate::redact::{describe_credential, Redactor, Secret};

/// Largest callback body read, as Spring's default.
const BODY_CAP: usize = 1024 * 1024;
/// Largest refresh body read (a refresh token).
const REFRESH_CAP: usize = 16 * 1024;
/// Bodies read at once: by calls with a credential of this run, and by the
/// rest (older-form calls without a token, refresh calls) — so strangers
/// can neither grow memory nor starve the PSA's calls.
const TRUSTED_READS: usize = 4;
const UNTRUSTED_READS: usize = 2;
/// Lives of the tokens the harness issues, in seconds.
const ACCESS_SECS: u64 = 3600;
const REFRESH_SECS: u64 = 86_400;

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

/// What the listener saw, for the reports: the foreign calls listed (at
/// most [`super::calls::MAX_FOREIGN`]) and the counts.
#[derive(Debug, Clone, Default)]
pub struct RecordSummary {
    pub calls: usize,
    pub calls_not_kept: usize,
    pub foreign: Vec<ForeignCall>,
    pub foreign_total: usize,
    pub unknown_tokens: usize,
    pub bytes_cut: usize,
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
    record: Mutex<Record>,
    trusted_reads: tokio::sync::Semaphore,
    untrusted_reads: tokio::sync::Semaphore,
    traps: Mutex<HashMap<i64, Trap>>,
    /// Tickets pushed so far, with how many CREATEs each got (a callback
    /// for any other ticket is unasked, CB-04).
    pushed: Mutex<HashMap<i64, usize>>,
    /// Woken on every call.
    arrived: tokio::sync::Notify,
}

impl NcentralState {
    /// Reads the PSA's calls so far, in order, without copying them.
    pub fn with_calls<R>(&self, read: impl FnOnce(&[Call]) -> R) -> R {
        read(&self.record.lock().unwrap_or_else(|e| e.into_inner()).calls)
    }

    /// The calls about one ticket, in order.
    pub fn calls_for(&self, ticket: i64) -> Vec<Call> {
        self.with_calls(|calls| {
            calls
                .iter()
                .filter(|c| c.ticket == Some(ticket))
                .cloned()
                .collect()
        })
    }

    /// The counts of the record and the foreign calls listed.
    pub fn summary(&self) -> RecordSummary {
        let r = self.record.lock().unwrap_or_else(|e| e.into_inner());
        RecordSummary {
            calls: r.calls.len() + r.calls_not_kept,
            calls_not_kept: r.calls_not_kept,
            foreign: r.foreign.clone(),
            foreign_total: r.foreign_total,
            unknown_tokens: r.unknown_tokens,
            bytes_cut: r.bytes_cut,
        }
    }

    /// Lists a call that is not the PSA's.
    fn foreign(
        &self,
        peer: Option<SocketAddr>,
        method: &str,
        path: &str,
        status: StatusCode,
        why: &'static str,
    ) {
        self.record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .foreign(ForeignCall {
                peer,
                at: self.started.elapsed(),
                method: rec::cut_text(method, 16),
                path: rec::cut_text(path, rec::KEPT_PATH),
                status: status.as_u16(),
                why,
            });
        self.arrived.notify_waiters();
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

    /// The credential an `Authorization` header carries, and its token. A
    /// header that is present but not `Bearer <token>` in visible ASCII is
    /// [`Bearer::Malformed`], never "none".
    fn bearer_of(&self, headers: &HeaderMap) -> (Bearer, Option<String>) {
        let mut values = headers.get_all("authorization").iter();
        let Some(raw) = values.next() else {
            return (Bearer::None, None);
        };
        if values.next().is_some() {
            return (Bearer::Malformed, None);
        }
        let Some(token) = raw
            .to_str()
            .ok()
            .map(str::trim)
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string())
            .filter(|t| !t.is_empty() && !t.contains(char::is_whitespace))
        else {
            return (Bearer::Malformed, None);
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

    /// New access and refresh tokens, known to the redactor from birth: the
    /// answer as sent, and as the evidence keeps it (each token by its kind
    /// and length).
    fn issue(&self) -> (Value, Value) {
        let access = format!("nc-access-{:032x}", rand::random::<u128>());
        let refresh = format!("nc-refresh-{:032x}", rand::random::<u128>());
        self.redactor.add(&Secret::new(access.clone()));
        self.redactor.add(&Secret::new(refresh.clone()));
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let serial = tokens.access.len() + 1;
        tokens.access.insert(access.clone(), (serial, false));
        tokens.refresh.insert(refresh.clone());
        let answer = |access: String, refresh: String| {
            json!({
                "tokens": {
                    "access": { "token": access, "type": "Bearer", "expirySeconds": ACCESS_SECS },
                    "refresh": { "token": refresh, "type": "Body", "expirySeconds": REFRESH_SECS }
                }
            })
        };
        let shown = answer(
            describe_credential(
                &format!("access token #{serial} issued in this run"),
                &access,
            ),
            describe_credential("a refresh token issued in this run", &refresh),
        );
        (answer(access, refresh), shown)
    }

    fn refresh_known(&self, token: &str) -> bool {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .refresh
            .contains(token)
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
    /// Serves on `listener` (a bound socket, or a [`crate::net::Endpoint`]
    /// serving HTTPS); `public_url` is the base URL the PSA calls.
    pub fn start(
        listener: impl Into<crate::net::Endpoint>,
        public_url: &str,
        user_api_jwt: Secret,
        redactor: Redactor,
    ) -> std::io::Result<Self> {
        let listener = listener.into();
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
            record: Mutex::default(),
            trusted_reads: tokio::sync::Semaphore::new(TRUSTED_READS),
            untrusted_reads: tokio::sync::Semaphore::new(UNTRUSTED_READS),
            traps: Mutex::default(),
            pushed: Mutex::default(),
            arrived: tokio::sync::Notify::new(),
        });
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            listener
                .serve(app, async {
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

async fn serve(State(s): State<Arc<NcentralState>>, request: Request) -> Response {
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

#[cfg(test)]
mod tests;
