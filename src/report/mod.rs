//! The reports of a run: the model ([`model`], re-exported here) and the
//! writers that only format it — summary.json, junit.xml, cucumber.json,
//! ctrf.json, summary.md, report.html, evidence.har, the terminal and
//! GitHub annotations.
//! This facade writes them all; the model imports none of them.

pub(crate) mod compare;
mod coverage;
mod ctrf;
mod cucumber;
pub(crate) mod github;
mod har;
mod html;
mod junit;
mod listener;
mod markdown;
mod model;
mod reproduce;
mod summary;
pub(crate) mod terminal;

pub(crate) use listener::{ForeignCallRecord, ListenerReport};
pub use model::*;
pub(crate) use summary::Summary;

use std::path::Path;

/// The report files a run writes into `--out` (CLI.md), in the order they
/// are written; a signed run attests exactly these. The one list: `write_all`
/// writes it, `attest` signs and verifies it.
pub const REPORT_FILES: &[&str] = &[
    "report.html",
    "summary.json",
    "junit.xml",
    "cucumber.json",
    "ctrf.json",
    "summary.md",
    "evidence.har",
];

impl RunReport {
    /// Compares this run with an earlier `summary.json`; every report then
    /// shows the changes.
    pub fn compare_with(&mut self, baseline: &Summary) {
        let comparison = compare::Comparison::between(baseline, &self.summary());
        self.regressions = Some(comparison);
    }

    /// [`RunReport::compare_with`] under `--fail-on regression`: only what
    /// passed in the baseline and fails now is fatal.
    pub fn compare_regressions_only(&mut self, baseline: &Summary) {
        self.compare_with(baseline);
        if let Some(c) = &mut self.regressions {
            c.regressions_only = true;
        }
    }

    /// Writes every file of [`REPORT_FILES`] into `dir`.
    pub fn write_all(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>, WriteError> {
        let io = |path: &Path, source: std::io::Error| WriteError {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        // report.html states the SHA-256 of summary.json: of these bytes.
        let summary_json = self.summary().to_json();
        let mut written = Vec::new();
        for name in REPORT_FILES {
            let text = match *name {
                "report.html" => html::render(self, &summary_json),
                "summary.json" => summary_json.clone(),
                "junit.xml" => junit::render(self),
                "cucumber.json" => cucumber::render(self),
                "ctrf.json" => ctrf::render(self),
                "summary.md" => markdown::render(self),
                "evidence.har" => har::render(self),
                other => unreachable!("no writer for report file {other}"),
            };
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| io(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }

    /// The `summary.json` view of the run.
    /// The `summary.json` view of the run.
    pub fn summary(&self) -> Summary {
        Summary::from_report(self)
    }
}
