//! The one check that an answer is an `ErrorResponse` whose `status` is the
//! HTTP status (AUTH-05, KEY-05, ERR-01, RATE-04): the run-wide monitor, the
//! error-response steps and the rate-limit steps all ask it here.

use serde_json::Value;

use crate::http::ReceivedResponse;
use crate::schema::{SchemaSet, Violation};

use super::finding::Finding;

/// What is wrong with an error answer.
#[derive(Debug, Clone)]
pub(crate) enum ErrorBodyProblem {
    /// Not `application/json` (any charset).
    NotJson { content_type: Option<String> },
    /// Labelled JSON, but does not parse.
    Unparsable,
    /// Not an `ErrorResponse`.
    Schema(Violation),
    /// `status` missing, or not the HTTP status.
    Status { found: Option<u64>, http: u16 },
}

impl ErrorBodyProblem {
    /// One line for a run-wide list of offenders.
    pub(crate) fn describe(&self) -> String {
        match self {
            ErrorBodyProblem::NotJson { content_type } => {
                format!(
                    "Content-Type {}",
                    content_type.as_deref().unwrap_or("(none)")
                )
            }
            ErrorBodyProblem::Unparsable => "a body that is not JSON".into(),
            ErrorBodyProblem::Schema(v) => format!("not an ErrorResponse: {v}"),
            ErrorBodyProblem::Status { found, http } => {
                format!("ErrorResponse.status {found:?} for HTTP {http}")
            }
        }
    }

    /// A step's finding: title, actual vs expected, where.
    pub(crate) fn finding(&self, r: &ReceivedResponse, exchange: String) -> Finding {
        let f = match self {
            ErrorBodyProblem::NotJson { .. } | ErrorBodyProblem::Unparsable => {
                Finding::failure("the error answer is not JSON")
                    .expected("Content-Type: application/json with an ErrorResponse body")
                    .actual(format!(
                        "{} ({}): {}",
                        r.status,
                        r.header("content-type").unwrap_or("no Content-Type"),
                        r.body_preview(300)
                    ))
                    .at("Content-Type")
            }
            ErrorBodyProblem::Schema(v) => Finding::failure(
                "the error body is not an ErrorResponse",
            )
            .expected(
                "{\"status\": <int>, \"message\"?: <string> or null, \"errors\"?: [...] or null}",
            )
            .actual(v.to_string())
            .at(v.instance_path.clone()),
            ErrorBodyProblem::Status { found: None, .. } => {
                Finding::failure("ErrorResponse.status is missing").at("/status")
            }
            ErrorBodyProblem::Status {
                found: Some(s),
                http,
            } => Finding::failure("ErrorResponse.status does not match")
                .expected(format!("HTTP {http} with status {http}"))
                .actual(format!("HTTP {http} with status {s}"))
                .at("/status"),
        };
        f.exchange(exchange)
    }
}

/// Checks one answer; `Ok` when it is an `ErrorResponse` whose `status`
/// equals the HTTP status.
pub(crate) fn check(schemas: &SchemaSet, r: &ReceivedResponse) -> Result<(), ErrorBodyProblem> {
    if r.media_type().as_deref() != Some("application/json") {
        return Err(ErrorBodyProblem::NotJson {
            content_type: r.header("content-type").map(str::to_string),
        });
    }
    let body: Value = r.json().map_err(|_| ErrorBodyProblem::Unparsable)?;
    if let Some(v) = schemas
        .validate("error-response", &body)
        .and_then(|v| v.into_iter().next())
    {
        return Err(ErrorBodyProblem::Schema(v));
    }
    match body.get("status").and_then(Value::as_u64) {
        Some(s) if s == u64::from(r.status) => Ok(()),
        found => Err(ErrorBodyProblem::Status {
            found,
            http: r.status,
        }),
    }
}
