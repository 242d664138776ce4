//! The one scenario driver both sides use: cucumber over the selected
//! features, in phases, with a side's World.
//!
//! A side is a [`SideWorld`]: its World, the run context every scenario
//! shares, what a scenario waits for before it starts (the lifecycle lock)
//! and what it gathers when it ends (the PSA's callbacks). The driver owns
//! the rest, once: which scenarios a phase runs and which it lists as
//! skipped with their reason, concurrency and `@serial`, the results,
//! progress, step text fill-in and interruption by a signal. Adding a side
//! adds a World and its steps; it does not copy the driver.

use std::sync::{Arc, Mutex};

use cucumber::gherkin;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::writer::Ext as _;
use futures::future::LocalBoxFuture;

use crate::catalog::Profile;
use crate::features::{select, Applicability, EmbeddedFeatures, ParsedFeatures, Selection};
use crate::interrupt::Stop;
use crate::redact::Redactor;
use crate::report::{ScenarioResult, ScenarioStatus};

use super::collect::{self, ScenarioRecord, StepCollector};

/// What a side brings to the driver.
pub(crate) trait SideWorld:
    cucumber::World + cucumber::codegen::WorldInventory + ScenarioRecord + std::fmt::Debug
{
    /// What every scenario of one run shares.
    type Context: Send + Sync + 'static;

    /// Hands the scenario the run's context before its first step; the
    /// future is what the scenario waits for before it starts.
    fn join_run<'a>(
        &'a mut self,
        ctx: Arc<Self::Context>,
        tags: Vec<&'a String>,
    ) -> LocalBoxFuture<'a, ()>;

    /// Called when the scenario has ended, before its result is collected.
    fn finish(&mut self) {}

    /// The run's redactor: every text of a result passes through it.
    fn redactor(ctx: &Self::Context) -> &Redactor;
}

/// Which scenarios a phase runs, and how many at once.
pub(crate) struct Phase {
    pub(crate) features: ParsedFeatures,
    /// Whether a scenario belongs to this phase (the others are not listed).
    pub(crate) belongs: fn(&gherkin::Feature, &gherkin::Scenario) -> bool,
    pub(crate) max_concurrent: usize,
}

/// What every phase of one run shares.
pub(crate) struct Drive<C> {
    pub(crate) ctx: Arc<C>,
    pub(crate) profile: Profile,
    pub(crate) tags: Option<TagOperation>,
    pub(crate) applicability: Applicability,
    pub(crate) strict: bool,
    pub(crate) events: Arc<dyn super::events::RunEvents>,
}

/// What cucumber reported, before it becomes a report.
pub(crate) struct ScenariosOutcome {
    pub scenarios: Vec<ScenarioResult>,
    pub parse_errors: Vec<String>,
    /// Set when a signal stopped the run before every scenario finished.
    pub interrupted: Option<crate::interrupt::Interrupted>,
}

/// Tags that make a scenario run alone (never beside another).
const SERIAL_TAGS: [&str; 2] = ["serial", "rate-limit"];

/// Runs the phases in order (a signal stops the run between or within
/// them), then fills in step texts and marks what a signal left unfinished.
/// `planned` lists every scenario the run selects, for an interrupted run.
pub(crate) async fn drive<W: SideWorld>(
    drive: Drive<W::Context>,
    phases: Vec<Phase>,
    planned: Vec<ScenarioResult>,
    stop: &mut Stop,
) -> ScenariosOutcome {
    let drive = Arc::new(drive);
    let results: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    let collector = StepCollector::default();
    let mut signal = None;
    for phase in phases {
        if signal.is_some() {
            break;
        }
        signal = run_phase::<W>(&drive, &results, &collector, phase, stop).await;
    }
    drive.events.scenarios_finished();
    let mut scenarios = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
    let parse_errors = collector.fill_in(&mut scenarios, W::redactor(&drive.ctx));
    let interrupted =
        signal.map(|signal| crate::interrupt::Interrupted::new(signal, planned, &mut scenarios));
    ScenariosOutcome {
        scenarios,
        parse_errors,
        interrupted,
    }
}

/// One phase: the scenarios that belong to it and the selection runs; the
/// signal, when one stopped it.
async fn run_phase<W: SideWorld>(
    drive: &Arc<Drive<W::Context>>,
    results: &Arc<Mutex<Vec<ScenarioResult>>>,
    collector: &StepCollector,
    phase: Phase,
    stop: &mut Stop,
) -> Option<crate::interrupt::Interrupt> {
    let belongs = phase.belongs;
    let filter = {
        let (d, results) = (drive.clone(), results.clone());
        move |f: &gherkin::Feature, _: Option<&gherkin::Rule>, sc: &gherkin::Scenario| {
            if !belongs(f, sc) {
                return false;
            }
            match select(f, sc, d.profile, d.tags.as_ref(), Some(d.applicability)) {
                Selection::Run => true,
                Selection::Exclude => false,
                Selection::Skip(reason) => {
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(collect::skipped(f, sc, reason));
                    false
                }
            }
        }
    };
    let before = drive.clone();
    let (after, after_results) = (drive.clone(), results.clone());
    let run = W::cucumber::<&str>()
        .with_parser(EmbeddedFeatures)
        .with_writer(collector.clone().normalized())
        .with_default_cli()
        .max_concurrent_scenarios(phase.max_concurrent)
        .which_scenario(|f, _, s| {
            let serial = f
                .tags
                .iter()
                .chain(s.tags.iter())
                .any(|t| SERIAL_TAGS.contains(&t.as_str()));
            if serial {
                cucumber::runner::basic::ScenarioType::Serial
            } else {
                cucumber::runner::basic::ScenarioType::Concurrent
            }
        })
        .before(move |feature, _, scenario, world: &mut W| {
            let tags = feature.tags.iter().chain(scenario.tags.iter()).collect();
            world.join_run(before.ctx.clone(), tags)
        })
        .after(
            move |feature, _, scenario, outcome, world: Option<&mut W>| {
                let mut world = world;
                if let Some(w) = world.as_deref_mut() {
                    w.finish();
                }
                let redactor = W::redactor(&after.ctx);
                let result = collect::finished(feature, scenario, outcome, world, redactor);
                let failed =
                    result.status == ScenarioStatus::Failed && !result.is_warning(after.strict);
                after.events.scenario_finished(failed);
                after_results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(result);
                Box::pin(async {})
            },
        )
        .filter_run(phase.features, filter);
    // Dropping the run future on a signal cancels every request in flight
    // and sends no more.
    tokio::select! {
        _ = run => None,
        signal = stop.wait() => Some(signal),
    }
}
