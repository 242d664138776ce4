//! Checks particular to the PSA operations: credential verdicts (CRED-02)
//! and ticket data (TCKT-03, TCKT-04, TCKT-08).

use cucumber::then;
use serde_json::Value;

use super::{last_json, last_line};
use crate::finding::Finding;
use crate::world::PsaWorld;

#[then("the credentials are not reported valid")]
fn not_reported_valid(w: &mut PsaWorld) -> Result<(), Finding> {
    let r = w.last_response()?;
    if !(200..300).contains(&r.status) {
        return Ok(());
    }
    let body = last_json(w)?;
    let flag = body.pointer("/data/isPsaCredentialsValid");
    let claims_valid = matches!(flag, Some(Value::Bool(true)))
        || matches!(flag, Some(Value::String(s)) if s.eq_ignore_ascii_case("true"))
        || matches!(body.get("isPsaCredentialsValid"), Some(Value::Bool(true)));
    if claims_valid {
        return Err(Finding::failure("a wrong PSA password is reported valid")
            .expected("isPsaCredentialsValid false, or a 4xx")
            .actual(format!(
                "{} with isPsaCredentialsValid {}",
                r.status,
                flag.cloned().unwrap_or(Value::Null)
            ))
            .at("/data/isPsaCredentialsValid")
            .exchange(last_line(w)));
    }
    Ok(())
}

#[then("the response carries no ticket data")]
fn no_ticket_data(w: &mut PsaWorld) -> Result<(), Finding> {
    let r = w.last_response()?;
    let Ok(body) = r.json() else { return Ok(()) };
    let leaked: Vec<&str> = [
        "ticketTitle",
        "ticketDetails",
        "ticketStatus",
        "creationDate",
    ]
    .into_iter()
    .filter(|k| {
        body.pointer(&format!("/data/{k}"))
            .is_some_and(|v| !v.is_null())
    })
    .collect();
    if leaked.is_empty() {
        return Ok(());
    }
    Err(
        Finding::failure("ticket data served to a caller with wrong PSA credentials")
            .expected("a 4xx without ticket data")
            .actual(format!(
                "{} carrying data.{}",
                r.status,
                leaked.join(", data.")
            ))
            .at("/data")
            .exchange(last_line(w)),
    )
}

#[then("the ticket's creationDate is an RFC 3339 date-time with an optional [Zone/Id] suffix")]
fn creation_date(w: &mut PsaWorld) -> Result<(), Finding> {
    let body = last_json(w)?;
    match body.pointer("/data/creationDate") {
        Some(Value::String(s)) if crate::schema::is_zoned_date_time(s) => Ok(()),
        other => Err(Finding::failure("creationDate is not a zoned date-time")
            .expected(
                "e.g. 2024-02-21T06:28:10.624-05:00[America/New_York] or 2025-07-01T12:00:00Z",
            )
            .actual(
                other
                    .map(Value::to_string)
                    .unwrap_or_else(|| "(missing)".into()),
            )
            .at("/data/creationDate")
            .exchange(last_line(w))),
    }
}

#[then("the ticket's status is UPPER_SNAKE_CASE")]
fn status_upper_snake(w: &mut PsaWorld) -> Result<(), Finding> {
    let body = last_json(w)?;
    let ok = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    match body.pointer("/data/ticketStatus") {
        Some(Value::String(s)) if ok(s) => Ok(()),
        other => Err(Finding::failure("ticketStatus is not UPPER_SNAKE_CASE")
            .expected("^[A-Z][A-Z0-9_]*$, e.g. CREATE_TICKET_CREATED_IN_NCENTRAL")
            .actual(
                other
                    .map(Value::to_string)
                    .unwrap_or_else(|| "(missing)".into()),
            )
            .at("/data/ticketStatus")
            .exchange(last_line(w))),
    }
}
