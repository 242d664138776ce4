//! Steps of the vendor's side that push tickets to the PSA and judge its
//! answers (PUSH-01…10, docs/REQUIREMENTS.md §11). The harness plays
//! N-central; the PSA is the target.

use std::time::Instant;

use cucumber::{given, then, when};
use serde_json::Value;

use crate::http::{Exchange, TransportErrorKind};
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::psa_side::world::{
    ticket_answer, NamedBy, PsaSideWorld, PsaTicket, PushAuthChoice,
};

/// `POST /ncentral/tickets → 201` with the start of the answer, for findings.
pub(crate) fn described(e: &Exchange) -> String {
    match e.response() {
        Some(r) if r.body.is_empty() => format!("{} (empty body)", e.summary_line()),
        Some(r) => format!("{}: {}", e.summary_line(), r.body_preview(300)),
        None => e.summary_line(),
    }
}

/// The status of an answered push; a push that got no answer is a finding
/// about the PSA (N-central would have seen no answer either).
fn answered_status(e: &Exchange, expected: &str) -> Result<u16, Finding> {
    match &e.outcome {
        Ok(r) => Ok(r.status),
        Err(err) if err.kind == TransportErrorKind::NotSent => Err(Finding::harness(format!(
            "the push was not sent: {}",
            err.message
        ))),
        Err(err) => Err(Finding::failure("the PSA did not answer the push")
            .expected(expected.to_string())
            .actual(err.message.clone())
            .exchange(e.summary_line())),
    }
}

#[given("a new N-central ticket")]
async fn a_new_ticket(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async { w.new_ticket().map(|_| ()) }).await
}

#[given("a new N-central ticket the PSA has created")]
async fn a_created_ticket(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
    let ticket = w.new_ticket()?;
    w.push_action("CREATE", PushAuthChoice::Configured).await?;
    let precondition = |why: String| {
        Finding::not_tested(format!(
            "the PSA created no ticket for N-central ticket {ticket}, so this check cannot be made (PUSH-01, PUSH-02 and CB-01 say why)"
        ))
        .actual(why)
    };
    let push = w.last_push()?.clone();
    let status = answered_status(&push, "a 2xx").map_err(|f| precondition(f.title.clone()))?;
    if !(200..300).contains(&status) {
        return Err(precondition(described(&push)));
    }
    // A ticket number with a bad ticketUrl is PUSH-02's failure; the checks
    // that need only the number go on with it.
    learn_psa_ticket(w, &push, false)
        .await
        .map_err(|f| precondition(f.to_string()))
    })
    .await
}

#[given("a twin N-central ticket whose pushes carry keys the PSA does not know")]
async fn a_twin_ticket(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let twin = w.ctx()?.next_ticket_id();
        w.tickets.push(twin);
        w.twin = Some(twin);
        Ok(())
    })
    .await
}

#[given(expr = "its pushes spell the custom tags key {string}")]
async fn tags_key(w: &mut PsaSideWorld, key: String) {
    w.tags_key = key;
}

#[when(regex = r"^N-central pushes (CREATE|UPDATE|RESOLVE|REOPEN) for it$")]
async fn push_action(w: &mut PsaSideWorld, action: String) -> StepOutcome {
    StepOutcome::of(async { w.push_action(&action, PushAuthChoice::Configured).await }).await
}

#[when("N-central pushes CREATE for it again")]
async fn push_create_again(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async { w.push_action("CREATE", PushAuthChoice::Configured).await }).await
}

#[when(
    regex = r"^N-central pushes CREATE for it (without the push auth header|with a wrong push auth value)$"
)]
async fn push_with_bad_auth(w: &mut PsaSideWorld, how: String) -> StepOutcome {
    StepOutcome::of(async {
        let choice = if how.starts_with("without") {
            PushAuthChoice::Missing
        } else {
            PushAuthChoice::Wrong
        };
        w.push_action("CREATE", choice).await
    })
    .await
}

#[when(
    regex = r"^N-central pushes (UPDATE|RESOLVE|REOPEN) for it naming a psaTicketNumber the PSA does not know$"
)]
async fn push_unknown_number(w: &mut PsaSideWorld, action: String) -> StepOutcome {
    StepOutcome::of(async {
        let ticket = w.ticket()?;
        let unknown = format!("NOT-A-PSA-TICKET-{:08x}", rand::random::<u32>());
        let body = w.push_body(&action, ticket, Some(&unknown));
        w.push(body.to_string().into_bytes(), PushAuthChoice::Configured)
            .await
    })
    .await
}

#[when(
    regex = r"^N-central pushes a CREATE that is (not JSON|a JSON array|without action|without ncentralTicketId|named with an unknown action)$"
)]
async fn push_malformed(w: &mut PsaSideWorld, case: String) -> StepOutcome {
    StepOutcome::of(async {
        let ticket = w.ticket()?;
        let mut create = w.push_body("CREATE", ticket, None);
        let body = match case.as_str() {
            "not JSON" => format!("action=CREATE&ncentralTicketId={ticket}"),
            "a JSON array" => Value::Array(vec![create]).to_string(),
            "without action" | "without ncentralTicketId" => {
                let key = case.trim_start_matches("without ");
                if let Some(object) = create.as_object_mut() {
                    object.remove(key);
                }
                create.to_string()
            }
            _ => {
                create["action"] = Value::from("DELETE");
                create.to_string()
            }
        };
        w.push(body.into_bytes(), PushAuthChoice::Configured).await
    })
    .await
}

