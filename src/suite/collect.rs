//! Turns what cucumber reports — its events and each scenario's World —
//! into the model's scenario results, with a typed outcome: passed,
//! failed (a finding about the target), or inconclusive with the reason
//! (harness error, rate-limited, not tested). Every text is redacted here,
//! before any writer sees it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cucumber::event::{self, ScenarioFinished};
use cucumber::gherkin;
use cucumber::{writer, Writer};

use crate::catalog::{self, Level};
use crate::features::scenario_id;
use crate::http::{ClientDefaults, Exchange};
use crate::redact::Redactor;
use crate::report::{millis, ScenarioResult, ScenarioStatus, StepResult, Undecided};

use super::finding::{Finding, FindingKind, HARNESS_PREFIX};

/// What a scenario's World kept that its result shows: either side's World
/// ([`super::world::PsaWorld`], [`super::psa_side::world::PsaSideWorld`]).
pub(crate) trait ScenarioRecord {
    /// When the scenario started.
    fn started(&self) -> std::time::Instant;
    /// Its exchanges, in the order they happened.
    fn exchanges(&self) -> &[Exchange];
    /// Harness problems: the scenario is then inconclusive, not failed.
    fn harness_errors(&self) -> &[String] {
        &[]
    }
    /// Free-form evidence lines.
    fn notes(&self) -> &[String];
    /// Requests still answered 429 when their retry budget was spent.
    fn rate_limited(&self) -> &[String] {
        &[]
    }
    /// What a replay command needs to send as the harness's client did.
    fn replay_defaults(&self) -> ClientDefaults {
        default_replay()
    }
}

/// The harness client's `User-Agent`, no TLS options.
pub(crate) fn default_replay() -> ClientDefaults {
    ClientDefaults {
        user_agent: Some(crate::http::USER_AGENT.to_string()),
        ..ClientDefaults::default()
    }
}

/// Longest body kept per exchange in a report.
pub(crate) const EVIDENCE_BODY_CHARS: usize = 4000;

fn tags_with_at(tags: &[String]) -> Vec<String> {
    tags.iter().map(|t| format!("@{t}")).collect()
}

