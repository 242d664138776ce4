//! `report.html`: one self-contained page (inline CSS, no script, nothing
//! loaded from anywhere) for the person deciding acceptance and the engineer
//! fixing a failure — the verdict, the requirements, an endpoint × status
//! coverage matrix, the changes against a baseline, and per scenario its
//! steps and redacted evidence. It opens offline and prints with every
//! collapsed section expanded.
//!
//! The page is the askama template `templates/report.html` (its CSS,
//! `templates/report.css`, is included into it when the suite is
//! compiled). This module only turns the run model into the plain values
//! the template shows — texts, numbers, the display outcome the model
//! decided ([`ScenarioResult::display_outcome`]) — and never writes markup:
//! askama escapes every value it prints, so a text from the target cannot
//! become markup. The only links are to anchors inside the page.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use sha2::{Digest, Sha256};

use super::model::Comparison;
use super::model::{
    DisplayOutcome, RequirementResult, RequirementStatus, RunReport, ScenarioResult,
    ScenarioStatus, Verdict,
};
use crate::api::{self, Endpoint};
use crate::http::ExchangeRecord;

/// The status codes of the coverage matrix.
const CODES: [u16; 6] = [200, 400, 401, 403, 404, 429];

/// The failing requirement ids the banner names before it says "and n more".
const HEADLINE_IDS: usize = 8;

/// The whole page.
pub fn render(run: &RunReport, summary_json: &str) -> String {
    let page = Page::new(run, summary_json);
    // Rendering into a String fails only if a value's Display does, and
    // none of these can; the page then still says what happened.
    page.render().unwrap_or_else(|e| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>PSA conformance report</title></head><body><main><h1>{}</h1><p>report.html could not be rendered: {}</p></main></body></html>\n",
            run.verdict.label(),
            e.to_string().replace(['<', '>', '&', '"'], " ")
        )
    })
}

/// Everything the template shows, in the order it shows it.
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    run: &'a RunReport,
    version: &'static str,
    verdict_class: &'static str,
    verdict_mark: &'static str,
    headline: Vec<HeadlinePart>,
    meta: Vec<(&'static str, String)>,
    digest: String,
    explanation: String,
    counts: Vec<CountView>,
    attention_count: usize,
    attention_text: String,
    baseline: Option<BaselineView<'a>>,
    requirements: Vec<RequirementRow<'a>>,
    /// The scenarios of one's own (`--features`), by ID.
    additional: Vec<AdditionalRow<'a>>,
    codes: [u16; 6],
    matrix: Vec<MatrixRow>,
    /// N-central's endpoints were the target's (not on the vendor's side,
    /// where the exchanges are pushes and callbacks, shown per scenario).
    show_matrix: bool,
    attention: Vec<ScenarioView<'a>>,
    features: Vec<FeatureGroup<'a>>,
    others_text: String,
    flaky_count: usize,
}

/// One part of the sentence under the verdict: `4 failed: TCKT-01, …`.
struct HeadlinePart {
    lead: String,
    bold: bool,
    ids: String,
}

struct CountView {
    n: usize,
    label: &'static str,
    tone: &'static str,
}

struct BaselineView<'a> {
    regressed: bool,
    rows: Vec<(&'static str, &'a [String], &'static str)>,
}

struct RequirementRow<'a> {
    r: &'a RequirementResult,
    status: &'static str,
    status_text: String,
    /// The first line of the failure of a failed or warned requirement.
    reason: Option<&'a str>,
    links: Vec<FileLinks<'a>>,
}

/// One additional check (`--features`): never part of the verdict.
struct AdditionalRow<'a> {
    c: &'a crate::report::AdditionalCheck,
    status: &'static str,
    status_text: String,
    links: Vec<FileLinks<'a>>,
}

/// `tickets.feature: 10, 12`: a file's scenarios of one requirement.
struct FileLinks<'a> {
    file: &'a str,
    /// (scenario id, the text of its link: the line number).
    links: Vec<(&'a str, &'a str)>,
}

struct MatrixRow {
    /// `POST /api/standard-psa/{psaType}/credential`.
    endpoint: String,
    cells: Vec<Option<CellView>>,
    /// Statuses outside [`CODES`].
    other: Option<OtherCell>,
}

