//! One reference PSA's state: its options, its tickets (keyed both by the
//! PSA ticket number it gave and by N-central's ticket id), and the caller
//! of the N-central it links tickets in.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::callback::Caller;
use super::faults::PsaFault;
use super::style::AnswerStyle;
use crate::redact::Secret;

/// The first PSA ticket number is `PSA-1001`.
const FIRST_NUMBER: u64 = 1001;

/// The header pushes must carry, and its exact value.
#[derive(Debug, Clone)]
pub(super) struct PushAuth {
    pub header: String,
    pub value: Secret,
}

/// A ticket of the PSA.
#[derive(Debug, Clone)]
pub(super) struct Ticket {
    pub ncentral_id: i64,
    pub number: String,
    pub title: String,
    pub details: String,
    pub resolved: bool,
}

/// The tickets, by number and by N-central id.
#[derive(Debug)]
pub(super) struct Tickets {
    by_number: HashMap<String, Ticket>,
    by_ncentral: HashMap<i64, String>,
    next: u64,
}

impl Tickets {
    fn new() -> Tickets {
        Tickets {
            by_number: HashMap::new(),
            by_ncentral: HashMap::new(),
            next: FIRST_NUMBER,
        }
    }

    /// The PSA ticket already made for this N-central ticket.
    pub(super) fn for_ncentral(&self, id: i64) -> Option<&Ticket> {
        self.by_ncentral
            .get(&id)
            .and_then(|n| self.by_number.get(n))
    }

    pub(super) fn get_mut(&mut self, number: &str) -> Option<&mut Ticket> {
        self.by_number.get_mut(number)
    }

    pub(super) fn get(&self, number: &str) -> Option<&Ticket> {
        self.by_number.get(number)
    }

    /// Whether any push named this N-central ticket.
    pub(super) fn knows_ncentral(&self, id: i64) -> bool {
        self.by_ncentral.contains_key(&id)
    }

    /// A new PSA ticket for an N-central ticket; the latest one is the one
    /// the N-central id then names.
    pub(super) fn create(&mut self, ncentral_id: i64, title: &str, details: &str) -> Ticket {
        let number = self.next_number();
        let ticket = Ticket {
            ncentral_id,
            number: number.clone(),
            title: title.to_string(),
            details: details.to_string(),
            resolved: false,
        };
        self.by_number.insert(number.clone(), ticket.clone());
        self.by_ncentral.insert(ncentral_id, number);
        ticket
    }

    /// The next number, taken (for a ticket, or for a fault's phantom).
    pub(super) fn next_number(&mut self) -> String {
        let n = self.next;
        self.next += 1;
        format!("PSA-{n}")
    }
}

/// One instance's state, shared by its handlers and callback tasks.
#[derive(Debug)]
pub(super) struct PsaState {
    pub style: AnswerStyle,
    pub faults: BTreeSet<PsaFault>,
    pub push_auth: Option<PushAuth>,
    /// `http://ADDR`, the base of the ticket URLs.
    pub base_url: String,
    /// The N-central to call back, when there is one.
    pub caller: Option<Caller>,
    tickets: Mutex<Tickets>,
    /// Whether the `callback-unasked` fault has sent its phantom callback.
    pub unasked_sent: AtomicBool,
}

impl PsaState {
    pub(super) fn new(
        style: AnswerStyle,
        faults: BTreeSet<PsaFault>,
        push_auth: Option<PushAuth>,
        base_url: String,
        caller: Option<Caller>,
    ) -> PsaState {
        PsaState {
            style,
            faults,
            push_auth,
            base_url,
            caller,
            tickets: Mutex::new(Tickets::new()),
            unasked_sent: AtomicBool::new(false),
        }
    }

    pub(super) fn has(&self, fault: PsaFault) -> bool {
        self.faults.contains(&fault)
    }

    /// The tickets (a poisoned lock still holds consistent data: every
    /// change is one insert).
    pub(super) fn tickets(&self) -> MutexGuard<'_, Tickets> {
        self.tickets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The absolute URL of a PSA ticket.
    pub(super) fn ticket_url(&self, number: &str) -> String {
        format!("{}/tickets/{number}", self.base_url)
    }

    /// True once: the first time the `callback-unasked` phantom is due.
    pub(super) fn take_unasked(&self) -> bool {
        !self.unasked_sent.swap(true, Ordering::SeqCst)
    }
}
