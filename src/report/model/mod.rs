//! The run model: scenario and requirement results, their statuses, the
//! verdict and why, and the one triage of display outcomes. Every decision
//! (status, level, verdict) is made here, once (`verdict.rs`); every text in
//! it is already redacted. It imports no writer: the writers import it.
//! A facade: a scenario as it ran is `scenario.rs`, the run as a whole
//! `run.rs`.

pub(crate) mod additional;
mod run;
mod scenario;
mod status;
mod verdict;

pub use super::reproduce::Reproduce;
pub use run::{
    millis, AdditionalCheck, Comparison, Counts, RequirementResult, RequirementStatus, RunInfo,
    RunReport, Verdict, WriteError,
};
pub(crate) use scenario::id_sort_key;
pub use scenario::{DisplayOutcome, ScenarioResult, ScenarioStatus, StepResult, Undecided};
