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
//! access token expired from then on (CB-06).//!
//! A facade: its state is `ncentral/state.rs`, the answer to one call
//! `ncentral/serve.rs`, the server `ncentral/server.rs`.

mod serve;
mod server;
mod state;

pub(crate) use super::calls::{ticket_id_of, ticket_number_of, Bearer, Call, CallKind};
pub(crate) use server::HarnessNcentralServer;
pub(crate) use state::{NcentralState, Trap};

#[cfg(test)]
use {
    crate::redact::{Redactor, Secret},
    serde_json::{json, Value},
};

#[cfg(test)]
mod tests;
