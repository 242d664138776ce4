//! `junit.xml`: one test suite per feature file, one test case per
//! scenario, valid against the Jenkins xunit-plugin `junit-10.xsd`
//! (`tests/data/junit/junit-10.xsd`).
//!
//! A finding about the target is a `<failure>`; a scenario that ran but
//! could not decide (harness error, rate-limited, interrupted) is an
//! `<error>` whose type says why, one whose precondition did not hold
//! `<skipped>` ("not tested: …"); a SHOULD failure without `--strict` passes,
//! with the warning in `<system-out>`, so a CI build reading the file does
//! not break on it; a skipped scenario is `<skipped>` with its reason; a
//! scenario that passed only after a 429 was waited out carries a
//! `<flakyFailure>`, Surefire's mark of a test that passed on a retry.
//! The test case's `classname` names its requirements and level.

use std::fmt::Write as _;

use super::model::{DisplayOutcome, RunReport, ScenarioResult};

pub(super) fn render(run: &RunReport) -> String {
    let mut suites: Vec<(String, Vec<&ScenarioResult>)> = Vec::new();
    for s in &run.scenarios {
        let file =
            s.id.rsplit_once(':')
                .map(|(f, _)| f.to_string())
                .unwrap_or_else(|| s.id.clone());
        match suites.iter_mut().find(|(f, _)| *f == file) {
            Some((_, list)) => list.push(s),
            None => suites.push((file, vec![s])),
        }
    }
    let counts = |list: &[&ScenarioResult]| {
        let outcomes = || list.iter().map(|s| s.display_outcome(run.strict));
        let failures = outcomes().filter(|o| *o == DisplayOutcome::Failed).count();
        let errors = outcomes()
            .filter(|o| matches!(o, DisplayOutcome::Error | DisplayOutcome::Inconclusive(_)))
            .count();
        let skipped = outcomes()
            .filter(|o| matches!(o, DisplayOutcome::Skipped | DisplayOutcome::NotTested))
            .count();
        let millis: u64 = list.iter().map(|s| s.duration_ms).sum();
        (list.len(), failures, errors, skipped, millis)
    };
    let all: Vec<&ScenarioResult> = run.scenarios.iter().collect();
    let (tests, failures, errors, _, _) = counts(&all);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        r#"<testsuites name="psa-conformance" tests="{tests}" failures="{failures}" errors="{errors}" time="{}">"#,
        seconds(run.duration_ms)
    );
    for (file, list) in &suites {
        let (tests, failures, errors, skipped, millis) = counts(list);
        let _ = writeln!(
            xml,
            r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{}" timestamp="{}">"#,
            attr(file),
            seconds(millis),
            attr(&run.started_at)
        );
        let feature = list.first().map(|s| s.feature.as_str()).unwrap_or("");
        run_properties(&mut xml, run, Some(feature));
        for s in list {
            test_case(&mut xml, run, s);
        }
        xml.push_str("  </testsuite>\n");
    }
    if suites.is_empty() {
        // Nothing ran (an unreachable target): the verdict still shows.
        let _ = writeln!(
            xml,
            r#"  <testsuite name="psa-conformance" tests="0" failures="0" errors="0" skipped="0" time="0" timestamp="{}">"#,
            attr(&run.started_at)
        );
        run_properties(&mut xml, run, None);
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// The suite's `<properties>`: the run's verdict, why, and its profile —
/// the same words every report shows —, the feature, when there is one, and
/// the secrets ERR-03 could not check, when there are any.
fn run_properties(xml: &mut String, run: &RunReport, feature: Option<&str>) {
    xml.push_str("    <properties>");
    if let Some(feature) = feature {
        let _ = write!(
            xml,
            r#"<property name="feature" value="{}"/>"#,
            attr(feature)
        );
    }
    let _ = write!(
        xml,
        r#"<property name="verdict" value="{}"/><property name="verdict_reason" value="{}"/><property name="side" value="{}"/><property name="profile" value="{}"/>"#,
        run.verdict.name(),
        attr(&run.verdict_explanation()),
        run.side(),
        run.profile
    );
    if let Some(line) = run.secrets_not_checked_line() {
        let _ = write!(
            xml,
            r#"<property name="secrets_not_checked" value="{}"/>"#,
            attr(&line)
        );
    }
    for c in &run.additional {
        // A scenario of one's own (`--features`): not part of the verdict.
        let _ = write!(
            xml,
            r#"<property name="additional_check" value="{} {}"/>"#,
            attr(&c.id),
            c.status.name()
        );
    }
    if let Some(l) = &run.listener {
        // The harness's N-central: its notices and the foreign calls' count.
        for notice in &l.notices {
            let _ = write!(
                xml,
                r#"<property name="listener_notice" value="{}"/>"#,
                attr(notice)
            );
        }
        let _ = write!(
            xml,
            r#"<property name="listener_calls" value="{}"/><property name="listener_foreign_calls" value="{}"/>"#,
            l.calls, l.foreign_total
        );
    }
    xml.push_str("</properties>\n");
}

fn test_case(xml: &mut String, run: &RunReport, s: &ScenarioResult) {
    let _ = write!(
        xml,
        r#"    <testcase name="{}" classname="{}" time="{}">"#,
        attr(&format!("{} [{}]", s.name, s.id)),
        attr(&format!("{} {}", s.requirements.join(" "), s.level)),
        seconds(s.duration_ms)
    );
    let reqs = s.requirements.join(", ");
    let outcome = s.display_outcome(run.strict);
    match outcome {
        DisplayOutcome::Warned => {
            let _ = write!(
                xml,
                "<system-out>{}</system-out>",
                text(&format!(
                    "WARNING (SHOULD, {reqs}): not met; counts as a failure only with --strict.\n{}{}",
                    s.failure.as_deref().unwrap_or_default(),
                    reproduce_text(s)
                ))
            );
        }
        DisplayOutcome::Passed => {}
        DisplayOutcome::Flaky => {
            let waits: Vec<String> = s
                .exchanges
                .iter()
                .flat_map(|e| &e.waited_out)
                .map(|w| {
                    format!(
                        "{} (Retry-After: {}), waited {} ms",
                        w.status,
                        w.retry_after.as_deref().unwrap_or("none"),
                        w.waited_ms
                    )
                })
                .collect();
            let _ = write!(
                xml,
                r#"<flakyFailure type="rate-limited" message="{}"/><system-out>{}</system-out>"#,
                attr("passed after a 429 was waited out and the request retried"),
                text(&format!(
                    "FLAKY: passed only after waiting out: {}",
                    waits.join("; ")
                ))
            );
        }
        DisplayOutcome::Skipped => {
            let _ = write!(
                xml,
                r#"<skipped message="{}"/>"#,
                attr(s.skip_reason.as_deref().unwrap_or("not run"))
            );
        }
        DisplayOutcome::NotTested => {
            let _ = write!(
                xml,
                r#"<skipped message="{}"/>"#,
                attr(&format!(
                    "not tested: {}",
                    s.failure_title().unwrap_or("a precondition did not hold")
                ))
            );
        }
        DisplayOutcome::Failed | DisplayOutcome::Error | DisplayOutcome::Inconclusive(_) => {
            let (element, ty) = match outcome.undecided_label() {
                Some(label) => ("error", label),
                None => ("failure", "requirement-failed"),
            };
            let _ = write!(
                xml,
                r#"<{element} type="{ty}" message="{}">{}</{element}>"#,
                attr(&format!(
                    "{reqs}: {}",
                    s.failure_title().unwrap_or("failed")
                )),
                text(s.failure.as_deref().unwrap_or_default())
            );
            if s.reproduce.is_some() {
                let _ = write!(
                    xml,
                    "<system-out>{}</system-out>",
                    text(reproduce_text(s).trim_start())
                );
            }
        }
    }
    xml.push_str("</testcase>\n");
}

/// The replay commands, after a blank line, when the scenario has them.
fn reproduce_text(s: &ScenarioResult) -> String {
    s.reproduce
        .as_ref()
        .map(|r| format!("\n\nReproduce (bash):\n{}\n", r.text()))
        .unwrap_or_default()
}

/// `1.234`: seconds with milliseconds, as Surefire writes them.
fn seconds(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// Text content: markup escaped, and characters XML 1.0 cannot carry
/// (most control characters) shown as `\u{…}`.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if allowed_in_xml(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    out
}

/// An attribute value (double-quoted): as text, with quotes and line
/// breaks escaped so they survive attribute normalisation.
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c as u32,
        0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_escape_markup_and_control_characters() {
        assert_eq!(text("a<b>&c\u{0}d"), "a&lt;b&gt;&amp;c\\u{0}d");
        assert_eq!(attr("say \"hi\"\nnow"), "say &quot;hi&quot;&#10;now");
        assert_eq!(text("\u{FFFE}"), "\\u{fffe}");
    }

    #[test]
    fn seconds_have_three_decimals() {
        assert_eq!(seconds(17), "0.017");
        assert_eq!(seconds(12_345), "12.345");
    }
}
