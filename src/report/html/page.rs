//! The page as a whole (the askama template's values): the verdict and its
//! headline, the run's facts, the counts, the baseline, the requirements;
//! the scenarios are `scenario.rs`, the coverage matrix `matrix.rs`.

use askama::Template;
use sha2::{Digest, Sha256};

use super::super::model::{
    Comparison, DisplayOutcome, RequirementResult, RequirementStatus, RunReport, ScenarioResult,
    ScenarioStatus, Verdict,
};
use super::matrix::{matrix, MatrixRow, CODES};
use super::scenario::{FeatureGroup, ScenarioView};
use super::text::{duration_text, plural};

/// The failing requirement ids the banner names before it says "and n more".
const HEADLINE_IDS: usize = 8;

/// Everything the template shows, in the order it shows it.
#[derive(Template)]
#[template(path = "report.html")]
pub(super) struct Page<'a> {
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
    pub(super) lead: String,
    pub(super) bold: bool,
    pub(super) ids: String,
}

struct CountView {
    pub(super) n: usize,
    pub(super) label: &'static str,
    pub(super) tone: &'static str,
}

struct BaselineView<'a> {
    pub(super) regressed: bool,
    pub(super) rows: Vec<(&'static str, &'a [String], &'static str)>,
}

struct RequirementRow<'a> {
    pub(super) r: &'a RequirementResult,
    pub(super) status: &'static str,
    pub(super) status_text: String,
    /// The first line of the failure of a failed or warned requirement.
    pub(super) reason: Option<&'a str>,
    pub(super) links: Vec<FileLinks<'a>>,
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
    pub(super) file: &'a str,
    /// (scenario id, the text of its link: the line number).
    pub(super) links: Vec<(&'a str, &'a str)>,
}

impl<'a> Page<'a> {
    pub(super) fn new(run: &'a RunReport, summary_json: &str) -> Self {
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
    pub(super) fn new(c: &'a Comparison) -> Self {
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
