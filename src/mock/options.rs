//! What shapes a mock before it starts: its answering style, its options
//! (faults, rate limit, latency) and the credentials it accepts. Its
//! parts read these; the facade ([`super`]) re-exports them.

use std::collections::BTreeSet;
use std::time::Duration;

use super::faults::Fault;
use super::limit::RateLimit;
use crate::redact::Secret;

/// How the mock words its answers. Every style is conformant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Style {
    /// Compact JSON in N-central's key order, Java `ZonedDateTime` dates.
    #[default]
    Canonical,
    /// Pretty-printed JSON with extra fields and relations, reversed key
    /// order, `application/json;charset=UTF-8`, other ids, plain RFC 3339.
    Alternate,
    /// What N-central's Java/Spring stack writes by default: dates as
    /// `ZonedDateTime.toString()` writes them (seconds left out when zero,
    /// offset zone ids such as `[UTC+01:00]`), `"errors": null`, no
    /// `Retry-After` on 429, a 1 MiB JSON body read and answered like any
    /// wrong credentials, a number or boolean for a string read as its text.
    Ncentral,
}

impl Style {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Style::Canonical => "canonical",
            Style::Alternate => "alternate",
            Style::Ncentral => "ncentral",
        }
    }
}

/// The credentials a running mock accepts.
#[derive(Debug, Clone)]
pub struct MockCredentials {
    /// A User-API JWT to exchange at `POST /api/auth/authenticate`.
    pub user_api_jwt: Secret,
    /// A ready access token (valid one hour).
    pub access_token: Secret,
    pub integration_key: Secret,
    /// The one supported standard PSA type (Tigerpaw).
    pub psa_type: String,
    pub username: String,
    pub password: Secret,
    /// Ticket ids the mock knows.
    pub ticket_ids: Vec<String>,
    /// A ticket waiting for its PSA ticket (`[lifecycle] pending_ticket_id`):
    /// this instance links it once.
    pub pending_ticket_id: String,
    /// An open ticket this instance resolves and reopens
    /// (`[lifecycle] resolvable_ticket_id`).
    pub resolvable_ticket_id: String,
}

/// Everything that shapes a mock's behaviour.
#[derive(Debug, Clone)]
pub struct MockOptions {
    pub faults: BTreeSet<Fault>,
    pub style: Style,
    pub rate_limit: RateLimit,
    /// The `Retry-After` seconds of a 429.
    pub retry_after_secs: u64,
    /// Time each request is held in flight before it is answered.
    pub latency: Duration,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            faults: BTreeSet::new(),
            style: Style::Canonical,
            rate_limit: RateLimit::default(),
            retry_after_secs: 1,
            latency: Duration::from_millis(2),
        }
    }
}
