//! `summary.md`: for a CI job summary or a pull-request comment — the
//! verdict, the counts, and the failed and warned requirements with a
//! one-line reason each.

use std::fmt::Write as _;

use super::model::{RequirementStatus, RunReport};

pub(super) fn render(run: &RunReport) -> String {
    let mut md = String::new();
    let icon = match run.verdict {
        super::model::Verdict::Conformant => "✅",
        super::model::Verdict::Partial => "◐",
        super::model::Verdict::NotConformant => "❌",
        super::model::Verdict::Inconclusive => "⚠️",
    };
    let _ = writeln!(md, "## {icon} PSA conformance: {}", run.verdict.label());
    let _ = writeln!(md);
    // What the harness's N-central saw comes first: a PSA that never
    // called it explains every callback failure below.
    if let Some(l) = &run.listener {
        for notice in &l.notices {
            let _ = writeln!(md, "> **{}**\n", notice.replace('|', "\\|"));
        }
    }
    let _ = writeln!(md, "**Why:** {}", run.verdict_explanation());
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "Target `{}` · side `{}` · profile `{}`{} · suite {} · {} · {} ms",
        run.target,
        run.side(),
        run.profile,
        if run.strict { " · strict" } else { "" },
        env!("CARGO_PKG_VERSION"),
        run.started_at,
        run.duration_ms
    );
    if let Some(key) = &run.signed_by {
        let _ = writeln!(
            md,
            "\nSigned by Ed25519 key `{key}`: `attestation.json` attests every report file (check it with `psa-conformance verify --key KEYFILE.pub DIR`)."
        );
    }
    if run.tls_insecure {
        let _ = writeln!(
            md,
            "\n> **TLS certificate verification was skipped for this run.**"
        );
    }
    let c = run.counts;
    let _ = writeln!(
        md,
        "\n| scenarios passed | failed | warned | inconclusive | skipped |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |",
        c.passed, c.failed, c.warned, c.inconclusive, c.skipped
    );
    if let Some(line) = run.secrets_not_checked_line() {
        let _ = writeln!(md, "\n{line}.");
    }
    let flagged: Vec<_> = run
        .requirements
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                RequirementStatus::Failed | RequirementStatus::Warned
            )
        })
        .collect();
    if !flagged.is_empty() {
        let _ = writeln!(
            md,
            "\n| requirement | level | status | reason |\n|---|---|---|---|"
        );
        for r in flagged {
            let reason = run
                .scenarios
                .iter()
                .filter(|s| r.scenarios.contains(&s.id))
                .find_map(|s| s.failure_title().map(|t| format!("{t} (`{}`)", s.id)))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} {} | {} | {:?} | {} |",
                r.id,
                r.title.replace('|', "\\|"),
                r.level,
                r.status,
                reason.replace('|', "\\|")
            );
        }
    }
    if !run.additional.is_empty() {
        let _ = writeln!(
            md,
            "\n**Additional checks** (your own scenarios, `--features`; not part of the verdict):\n\n| check | level | status | scenarios |\n|---|---|---|---|"
        );
        for c in &run.additional {
            let _ = writeln!(
                md,
                "| {} {} | {} | {} | {} |",
                c.id,
                c.title.replace('|', "\\|"),
                c.level,
                c.status.name(),
                c.scenarios
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    let replays: Vec<_> = run
        .scenarios
        .iter()
        .filter_map(|s| s.reproduce.as_ref().map(|r| (s, r)))
        .collect();
    if !replays.is_empty() {
        let _ = writeln!(md, "\n**Reproduce** (bash; set the `$` variables first):");
        for (s, r) in replays {
            let text = r.text();
            let fence = "`".repeat(longest_backtick_run(&text).max(2) + 1);
            let _ = writeln!(
                md,
                "\n<details><summary>{} <code>{}</code></summary>\n\n{fence}bash\n{text}\n{fence}\n</details>",
                s.requirements.join(", "),
                s.id.replace('<', "&lt;")
            );
        }
    }
    let untested: Vec<&str> = run
        .requirements
        .iter()
        .filter(|r| r.status == RequirementStatus::Untested)
        .map(|r| r.id)
        .collect();
    if !untested.is_empty() {
        let _ = writeln!(md, "\nUntested in this run: {}", untested.join(", "));
    }
    let skipped = run.skip_reasons();
    if !skipped.is_empty() {
        let _ = writeln!(md, "\nNot run here, and why:");
        for (reason, ids) in &skipped {
            let _ = writeln!(md, "- {}: {reason}", ids.join(", "));
        }
    }
    if let Some(cmp) = &run.regressions {
        let _ = writeln!(
            md,
            "\n**Against the baseline:**\n\n```\n{}```",
            cmp.render()
        );
    }
    let flaky: Vec<&str> = run
        .scenarios
        .iter()
        .filter(|s| s.is_flaky())
        .map(|s| s.id.as_str())
        .collect();
    if !flaky.is_empty() {
        let _ = writeln!(
            md,
            "\nFlaky (passed only after waiting out a 429): {}",
            flaky.join(", ")
        );
    }
    if let Some(l) = &run.listener {
        let _ = writeln!(
            md,
            "\nThe harness's N-central listened on `{}` (public URL `{}`) and received {} call(s) from the PSA.",
            l.listen, l.public_url, l.calls
        );
        if let Some(line) = l.foreign_line() {
            let _ = writeln!(
                md,
                "\n{line}:\n\n| peer | at (ms) | call | status | why |\n|---|---:|---|---:|---|"
            );
            for f in &l.foreign {
                let _ = writeln!(
                    md,
                    "| {} | {} | `{} {}` | {} | {} |",
                    f.peer,
                    f.at_ms,
                    f.method.replace(['|', '`'], " "),
                    f.path.replace(['|', '`'], " "),
                    f.status,
                    f.why
                );
            }
        }
    }
    if !run.inconclusive_reasons.is_empty() {
        let _ = writeln!(md, "\n**Inconclusive because:**");
        for reason in &run.inconclusive_reasons {
            let _ = writeln!(md, "- {reason}");
        }
    }
    md
}

/// The longest run of backticks in a text: a code fence must be longer.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