/// The "other" cell: every further status, coloured by the worst of them.
struct OtherCell {
    worst: &'static str,
    codes: Vec<(u16, CellView)>,
}

/// One cell of the matrix: `✗ 2 of 5`.
struct CellView {
    class: &'static str,
    mark: &'static str,
    n: usize,
    of: Option<usize>,
}

struct FeatureGroup<'a> {
    name: &'a str,
    scenarios: Vec<ScenarioView<'a>>,
}

struct ScenarioView<'a> {
    s: &'a ScenarioResult,
    outcome: &'static str,
    outcome_text: String,
    requirements: String,
    duration: String,
    /// The sentence above the failure text.
    heading: String,
    /// The class of the failure text: `failure warn` for a warning.
    failure_class: &'static str,
    steps: Vec<StepView<'a>>,
    evidence_open: bool,
    evidence_text: String,
    exchanges: Vec<ExchangeView<'a>>,
}

struct StepView<'a> {
    class: &'static str,
    mark: &'static str,
    keyword: &'a str,
    text: &'a str,
}

struct ExchangeView<'a> {
    e: &'a ExchangeRecord,
    status_class: &'static str,
    elapsed: String,
    /// When it was sent (or, a callback, received): UTC, to the millisecond.
    started: String,
    request: String,
    response: Option<String>,
}

