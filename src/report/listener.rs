//! What the harness's N-central saw on the vendor's side (`run --side psa`),
//! for every report: where it listened and whether strangers could reach
//! it, the sentences to say first (no call received, exposure, a record
//! cut), and the *foreign* calls — calls without a credential of this run,
//! answered as N-central would and never judged — by peer, time, method,
//! path and status.

use serde::{Deserialize, Serialize};

/// The listener's part of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListenerReport {
    /// `[ncentral] listen`.
    pub listen: String,
    /// The base URL the PSA should call (`[ncentral] public_url`).
    pub public_url: String,
    /// Bound to an address other hosts can reach.
    pub exposed: bool,
    /// Said before anything else, in every report and on the terminal.
    pub notices: Vec<String>,
    /// Calls the PSA made (with a credential of this run).
    pub calls: usize,
    /// Of those, not kept: the record was full.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub calls_not_kept: usize,
    /// Every foreign call, listed or not.
    pub foreign_total: usize,
    /// The first foreign calls, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign: Vec<ForeignCallRecord>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One foreign call, as the reports list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignCallRecord {
    /// `address:port` of the caller, or `unknown`.
    pub peer: String,
    /// Milliseconds since the harness's N-central started.
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Why it is not the PSA's call.
    pub why: String,
}

impl ListenerReport {
    /// `12 foreign calls (10 listed)…`: one line for the terminal and the
    /// markdown summary, when there were any.
    pub fn foreign_line(&self) -> Option<String> {
        (self.foreign_total > 0).then(|| {
            format!(
                "{} foreign call(s) to the harness's N-central — without a credential of this run, answered as N-central would, not held against the PSA{}",
                self.foreign_total,
                if self.foreign.len() < self.foreign_total {
                    format!(" ({} listed)", self.foreign.len())
                } else {
                    String::new()
                }
            )
        })
    }
}
