//! The reference implementation of the PSA integration API.
//!
//! A conformant server for everything REQUIREMENTS.md asks, small enough to
//! start in-process from a test:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use psa_conformance::mock::{Fault, MockServer};
//! let server = MockServer::builder().fault(Fault::HalLinks).start().await?;
//! println!("{} accepts key {:?}", server.uri(), server.credentials().integration_key);
//! # Ok(()) }
//! ```
//!
//! Each [`Fault`] breaks one requirement on purpose. Two further styles
//! answer differently but just as conformantly, to prove the suite does not
//! over-fit the canonical one: [`Style::Alternate`] (extra fields, other key
//! order, `charset`, pretty-printing, plain RFC 3339 dates) and
//! [`Style::Ncentral`] (what N-central's Java/Spring/Jackson stack writes by
//! default: minute-precision and offset-zone dates, `"errors": null`, no
//! `Retry-After`, a 1 MiB body read like any other, a number or boolean read
//! as a string).
//!
//! The mock imports nothing of the suite, the config or the reports: only
//! [`crate::api`] (its routes), [`crate::jackson`] (how N-central reads a
//! field), [`crate::redact`] (its secrets) and [`crate::serve`] (serving in
//! the background). Inside,
//! each module owns one thing:
//!
//! - this module: the component's face — [`MockServer`], [`MockBuilder`],
//!   [`MockOptions`], [`Style`], [`MockCredentials`];
//! - `faults`: the [`Fault`] table (name, requirement, description);
//! - `fixtures`: the tickets and dates of each style, generated credentials;
//! - `state`: one instance's state (options, token keys, limiter, links
//!   made, tickets resolved and reopened);
//! - `checks`: token → key → path → body → PSA credentials → lookup, in
//!   N-central's order, and the faults that reorder or weaken them;
//! - `answers`: the wording of every answer, `ErrorResponse` included;
//! - `routes`: the axum router built from [`crate::api`], and thin handlers;
//! - `custom_tickets`: N-central's ticket lifecycle (create, read without
//!   PSA credentials, resolve, reopen), served by every style;
//! - `token_ops`: authenticate, refresh and validate, with the expiry
//!   overrides;
//! - `limit`, `tokens`: the rate limiter and the HS256 token authority.

mod answers;
mod checks;
mod custom_tickets;
mod faults;
mod fixtures;
mod limit;
mod options;
mod routes;
mod state;
mod token_ops;
mod tokens;

pub use faults::{Fault, UnknownFault};
pub use limit::RateLimit;
pub use options::{MockCredentials, MockOptions, Style};
pub use tokens::{TokenAuthority, TokenKind};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::serve::Background;

/// Configures a [`MockServer`] before it starts.
#[derive(Debug, Default)]
pub struct MockBuilder {
    options: MockOptions,
    listen: Option<SocketAddr>,
}

impl MockBuilder {
    /// Switches a fault on.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.options.faults.insert(fault);
        self
    }

    /// Switches several faults on.
    pub fn faults(mut self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.options.faults.extend(faults);
        self
    }

    /// Answers in another conformant style.
    pub fn style(mut self, style: Style) -> Self {
        self.options.style = style;
        self
    }

    /// Chooses how endpoints are rate limited.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.options.rate_limit = limit;
        self
    }

    /// Sets the `Retry-After` of a 429, in seconds.
    pub fn retry_after_secs(mut self, secs: u64) -> Self {
        self.options.retry_after_secs = secs;
        self
    }

    /// Holds every request this long before answering.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.options.latency = latency;
        self
    }

    /// Listens on this address instead of `127.0.0.1:0`.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Binds and serves in the background until the server is dropped.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let addr = self
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = state::MockState::new(self.options);
        let credentials = state.credentials().clone();
        let app = routes::router(Arc::new(state));
        Ok(MockServer {
            addr,
            credentials,
            server: Background::serve(listener, app),
        })
    }
}

/// A running reference mock. Stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    credentials: MockCredentials,
    server: Background,
}

impl MockServer {
    /// A conformant mock on `127.0.0.1` with an ephemeral port.
    pub async fn start() -> std::io::Result<MockServer> {
        Self::builder().start().await
    }

    pub fn builder() -> MockBuilder {
        MockBuilder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    pub fn credentials(&self) -> &MockCredentials {
        &self.credentials
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
