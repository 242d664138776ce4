//! The World of the vendor's side: one scenario's N-central tickets, the
//! pushes it sent, what the PSA named its ticket, and — once the scenario
//! ends — every call the PSA made about those tickets, merged with the
//! pushes in the order they happened.
//!
//! Its `Debug` prints no secret: cucumber shows a failed scenario's World.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http::{Exchange, ReceivedResponse};
use crate::suite::finding::Finding;

pub(crate) use super::context::PushAuthChoice;
use super::context::{push_body, PsaRunContext};

/// How the PSA named its ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NamedBy {
    /// In the answer to CREATE (`externalTicketId`).
    Answer,
    /// By a callback to N-central (`ticketNumber`).
    Callback,
}

/// The PSA's ticket for the scenario's N-central ticket.
#[derive(Debug, Clone)]
pub(crate) struct PsaTicket {
    pub number: String,
    pub by: NamedBy,
}

/// The answer to `CREATE` when it names the PSA's ticket: a JSON object
/// with an `externalTicketId` key. Any other 2xx — empty, or a body that
/// names no `externalTicketId` — leaves the ticket pending in N-central
/// until the PSA calls back, as N-central reads it.
pub(crate) fn ticket_answer(response: &ReceivedResponse) -> Option<Value> {
    serde_json::from_slice::<Value>(&response.body)
        .ok()
        .filter(|v| v.get("externalTicketId").is_some())
}

/// One scenario's state.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub(crate) struct PsaSideWorld {
    ctx: Option<Arc<PsaRunContext>>,
    pub started: Instant,
    /// Pushes and callbacks in the order they happened; filled from
    /// `timeline` when the scenario ends.
    pub exchanges: Vec<Exchange>,
    /// Each push with the time it was sent (on the harness's clock).
    pub timeline: Vec<(Duration, Exchange)>,
    pub notes: Vec<String>,
    /// The scenario's N-central ticket.
    pub ticket: Option<i64>,
    /// Every ticket the scenario pushed (for the evidence).
    pub tickets: Vec<i64>,
    /// What the PSA named its ticket, once known.
    pub psa_ticket: Option<PsaTicket>,
    /// PUSH-05's twin: a ticket whose pushes carry keys the PSA does not
    /// know, pushed beside the scenario's ticket.
    pub twin: Option<i64>,
    /// What the PSA named the twin's ticket, once known.
    pub twin_ticket: Option<PsaTicket>,
    /// A link callback naming no ticket N-central pushed, made while this
    /// scenario waited for its own (CB-02): its `psaCustomTicketId` and
    /// the exchange.
    pub stray: Option<(Value, Exchange)>,
    /// The last pair of pushes (action, without extra keys, with them).
    pub pair: Option<(String, Exchange, Exchange)>,
    /// The key the custom tags travel under (`customTags`; PUSH-06: `customTag`).
    pub tags_key: String,
    /// Also merge the token calls made while the scenario ran (serial
    /// scenarios only: then no other scenario's calls are among them).
    pub serial: bool,
}

impl fmt::Debug for PsaSideWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pushes: Vec<String> = self
            .timeline
            .iter()
            .map(|(_, e)| e.summary_line())
            .collect();
        let text = format!(
            "PsaSideWorld {{ ticket: {:?}, psa_ticket: {:?}, pushes: {pushes:?} }}",
            self.ticket,
            self.psa_ticket.as_ref().map(|t| &t.number)
        );
        match &self.ctx {
            Some(ctx) => f.write_str(&ctx.redactor.redact(&text)),
            None => f.write_str(&text),
        }
    }
}

impl PsaSideWorld {
    fn new() -> Self {
        PsaSideWorld {
            ctx: None,
            started: Instant::now(),
            exchanges: Vec::new(),
            timeline: Vec::new(),
            notes: Vec::new(),
            ticket: None,
            tickets: Vec::new(),
            psa_ticket: None,
            twin: None,
            twin_ticket: None,
            stray: None,
            pair: None,
            tags_key: "customTags".into(),
            serial: false,
        }
    }

