//! GitHub Actions: when `GITHUB_ACTIONS=true`, a run prints one workflow
//! command per failed requirement (`::error file=…,line=…,title=REQ::…`,
//! `::warning` for a warned one), pointing at the feature file and line
//! of its first failing scenario (`::warning` too for one left
//! inconclusive), and appends `summary.md` to `$GITHUB_STEP_SUMMARY`.
//!
//! GitHub shows at most 10 annotations of each kind per step and takes at
//! most 1 MiB of step summary: past 10, the tenth annotation says how
//! many more there are; a summary that would pass 1 MiB is cut, saying so.

use std::io::Write as _;
use std::path::Path;

use super::model::{RequirementStatus, RunReport, ScenarioResult, ScenarioStatus};

/// Annotations of one kind GitHub shows per step.
pub(crate) const MAX_ANNOTATIONS: usize = 10;
/// The most a step summary may hold.
pub(crate) const MAX_SUMMARY_BYTES: u64 = 1024 * 1024;

/// What a run under GitHub Actions hands the workflow.
#[derive(Debug, Default)]
pub(crate) struct Publication {
    /// Workflow commands, one a line, for standard output.
    pub annotations: Vec<String>,
    /// Why the step summary could not be appended to, if it could not.
    pub problem: Option<String>,
}

/// Under GitHub Actions, appends the step summary and returns the
/// annotations to print; elsewhere does nothing. A summary that cannot be
/// written is reported, not fatal: the reports are already on disk.
pub(crate) fn publish(run: &RunReport) -> Publication {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return Publication::default();
    }
    let mut publication = Publication {
        annotations: annotations(run),
        problem: None,
    };
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let path = Path::new(&path);
        if let Err(e) = append_summary(path, &super::markdown::render(run)) {
            publication.problem = Some(format!(
                "could not append to GITHUB_STEP_SUMMARY ({}): {e}",
                path.display()
            ));
        }
    }
    publication
}

/// The workflow commands for the failed (`error`), warned and
/// inconclusive (`warning`) requirements, at most [`MAX_ANNOTATIONS`] of
/// each kind.
pub(crate) fn annotations(run: &RunReport) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, statuses) in [
        ("error", &[RequirementStatus::Failed][..]),
        (
            "warning",
            &[RequirementStatus::Warned, RequirementStatus::Inconclusive][..],
        ),
    ] {
        let reqs: Vec<_> = run
            .requirements
            .iter()
            .filter(|r| statuses.contains(&r.status))
            .collect();
        for (i, r) in reqs.iter().enumerate() {
            let wanted = if r.status == RequirementStatus::Inconclusive {
                ScenarioStatus::Inconclusive
            } else {
                ScenarioStatus::Failed
            };
            let failing = run
                .scenarios
                .iter()
                .find(|s| s.status == wanted && s.requirements.iter().any(|id| id == r.id));
            let mut message = format!(
                "{} {} {}: {}",
                r.level,
                r.id,
                if r.status == RequirementStatus::Inconclusive {
                    "could not be decided"
                } else {
                    "not met"
                },
                failing
                    .and_then(ScenarioResult::failure_title)
                    .unwrap_or(r.title)
            );
            if let Some(s) = failing {
                message.push_str(&format!("\n{} [{}]", s.name, s.id));
            }
            if i + 1 == MAX_ANNOTATIONS && reqs.len() > MAX_ANNOTATIONS {
                message.push_str(&format!(
                    "\n…and {} more requirement(s) {}: see summary.md",
                    reqs.len() - i - 1,
                    if kind == "error" {
                        "failed"
                    } else {
                        "warned or inconclusive"
                    }
                ));
            }
            let mut props = Vec::new();
            if let Some((file, line)) = failing.and_then(|s| s.id.rsplit_once(':')) {
                if line.parse::<u64>().is_ok() {
                    props.push(format!("file={}", property(file)));
                    props.push(format!("line={line}"));
                }
            }
            props.push(format!("title={}", property(r.id)));
            out.push(format!("::{kind} {}::{}", props.join(","), data(&message)));
            if i + 1 == MAX_ANNOTATIONS {
                break;
            }
        }
    }
    out
}

/// Appends `markdown` to the step summary at `path`, cut so the file stays
/// within [`MAX_SUMMARY_BYTES`].
pub(crate) fn append_summary(path: &Path, markdown: &str) -> std::io::Result<()> {
    let used = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let room = usize::try_from(MAX_SUMMARY_BYTES.saturating_sub(used)).unwrap_or(usize::MAX);
    let text = if markdown.len() < room {
        format!("{markdown}\n")
    } else {
        let note = "\n\n… cut to stay within GitHub's 1 MiB step summary: see summary.md.\n";
        let mut end = room.saturating_sub(note.len());
        while !markdown.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            return Ok(());
        }
        format!("{}{note}", &markdown[..end])
    };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// A workflow command's message, escaped as the runner expects.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped as the runner expects.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn the_step_summary_never_passes_one_mebibyte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary");
        std::fs::write(&path, "x".repeat(1024 * 1024 - 100)).unwrap();
        append_summary(&path, &"é".repeat(1000)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.len() as u64 <= MAX_SUMMARY_BYTES, "{}", text.len());
        assert!(text.ends_with("see summary.md.\n"));
        let small = dir.path().join("small");
        append_summary(&small, "# PSA").unwrap();
        assert_eq!(std::fs::read_to_string(&small).unwrap(), "# PSA\n");
    }
}
