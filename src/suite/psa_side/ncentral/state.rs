//! The state of the harness's N-central: the credential it accepts, the
//! tokens it issued, the record of the PSA's calls, the traps set for
//! tickets and the tickets pushed so far — and what the scenarios read of
//! it.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use crate::redact::{describe_credential, Redactor, Secret};
use crate::suite::psa_side::calls::{self as rec, Bearer, Call, ForeignCall, Record};

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
pub(crate) enum Trap {
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
/// most [`crate::suite::psa_side::calls::MAX_FOREIGN`]) and the counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordSummary {
    pub calls: usize,
    pub calls_not_kept: usize,
    pub foreign: Vec<ForeignCall>,
    pub foreign_total: usize,
    pub unknown_tokens: usize,
}

/// The shared state: credentials, issued tokens, calls, traps.
pub(crate) struct NcentralState {
    pub(super) user_api_jwt: Secret,
    /// `scheme://host:port` of `public_url`: what the recorded calls name.
    pub(super) public_origin: String,
    /// The path of `public_url` (`""` for a bare host).
    pub(super) public_path: String,
    pub(super) redactor: Redactor,
    pub(super) started: Instant,
    tokens: Mutex<Tokens>,
    pub(super) record: Mutex<Record>,
    pub(super) trusted_reads: tokio::sync::Semaphore,
    pub(super) untrusted_reads: tokio::sync::Semaphore,
    pub(super) traps: Mutex<HashMap<i64, Trap>>,
    /// Tickets pushed so far, with how many CREATEs each got (a callback
    /// for any other ticket is unasked, CB-04).
    pub(super) pushed: Mutex<HashMap<i64, usize>>,
    /// Woken on every call.
    pub(super) arrived: tokio::sync::Notify,
}

impl NcentralState {
    /// The state of a harness's N-central the PSA reaches at `public_url`,
    /// accepting `user_api_jwt`; `redactor` learns every token it issues.
    pub(super) fn new(public_url: &str, user_api_jwt: Secret, redactor: Redactor) -> Self {
        NcentralState {
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
        }
    }

    /// Reads the PSA's calls so far, in order, without copying them.
    pub(crate) fn with_calls<R>(&self, read: impl FnOnce(&[Call]) -> R) -> R {
        read(&self.record.lock().unwrap_or_else(|e| e.into_inner()).calls)
    }

    /// The calls about one ticket, in order.
    pub(crate) fn calls_for(&self, ticket: i64) -> Vec<Call> {
        self.with_calls(|calls| {
            calls
                .iter()
                .filter(|c| c.ticket == Some(ticket))
                .cloned()
                .collect()
        })
    }

    /// The counts of the record and the foreign calls listed.
    pub(crate) fn summary(&self) -> RecordSummary {
        let r = self.record.lock().unwrap_or_else(|e| e.into_inner());
        RecordSummary {
            calls: r.calls.len() + r.calls_not_kept,
            calls_not_kept: r.calls_not_kept,
            foreign: r.foreign.clone(),
            foreign_total: r.foreign_total,
            unknown_tokens: r.unknown_tokens,
        }
    }

    /// Lists a call that is not the PSA's.
    pub(super) fn foreign(
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
    pub(crate) fn now(&self) -> Duration {
        self.started.elapsed()
    }

    /// Notes that N-central pushed this ticket, a CREATE or not (before
    /// the push is sent).
    pub(crate) fn pushed(&self, ticket: i64, create: bool) {
        *self
            .pushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(ticket)
            .or_default() += usize::from(create);
    }

    /// Whether this ticket was ever pushed.
    pub(crate) fn was_pushed(&self, ticket: i64) -> bool {
        self.pushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&ticket)
    }

    /// How many CREATEs N-central pushed for this ticket.
    pub(crate) fn creates_of(&self, ticket: i64) -> usize {
        self.pushed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&ticket)
            .copied()
            .unwrap_or(0)
    }

    /// Sets a trap for the ticket's first link callback.
    pub(crate) fn set_trap(&self, ticket: i64, trap: Trap) {
        self.traps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(ticket, trap);
    }

    /// Waits until `accept` holds for the calls about `ticket`, or the
    /// deadline passes; the calls about it either way.
    pub(crate) async fn wait_for(
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
    pub(super) fn bearer_of(&self, headers: &HeaderMap) -> (Bearer, Option<String>) {
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
    pub(super) fn issue(&self) -> (Value, Value) {
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

    pub(super) fn refresh_known(&self, token: &str) -> bool {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .refresh
            .contains(token)
    }

    pub(super) fn expire(&self, token: &str) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = tokens.access.get_mut(token) {
            entry.1 = true;
        }
    }
}