    /// Joins the world to its run (the `before` hook does this).
    pub(crate) fn attach<'a>(
        &mut self,
        ctx: Arc<PsaRunContext>,
        tags: impl IntoIterator<Item = &'a String>,
    ) {
        self.ctx = Some(ctx);
        self.started = Instant::now();
        self.serial = tags.into_iter().any(|t| t == "serial");
    }

    /// The run this scenario belongs to.
    pub(crate) fn ctx(&self) -> Result<Arc<PsaRunContext>, Finding> {
        self.ctx
            .clone()
            .ok_or_else(|| Finding::harness("the scenario was not attached to a run"))
    }

    /// The scenario's N-central ticket.
    pub(crate) fn ticket(&self) -> Result<i64, Finding> {
        self.ticket.ok_or_else(|| {
            Finding::harness(
                "no N-central ticket yet (a step `Given a new N-central ticket` is missing)",
            )
        })
    }

    /// A fresh N-central ticket for this scenario.
    pub(crate) fn new_ticket(&mut self) -> Result<i64, Finding> {
        let id = self.ctx()?.next_ticket_id();
        self.ticket = Some(id);
        self.tickets.push(id);
        self.psa_ticket = None;
        Ok(id)
    }

    /// The push N-central sends for `action` ([`super::context::push_body`]),
    /// with this scenario's spelling of the tags key, and extra keys for the
    /// twin ticket.
    pub(crate) fn push_body(&self, action: &str, ticket: i64, psa_number: Option<&str>) -> Value {
        let extra_keys = self.twin == Some(ticket);
        push_body(action, ticket, psa_number, &self.tags_key, extra_keys)
    }

    /// Sends one push with this body and push auth; keeps the exchange.
    pub(crate) async fn push(
        &mut self,
        body: Vec<u8>,
        auth: PushAuthChoice,
    ) -> Result<(), Finding> {
        let ctx = self.ctx()?;
        let spec = ctx.push_spec(body, auth);
        let at = ctx.ncentral.now();
        let exchange = ctx.send_push(&spec).await;
        self.timeline.push((at, exchange));
        Ok(())
    }

    /// Sends the standard push for `action` about the scenario's ticket.
    pub(crate) async fn push_action(
        &mut self,
        action: &str,
        auth: PushAuthChoice,
    ) -> Result<(), Finding> {
        let ticket = self.ticket()?;
        let number = self.psa_ticket.as_ref().map(|t| t.number.clone());
        let body = self.push_body(action, ticket, number.as_deref());
        self.push(body.to_string().into_bytes(), auth).await
    }

    /// The last push.
    pub(crate) fn last_push(&self) -> Result<&Exchange, Finding> {
        self.timeline
            .last()
            .map(|(_, e)| e)
            .ok_or_else(|| Finding::harness("no push was sent before this check"))
    }

    /// Merges the calls the PSA made about this scenario's tickets (and,
    /// in a serial scenario, the token calls made meanwhile) with its
    /// pushes, in the order they happened.
    pub(crate) fn gather_evidence(&mut self) {
        let Some(ctx) = self.ctx.clone() else {
            return;
        };
        let since = self.timeline.first().map(|(at, _)| *at);
        let mut all: Vec<(Duration, Exchange)> = self.timeline.clone();
        ctx.ncentral.with_calls(|calls| {
            for call in calls {
                let ours = call.ticket.is_some_and(|t| self.tickets.contains(&t));
                let token_call =
                    self.serial && call.ticket.is_none() && since.is_some_and(|s| call.at >= s);
                if ours || token_call {
                    all.push((call.at, call.exchange.clone()));
                    if call.cut > 0 {
                        self.notes.push(format!(
                            "{}: {} bytes of this call were not kept (the record keeps {} bytes of a body, {} of a header)",
                            call.exchange.summary_line(),
                            call.cut,
                            super::calls::KEPT_BODY,
                            super::calls::KEPT_HEADER
                        ));
                    }
                }
            }
        });
        all.sort_by_key(|(at, _)| *at);
        self.exchanges = all.into_iter().map(|(_, e)| e).collect();
    }
}

impl crate::suite::collect::ScenarioRecord for PsaSideWorld {
    fn started(&self) -> Instant {
        self.started
    }
    fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }
    fn notes(&self) -> &[String] {
        &self.notes
    }
}
