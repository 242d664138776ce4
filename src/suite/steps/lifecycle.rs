//! Steps of the custom PSA ticket lifecycle (LIFE-01..06, profile
//! extended): create requests for the pending ticket, the invalid ones
//! LIFE-02 sends, the preconditions that put the resolvable ticket in a
//! known state, and the looks before and after an operation that must change
//! nothing.
//!
//! Every `@lifecycle` scenario holds the run's lifecycle lock (the runner's
//! `before` hook takes it), so what one notes no other changes meanwhile.

use cucumber::{given, then, when};
use reqwest::Method;
use serde_json::{json, Value};

use super::evidence::{body_preview, last_json, last_line};
use super::response::compact;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::{BodyChoice, PsaWorld};

/// The PSA ticket number and URL the suite links the pending ticket to.
fn psa_ticket() -> (String, String) {
    let number = format!("PSA-CONFORMANCE-{:08X}", rand::random::<u32>());
    let url = format!("https://psa-conformance.invalid/tickets/{number}");
    (number, url)
}

/// The pending ticket's id as the int32 the create request carries.
fn pending_id(w: &PsaWorld) -> Result<i64, Finding> {
    let id = w.expand_path("{pendingTicketId}")?;
    id.parse::<i64>()
        .map_err(|e| Finding::harness(format!("pending_ticket_id {id:?} is no number: {e}")))
}

/// A valid `CustomPsaTicketCreateRequest` for the pending ticket.
pub(crate) fn create_request(id: i64) -> Value {
    let (number, url) = psa_ticket();
    json!({ "psaCustomTicketId": id, "ticketNumber": number, "ticketUrl": url })
}

/// One invalid create request of LIFE-02: what is wrong, and the body.
pub(crate) fn invalid_create_requests(id: i64) -> Vec<(&'static str, Value)> {
    let valid = create_request(id);
    let without = |key: &str| {
        let mut v = valid.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove(key);
        }
        v
    };
    let with = |key: &str, value: Value| {
        let mut v = valid.clone();
        v[key] = value;
        v
    };
    vec![
        ("no psaCustomTicketId", without("psaCustomTicketId")),
        ("no ticketNumber", without("ticketNumber")),
        ("no ticketUrl", without("ticketUrl")),
        (
            "an ftp:// ticketUrl",
            with(
                "ticketUrl",
                json!("ftp://psa-conformance.invalid/tickets/1"),
            ),
        ),
        (
            "a ticketUrl without a scheme",
            with("ticketUrl", json!("psa-conformance.invalid/tickets/1")),
        ),
        (
            "the psaCustomTicketId \"abc\"",
            with("psaCustomTicketId", json!("abc")),
        ),
        (
            "the psaCustomTicketId true",
            with("psaCustomTicketId", json!(true)),
        ),
        (
            "an object psaCustomTicketId",
            with("psaCustomTicketId", json!({ "id": id })),
        ),
    ]
}

#[given("the body is a create request for the pending ticket")]
async fn create_body(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let id = pending_id(w)?;
        w.draft.body = BodyChoice::Raw(create_request(id).to_string().into_bytes());
        Ok(())
    })
    .await
}

/// LIFE-01 links the pending ticket, which a ticket allows once: a 409 to
/// the link says an earlier run (last night's) linked it already. That is
/// no failure of the target but a target file naming a used ticket, so the
/// check is inconclusive and says to name a fresh one.
#[then("the pending ticket was not linked before")]
async fn pending_was_fresh(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        if w.last_response()?.status != 409 {
            return Ok(());
        }
        let id = w.expand_path("{pendingTicketId}")?;
        Err(Finding::harness(format!(
            "the pending ticket {id} is already linked to a PSA ticket: name a fresh pending ticket"
        ))
        .expected("a ticket waiting for its PSA ticket, linked by no earlier run")
        .actual(body_preview(w))
        .exchange(last_line(w))
        .hint(
            "set lifecycle.pending_ticket_id, or pending_ticket_id_env for a nightly job, to a ticket no run has linked yet (docs/NIGHTLY.md)",
        ))
    })
    .await
}

#[when("the client sends every invalid create request for the pending ticket")]
async fn send_invalid_creates(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let id = pending_id(w)?;
        for (case, body) in invalid_create_requests(id) {
            w.draft.body = BodyChoice::Raw(body.to_string().into_bytes());
            let spec = w.build_request(Method::POST, "/api/custom-psa/tickets")?;
            w.send(spec).await?;
            w.notes.push(format!("invalid create request: {case}"));
        }
        Ok(())
    })
    .await
}

#[then("every invalid create request is answered 400")]
async fn invalid_creates_400(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let id = pending_id(w)?;
        let cases = invalid_create_requests(id);
        let sent = &w.exchanges[w.exchanges.len().saturating_sub(cases.len())..];
        if sent.len() != cases.len() {
            return Err(Finding::harness(
                "the invalid create requests were not all sent",
            ));
        }
        let mut wrong = Vec::new();
        for ((case, _), exchange) in cases.iter().zip(sent) {
            match exchange.response() {
                Some(r) if r.status == 400 => {}
                Some(r) => wrong.push(format!("{case} → {}: {}", r.status, r.body_preview(120))),
                None => {
                    return Err(Finding::harness(format!(
                        "no answer to the create request with {case}"
                    )))
                }
            }
        }
        if wrong.is_empty() {
            return Ok(());
        }
        Err(Finding::failure(format!(
            "{} of {} invalid create requests were not refused with 400",
            wrong.len(),
            cases.len()
        ))
        .expected("400 to each (never 2xx: an invalid request must not link the ticket; never 5xx)")
        .actual(wrong.join("\n"))
        .exchange("POST /api/custom-psa/tickets"))
    })
    .await
}

