//! What every scenario of a PSA-side run shares: the target, the push
//! client, the harness's N-central, the redactor, fresh ticket ids, and
//! every push of the run for the run-wide checks.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use crate::config::PsaTarget;
use crate::http::{Exchange, HttpClient, RequestSpec};
use crate::redact::{Redactor, Secret};

use super::ncentral::{self, NcentralState};

/// What every scenario of a PSA-side run shares.
pub struct PsaRunContext {
    pub target: PsaTarget,
    /// Sends the pushes to `push_url`.
    pub push_client: HttpClient,
    /// The harness's N-central: its calls, its tokens, its traps.
    pub ncentral: Arc<NcentralState>,
    pub redactor: Redactor,
    /// A push auth value that is surely not the configured one.
    pub wrong_push_auth: Secret,
    /// The PSA answered the probe CREATE empty: it calls back.
    pub calls_back: bool,
    pub(super) next_ticket: AtomicI64,
    /// Every push of the run with the action it carried (PUSH-10, CB-04).
    pub pushes: Mutex<Vec<(Option<String>, Exchange)>>,
}

/// Distance between two tickets of a run: a callback naming a neighbour's
/// id (id + 1) names no pushed ticket.
const TICKET_STRIDE: i64 = 97;

impl PsaRunContext {
    /// A fresh N-central ticket id: an int32, never used before in this run.
    pub fn next_ticket_id(&self) -> i64 {
        self.next_ticket.fetch_add(TICKET_STRIDE, Ordering::Relaxed)
    }

    /// Sends one push and records it for the run-wide checks. The ticket it
    /// names counts as pushed from before it is sent.
    pub async fn send_push(&self, spec: &RequestSpec) -> Exchange {
        let body: Option<serde_json::Value> = spec
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok());
        let action = body
            .as_ref()
            .and_then(|b| b.get("action"))
            .and_then(|a| a.as_str())
            .map(str::to_string);
        if let Some(id) = body
            .as_ref()
            .and_then(|b| b.get("ncentralTicketId"))
            .and_then(ncentral::ticket_id_of)
        {
            self.ncentral
                .pushed(id, action.as_deref() == Some("CREATE"));
        }
        let exchange = self.push_client.send(spec).await;
        self.pushes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((action, exchange.clone()));
        exchange
    }
}
