//! Checks particular to the PSA operations: credential verdicts (CRED-02),
//! ticket data (TCKT-03, TCKT-04, TCKT-08) and what a 1 MiB body may get
//! (SEC-01).
//!
//! The verdicts are plain functions of a [`ReceivedResponse`], so they are
//! unit-tested against the answers a misbehaving server could give; the
//! steps only find the response and hand it over.

use cucumber::then;
use serde_json::Value;

use super::evidence::{last_json, last_line};
use super::request::{InvalidBody, INVALID_CREDENTIAL_BODIES};
use crate::http::ReceivedResponse;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::PsaWorld;

/// The members that make a body ticket data.
const TICKET_FIELDS: [&str; 4] = [
    "ticketTitle",
    "ticketDetails",
    "ticketStatus",
    "creationDate",
];

/// The credential verdict a body claims, wherever a server may have put it:
/// `data.isPsaCredentialsValid`, or the same member at the top level.
fn verdict(body: &Value) -> Option<&Value> {
    body.pointer("/data/isPsaCredentialsValid")
        .or_else(|| body.get("isPsaCredentialsValid"))
}

/// Whether a verdict says "valid", in any type a sloppy server may use.
fn says_valid(flag: &Value) -> bool {
    match flag {
        Value::Bool(b) => *b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    }
}

/// Whether a verdict says "not valid": `false`, or the string `"false"`
/// (the wrong type is CRED-01's and CRED-03's business, not CRED-02's).
fn says_invalid(flag: &Value) -> bool {
    match flag {
        Value::Bool(b) => !*b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("false"),
        _ => false,
    }
}

/// CRED-02: a wrong PSA password is never reported valid. Passes on a 4xx,
/// or on a 2xx whose body says "not valid"; anything else — a 5xx, a
/// redirect, a 2xx that says valid in any type or says nothing — fails.
pub(crate) fn check_not_reported_valid(r: &ReceivedResponse) -> Result<(), Finding> {
    let expected = "a 4xx, or 2xx with isPsaCredentialsValid false";
    if (400..500).contains(&r.status) {
        return Ok(());
    }
    if !(200..300).contains(&r.status) {
        return Err(
            Finding::failure(format!("a wrong PSA password is answered {}", r.status))
                .expected(expected)
                .actual(format!("{}: {}", r.status, r.body_preview(200))),
        );
    }
    let Ok(body) = r.json() else {
        return Err(
            Finding::failure("a wrong PSA password gets a 2xx that is not JSON")
                .expected(expected)
                .actual(format!("{}: {}", r.status, r.body_preview(200))),
        );
    };
    match verdict(&body) {
        Some(flag) if says_invalid(flag) => Ok(()),
        Some(flag) if says_valid(flag) => {
            Err(Finding::failure("a wrong PSA password is reported valid")
                .expected(expected)
                .actual(format!("{} with isPsaCredentialsValid {flag}", r.status))
                .at("/data/isPsaCredentialsValid"))
        }
        Some(flag) => Err(Finding::failure(
            "a wrong PSA password gets a 2xx that does not say invalid",
        )
        .expected(expected)
        .actual(format!("{} with isPsaCredentialsValid {flag}", r.status))
        .at("/data/isPsaCredentialsValid")),
        None => Err(
            Finding::failure("a wrong PSA password gets a 2xx that does not say invalid")
                .expected(expected)
                .actual(format!(
                    "{} without isPsaCredentialsValid: {}",
                    r.status,
                    r.body_preview(200)
                ))
                .at("/data/isPsaCredentialsValid"),
        ),
    }
}

/// The ticket members a body carries, anywhere: in a JSON body at any
/// depth (with a value other than null), in any other body as text.
pub(crate) fn ticket_fields_in(r: &ReceivedResponse) -> Vec<&'static str> {
    fn walk(v: &Value, found: &mut Vec<&'static str>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(f) = TICKET_FIELDS.iter().find(|f| **f == k.as_str()) {
                        if !v.is_null() && !found.contains(f) {
                            found.push(f);
                        }
                    }
                    walk(v, found);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    match r.json() {
        Ok(body) => walk(&body, &mut found),
        Err(_) => {
            let text = String::from_utf8_lossy(&r.body).to_ascii_lowercase();
            found.extend(
                TICKET_FIELDS
                    .iter()
                    .filter(|f| text.contains(&f.to_ascii_lowercase())),
            );
        }
    }
    found
}

