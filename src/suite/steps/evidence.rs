//! What the N-central side's findings quote from a scenario: the last
//! exchange as one line, the start of the last body, the last body as JSON.

use crate::suite::finding::Finding;
use crate::suite::world::PsaWorld;

/// The last exchange as `POST /api/… → 200`, for a finding's "exchange" row.
pub(crate) fn last_line(w: &PsaWorld) -> String {
    w.exchanges
        .last()
        .map(|e| e.summary_line())
        .unwrap_or_else(|| "(no request sent)".into())
}

/// The start of the last response body, for a finding's "actual" row.
pub(crate) fn body_preview(w: &PsaWorld) -> String {
    w.last_response()
        .map(|r| {
            let media = r.header("content-type").unwrap_or("no Content-Type");
            format!("{} ({media}): {}", r.status, r.body_preview(300))
        })
        .unwrap_or_default()
}

/// Parses the last body as JSON, or says why not.
pub(crate) fn last_json(w: &PsaWorld) -> Result<serde_json::Value, Finding> {
    let r = w.last_response()?;
    r.json().map_err(|e| {
        Finding::failure("the response body is not JSON")
            .expected("a JSON document")
            .actual(format!(
                "{} — {e}",
                if r.body.is_empty() {
                    "an empty body".to_string()
                } else {
                    body_preview(w)
                }
            ))
            .exchange(last_line(w))
    })
}