#[when("N-central pushes UPDATE for it with the callback's ticketNumber")]
async fn push_update_with_callback_number(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        match &w.psa_ticket {
            Some(t) if t.by == NamedBy::Callback => {}
            _ => {
                return Err(Finding::harness(
                    "no callback named the PSA's ticket before this step",
                ))
            }
        }
        w.push_action("UPDATE", PushAuthChoice::Configured).await
    })
    .await
}

#[then("the PSA answers 2xx within the answer timeout")]
async fn answers_2xx(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?;
        let push = w.last_push()?;
        let limit = ctx.target.ncentral.answer_timeout;
        let status = answered_status(
            push,
            &format!("a 2xx within answer_timeout_secs ({} s)", limit.as_secs()),
        )?;
        if !(200..300).contains(&status) {
            return Err(Finding::failure("the PSA refused a push N-central sends")
                .expected("a 2xx status")
                .actual(described(push))
                .exchange(push.summary_line()));
        }
        if push.elapsed > limit {
            return Err(Finding::failure("the PSA answered too late")
                .expected(format!(
                    "an answer within answer_timeout_secs ({} s)",
                    limit.as_secs()
                ))
                .actual(format!("{:.1} s", push.elapsed.as_secs_f64()))
                .exchange(push.summary_line()));
        }
        Ok(())
    })
    .await
}

#[then("the PSA answers 4xx, never 2xx or 5xx")]
async fn answers_4xx(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let push = w.last_push()?;
        let status = answered_status(push, "a 4xx status")?;
        if (400..500).contains(&status) {
            return Ok(());
        }
        Err(Finding::failure(if status < 300 {
            "the PSA accepted a push it must refuse"
        } else {
            "the PSA did not refuse the push with 4xx"
        })
        .expected("a 4xx status (400 for a malformed push, 404 for an unknown ticket)")
        .actual(described(push))
        .exchange(push.summary_line()))
    })
    .await
}

#[then("the PSA answers 401 or 403")]
async fn answers_401_or_403(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let push = w.last_push()?;
        let status = answered_status(push, "401 or 403")?;
        if status == 401 || status == 403 {
            return Ok(());
        }
        Err(
            Finding::failure("the PSA did not refuse a push without its configured auth")
                .expected("401 or 403, and nothing created")
                .actual(described(push))
                .exchange(push.summary_line())
                .hint("the PSA must check the header named in [push_auth] on every push"),
        )
    })
    .await
}

#[then("the PSA names its ticket for it, in the answer or by a callback")]
async fn names_its_ticket(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let push = w.last_push()?.clone();
        answered_status(&push, "a 2xx")?;
        learn_psa_ticket(w, &push, true).await
    })
    .await
}

#[then("the PSA still names the same ticket for it")]
async fn same_ticket(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
    let ctx = w.ctx()?;
    let ticket = w.ticket()?;
    let first = w
        .psa_ticket
        .clone()
        .ok_or_else(|| Finding::harness("the PSA's ticket was not learnt before this step"))?;
    let push = w.last_push()?.clone();
    let response = push
        .response()
        .ok_or_else(|| Finding::harness("the repeated CREATE got no answer"))?;
    if let Some(answer) = ticket_answer(response) {
        let named = external_ticket(&answer, &push, false)?;
        if named.number != first.number {
            return Err(Finding::failure("a repeated CREATE made a second PSA ticket")
                .expected(format!("externalTicketId {:?} again", first.number))
                .actual(format!("externalTicketId {:?}", named.number))
                .exchange(push.summary_line())
                .hint("identify tickets by ncentralTicketId: N-central retries a CREATE whose answer it did not get"));
        }
        return Ok(());
    }
    // Answered empty: no second callback may name another PSA ticket.
    let deadline = Instant::now()
        + ctx
            .target
            .ncentral
            .callback_timeout
            .min(std::time::Duration::from_secs(3));
    let (_, calls) = ctx
        .ncentral
        .wait_for(ticket, deadline, |calls| {
            calls
                .iter()
                .filter(|c| c.kind.links())
                .any(|c| callback_number(c).is_some_and(|n| n != first.number))
        })
        .await;
    if let Some(other) = calls
        .iter()
        .filter(|c| c.kind.links())
        .find(|c| callback_number(c).is_some_and(|n| n != first.number))
    {
        return Err(
            Finding::failure("a repeated CREATE made a second PSA ticket")
                .expected(format!(
                    "no callback naming another ticket than {:?}",
                    first.number
                ))
                .actual(format!(
                    "a callback naming {:?}",
                    callback_number(other).unwrap_or_default()
                ))
                .exchange(other.exchange.summary_line()),
        );
    }
    Ok(())
    })
    .await
}

