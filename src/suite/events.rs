//! What a run tells its caller while it runs: the notices said before the
//! first request (which tickets a run will change, a listener open beyond
//! loopback) and each finished scenario. The suite prints nothing itself;
//! the command that started the run decides what reaches the terminal.

/// A run's listener. Every method has a silent default.
pub trait RunEvents: Send + Sync {
    /// Said before the first request; already redacted.
    fn notice(&self, _text: &str) {}
    /// How many scenarios the run selected, before the first starts.
    fn planned(&self, _scenarios: usize) {}
    /// One scenario ended; `failed` when it failed (a warning does not count).
    fn scenario_finished(&self, _failed: bool) {}
    /// Every scenario ended (or a signal stopped them).
    fn scenarios_finished(&self) {}
}

/// Hears nothing: for runs nobody watches (benchmarks, the kill matrix).
pub(crate) struct Silent;

impl RunEvents for Silent {}
