//! `ctrf.json`: the run in the Common Test Report Format (ctrf-io/ctrf;
//! its published schema is `tests/data/ctrf/ctrf.schema.json`), one test
//! per scenario, run-wide checks included.
//!
//! Statuses: passed, failed, skipped, and `other` for what CTRF has no
//! word for: a SHOULD warning (`rawStatus` `warned`) and a scenario that
//! ran but could not decide (`rawStatus` `inconclusive (rate-limited)`
//! and the like) — so `other` is `summary.json`'s `warned` plus
//! `inconclusive`, each also counted in the summary's `extra`. A scenario that passed only after a 429 was waited out is
//! `flaky`, each waited-out 429 a retry attempt. The verdict, and what
//! the CTRF counts cannot say, are in `extra` under `psa-conformance.`.

use serde_json::{json, Map, Value};

use super::model::{DisplayOutcome, RunReport, ScenarioResult, ScenarioStatus};

/// The CTRF version this file follows (the spec and the reference
/// implementation, npm `ctrf` 0.3, call it so).
const SPEC_VERSION: &str = "0.0.0";

pub(super) fn render(run: &RunReport) -> String {
    let start = run
        .started_at
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .unwrap_or(0);
    let stop = start.saturating_add(i64::try_from(run.duration_ms).unwrap_or(i64::MAX));
    let tests: Vec<Value> = run.scenarios.iter().map(|s| test(run, s)).collect();
    let count = |status: &str| tests.iter().filter(|t| t["status"] == status).count();
    let flaky = run
        .scenarios
        .iter()
        .filter(|s| s.display_outcome(run.strict) == DisplayOutcome::Flaky)
        .count();
    let mut suites: Vec<&str> = run.scenarios.iter().map(|s| s.feature.as_str()).collect();
    suites.sort_unstable();
    suites.dedup();
    let doc = json!({
        "reportFormat": "CTRF",
        "specVersion": SPEC_VERSION,
        "timestamp": run.started_at,
        "generatedBy": format!("psa-conformance {}", env!("CARGO_PKG_VERSION")),
        "results": {
            "tool": { "name": "psa-conformance", "version": env!("CARGO_PKG_VERSION") },
            "summary": {
                "tests": tests.len(),
                "passed": count("passed"),
                "failed": count("failed"),
                "skipped": count("skipped"),
                "pending": count("pending"),
                "other": count("other"),
                "flaky": flaky,
                "suites": suites.len(),
                "start": start,
                "stop": stop,
                "duration": run.duration_ms,
                "extra": {
                    "psa-conformance.warned": run.counts.warned,
                    "psa-conformance.inconclusive": run.counts.inconclusive,
                },
            },
            "tests": tests,
        },
        "extra": {
            "psa-conformance.verdict": run.verdict,
            "psa-conformance.verdictExplanation": run.verdict_explanation(),
            "psa-conformance.secretsNotChecked": run.secrets_not_checked,
            "psa-conformance.verdictLabel": run.verdict.label(),
            "psa-conformance.exitCode": run.exit_code().code(),
            "psa-conformance.side": run.side().name(),
            "psa-conformance.profile": run.profile.to_string(),
            "psa-conformance.strict": run.strict,
            "psa-conformance.target": run.target,
            "psa-conformance.requirements": run
                .requirements
                .iter()
                .map(|r| json!({ "id": r.id, "level": r.level.to_string(), "status": r.status }))
                .collect::<Vec<_>>(),
            "psa-conformance.additionalChecks": run
                .additional
                .iter()
                .map(|c| json!({ "id": c.id, "level": c.level, "status": c.status }))
                .collect::<Vec<_>>(),
            "psa-conformance.inconclusiveReasons": run.inconclusive_reasons,
            "psa-conformance.listener": run.listener,
        },
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}

fn test(run: &RunReport, s: &ScenarioResult) -> Value {
    let outcome = s.display_outcome(run.strict);
    let warning = outcome == DisplayOutcome::Warned;
    let (status, raw) = match outcome {
        DisplayOutcome::Passed | DisplayOutcome::Flaky => ("passed", "passed"),
        DisplayOutcome::Skipped => ("skipped", "skipped"),
        DisplayOutcome::Warned => ("other", "warned"),
        DisplayOutcome::Failed => ("failed", "failed"),
        DisplayOutcome::Error | DisplayOutcome::Inconclusive(_) | DisplayOutcome::NotTested => {
            ("other", outcome.undecided_label().unwrap_or("inconclusive"))
        }
    };
    let mut t = Map::new();
    t.insert("name".into(), json!(format!("{} [{}]", s.name, s.id)));
    t.insert("testId".into(), json!(s.id));
    t.insert("status".into(), json!(status));
    t.insert("rawStatus".into(), json!(raw));
    t.insert("duration".into(), json!(s.duration_ms));
    t.insert("suite".into(), json!([s.feature]));
    if let Some((file, line)) = s.id.rsplit_once(':') {
        if let Ok(line) = line.parse::<u64>() {
            t.insert("filePath".into(), json!(file));
            t.insert("line".into(), json!(line));
        }
    }
    t.insert("tags".into(), json!(s.tags));
    t.insert(
        "labels".into(),
        json!({ "level": s.level.to_string(), "requirements": non_empty(&s.requirements) }),
    );
    if let Some(message) = s.failure.as_ref().or(s.skip_reason.as_ref()) {
        let message = if warning {
            format!("WARNING (SHOULD, {}): {message}", s.requirements.join(", "))
        } else {
            message.clone()
        };
        t.insert("message".into(), json!(message));
    }
    let waited: Vec<_> = s.exchanges.iter().flat_map(|e| &e.waited_out).collect();
    if !waited.is_empty() {
        t.insert("retries".into(), json!(waited.len()));
        t.insert(
            "retryAttempts".into(),
            waited
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    json!({
                        "attempt": i + 1,
                        "status": "failed",
                        "duration": u64::try_from(w.waited_ms).unwrap_or(u64::MAX),
                        "message": format!(
                            "{} answered (Retry-After: {}); waited {} ms and retried",
                            w.status,
                            w.retry_after.as_deref().unwrap_or("none"),
                            w.waited_ms
                        ),
                    })
                })
                .collect::<Vec<_>>()
                .into(),
        );
    }
    if outcome == DisplayOutcome::Flaky {
        t.insert("flaky".into(), json!(true));
    }
    t.insert(
        "steps".into(),
        s.steps
            .iter()
            .map(|st| {
                let status = match st.status {
                    ScenarioStatus::Passed => "passed",
                    ScenarioStatus::Skipped => "skipped",
                    ScenarioStatus::Failed if warning => "other",
                    ScenarioStatus::Failed => "failed",
                    ScenarioStatus::Inconclusive => "other",
                };
                json!({ "name": format!("{} {}", st.keyword, st.text), "status": status })
            })
            .collect::<Vec<_>>()
            .into(),
    );
    t.insert(
        "extra".into(),
        json!({
            "psa-conformance.warning": warning,
            "psa-conformance.inconclusive": s.undecided,
        }),
    );
    Value::Object(t)
}

/// CTRF label values that are arrays must not be empty.
fn non_empty(ids: &[String]) -> Value {
    if ids.is_empty() {
        json!("")
    } else {
        json!(ids)
    }
}
