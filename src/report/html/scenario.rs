//! A scenario as report.html shows it: its outcome, the sentence above its
//! failure, its steps and its redacted exchanges.

use super::super::model::{DisplayOutcome, RunReport, ScenarioResult, ScenarioStatus};
use super::text::{duration_text, plural};
use crate::http::ExchangeRecord;

pub(super) struct FeatureGroup<'a> {
    pub(super) name: &'a str,
    pub(super) scenarios: Vec<ScenarioView<'a>>,
}

pub(super) struct ScenarioView<'a> {
    pub(super) s: &'a ScenarioResult,
    pub(super) outcome: &'static str,
    pub(super) outcome_text: String,
    pub(super) requirements: String,
    pub(super) duration: String,
    /// The sentence above the failure text.
    pub(super) heading: String,
    /// The class of the failure text: `failure warn` for a warning.
    pub(super) failure_class: &'static str,
    pub(super) steps: Vec<StepView<'a>>,
    pub(super) evidence_open: bool,
    pub(super) evidence_text: String,
    pub(super) exchanges: Vec<ExchangeView<'a>>,
}

pub(super) struct StepView<'a> {
    pub(super) class: &'static str,
    pub(super) mark: &'static str,
    pub(super) keyword: &'a str,
    pub(super) text: &'a str,
}

pub(super) struct ExchangeView<'a> {
    pub(super) e: &'a ExchangeRecord,
    pub(super) status_class: &'static str,
    pub(super) elapsed: String,
    /// When it was sent (or, a callback, received): UTC, to the millisecond.
    pub(super) started: String,
    pub(super) request: String,
    pub(super) response: Option<String>,
}

impl<'a> ScenarioView<'a> {
    pub(super) fn new(run: &'a RunReport, s: &'a ScenarioResult, outcome: DisplayOutcome) -> Self {
        // Only shown above a failure text; made for every scenario, cheaply.
        let broken = broken_requirements(run, s);
        let (heading, failure_class) = match outcome {
                DisplayOutcome::Error => (
                    "Harness error — the suite could not make this check; not a finding about the target.".to_string(),
                    "failure",
                ),
                DisplayOutcome::Warned => (
                    format!("SHOULD not met (a warning; a failure with --strict): {broken}"),
                    "failure warn",
                ),
                DisplayOutcome::Inconclusive(_) | DisplayOutcome::NotTested => (
                    format!(
                        "{} — the check could not be made; not a finding about the target: {broken}",
                        capitalised(outcome.undecided_label().unwrap_or("inconclusive"))
                    ),
                    "failure warn",
                ),
                _ => (format!("Breaks {broken}"), "failure"),
            };
        ScenarioView {
            s,
            outcome: outcome.name(),
            outcome_text: outcome.name().replace('-', " "),
            requirements: s.requirements.join(", "),
            duration: duration_text(s.duration_ms),
            heading,
            failure_class,
            steps: s
                .steps
                .iter()
                .map(|step| {
                    let (class, mark) = match step.status {
                        ScenarioStatus::Passed => ("st-passed", "✓"),
                        ScenarioStatus::Failed => ("st-failed", "✗"),
                        ScenarioStatus::Inconclusive => ("st-skipped", "?"),
                        ScenarioStatus::Skipped => ("st-skipped", "–"),
                    };
                    StepView {
                        class,
                        mark,
                        keyword: step.keyword.trim(),
                        text: &step.text,
                    }
                })
                .collect(),
            evidence_open: matches!(
                outcome,
                DisplayOutcome::Failed | DisplayOutcome::Error | DisplayOutcome::Warned
            ),
            evidence_text: plural(s.exchanges.len(), "exchange", "exchanges"),
            exchanges: s
                .exchanges
                .iter()
                .map(|e| ExchangeView {
                    e,
                    status_class: match e.status {
                        Some(code) if code >= 500 => "code x5",
                        Some(_) => "code",
                        None => "code none",
                    },
                    elapsed: format!("{:.1}", e.elapsed_ms),
                    started: e.started_at.strftime("%H:%M:%S%.3f").to_string(),
                    request: message_text(&e.request_headers, e.request_body.as_deref()),
                    response: e
                        .status
                        .map(|_| message_text(&e.response_headers, e.response_body.as_deref())),
                })
                .collect(),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `ERR-03 (MUST) — no response echoes …`, for each requirement of a scenario.
fn broken_requirements(run: &RunReport, s: &ScenarioResult) -> String {
    s.requirements
        .iter()
        .map(|id| match run.requirements.iter().find(|r| r.id == id) {
            Some(r) => format!("{} ({}) — {}", r.id, r.level, r.title),
            None => format!("{id} ({})", s.level),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn message_text(headers: &[(String, String)], body: Option<&str>) -> String {
    let mut text = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(body) = body {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(body);
    }
    text
}
