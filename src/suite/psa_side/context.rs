//! What every scenario of a PSA-side run shares: the target, the push
//! client, the harness's N-central, the redactor, fresh ticket ids, and
//! every push of the run for the run-wide checks.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use crate::config::PsaTarget;
use serde_json::{json, Value};

use crate::http::{Exchange, HttpClient, On429, RequestSpec};
use crate::redact::{Redactor, Secret};

use super::ncentral::{self, NcentralState};

/// What every scenario of a PSA-side run shares.
pub(crate) struct PsaRunContext {
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

/// Which push auth a push carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PushAuthChoice {
    /// The configured header and value (none when `[push_auth]` is unset).
    Configured,
    /// No push auth header.
    Missing,
    /// The configured header with a wrong value.
    Wrong,
}

/// The push N-central sends for `action` about `ticket`, as the guide
/// describes it: `customTags` under `tags_key` (PUSH-06 spells it
/// `customTag`), with keys no PSA knows when `extra_keys` (PUSH-05).
pub(crate) fn push_body(
    action: &str,
    ticket: i64,
    psa_number: Option<&str>,
    tags_key: &str,
    extra_keys: bool,
) -> Value {
    let mut body = json!({
        "action": action,
        "title": format!("Disk space low on SERVER-{ticket}"),
        "details": format!("Free space on C: fell below 10 % (N-central ticket {ticket})."),
        "ncentralTicketId": ticket,
    });
    if action != "CREATE" {
        body["psaTicketNumber"] = json!(psa_number.unwrap_or_default());
    }
    body[tags_key] = json!({ "site": "Head office", "priority": "High" });
    if extra_keys {
        body["ncentralCustomerId"] = json!(50);
        body["futureField"] = json!({ "added": "in a later N-central version" });
    }
    body
}

/// Distance between two tickets of a run: a callback naming a neighbour's
/// id (id + 1) names no pushed ticket.
const TICKET_STRIDE: i64 = 97;

impl PsaRunContext {
    /// A fresh N-central ticket id: an int32, never used before in this run.
    pub(crate) fn next_ticket_id(&self) -> i64 {
        self.next_ticket.fetch_add(TICKET_STRIDE, Ordering::Relaxed)
    }

    /// A push of `body` to `push_url`, with the configured method and the
    /// push auth `auth` asks for. A 429 is the PSA's answer, not waited out.
    pub(crate) fn push_spec(&self, body: Vec<u8>, auth: PushAuthChoice) -> RequestSpec {
        let mut headers = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("Accept".to_string(), "application/json".to_string()),
        ];
        if let Some(configured) = &self.target.push_auth {
            let value = match auth {
                PushAuthChoice::Configured => Some(&configured.value),
                PushAuthChoice::Wrong => Some(&self.wrong_push_auth),
                PushAuthChoice::Missing => None,
            };
            if let Some(v) = value {
                headers.push((configured.header.clone(), v.expose().to_string()));
            }
        }
        RequestSpec {
            method: self.target.push_method.clone(),
            path: String::new(),
            headers,
            body: Some(body),
            on_429: On429::Return,
        }
    }

    /// Sends one push and records it for the run-wide checks. The ticket it
    /// names counts as pushed from before it is sent.
    pub(crate) async fn send_push(&self, spec: &RequestSpec) -> Exchange {
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