/// TCKT-08: wrong PSA credentials get a 4xx and no ticket data, whatever
/// the body's type.
pub(crate) fn check_no_ticket_data(r: &ReceivedResponse) -> Result<(), Finding> {
    let leaked = ticket_fields_in(r);
    if (400..500).contains(&r.status) && leaked.is_empty() {
        return Ok(());
    }
    let actual = if leaked.is_empty() {
        format!("{}: {}", r.status, r.body_preview(200))
    } else {
        format!(
            "{} ({}) carrying {}",
            r.status,
            r.header("content-type").unwrap_or("no Content-Type"),
            leaked.join(", ")
        )
    };
    let title = if leaked.is_empty() {
        format!("wrong PSA credentials are answered {}", r.status)
    } else {
        "ticket data served to a caller with wrong PSA credentials".to_string()
    };
    Err(Finding::failure(title)
        .expected("a 4xx without ticket data")
        .actual(actual))
}

/// SEC-01's MUST: a 1 MiB body (a huge username, so wrong credentials)
/// gets no 5xx, no valid-credentials verdict and no ticket data. Any 2xx or
/// 4xx that gives none of these passes: Spring accepts such a body and
/// answers it like any wrong credentials.
pub(crate) fn check_huge_body_answer(r: &ReceivedResponse) -> Result<(), Finding> {
    let expected = "400 or 413 (or an answer like any wrong credentials): no 5xx, no valid credentials, no ticket data";
    if r.status >= 500 {
        return Err(
            Finding::failure(format!("a 1 MiB body is answered {}", r.status))
                .expected(expected)
                .actual(format!("{}: {}", r.status, r.body_preview(200))),
        );
    }
    if let Some(flag) = r.json().ok().as_ref().and_then(verdict) {
        if (200..300).contains(&r.status) && says_valid(flag) {
            return Err(Finding::failure(
                "a 1 MiB body with a made-up username is reported valid credentials",
            )
            .expected(expected)
            .actual(format!("{} with isPsaCredentialsValid {flag}", r.status))
            .at("/data/isPsaCredentialsValid"));
        }
    }
    let leaked = ticket_fields_in(r);
    if !leaked.is_empty() {
        return Err(
            Finding::failure("a 1 MiB body with a made-up username gets ticket data")
                .expected(expected)
                .actual(format!("{} carrying {}", r.status, leaked.join(", "))),
        );
    }
    Ok(())
}

/// Which endpoint an invalid body went to: what "like wrong credentials"
/// means differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialEndpoint {
    /// `POST /api/standard-psa/{psaType}/credential` (CRED-04).
    Credential,
    /// `POST /api/custom-psa/tickets/{customPsaTicketId}` (TCKT-07).
    Ticket,
}

