//! Ctrl-C and SIGTERM during a run — a user giving up, a cancelled CI job.
//!
//! The first signal asks the run to stop: no new request is sent, the report
//! of what ran is written with verdict `inconclusive` ("interrupted
//! (SIGTERM)"; `not-conformant` if a requirement had already failed, as
//! CLI.md rules), every requirement that did not finish is `untested`, and the
//! process exits 130 (SIGINT) or 143 (SIGTERM), as shells report a process
//! the signal ended. A second signal ends the process at once.

use std::collections::HashSet;

use tokio::sync::watch;

use crate::exit::Exit;
use crate::report::{RequirementStatus, RunReport, ScenarioResult, Verdict};

/// A signal that asked the run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    /// Ctrl-C.
    Sigint,
    /// `kill`, a CI runner cancelling the job.
    Sigterm,
}

impl Interrupt {
    /// The signal's name.
    pub fn name(self) -> &'static str {
        match self {
            Interrupt::Sigint => "SIGINT",
            Interrupt::Sigterm => "SIGTERM",
        }
    }

    /// The exit status of a run it stopped: 128 + the signal's number.
    pub fn exit_code(self) -> Exit {
        match self {
            Interrupt::Sigint => Exit::Signal(2),
            Interrupt::Sigterm => Exit::Signal(15),
        }
    }
}

/// Whether a stop was asked for; cheap to clone, one per place that waits.
#[derive(Clone)]
pub struct Stop(watch::Receiver<Option<Interrupt>>);

impl Stop {
    /// Catches SIGINT and SIGTERM from now on (they no longer end the
    /// process by themselves). Must be called inside a tokio runtime.
    pub fn listen() -> std::io::Result<Stop> {
        let (tx, rx) = watch::channel(None);
        let mut signals = Signals::new()?;
        tokio::spawn(async move {
            let first = signals.next().await;
            crate::output::err(format_args!(
                "\ninterrupted ({}): stopping; writing the report of what ran (a second signal quits at once)\n",
                first.name()
            ));
            let _ = tx.send(Some(first));
            signals.next().await;
            std::process::exit(i32::from(first.exit_code().code()));
        });
        Ok(Stop(rx))
    }

    /// A stop that is never asked for (library callers, tests).
    pub fn never() -> Stop {
        let (_, rx) = watch::channel(None);
        Stop(rx)
    }

    /// The signal, if one came.
    pub fn requested(&self) -> Option<Interrupt> {
        *self.0.borrow()
    }

    /// Waits for a stop; never returns for [`Stop::never`].
    pub async fn wait(&mut self) -> Interrupt {
        match self.0.wait_for(Option::is_some).await {
            Ok(v) => v.unwrap_or(Interrupt::Sigint),
            // No sender: no stop can ever come.
            Err(_) => std::future::pending().await,
        }
    }
}

#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) -> Interrupt {
        tokio::select! {
            _ = self.int.recv() => Interrupt::Sigint,
            _ = self.term.recv() => Interrupt::Sigterm,
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Self> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Interrupt {
        let _ = tokio::signal::ctrl_c().await;
        Interrupt::Sigint
    }
}

/// How far an interrupted run got.
pub(crate) struct Interrupted {
    pub signal: Interrupt,
    /// Ids of the scenarios selected to run that did not finish.
    pub unfinished: HashSet<String>,
    /// How many scenarios were selected to run.
    pub planned: usize,
}

impl Interrupted {
    /// Adds to `scenarios` (those that finished) every `planned` one that did
    /// not, as skipped with the signal as the reason.
    pub(crate) fn new(
        signal: Interrupt,
        planned: Vec<ScenarioResult>,
        scenarios: &mut Vec<ScenarioResult>,
    ) -> Self {
        let total = planned.len();
        let done: HashSet<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
        let not_run: Vec<ScenarioResult> = planned
            .into_iter()
            .filter(|s| !done.contains(s.id.as_str()))
            .map(|mut s| {
                s.skip_reason = Some(format!(
                    "not run: the run was interrupted ({})",
                    signal.name()
                ));
                s
            })
            .collect();
        let unfinished = not_run.iter().map(|s| s.id.clone()).collect();
        scenarios.extend(not_run);
        Interrupted {
            signal,
            unfinished,
            planned: total,
        }
    }
}

/// Makes a report of a run stopped by `signal` say so: verdict
/// `inconclusive` (`not-conformant` when a requirement already failed) with
/// the reason first, and every requirement that did not
/// finish — one of whose scenarios is in `unfinished`, or a run-wide check,
/// which saw only part of the run — `untested` unless it already failed.
pub(crate) fn mark_interrupted(
    report: &mut RunReport,
    signal: Interrupt,
    unfinished: &HashSet<String>,
    planned: usize,
) {
    for r in &mut report.requirements {
        let not_finished = r
            .scenarios
            .iter()
            .any(|id| unfinished.contains(id) || id.starts_with("run-wide:"));
        if not_finished && r.status != RequirementStatus::Failed {
            r.status = RequirementStatus::Untested;
        }
    }
    // "No scenario ran" is true but points at --tags; the reason is the signal.
    report
        .inconclusive_reasons
        .retain(|r| !r.starts_with("no scenario ran"));
    report.inconclusive_reasons.insert(
        0,
        format!(
            "interrupted ({}): {} of {planned} scenarios finished; the rest did not",
            signal.name(),
            planned.saturating_sub(unfinished.len()),
        ),
    );
    // CLI.md: a failed MUST is `not-conformant` "whatever else happened";
    // short of that, a run that did not finish cannot decide.
    if report.verdict != Verdict::NotConformant {
        report.verdict = Verdict::Inconclusive;
    }
}