#[then("no callback for it arrives")]
async fn no_callback(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?;
        let ticket = w.ticket()?;
        if !ctx.calls_back {
            // An answer-style PSA shows a created ticket only in its answer,
            // which the 401/403 already ruled out; say what was not observable.
            w.notes.push(
                "nothing created: not observable beyond the 401/403 for a PSA that answers CREATE with its ticket (it never calls back)".into(),
            );
            return Ok(());
        }
        let deadline = Instant::now()
            + ctx
                .target
                .ncentral
                .callback_timeout
                .min(std::time::Duration::from_secs(3));
        let (arrived, calls) = ctx
            .ncentral
            .wait_for(ticket, deadline, |calls| {
                calls.iter().any(|c| c.kind.links())
            })
            .await;
        if arrived {
            let call = calls
                .iter()
                .find(|c| c.kind.links())
                .map(|c| c.exchange.summary_line());
            return Err(
                Finding::failure("the PSA created a ticket for a push it refused")
                    .expected("no callback for a push without the configured auth")
                    .actual(call.unwrap_or_default()),
            );
        }
        Ok(())
    })
    .await
}

/// The `ticketNumber` a link callback carried, as N-central reads it.
pub(crate) fn callback_number(call: &crate::suite::psa_side::ncentral::Call) -> Option<String> {
    crate::suite::psa_side::ncentral::ticket_number_of(call.body.as_ref())
}

/// Whether a URL is absolute http(s) with a host.
pub(crate) fn absolute_http_url(text: &str) -> bool {
    url::Url::parse(text)
        .ok()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// The PSA's ticket from a CREATE answered with it (PUSH-02): an
/// `externalTicketId` N-central reads as a non-blank `String` (a number is
/// read as its text) and — when `strict_url` (PUSH-02 itself) — an
/// absolute `ticketUrl`. Checks that need only the number pass `false`.
pub(crate) fn external_ticket(
    json: &Value,
    push: &Exchange,
    strict_url: bool,
) -> Result<PsaTicket, Finding> {
    let fail = |title: &str, expected: &str, actual: String| {
        Finding::failure(title.to_string())
            .expected(expected.to_string())
            .actual(actual)
            .exchange(push.summary_line())
    };
    let given = json.get("externalTicketId");
    let number = given
        .and_then(crate::jackson::text)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            fail(
                "the answer to CREATE names no PSA ticket",
                "a non-empty string at /externalTicketId",
                given.map_or("nothing".to_string(), Value::to_string),
            )
            .at("/externalTicketId")
        })?;
    match json.get("ticketUrl") {
        Some(Value::String(u)) if absolute_http_url(u) => {}
        _ if !strict_url => {}
        other => {
            return Err(fail(
                "the answer to CREATE gives no absolute ticketUrl",
                "an absolute http(s) URL at /ticketUrl (N-central links the ticket there)",
                other.map_or("nothing".to_string(), Value::to_string),
            )
            .at("/ticketUrl"))
        }
    }
    Ok(PsaTicket {
        number,
        by: NamedBy::Answer,
    })
}

/// Learns the PSA's ticket for the scenario's ticket from the CREATE's
/// answer, or — when it was empty — from the callback that must follow.
/// `strict_url`: the answer's `ticketUrl` must be absolute too (PUSH-02).
pub(crate) async fn learn_psa_ticket(
    w: &mut PsaSideWorld,
    push: &Exchange,
    strict_url: bool,
) -> Result<(), Finding> {
    let ctx = w.ctx()?;
    let ticket = w.ticket()?;
    let response = push
        .response()
        .ok_or_else(|| Finding::harness("the CREATE got no answer"))?;
    if let Some(answer) = ticket_answer(response) {
        w.psa_ticket = Some(external_ticket(&answer, push, strict_url)?);
        return Ok(());
    }
    let timeout = ctx.target.ncentral.callback_timeout;
    let deadline = Instant::now() + timeout;
    let (arrived, calls) = ctx
        .ncentral
        .wait_for(ticket, deadline, |calls| {
            calls
                .iter()
                .any(|c| c.kind.links() && (200..300).contains(&c.status))
        })
        .await;
    let tried: Vec<String> = calls.iter().map(|c| c.exchange.summary_line()).collect();
    if !arrived {
        return Err(Finding::failure("the PSA answered CREATE empty and never called back")
            .expected(format!(
                "a callback for ticket {ticket} within callback_timeout_secs ({} s): POST /api/custom-psa/tickets",
                timeout.as_secs()
            ))
            .actual(if tried.is_empty() {
                "no call about this ticket".to_string()
            } else {
                format!("only: {}", tried.join("; "))
            })
            .exchange(push.summary_line()));
    }
    let call = calls
        .iter()
        .find(|c| c.kind.links() && (200..300).contains(&c.status))
        .ok_or_else(|| Finding::harness("the callback vanished"))?;
    let number = callback_number(call)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            Finding::failure("the callback names no PSA ticket")
                .expected("a non-empty string at /ticketNumber")
                .exchange(call.exchange.summary_line())
        })?;
    w.psa_ticket = Some(PsaTicket {
        number,
        by: NamedBy::Callback,
    });
    Ok(())
}
