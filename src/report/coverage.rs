//! The coverage of N-central's endpoints by a run: for each certified
//! endpoint and each status it answered, how the scenarios that saw it
//! ended. Computed once from the model, for any writer to show
//! (report.html draws it as its endpoint × status matrix).

use std::collections::{BTreeMap, BTreeSet};

use super::model::{DisplayOutcome, RunReport};
use crate::api;
use crate::http::ExchangeRecord;

/// How the scenarios that received one status from one endpoint ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) passed: usize,
    pub(crate) warned: usize,
    pub(crate) failed: usize,
}

impl Cell {
    /// Every scenario of the cell.
    pub(crate) fn total(self) -> usize {
        self.passed + self.warned + self.failed
    }
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

/// (endpoint's operationId, status) → how the scenarios that saw it ended; each scenario
/// counts once per cell however many such exchanges it made. Every status is
/// kept: a writer decides which it shows apart (report.html's "other" column
/// holds the rest).
pub(crate) fn coverage(run: &RunReport) -> BTreeMap<(&'static str, u16), Cell> {
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