/// CRED-04 and TCKT-07 (MUST): every invalid body is answered 400; a number
/// or boolean where a string is due, which Jackson's defaults read as a
/// string, may instead be answered like any wrong credentials (CRED-02's
/// rule on the credential endpoint, TCKT-08's on the ticket endpoint).
/// `strict` (the SHOULD) wants 400 for those too.
pub(crate) fn check_invalid_bodies_refused(
    endpoint: CredentialEndpoint,
    answers: &[(&InvalidBody, Option<&ReceivedResponse>)],
    strict: bool,
) -> Result<(), Finding> {
    let mut wrong = Vec::new();
    for (invalid, answer) in answers {
        let Some(r) = answer else {
            wrong.push(format!("{} → no answer", invalid.case));
            continue;
        };
        if r.status == 400 {
            continue;
        }
        if invalid.jackson_reads_as_string && !strict {
            let like_wrong_credentials = match endpoint {
                CredentialEndpoint::Credential => check_not_reported_valid(r),
                CredentialEndpoint::Ticket => check_no_ticket_data(r),
            };
            match like_wrong_credentials {
                Ok(()) => continue,
                Err(f) => wrong.push(format!("{} → {} ({})", invalid.case, r.status, f.title)),
            }
        } else {
            wrong.push(format!("{} → {}", invalid.case, r.status));
        }
    }
    if wrong.is_empty() && !answers.is_empty() {
        return Ok(());
    }
    let expected = if strict {
        "400 for each invalid body".to_string()
    } else {
        "400 for each invalid body; for a number or boolean where a string is due          (Jackson reads it as a string) 400 or an answer like any wrong credentials"
            .to_string()
    };
    Err(Finding::failure(format!(
        "{} of {} invalid bodies not refused",
        wrong.len(),
        answers.len()
    ))
    .expected(format!(
        "{expected}: {}",
        INVALID_CREDENTIAL_BODIES
            .iter()
            .map(|b| b.case)
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .actual(wrong.join("\n")))
}

/// Each invalid body with the answer it got (`None`: no answer).
type InvalidBodyAnswers<'a> = Vec<(&'static InvalidBody, Option<&'a ReceivedResponse>)>;

/// The last `INVALID_CREDENTIAL_BODIES.len()` exchanges, paired with the
/// bodies they carried, and the endpoint they went to.
fn invalid_body_answers(
    w: &PsaWorld,
) -> Result<(CredentialEndpoint, InvalidBodyAnswers<'_>), Finding> {
    let n = INVALID_CREDENTIAL_BODIES.len();
    let sent = w
        .exchanges
        .len()
        .checked_sub(n)
        .map(|i| &w.exchanges[i..])
        .ok_or_else(|| {
            Finding::harness("the invalid credential bodies were not sent before this check")
        })?;
    let endpoint = if sent
        .first()
        .is_some_and(|e| e.request.url.contains("/api/custom-psa/tickets/"))
    {
        CredentialEndpoint::Ticket
    } else {
        CredentialEndpoint::Credential
    };
    let answers = INVALID_CREDENTIAL_BODIES
        .iter()
        .zip(sent)
        .map(|(b, e)| (b, e.response()))
        .collect();
    Ok((endpoint, answers))
}

fn invalid_bodies(w: &mut PsaWorld, strict: bool) -> Result<(), Finding> {
    let (endpoint, answers) = invalid_body_answers(w)?;
    let notes: Vec<String> = answers
        .iter()
        .map(|(b, r)| {
            format!(
                "{}: {}",
                b.case,
                r.map_or("no answer".to_string(), |r| r.status.to_string())
            )
        })
        .collect();
    let verdict = check_invalid_bodies_refused(endpoint, &answers, strict);
    w.notes.extend(notes);
    verdict
}

#[then(
    "every invalid credential body is refused with 400, or like wrong credentials where Jackson reads it as a string"
)]
async fn invalid_bodies_refused(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async { invalid_bodies(w, false) }).await
}

#[then("every invalid credential body is answered 400")]
async fn invalid_bodies_400(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async { invalid_bodies(w, true) }).await
}

#[then("the credentials are not reported valid")]
async fn not_reported_valid(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        check_not_reported_valid(w.last_response()?).map_err(|f| f.exchange(last_line(w)))
    })
    .await
}

#[then("the response carries no ticket data")]
async fn no_ticket_data(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        check_no_ticket_data(w.last_response()?).map_err(|f| f.exchange(last_line(w)))
    })
    .await
}

#[then("the answer is no 5xx and carries neither valid credentials nor ticket data")]
async fn huge_body_answer(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        check_huge_body_answer(w.last_response()?).map_err(|f| f.exchange(last_line(w)))
    })
    .await
}

#[then("the ticket's creationDate is a Java ZonedDateTime text")]
async fn creation_date(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
    let body = last_json(w)?;
    match body.pointer("/data/creationDate") {
        Some(Value::String(s)) if crate::schema::is_zoned_date_time(s) => Ok(()),
        other => Err(Finding::failure("creationDate is not a zoned date-time")
            .expected(
                "Java ZonedDateTime text with an offset, e.g. 2024-02-21T06:28:10.624-05:00[America/New_York], \
                 2024-02-21T06:28-05:00[America/New_York] or 2025-07-01T12:00:00Z",
            )
            .actual(
                other
                    .map(Value::to_string)
                    .unwrap_or_else(|| "(missing)".into()),
            )
            .at("/data/creationDate")
            .exchange(last_line(w))),
    }
    })
    .await
}

#[then("the ticket's status is UPPER_SNAKE_CASE")]
async fn status_upper_snake(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
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
    })
    .await
}

#[cfg(test)]
pub(crate) mod tests;