#[then("the data answered is the data of the ticket read with PSA credentials")]
async fn same_data(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let n = w.exchanges.len();
        if n < 2 {
            return Err(Finding::harness("two reads of the ticket are needed"));
        }
        let with_credentials = w.exchanges[n - 2]
            .response()
            .and_then(|r| r.json().ok())
            .and_then(|v| v.get("data").cloned())
            .ok_or_else(|| {
                Finding::not_tested(
                    "the read with PSA credentials answered no data to compare with",
                )
            })?;
        let body = last_json(w)?;
        let without = body.get("data").cloned().unwrap_or(Value::Null);
        if without == with_credentials {
            return Ok(());
        }
        Err(Finding::failure(
            "the ticket read without PSA credentials differs from the ticket read with them",
        )
        .expected(format!(
            "data as POST …/tickets/{{id}} answered it: {}",
            compact(&with_credentials, 300)
        ))
        .actual(compact(&without, 300))
        .at("/data")
        .exchange(last_line(w)))
    })
    .await
}

/// Resolves or reopens the resolvable ticket as a precondition: 200, or
/// 409 when it already was; anything else leaves the check untested (LIFE-04
/// is the requirement that judges these answers).
async fn bring_resolvable(w: &mut PsaWorld, operation: &str) -> Result<(), Finding> {
    let path = w.expand_path(&format!(
        "/api/custom-psa/tickets/{{resolvableTicketId}}/{operation}"
    ))?;
    let spec = w.build_request(Method::POST, &path)?;
    w.send(spec).await?;
    match w.last_response()?.status {
        200 | 409 => Ok(()),
        _ => Err(Finding::not_tested(format!(
            "the resolvable ticket could not be brought into a known state ({operation})"
        ))
        .expected("200, or 409 when it already was")
        .actual(body_preview(w))
        .exchange(last_line(w))),
    }
}

#[given("the resolvable ticket has been resolved")]
async fn resolved(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async { bring_resolvable(w, "resolve").await }).await
}

#[given(regex = r"^the resolvable ticket (?:has been reopened|is open)$")]
async fn reopened(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async { bring_resolvable(w, "reopen").await }).await
}

#[then("the resolvable ticket is left open")]
async fn left_open(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async { bring_resolvable(w, "reopen").await }).await
}

/// The ticket's data as `GET /api/custom-psa/tickets/{id}` answers it now.
async fn read_ticket(w: &mut PsaWorld, which: &str) -> Result<(String, Value), Finding> {
    let id = w.expand_path(if which == "pending" {
        "{pendingTicketId}"
    } else {
        "{resolvableTicketId}"
    })?;
    let spec = w.build_request(Method::GET, &format!("/api/custom-psa/tickets/{id}"))?;
    w.send(spec).await?;
    let r = w.last_response()?;
    let data = (r.status == 200)
        .then(|| r.json().ok())
        .flatten()
        .and_then(|v| v.get("data").cloned());
    match data {
        Some(d) => Ok((id, d)),
        None => Err(Finding::not_tested(format!(
            "the {which} ticket could not be read to see whether it changes"
        ))
        .expected("200 with data from GET /api/custom-psa/tickets/{id}")
        .actual(body_preview(w))
        .exchange(last_line(w))),
    }
}

#[given(regex = r"^the ticket data of the (pending|resolvable) ticket is noted$")]
async fn note_ticket(w: &mut PsaWorld, which: String) -> StepOutcome {
    StepOutcome::of(async {
        let noted = read_ticket(w, &which).await?;
        w.noted_ticket = Some(noted);
        Ok(())
    })
    .await
}

#[then(regex = r"^the ticket data of the (pending|resolvable) ticket is unchanged$")]
async fn ticket_unchanged(w: &mut PsaWorld, which: String) -> StepOutcome {
    StepOutcome::of(async {
        let (id, before) = w
            .noted_ticket
            .clone()
            .ok_or_else(|| Finding::harness("the ticket's data was not noted before"))?;
        let (_, after) = read_ticket(w, &which).await?;
        if before == after {
            return Ok(());
        }
        Err(Finding::failure(format!(
            "ticket {id} changed although every request to change it was refused"
        ))
        .expected(format!("unchanged: {}", compact(&before, 300)))
        .actual(compact(&after, 300))
        .at("/data")
        .exchange(last_line(w)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_valid_request_is_valid_and_each_invalid_one_is_not() {
        let schemas = crate::schema::SchemaSet::load().unwrap();
        let name = "custom-psa-ticket-create-request";
        assert!(schemas
            .validate(name, &create_request(1142285698))
            .unwrap()
            .is_empty());
        let invalid = invalid_create_requests(1142285698);
        assert_eq!(invalid.len(), 8);
        for (case, body) in invalid {
            assert!(!schemas.validate(name, &body).unwrap().is_empty(), "{case}");
        }
    }
}
