//! `report.html`: one self-contained page (inline CSS, no script, nothing
//! loaded from anywhere) for the person deciding acceptance and the engineer
//! fixing a failure — the verdict, the requirements, an endpoint × status
//! coverage matrix, the changes against a baseline, and per scenario its
//! steps and redacted evidence. It opens offline and prints with every
//! collapsed section expanded.
//!
//! The page is the askama template `templates/report.html` (its CSS,
//! `templates/report.css`, is included into it when the suite is
//! compiled). This module only turns the run model into the plain values
//! the template shows — texts, numbers, the display outcome the model
//! decided ([`ScenarioResult::display_outcome`]) — and never writes markup:
//! askama escapes every value it prints, so a text from the target cannot
//! become markup. The only links are to anchors inside the page.
//!
//! The page's parts: `page.rs` (the whole, and the requirements),
//! `scenario.rs`, `matrix.rs` (the coverage the model computes, in
//! [`super::coverage`]), `text.rs`.

mod matrix;
mod page;
mod scenario;
mod text;

use askama::Template;

use super::model::RunReport;
use page::Page;

/// The whole page.
pub(super) fn render(run: &RunReport, summary_json: &str) -> String {
    let page = Page::new(run, summary_json);
    // Rendering into a String fails only if a value's Display does, and
    // none of these can; the page then still says what happened.
    page.render().unwrap_or_else(|e| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>PSA conformance report</title></head><body><main><h1>{}</h1><p>report.html could not be rendered: {}</p></main></body></html>\n",
            run.verdict.label(),
            e.to_string().replace(['<', '>', '&', '"'], " ")
        )
    })
}

#[cfg(test)]
use {
    super::coverage::{coverage, Cell},
    super::model::{RequirementResult, RequirementStatus, ScenarioResult, ScenarioStatus, Verdict},
    crate::api,
    crate::http::ExchangeRecord,
};

#[cfg(test)]
mod tests;
