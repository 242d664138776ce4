//! Requests one scenario sends and another scenario of the same requirement
//! judges too, so no body goes on the wire twice for two levels of one
//! requirement (CRED-04 and TCKT-07: the MUST scenario and its `@should`
//! twin send the same invalid bodies to the same path).
//!
//! The first scenario to arrive sends; the other waits for it and takes a
//! copy of its exchanges (and of what they told: rate-limited requests,
//! harness errors), so both show the same evidence and the run-wide
//! monitors see each exchange once. When the first could not finish (a
//! harness error before its last request), the next one sends on its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::http::Exchange;

/// What a shared send left behind.
#[derive(Clone, Default)]
pub(crate) struct SharedSend {
    pub(crate) exchanges: Vec<Exchange>,
    pub(crate) rate_limited: Vec<String>,
    pub(crate) harness_errors: Vec<String>,
}

/// One cell per key (the request set and where it goes), per run.
#[derive(Default)]
pub(crate) struct SharedSends {
    cells: Mutex<HashMap<String, Arc<OnceCell<SharedSend>>>>,
}

impl SharedSends {
    /// The cell of `key`, made on first use.
    pub(crate) fn cell(&self, key: &str) -> Arc<OnceCell<SharedSend>> {
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.entry(key.to_string()).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_second_caller_gets_the_first_callers_result_without_running() {
        let sends = SharedSends::default();
        let runs = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..2 {
            let cell = sends.cell("POST /x");
            let got = cell
                .get_or_init(|| async {
                    runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    SharedSend {
                        rate_limited: vec!["r".into()],
                        ..SharedSend::default()
                    }
                })
                .await;
            assert_eq!(got.rate_limited, ["r"]);
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        let other = sends.cell("POST /y");
        assert!(other.get().is_none(), "another key shares nothing");
    }
}