/// The catalog requirements a scenario checks; for a scenario of one's own
/// (`--features`), the ID of its additional check instead.
fn requirement_ids(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> Vec<String> {
    let ids: Vec<String> = catalog::requirement_tags(&scenario.tags)
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    if !ids.is_empty() {
        return ids;
    }
    crate::features::own::check_id(feature.tags.iter().chain(&scenario.tags))
        .map(|id| vec![id.to_string()])
        .unwrap_or_default()
}

pub(crate) fn base(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioResult {
    ScenarioResult {
        id: scenario_id(feature, scenario),
        feature: feature.name.clone(),
        name: scenario.name.clone(),
        tags: tags_with_at(&scenario.tags),
        requirements: requirement_ids(feature, scenario),
        level: catalog::scenario_level(&scenario.tags),
        status: ScenarioStatus::Skipped,
        undecided: None,
        failure: None,
        skip_reason: None,
        duration_ms: 0,
        // Every step, not run until the run says otherwise.
        steps: feature
            .background
            .iter()
            .flat_map(|b| &b.steps)
            .chain(&scenario.steps)
            .map(|step| StepResult {
                line: step.position.line,
                keyword: step.keyword.trim().to_string(),
                text: step.value.clone(),
                status: ScenarioStatus::Skipped,
                error: None,
            })
            .collect(),
        exchanges: Vec::new(),
        notes: Vec::new(),
        reproduce: None,
    }
}

/// Every scenario a run selects, not yet run: what an interrupted run lists
/// for the ones it did not finish, and the progress bar's total.
pub(crate) fn planned(
    features: &crate::features::ParsedFeatures,
    profile: catalog::Profile,
    tags: Option<&cucumber::gherkin::tagexpr::TagOperation>,
    applicability: crate::features::Applicability,
) -> Vec<ScenarioResult> {
    use crate::features::{select, Selection};
    features
        .iter()
        .flatten()
        .flat_map(|f| {
            f.scenarios
                .iter()
                .filter(|s| select(f, s, profile, tags, Some(applicability)) == Selection::Run)
                .map(|s| skipped(f, s, String::new()))
        })
        .collect()
}

/// A scenario the run decided not to execute, with the reason.
pub(crate) fn skipped(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    reason: String,
) -> ScenarioResult {
    ScenarioResult {
        skip_reason: Some(reason),
        ..base(feature, scenario)
    }
}

/// A scenario cucumber ran, from the `after` hook.
pub(crate) fn finished<W: ScenarioRecord>(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    outcome: &ScenarioFinished,
    world: Option<&mut W>,
    redactor: &Redactor,
) -> ScenarioResult {
    let (status, mut failure, kind) = outcome_of(outcome);
    let mut result = ScenarioResult {
        status,
        ..base(feature, scenario)
    };
    let mut harness = kind == Some(FindingKind::Harness);
    let not_tested = kind == Some(FindingKind::NotTested);
    let mut rate_limited = false;
    if let Some(w) = world {
        result.duration_ms = millis(w.started().elapsed());
        harness |= status == ScenarioStatus::Failed && !w.harness_errors().is_empty();
        if !w.rate_limited().is_empty() {
            // Outside section 7 a 429 is never a finding: the check
            // could not be made (REQUIREMENTS.md §7).
            rate_limited = true;
            failure = Some(format!(
                    "the target still answered 429 when the retry budget was spent\n  actual    {}\n  hint      the run was rate-limited; lower --concurrency or run again later",
                    w.rate_limited().join("\n            ")
                ));
        }
        let client = w.replay_defaults();
        result.exchanges = w
            .exchanges()
            .iter()
            .map(|e| e.redacted(redactor, EVIDENCE_BODY_CHARS, &client))
            .collect();
        result.notes = w
            .notes()
            .iter()
            .map(|n| redactor.redact(n).into_owned())
            .collect();
        if harness && !w.harness_errors().is_empty() {
            result.notes.extend(
                w.harness_errors()
                    .iter()
                    .map(|n| redactor.redact(n).into_owned()),
            );
        }
    }
    result.undecided = if rate_limited {
        Some(Undecided::RateLimited)
    } else if harness {
        Some(Undecided::Harness)
    } else if not_tested {
        Some(Undecided::NotTested)
    } else {
        None
    };
    if result.undecided.is_some() {
        result.status = ScenarioStatus::Inconclusive;
    }
    result.failure = failure.map(|f| redactor.redact(&f).into_owned());
    result
}

/// A check over every exchange of the run (ERR-01/02/03).
pub(crate) fn run_wide(
    id: &str,
    name: &str,
    tags: Vec<String>,
    offenders: &[(String, Exchange)],
    (observed, what): (usize, &str),
    redactor: &Redactor,
) -> ScenarioResult {
    let level = catalog::find(id).map(|r| r.level).unwrap_or(Level::Must);
    let failure = (!offenders.is_empty()).then(|| {
        let lines: Vec<String> = offenders
            .iter()
            .take(10)
            .map(|(what, e)| format!("{} — {what}", e.summary_line()))
            .collect();
        redactor
            .redact(&format!(
                "{} of {observed} {what} break {id}\n  expected  {name}\n  actual    {}{}",
                offenders.len(),
                lines.join("\n            "),
                if offenders.len() > 10 {
                    "\n            …"
                } else {
                    ""
                }
            ))
            .into_owned()
    });
    ScenarioResult {
        id: format!("run-wide:{id}"),
        feature: "Run-wide checks".into(),
        name: format!("Across the run, {name} ({observed} checked)"),
        requirements: vec![id.to_string()],
        tags,
        level,
        status: if failure.is_some() {
            ScenarioStatus::Failed
        } else {
            ScenarioStatus::Passed
        },
        undecided: None,
        failure,
        skip_reason: None,
        duration_ms: 0,
        steps: Vec::new(),
        exchanges: offenders
            .iter()
            .take(10)
            .map(|(_, e)| e.redacted(redactor, EVIDENCE_BODY_CHARS, &default_replay()))
            .collect(),
        notes: Vec::new(),
        reproduce: None,
    }
}

/// Step outcomes per scenario id, gathered from cucumber's events.
#[derive(Clone, Default)]
pub(crate) struct StepCollector {
    pub(crate) steps: Arc<Mutex<HashMap<String, Vec<StepResult>>>>,
    pub(crate) parse_errors: Arc<Mutex<Vec<String>>>,
}

impl StepCollector {
    /// Fills in each scenario's steps as they ran (redacted); steps cucumber
    /// never reached stay skipped. Returns the parse errors seen.
    pub(crate) fn fill_in(
        &self,
        scenarios: &mut [ScenarioResult],
        redactor: &Redactor,
    ) -> Vec<String> {
        let steps = std::mem::take(&mut *self.steps.lock().unwrap_or_else(|e| e.into_inner()));
        for s in scenarios.iter_mut() {
            for ran in steps.get(&s.id).into_iter().flatten() {
                let error = ran.error.as_ref().map(|e| redactor.redact(e).into_owned());
                match s.steps.iter_mut().find(|st| st.line == ran.line) {
                    Some(step) => {
                        step.status = ran.status;
                        step.error = error;
                    }
                    None => s.steps.push(StepResult {
                        error,
                        ..ran.clone()
                    }),
                }
            }
        }
        std::mem::take(&mut *self.parse_errors.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl<W: cucumber::World> Writer<W> for StepCollector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        ev: cucumber::parser::Result<cucumber::Event<event::Cucumber<W>>>,
        _cli: &Self::Cli,
    ) {
        let ev = match ev {
            Ok(ev) => ev.value,
            Err(e) => {
                self.parse_errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(crate::http::error_chain(&e));
                return;
            }
        };
        let event::Cucumber::Feature(feature, fev) = ev else {
            return;
        };
        let (scenario, sev) = match fev {
            event::Feature::Scenario(s, r) => (s, r.event),
            event::Feature::Rule(_, event::Rule::Scenario(s, r)) => (s, r.event),
            _ => return,
        };
        let (step, stev) = match sev {
            event::Scenario::Step(st, e) | event::Scenario::Background(st, e) => (st, e),
            _ => return,
        };
        let (status, error) = match stev {
            event::Step::Started => return,
            event::Step::Passed(..) => (ScenarioStatus::Passed, None),
            event::Step::Skipped => (ScenarioStatus::Skipped, None),
            event::Step::Failed(_, _, _, err) => {
                (ScenarioStatus::Failed, Some(step_error_text(&err)))
            }
        };
        let id = scenario_id(&feature, &scenario);
        self.steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id)
            .or_default()
            .push(StepResult {
                line: step.position.line,
                keyword: step.keyword.trim().to_string(),
                text: step.value.clone(),
                status,
                error,
            });
    }
}

impl writer::NonTransforming for StepCollector {}

/// A failed step's text and, when it failed with a [`Finding`] (the payload
/// [`crate::suite::finding::StepOutcome`] unwinds with), that finding's
/// kind. Any other panic is a bug of the suite: a harness error.
fn step_error(err: &event::StepError) -> (String, FindingKind) {
    match err {
        event::StepError::Panic(payload) => {
            if let Some(finding) = payload.downcast_ref::<Finding>() {
                return (finding.to_string(), finding.kind);
            }
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the step panicked".into());
            (format!("{HARNESS_PREFIX}{text}"), FindingKind::Harness)
        }
        other => (format!("{HARNESS_PREFIX}{other}"), FindingKind::Harness),
    }
}

fn step_error_text(err: &event::StepError) -> String {
    step_error(err).0
}

/// The `after` hook's view of a scenario's outcome: its status, the
/// failure's text, and the failure's kind.
pub(crate) fn outcome_of(
    finished: &ScenarioFinished,
) -> (ScenarioStatus, Option<String>, Option<FindingKind>) {
    match finished {
        ScenarioFinished::StepPassed => (ScenarioStatus::Passed, None, None),
        ScenarioFinished::StepSkipped => (
            ScenarioStatus::Failed,
            Some(format!(
                "{HARNESS_PREFIX}a step matches no step definition (a bug in the suite)"
            )),
            Some(FindingKind::Harness),
        ),
        ScenarioFinished::StepFailed(_, _, err) => {
            let (text, kind) = step_error(err);
            (ScenarioStatus::Failed, Some(text), Some(kind))
        }
        ScenarioFinished::BeforeHookFailed(_) => (
            ScenarioStatus::Failed,
            Some(format!("{HARNESS_PREFIX}the scenario could not be set up")),
            Some(FindingKind::Harness),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn panic_with(payload: impl std::any::Any + Send) -> event::StepError {
        event::StepError::Panic(Arc::new(payload))
    }

    #[test]
    fn a_failed_step_is_judged_by_its_findings_type_not_its_text() {
        let harness = Finding::harness("no response to GET /api/standard-psa");
        assert_eq!(step_error(&panic_with(harness)).1, FindingKind::Harness);
        let not_tested = Finding::not_tested("the burst got no 429");
        assert_eq!(
            step_error(&panic_with(not_tested)).1,
            FindingKind::NotTested
        );
        // A finding about the target whose words look like a harness
        // error's is still a finding about the target.
        let failure = Finding::failure(format!("{HARNESS_PREFIX}look-alike"));
        let (text, kind) = step_error(&panic_with(failure));
        assert_eq!(kind, FindingKind::Failure);
        assert!(text.contains("look-alike"));
        // Any other panic in a step is a bug of the suite.
        let bug = step_error(&panic_with("index out of bounds".to_string()));
        assert_eq!(bug.1, FindingKind::Harness);
    }
}
