//! Keeps panics off the terminal while runs are active. A failed step
//! unwinds with its [`crate::suite::finding::Finding`] as the payload, which
//! cucumber catches and the reports show, so it prints nothing;
//! any other panic prints where it happened but not its message, which may
//! hold a secret of the run.
//!
//! The one place under `suite/` that prints: a panic hook, not the run's
//! output (tests/architecture.rs keeps it so).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

static ACTIVE_RUNS: AtomicUsize = AtomicUsize::new(0);
static INSTALL: Once = Once::new();

/// Marks a run as finished when dropped.
pub(crate) struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        ACTIVE_RUNS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marks a run as active, installing the hook once per process.
pub(crate) fn register() -> Guard {
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE_RUNS.load(Ordering::SeqCst) == 0 {
                return default(info);
            }
            if info.payload().is::<crate::suite::finding::Finding>() {
                return;
            }
            let location = info.location();
            let at = location.map_or_else(|| "an unknown place".to_string(), |l| format!("{}:{}", l.file(), l.line()));
            eprintln!("psa-conformance: internal error at {at} (message withheld: it may contain a secret); please report it");
        }));
    });
    ACTIVE_RUNS.fetch_add(1, Ordering::SeqCst);
    Guard
}
