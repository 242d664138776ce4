//! The reports of a run: the model ([`model`], re-exported here) and the
//! writers that only format it — summary.json, junit.xml, cucumber.json,
//! ctrf.json, summary.md, report.html, the terminal and GitHub annotations.
//! This facade writes them all; the model imports none of them.

pub mod compare;
mod ctrf;
mod cucumber;
pub mod github;
mod html;
mod junit;
mod listener;
mod markdown;
mod model;
mod summary;
pub mod terminal;

pub use listener::{ForeignCallRecord, ListenerReport};
pub use model::*;
pub use summary::{Summary, SummaryRequirement, SummaryScenario};

use std::path::Path;

impl RunReport {
    /// Compares this run with an earlier `summary.json`; every report then
    /// shows the changes.
    pub fn compare_with(&mut self, baseline: &Summary) {
        let comparison = compare::Comparison::between(baseline, &self.summary());
        self.regressions = Some(comparison);
    }

    /// Writes summary.json, junit.xml, cucumber.json, ctrf.json, summary.md
    /// and report.html into `dir`.
    pub fn write_all(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>, WriteError> {
        let io = |path: &Path, source: std::io::Error| WriteError {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        // report.html states the SHA-256 of summary.json: of these bytes.
        let summary_json = self.summary().to_json();
        let files = [
            ("report.html", html::render(self, &summary_json)),
            ("summary.json", summary_json),
            ("junit.xml", junit::render(self)),
            ("cucumber.json", cucumber::render(self)),
            ("ctrf.json", ctrf::render(self)),
            ("summary.md", markdown::render(self)),
        ];
        let mut written = Vec::new();
        for (name, text) in files {
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
