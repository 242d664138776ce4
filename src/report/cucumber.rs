//! `cucumber.json`, in the flavour cucumber-jvm writes (the one Cucumber
//! reporters read; `tests/data/cucumber-json-schema/cucumber-jvm.json` is its
//! published schema), written from the run model.
//!
//! One feature per feature file, one element per scenario — the run-wide
//! checks too, as the feature `run-wide` with one step each — so a
//! reporter counts what `summary.json` counts. Step statuses map the
//! model's outcomes:
//!
//! | the model                          | step status |
//! |------------------------------------|-------------|
//! | passed                             | `passed`    |
//! | failed (a finding or harness error)| `failed`    |
//! | a SHOULD warning (no `--strict`)   | `pending`: neither passed nor failed |
//! | inconclusive (could not decide)    | `undefined`: no outcome, the reason as message |
//! | skipped, or never reached          | `skipped`   |
//!
//! Messages are the model's: expected vs actual, redacted, without the
//! harness's file names. Why a scenario was skipped, or that it warned,
//! is said in the element's `description`, followed by the scenario's notes.

use serde_json::{json, Value};

use super::model::{DisplayOutcome, RunReport, ScenarioResult, ScenarioStatus, StepResult};

/// The `uri` of the run-wide checks, which belong to no feature file.
const RUN_WIDE_URI: &str = "run-wide";

pub(super) fn render(run: &RunReport) -> String {
    let mut features: Vec<(String, Vec<&ScenarioResult>)> = Vec::new();
    for s in &run.scenarios {
        let uri = feature_uri(s);
        match features.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, list)) => list.push(s),
            None => features.push((uri, vec![s])),
        }
    }
    let doc: Vec<Value> = features
        .iter()
        .map(|(uri, scenarios)| feature(run, uri, scenarios))
        .collect();
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "[]".into())
}

/// `features/x.feature` of `features/x.feature:12`; `run-wide` for the
/// run-wide checks.
fn feature_uri(s: &ScenarioResult) -> String {
    if s.id.starts_with("run-wide:") {
        return RUN_WIDE_URI.into();
    }
    s.id.rsplit_once(':')
        .map(|(f, _)| f.to_string())
        .unwrap_or_else(|| s.id.clone())
}

/// The line of `Feature:` in the embedded feature file at `uri` (1 when
/// the file is not one of them, as for the run-wide checks).
fn feature_line(uri: &str) -> usize {
    let path = uri.split('#').next().unwrap_or(uri);
    crate::features::FEATURES
        .iter()
        .find(|(p, _)| *p == path)
        .and_then(|(_, text)| {
            text.lines()
                .position(|l| l.trim_start().starts_with("Feature:"))
                .map(|i| i + 1)
        })
        .unwrap_or(1)
}

fn feature(run: &RunReport, uri: &str, scenarios: &[&ScenarioResult]) -> Value {
    let name = scenarios
        .first()
        .map(|s| s.feature.clone())
        .unwrap_or_default();
    json!({
        "uri": uri,
        "id": slug(&name),
        "line": feature_line(uri),
        "keyword": "Feature",
        "name": name,
        "description": run
            .listener
            .as_ref()
            .map(|l| l.notices.join("\n"))
            .unwrap_or_default(),
        "elements": scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| element(run, s, i + 1))
            .collect::<Vec<_>>(),
    })
}

/// A scenario's line in its feature file; a run-wide check's position
/// among them.
fn scenario_line(s: &ScenarioResult, index: usize) -> usize {
    s.id.rsplit_once(':')
        .and_then(|(_, l)| l.parse().ok())
        .unwrap_or(index)
}

