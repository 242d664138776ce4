//! The state of one mock instance: its options, the token authorities that
//! sign and check its tokens, the credentials it accepts, its rate limiter
//! and the custom PSA tickets linked while it runs. Nothing here is shared
//! between two instances.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;

use super::faults::Fault;
use super::fixtures::{self, Ticket};
use super::limit::Limiter;
use super::options::{MockCredentials, MockOptions};
use super::tokens::TokenAuthority;

/// The PSA ticket a custom PSA ticket was linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PsaTicket {
    pub number: String,
    pub url: String,
}

/// Shared state of one mock server.
pub(super) struct MockState {
    pub(super) options: MockOptions,
    pub(super) tokens: TokenAuthority,
    /// Signs "issued" tokens under the `issued-token-rejected` fault.
    pub(super) rogue_tokens: TokenAuthority,
    pub(super) credentials: MockCredentials,
    pub(super) limiter: Limiter,
    /// The PSA ticket each custom PSA ticket was linked to by
    /// `POST /api/custom-psa/tickets`: this server's own, never shared.
    pub(super) created: Mutex<HashMap<String, PsaTicket>>,
    /// Each ticket's status as linking, resolving and reopening changed it
    /// (`custom_tickets::LINKED`…): this server's own, never shared.
    pub(super) statuses: Mutex<HashMap<String, &'static str>>,
}

/// What every handler extracts.
pub(super) type Shared = State<Arc<MockState>>;

impl MockState {
    pub(super) fn new(options: MockOptions) -> Self {
        let signing: [u8; 32] = rand::random();
        let tokens = TokenAuthority::new(&signing);
        let rogue: [u8; 32] = rand::random();
        let credentials = fixtures::credentials(&tokens, options.style);
        MockState {
            options,
            tokens,
            rogue_tokens: TokenAuthority::new(&rogue),
            credentials,
            limiter: Limiter::default(),
            created: Mutex::default(),
            statuses: Mutex::default(),
        }
    }

    pub(super) fn credentials(&self) -> &MockCredentials {
        &self.credentials
    }

    pub(super) fn has(&self, fault: Fault) -> bool {
        self.options.faults.contains(&fault)
    }

    pub(super) fn tickets(&self) -> &'static [Ticket] {
        fixtures::for_style(self.options.style)
    }
}