impl<'a> Page<'a> {
    fn new(run: &'a RunReport, summary_json: &str) -> Self {
        let digest: String = Sha256::digest(summary_json.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let (verdict_class, verdict_mark) = match run.verdict {
            Verdict::Conformant => ("conformant", "✓"),
            Verdict::Partial => ("partial", "◐"),
            Verdict::NotConformant => ("not-conformant", "✗"),
            Verdict::Inconclusive => ("inconclusive", "?"),
        };
        let strict = if run.strict {
            "on — SHOULD failures count as failures"
        } else {
            "off — SHOULD failures are warnings"
        };
        let meta = vec![
            ("Target", run.target.clone()),
            (
                "Side",
                match run.side() {
                    crate::catalog::Side::Psa => {
                        "psa — the target is a custom PSA; the harness played N-central".to_string()
                    }
                    crate::catalog::Side::Ncentral => {
                        "ncentral — the target implements N-central's API".to_string()
                    }
                },
            ),
            ("Profile", run.profile.to_string()),
            ("Started", run.started_at.clone()),
            ("Strict mode", strict.to_string()),
            ("Duration", duration_text(run.duration_ms)),
            ("Suite version", env!("CARGO_PKG_VERSION").to_string()),
        ];
        let c = run.counts;
        let counts = [
            (c.passed, "scenarios passed", "ok"),
            (c.failed, "failed", "bad"),
            (c.warned, "warned (SHOULD)", "warn"),
            (c.inconclusive, "inconclusive", "warn"),
            (c.skipped, "skipped", ""),
        ]
        .into_iter()
        .map(|(n, label, tone)| CountView {
            n,
            label,
            tone: if n > 0 { tone } else { "" },
        })
        .collect();

        let mut ordered: Vec<(&ScenarioResult, DisplayOutcome)> = run
            .scenarios
            .iter()
            .map(|s| (s, s.display_outcome(run.strict)))
            .collect();
        // Stable: worst first, then in run order.
        ordered.sort_by_key(|(_, outcome)| *outcome);
        let (attention, others): (Vec<_>, Vec<_>) = ordered
            .into_iter()
            .partition(|(_, outcome)| outcome.needs_attention());
        let flaky_count = others
            .iter()
            .filter(|(_, o)| *o == DisplayOutcome::Flaky)
            .count();
        let others_count = others.len();
        let mut features: Vec<FeatureGroup> = Vec::new();
        for (s, outcome) in others {
            let view = ScenarioView::new(run, s, outcome);
            match features.iter_mut().find(|f| f.name == s.feature) {
                Some(group) => group.scenarios.push(view),
                None => features.push(FeatureGroup {
                    name: &s.feature,
                    scenarios: vec![view],
                }),
            }
        }

        Page {
            run,
            version: env!("CARGO_PKG_VERSION"),
            verdict_class,
            verdict_mark,
            headline: headline(run),
            meta,
            digest,
            explanation: run.verdict_explanation(),
            counts,
            attention_count: attention.len(),
            attention_text: plural(attention.len(), "scenario", "scenarios"),
            baseline: run.regressions.as_ref().map(BaselineView::new),
            requirements: requirement_rows(run),
            additional: run
                .additional
                .iter()
                .map(|c| AdditionalRow {
                    c,
                    status: c.status.name(),
                    status_text: c.status.name().replace('-', " "),
                    links: scenario_links(&c.scenarios),
                })
                .collect(),
            codes: CODES,
            matrix: matrix(run),
            show_matrix: run.side() == crate::catalog::Side::Ncentral,
            attention: attention
                .into_iter()
                .map(|(s, outcome)| ScenarioView::new(run, s, outcome))
                .collect(),
            features,
            others_text: plural(others_count, "scenario", "scenarios"),
            flaky_count,
        }
    }
}

/// How the requirements ended, naming the failed and warned ones.
fn headline(run: &RunReport) -> Vec<HeadlinePart> {
    let with = |status: RequirementStatus| -> Vec<&str> {
        run.requirements
            .iter()
            .filter(|r| r.status == status)
            .map(|r| r.id)
            .collect()
    };
    let mut parts = Vec::new();
    let failed = with(RequirementStatus::Failed);
    if !failed.is_empty() {
        let mut ids = failed
            .iter()
            .take(HEADLINE_IDS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if failed.len() > HEADLINE_IDS {
            ids.push_str(&format!(" and {} more", failed.len() - HEADLINE_IDS));
        }
        parts.push(HeadlinePart {
            lead: format!("{} failed", failed.len()),
            bold: true,
            ids,
        });
    }
    let warned = with(RequirementStatus::Warned);
    if !warned.is_empty() {
        parts.push(HeadlinePart {
            lead: format!("{} warned", warned.len()),
            bold: false,
            ids: warned.join(", "),
        });
    }
    for (status, word) in [
        (RequirementStatus::Passed, "passed"),
        (RequirementStatus::Inconclusive, "inconclusive"),
        (RequirementStatus::Untested, "untested"),
        (RequirementStatus::NotApplicable, "not applicable"),
    ] {
        let n = with(status).len();
        if n > 0 {
            parts.push(HeadlinePart {
                lead: format!("{n} {word}"),
                bold: false,
                ids: String::new(),
            });
        }
    }
    parts
}

impl<'a> BaselineView<'a> {
    fn new(c: &'a Comparison) -> Self {
        BaselineView {
            regressed: c.regressed(),
            rows: vec![
                ("New failures", &c.new_failures, "bad"),
                ("Fixed", &c.fixed, "ok"),
                ("Still failing", &c.still_failing, ""),
                ("Added scenarios", &c.added_scenarios, ""),
                ("Removed scenarios", &c.removed_scenarios, ""),
            ],
        }
    }
}

/// Failed, then warned, then the rest in catalog order.
fn requirement_rows(run: &RunReport) -> Vec<RequirementRow<'_>> {
    let mut ordered: Vec<&RequirementResult> = run.requirements.iter().collect();
    ordered.sort_by_key(|r| match r.status {
        RequirementStatus::Failed => 0,
        RequirementStatus::Warned => 1,
        _ => 2,
    });
    ordered
        .into_iter()
        .map(|r| {
            let reason = matches!(
                r.status,
                RequirementStatus::Failed | RequirementStatus::Warned
            )
            .then(|| {
                run.scenarios
                    .iter()
                    .filter(|s| s.status == ScenarioStatus::Failed && r.scenarios.contains(&s.id))
                    .find_map(|s| s.failure_title())
            })
            .flatten();
            RequirementRow {
                r,
                status: r.status.name(),
                status_text: r.status.name().replace('-', " "),
                reason,
                links: scenario_links(&r.scenarios),
            }
        })
        .collect()
}

/// `features/x.feature:10`, `…:12` → `x.feature: 10, 12`, one entry a file.
fn scenario_links(ids: &[String]) -> Vec<FileLinks<'_>> {
    let mut by_file: Vec<FileLinks> = Vec::new();
    for id in ids {
        let (file, line) = match id.rsplit_once(':') {
            Some((file, line)) if !file.starts_with("run-wide") => (file, line),
            _ => ("", id.as_str()),
        };
        let file = file.trim_start_matches("features/");
        match by_file.iter_mut().find(|f| f.file == file) {
            Some(f) => f.links.push((id, line)),
            None => by_file.push(FileLinks {
                file,
                links: vec![(id, line)],
            }),
        }
    }
    by_file
}

