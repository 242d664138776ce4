//! The reference PSA: a correct implementation of the vendor's side of
//! N-central's Custom PSA integration (PSA-SIDE.md), with named faults.
//!
//! It receives N-central's ticket pushes at `POST /ncentral/tickets` (also
//! `PUT`) and answers a `CREATE` in one of two conformant styles:
//! [`AnswerStyle::Body`] (`201 {"externalTicketId", "ticketUrl"}`) or
//! [`AnswerStyle::Callback`] (an empty `202`, then the link callback
//! `POST /api/custom-psa/tickets` to the N-central of [`NcentralLink`], with
//! an access token exchanged from the User-API JWT, retried after a 429 and
//! after a refresh on a 401).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use psa_conformance::psa_mock::{AnswerStyle, PsaFault, PsaMockServer};
//! let psa = PsaMockServer::builder()
//!     .style(AnswerStyle::Body)
//!     .fault(PsaFault::RelativeTicketUrl)
//!     .start()
//!     .await?;
//! println!("push to {}", psa.push_url());
//! # Ok(()) }
//! ```
//!
//! Like the N-central mock it imports nothing of the suite, the config or
//! the reports: only [`crate::redact`] (its secrets) and [`crate::serve`]
//! (serving in the background). Inside:
//!
//! - this module: the component's face — [`PsaMockServer`],
//!   [`PsaMockBuilder`], [`AnswerStyle`], [`NcentralLink`];
//! - `faults`: the [`PsaFault`] table (name, requirement, style, description);
//! - `state`: one instance's options and tickets;
//! - `routes`: the axum router, the push checks and answers;
//! - `callback`: the calls to N-central (token exchange, refresh, link
//!   callback with its retries).

mod callback;
mod faults;
mod routes;
mod state;
mod style;

pub use callback::{read_ca_file, trusting_only};
pub use faults::{PsaFault, UnknownPsaFault};
pub use style::AnswerStyle;

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::redact::Secret;
use crate::serve::Background;

/// The N-central the PSA calls back (in tests: the harness's).
#[derive(Clone)]
pub struct NcentralLink {
    /// E.g. `http://127.0.0.1:40123`, with or without a trailing slash.
    pub base_url: String,
    /// Exchanged at `POST {base}/api/auth/authenticate`.
    pub user_api_jwt: String,
    /// Sent as `INTEGRATION-KEY` on callbacks when set.
    pub integration_key: Option<String>,
}

impl fmt::Debug for NcentralLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NcentralLink")
            .field("base_url", &self.base_url)
            .field("user_api_jwt", &Secret::new(""))
            .field(
                "integration_key",
                &self.integration_key.as_ref().map(|_| Secret::new("")),
            )
            .finish()
    }
}

/// Configures a [`PsaMockServer`] before it starts.
#[derive(Debug, Default)]
pub struct PsaMockBuilder {
    style: AnswerStyle,
    faults: BTreeSet<PsaFault>,
    ncentral: Option<NcentralLink>,
    push_auth: Option<state::PushAuth>,
    listen: Option<SocketAddr>,
    ncentral_ca: Option<std::path::PathBuf>,
}

impl PsaMockBuilder {
    /// Answers `CREATE` in this style.
    pub fn style(mut self, style: AnswerStyle) -> Self {
        self.style = style;
        self
    }

    /// Switches a fault on.
    pub fn fault(mut self, fault: PsaFault) -> Self {
        self.faults.insert(fault);
        self
    }

    /// Switches several faults on.
    pub fn faults(mut self, faults: impl IntoIterator<Item = PsaFault>) -> Self {
        self.faults.extend(faults);
        self
    }

    /// The N-central to call back; required by [`AnswerStyle::Callback`].
    pub fn ncentral(mut self, link: NcentralLink) -> Self {
        self.ncentral = Some(link);
        self
    }

    /// Pushes must carry exactly this header value, else 401 and nothing
    /// is created.
    pub fn push_auth(mut self, header: &str, value: &str) -> Self {
        self.push_auth = Some(state::PushAuth {
            header: header.to_string(),
            value: Secret::new(value),
        });
        self
    }

    /// Calls an HTTPS N-central trusting only the CA certificates of this
    /// PEM file (not the built-in roots). The file is read when the PSA
    /// first calls N-central, and again whenever it changed, so the PSA may
    /// start before the harness writes it.
    pub fn ncentral_ca(mut self, pem_file: impl Into<std::path::PathBuf>) -> Self {
        self.ncentral_ca = Some(pem_file.into());
        self
    }

    /// Listens on this address instead of `127.0.0.1:0`.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Binds and serves in the background until the server is stopped or
    /// dropped. Fails (`InvalidInput`) for the callback style without an
    /// N-central to call back.
    pub async fn start(self) -> std::io::Result<PsaMockServer> {
        if self.style == AnswerStyle::Callback && self.ncentral.is_none() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the callback style needs the N-central to call back (PsaMockBuilder::ncentral)",
            ));
        }
        let caller = match &self.ncentral {
            Some(link) => Some(callback::Caller::new(
                &link.base_url,
                Secret::new(link.user_api_jwt.clone()),
                link.integration_key.clone().map(Secret::new),
                callback::Behaviour {
                    jwt_as_bearer: self.faults.contains(&PsaFault::CallbackWithUserApiJwt),
                    no_retry_on_429: self.faults.contains(&PsaFault::NoRetryOn429),
                    no_refresh_on_401: self.faults.contains(&PsaFault::NoRefreshOn401),
                },
                self.ncentral_ca.clone(),
            )?),
            None => None,
        };
        let addr = self
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = state::PsaState::new(
            self.style,
            self.faults,
            self.push_auth,
            format!("http://{}", reachable(addr)),
            caller,
        );
        let app = routes::router(Arc::new(state));
        Ok(PsaMockServer {
            addr,
            server: Background::serve(listener, app),
        })
    }
}

/// The address to name in URLs: a wildcard bind is reached on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// A running reference PSA. Stops when dropped.
#[derive(Debug)]
pub struct PsaMockServer {
    addr: SocketAddr,
    server: Background,
}

impl PsaMockServer {
    pub fn builder() -> PsaMockBuilder {
        PsaMockBuilder::default()
    }

    /// `http://127.0.0.1:PORT/ncentral/tickets`, where N-central pushes.
    pub fn push_url(&self) -> String {
        format!("http://{}{}", reachable(self.addr), routes::PUSH_PATH)
    }

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