fn element(run: &RunReport, s: &ScenarioResult, index: usize) -> Value {
    let line = scenario_line(s, index);
    let outcome = s.display_outcome(run.strict);
    let warning = outcome == DisplayOutcome::Warned;
    let description = if let Some(reason) = &s.skip_reason {
        format!("Skipped: {reason}")
    } else if warning {
        format!(
            "WARNING (SHOULD, {}): not met; counts as a failure only with --strict.",
            s.requirements.join(", ")
        )
    } else if let Some(label) = outcome.undecided_label() {
        format!(
            "{label}: the check could not be made; the target is neither passed nor failed on it."
        )
    } else {
        String::new()
    };
    // The scenario's notes (e.g. ERR-03's secrets too short to check) follow.
    let description = std::iter::once(description)
        .filter(|d| !d.is_empty())
        .chain(s.notes.iter().map(|n| format!("Note: {n}")))
        .collect::<Vec<_>>()
        .join("\n");
    json!({
        "id": s.id,
        "keyword": "Scenario",
        "type": "scenario",
        "name": s.name,
        "description": description,
        "line": line,
        "tags": s.tags.iter().map(|t| json!({"name": at_tag(t)})).collect::<Vec<_>>(),
        "steps": steps(s, warning, line),
    })
}

fn at_tag(tag: &str) -> String {
    if tag.starts_with('@') {
        tag.to_string()
    } else {
        format!("@{tag}")
    }
}

/// The steps as they ran. A scenario without steps (a run-wide check)
/// gets one that carries its outcome; a failed scenario whose failure no
/// step carries (a hook) gets one more, so the element never looks passed.
fn steps(s: &ScenarioResult, warning: bool, line: usize) -> Vec<Value> {
    let mut out: Vec<Value> = s.steps.iter().map(|st| step(s, st, warning)).collect();
    // The scenario's outcome must show in its steps: a failure a hook
    // raised, or an inconclusive scenario whose steps all passed.
    let shown = s.steps.iter().any(|st| {
        matches!(
            st.status,
            ScenarioStatus::Failed | ScenarioStatus::Inconclusive
        )
    });
    if s.steps.is_empty()
        || (matches!(
            s.status,
            ScenarioStatus::Failed | ScenarioStatus::Inconclusive
        ) && !shown)
    {
        let synthetic = StepResult {
            line,
            keyword: "Then".into(),
            text: s.name.clone(),
            status: s.status,
            error: s.failure.clone(),
        };
        out.push(step(s, &synthetic, warning));
    }
    out
}

fn step(s: &ScenarioResult, st: &StepResult, warning: bool) -> Value {
    // A step that failed has the outcome of its scenario: a finding, a
    // warning, or no decision.
    let status = match st.status {
        ScenarioStatus::Passed => "passed",
        ScenarioStatus::Skipped => "skipped",
        ScenarioStatus::Failed | ScenarioStatus::Inconclusive
            if s.status == ScenarioStatus::Inconclusive =>
        {
            "undefined"
        }
        ScenarioStatus::Failed if warning => "pending",
        ScenarioStatus::Failed | ScenarioStatus::Inconclusive => "failed",
    };
    let mut result = json!({ "status": status });
    if matches!(
        st.status,
        ScenarioStatus::Failed | ScenarioStatus::Inconclusive
    ) {
        let message = st
            .error
            .clone()
            .or_else(|| s.failure.clone())
            .unwrap_or_else(|| "failed".into());
        let message = if warning {
            format!("WARNING (SHOULD, {}): {message}", s.requirements.join(", "))
        } else {
            message
        };
        result["error_message"] = Value::String(message);
    }
    json!({
        "keyword": format!("{} ", st.keyword),
        "line": st.line,
        "name": st.text,
        "result": result,
    })
}

/// `rate-limiting` of `Rate limiting`: how cucumber-jvm names a feature.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(slug("Rate limiting"), "rate-limiting");
        assert_eq!(
            slug("Authentication — every PSA endpoint"),
            "authentication-every-psa-endpoint"
        );
    }

    #[test]
    fn tags_get_one_at() {
        assert_eq!(at_tag("CRED-01"), "@CRED-01");
        assert_eq!(at_tag("@CRED-01"), "@CRED-01");
    }
}