impl<'a> ScenarioView<'a> {
    fn new(run: &'a RunReport, s: &'a ScenarioResult, outcome: DisplayOutcome) -> Self {
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

fn duration_text(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.2} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// `1 scenario`, `2 scenarios`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The path part of the target URL when the API sits below the root
/// (`https://host/ncentral`), so exchange paths can be matched without it.
fn target_path_prefix(target: &str) -> String {
    url::Url::parse(target)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default()
}

/// The matrix row an exchange belongs to, if it went to one of the five
/// PSA endpoints: that endpoint's operationId.
fn endpoint_of(e: &ExchangeRecord, prefix: &str) -> Option<&'static str> {
    let url = url::Url::parse(&e.url).ok()?;
    let path = url.path();
    let path = path
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(path);
    api::find(&e.method, path)
        .filter(|endpoint| endpoint.certified_psa)
        .map(|endpoint| endpoint.operation_id)
}

/// How the scenarios that received one status from one endpoint ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Cell {
    passed: usize,
    warned: usize,
    failed: usize,
}

impl Cell {
    fn total(self) -> usize {
        self.passed + self.warned + self.failed
    }

    fn view(self) -> CellView {
        if self.failed > 0 {
            CellView {
                class: "c-bad",
                mark: "✗",
                n: self.failed,
                of: Some(self.total()),
            }
        } else if self.warned > 0 {
            CellView {
                class: "c-warn",
                mark: "!",
                n: self.warned,
                of: Some(self.total()),
            }
        } else {
            CellView {
                class: "c-ok",
                mark: "✓",
                n: self.passed,
                of: None,
            }
        }
    }
}

/// (endpoint's operationId, status) → how the scenarios that saw it ended; each scenario
/// counts once per cell however many such exchanges it made. Statuses outside
/// [`CODES`] are kept for the matrix's "other" column.
fn coverage(run: &RunReport) -> BTreeMap<(&'static str, u16), Cell> {
    let prefix = target_path_prefix(&run.target);
    let mut cells: BTreeMap<(&'static str, u16), Cell> = BTreeMap::new();
    for s in &run.scenarios {
        let outcome = s.display_outcome(run.strict);
        let mut seen = BTreeSet::new();
        for e in &s.exchanges {
            let (Some(endpoint), Some(status)) = (endpoint_of(e, &prefix), e.status) else {
                continue;
            };
            if !seen.insert((endpoint, status)) {
                continue;
            }
            let cell = cells.entry((endpoint, status)).or_default();
            match outcome {
                o if o.passed() => cell.passed += 1,
                DisplayOutcome::Warned => cell.warned += 1,
                _ => cell.failed += 1,
            }
        }
    }
    cells
}

fn matrix(run: &RunReport) -> Vec<MatrixRow> {
    let cells = coverage(run);
    api::certified_psa()
        .map(|endpoint: &Endpoint| {
            let id = endpoint.operation_id;
            let others: Vec<(u16, Cell)> = cells
                .iter()
                .filter(|((e, code), _)| *e == id && !CODES.contains(code))
                .map(|((_, code), cell)| (*code, *cell))
                .collect();
            let other = others
                .iter()
                .map(|(_, cell)| *cell)
                .max_by_key(|cell| (cell.failed > 0, cell.warned > 0))
                .map(|worst| OtherCell {
                    worst: worst.view().class,
                    codes: others
                        .iter()
                        .map(|(code, cell)| (*code, cell.view()))
                        .collect(),
                });
            MatrixRow {
                endpoint: endpoint.key(),
                cells: CODES
                    .iter()
                    .map(|code| cells.get(&(id, *code)).map(|c| c.view()))
                    .collect(),
                other,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
