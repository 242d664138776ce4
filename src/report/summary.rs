//! `summary.json`, exactly as CLI.md specifies; also read back by
//! `compare` and `--baseline`.

use serde::{Deserialize, Serialize};

use super::model::{Comparison, Counts, RequirementStatus, RunReport, ScenarioStatus, Verdict};

/// The `summary.json` document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub verdict: Verdict,
    /// `ncentral` (the target implements N-central's API) or `psa` (the
    /// target is a custom PSA). Absent from reports older than the PSA side.
    #[serde(default = "default_side")]
    pub side: String,
    pub profile: String,
    pub strict: bool,
    pub target: String,
    pub suite_version: String,
    pub started_at: String,
    pub duration_ms: u64,
    pub counts: Counts,
    pub requirements: Vec<SummaryRequirement>,
    pub scenarios: Vec<SummaryScenario>,
    /// Why the verdict is inconclusive (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inconclusive_reasons: Vec<String>,
    /// One sentence on why the verdict is what it is.
    #[serde(default)]
    pub verdict_reason: String,
    /// MUST requirements (with --strict, SHOULDs too) that nothing checked:
    /// what makes a run `partial`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub untested_requirements: Vec<String>,
    /// Secrets ERR-03 could not check: too short to tell from ordinary
    /// words. By role and length, never by value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets_not_checked: Vec<String>,
    /// TLS certificate verification was switched off.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls_verification_skipped: bool,
    /// Changes against `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regressions: Option<Comparison>,
    /// On the vendor's side: what the harness's N-central saw — notices,
    /// exposure, foreign calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener: Option<super::listener::ListenerReport>,
    /// The scenarios of one's own (`run --features`), by ID: never part of
    /// the verdict; a failed one makes the exit status 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_checks: Vec<super::model::AdditionalCheck>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryRequirement {
    pub id: String,
    pub level: String,
    pub title: String,
    pub status: RequirementStatus,
    pub scenarios: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryScenario {
    pub id: String,
    pub name: String,
    pub tags: Vec<String>,
    pub status: ScenarioStatus,
    pub duration_ms: u64,
    /// The failure, redacted; `null` when the scenario did not fail.
    pub failure: Option<String>,
    /// A SHOULD-level failure that does not count without `--strict`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
    /// The failure is the harness's (no response), not the target's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub harness_error: bool,
    /// Why an inconclusive scenario could not decide: `harness`,
    /// `rate-limited`, `not-tested`, `interrupted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inconclusive_reason: Option<super::model::Undecided>,
    /// Why the scenario did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Passed only after a 429 was waited out and the request retried.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub flaky: bool,
}

fn default_side() -> String {
    "ncentral".into()
}

impl Summary {
    pub fn from_report(r: &RunReport) -> Self {
        Summary {
            verdict: r.verdict,
            side: r.side().name().to_string(),
            profile: r.profile.to_string(),
            strict: r.strict,
            target: r.target.clone(),
            suite_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: r.started_at.clone(),
            duration_ms: r.duration_ms,
            counts: r.counts,
            requirements: r
                .requirements
                .iter()
                .map(|q| SummaryRequirement {
                    id: q.id.to_string(),
                    level: q.level.to_string(),
                    title: q.title.to_string(),
                    status: q.status,
                    scenarios: q.scenarios.clone(),
                })
                .collect(),
            scenarios: r
                .scenarios
                .iter()
                .map(|s| SummaryScenario {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    tags: s.tags.clone(),
                    status: s.status,
                    duration_ms: s.duration_ms,
                    failure: s.failure.clone(),
                    warning: s.is_warning(r.strict),
                    harness_error: s.harness_error(),
                    inconclusive_reason: s.undecided,
                    skip_reason: s.skip_reason.clone(),
                    flaky: s.is_flaky(),
                })
                .collect(),
            inconclusive_reasons: r.inconclusive_reasons.clone(),
            verdict_reason: r.verdict_explanation(),
            untested_requirements: r
                .counted_with_status(super::model::RequirementStatus::Untested)
                .into_iter()
                .map(String::from)
                .collect(),
            secrets_not_checked: r.secrets_not_checked.clone(),
            tls_verification_skipped: r.tls_insecure,
            regressions: r.regressions.clone(),
            listener: r.listener.clone(),
            additional_checks: r.additional.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
