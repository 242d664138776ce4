//! Checks on error answers, shared by every endpoint: the `ErrorResponse`
//! body (AUTH-05, KEY-05, ERR-01) and echoed secrets (ERR-03).

use cucumber::then;
use serde_json::Value;

use super::{body_preview, last_json, last_line};
use crate::finding::Finding;
use crate::world::PsaWorld;

fn error_response(w: &PsaWorld, expected_status: Option<u16>) -> Result<(), Finding> {
    let r = w.last_response()?;
    let want = expected_status.unwrap_or(r.status);
    if r.media_type().as_deref() != Some("application/json") {
        return Err(Finding::failure("the error answer is not JSON")
            .expected("Content-Type: application/json with an ErrorResponse body")
            .actual(body_preview(w))
            .at("Content-Type")
            .exchange(last_line(w)));
    }
    let body = last_json(w)?;
    let ctx = w.ctx()?;
    let violations = ctx
        .schemas
        .validate("error-response", &body)
        .ok_or_else(|| Finding::harness("no error-response schema"))?;
    if let Some(v) = violations.first() {
        return Err(Finding::failure("the error body is not an ErrorResponse")
            .expected("{\"status\": <int>, \"message\": <string>, \"errors\"?: [...]}")
            .actual(v.to_string())
            .at(v.instance_path.clone())
            .exchange(last_line(w)));
    }
    match body.get("status").and_then(Value::as_u64) {
        Some(s) if s == u64::from(want) && r.status == want => Ok(()),
        Some(s) => Err(Finding::failure("ErrorResponse.status does not match")
            .expected(format!("HTTP {want} with status {want}"))
            .actual(format!("HTTP {} with status {s}", r.status))
            .at("/status")
            .exchange(last_line(w))),
        None => Err(Finding::failure("ErrorResponse.status is missing")
            .at("/status")
            .exchange(last_line(w))),
    }
}

#[then(regex = r"^the response is an ErrorResponse with status (\d{3})$")]
fn error_with_status(w: &mut PsaWorld, status: u16) -> Result<(), Finding> {
    error_response(w, Some(status))
}

#[then("the response is an ErrorResponse whose status is the HTTP status")]
fn error_matching_status(w: &mut PsaWorld) -> Result<(), Finding> {
    error_response(w, None)
}

#[then("no response so far echoes the PSA password, the integration key or the bearer token")]
fn no_echo(w: &mut PsaWorld) -> Result<(), Finding> {
    let ctx = w.ctx()?.clone();
    for exchange in &w.exchanges {
        if let Some(echo) = ctx.monitor.echo.echoes_in(exchange).first() {
            return Err(Finding::failure("the response echoes a secret")
                .expected(
                    "no submitted password, integration key or bearer token in any header or body",
                )
                .actual(format!(
                    "{} (shown as ***) appears in the {}",
                    echo.role,
                    echo.place.describe()
                ))
                .exchange(exchange.summary_line())
                .hint("error messages must not quote credentials back"));
        }
    }
    Ok(())
}
