//! What a run prints on the terminal: failures with their evidence, then a
//! short table and the verdict. Every line comes from the (redacted) model.

use std::fmt::Write as _;

use super::model::{DisplayOutcome, RequirementStatus, RunReport, ScenarioStatus};

/// The end-of-run text.
pub(crate) fn render(run: &RunReport, quiet: bool) -> String {
    let mut out = String::new();
    // What the harness's N-central saw comes first, quiet or not.
    if let Some(l) = &run.listener {
        for notice in &l.notices {
            let _ = writeln!(out, "NOTE  {notice}");
        }
    }
    if !quiet {
        for s in run.scenarios.iter().filter(|s| {
            matches!(
                s.status,
                ScenarioStatus::Failed | ScenarioStatus::Inconclusive
            )
        }) {
            // The same words as every report: a scenario the harness could
            // not decide is `inconclusive`, one whose precondition failed
            // leaves its requirement `untested`.
            let tag = match s.display_outcome(run.strict) {
                DisplayOutcome::Error => "ERROR",
                DisplayOutcome::Warned => "WARNED",
                DisplayOutcome::Failed => "FAILED",
                DisplayOutcome::NotTested => "UNTESTED",
                _ => "INCONCLUSIVE",
            };
            let _ = writeln!(
                out,
                "{tag} {} [{}] {}",
                s.requirements.join(","),
                s.id,
                s.name
            );
            if let Some(f) = &s.failure {
                for line in f.lines() {
                    let _ = writeln!(out, "      {line}");
                }
            }
            if let Some(r) = &s.reproduce {
                let _ = writeln!(out, "      reproduce (bash):");
                for line in &r.lines {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
        let _ = writeln!(out, "\nrequirements:");
        status_table(&mut out, run.requirements.iter().map(|r| (r.status, r.id)));
        if !run.additional.is_empty() {
            let _ = writeln!(
                out,
                "additional checks (--features; not part of the verdict):"
            );
            status_table(
                &mut out,
                run.additional.iter().map(|c| (c.status, c.id.as_str())),
            );
        }
        for (reason, ids) in run.skip_reasons() {
            let _ = writeln!(out, "  not run ({}): {reason}", ids.join(" "));
        }
        let c = run.counts;
        let _ = writeln!(
            out,
            "scenarios:  {} passed, {} failed, {} warned, {} inconclusive, {} skipped",
            c.passed, c.failed, c.warned, c.inconclusive, c.skipped
        );
        if let Some(line) = run.secrets_not_checked_line() {
            let _ = writeln!(out, "{line}");
        }
        if let Some(line) = run.listener.as_ref().and_then(|l| l.foreign_line()) {
            let _ = writeln!(out, "{line} (listed in report.html and summary.json)");
        }
    }
    let _ = writeln!(
        out,
        "verdict: {} (side {}, profile {}{}, target {}, {} ms)",
        run.verdict.label(),
        run.side(),
        run.profile,
        if run.strict { ", strict" } else { "" },
        run.target,
        run.duration_ms
    );
    let _ = writeln!(out, "  why: {}", run.verdict_explanation());
    out
}

/// One line per status: its name, how many, and which.
fn status_table<'a>(out: &mut String, rows: impl Iterator<Item = (RequirementStatus, &'a str)>) {
    let mut by_status = std::collections::BTreeMap::<RequirementStatus, Vec<&str>>::new();
    for (status, id) in rows {
        by_status.entry(status).or_default().push(id);
    }
    for (status, ids) in by_status {
        let _ = writeln!(
            out,
            "  {:<14} {:>2}  {}",
            status.name(),
            ids.len(),
            ids.join(" ")
        );
    }
}

/// A one-line progress display on stderr — scenarios done of the total and
/// failures so far — shown only when stderr is a terminal.
pub(crate) struct Progress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    failed: std::sync::atomic::AtomicUsize,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(total: usize, quiet: bool) -> Self {
        use std::io::IsTerminal as _;
        Progress {
            total,
            done: Default::default(),
            failed: Default::default(),
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Counts one finished scenario.
    pub(crate) fn tick(&self, failed: bool) {
        use std::sync::atomic::Ordering;
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let failures = if failed {
            self.failed.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.failed.load(Ordering::Relaxed)
        };
        if self.enabled {
            eprint!(
                "\r\x1b[2K[{done:>3}/{:<3}] {failures} failed so far",
                self.total
            );
        }
    }

    /// Clears the progress line.
    pub(crate) fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}
