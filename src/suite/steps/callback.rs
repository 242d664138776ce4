//! Steps of the vendor's side that judge the calls the PSA makes to the
//! harness's N-central (CB-01…06, docs/REQUIREMENTS.md §12): that the
//! callback comes, names the right ticket, carries an access token, and is
//! retried after a 429 or an expired token.

use std::time::Instant;

use cucumber::{given, then, when};
use serde_json::Value;

use super::push::{absolute_http_url, callback_number, described};
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::psa_side::ncentral::{Bearer, Call, CallKind, Trap};
use crate::suite::psa_side::world::{ticket_answer, NamedBy, PsaSideWorld, PsaTicket};

/// The calls about the scenario's ticket once `accept` holds, or when the
/// callback timeout (counted from the last push) has passed.
async fn calls_once(
    w: &PsaSideWorld,
    accept: impl Fn(&[Call]) -> bool,
) -> Result<(bool, Vec<Call>), Finding> {
    let ctx = w.ctx()?;
    let ticket = w.ticket()?;
    let deadline = Instant::now() + ctx.target.ncentral.callback_timeout;
    Ok(ctx.ncentral.wait_for(ticket, deadline, accept).await)
}

/// The CREATE was answered with the PSA's ticket: this PSA need not call
/// back for it.
fn answered_with_ticket(w: &PsaSideWorld) -> Result<bool, Finding> {
    let push = w.last_push()?;
    Ok(push
        .response()
        .is_some_and(|r| (200..300).contains(&r.status) && ticket_answer(r).is_some()))
}

fn summary(calls: &[Call]) -> String {
    if calls.is_empty() {
        "no call about this ticket".into()
    } else {
        calls
            .iter()
            .map(|c| c.exchange.summary_line())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[given("N-central will answer the first callback for it with 429 and Retry-After 1")]
async fn trap_429(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ticket = w.ticket()?;
        w.ctx()?.ncentral.set_trap(ticket, Trap::TooManyRequests);
        Ok(())
    })
    .await
}

#[given("N-central will answer the first callback for it with 401, its access token expired")]
async fn trap_401(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ticket = w.ticket()?;
        w.ctx()?.ncentral.set_trap(ticket, Trap::ExpiredToken);
        Ok(())
    })
    .await
}

#[then("a callback for it arrives within the callback timeout")]
async fn callback_arrives(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
    if answered_with_ticket(w)? {
        return Err(Finding::not_tested(
            "the PSA answered this CREATE with its ticket: it need not call back",
        )
        .actual(described(w.last_push()?)));
    }
    let ctx = w.ctx()?;
    let ticket = w.ticket()?;
    let (arrived, calls) = calls_once(w, |calls| calls.iter().any(|c| c.kind.links())).await?;
    if !arrived {
        return Err(Finding::failure("no callback arrived for the ticket the PSA accepted")
            .expected(format!(
                "POST /api/custom-psa/tickets (or PUT /dms/rest/custompsa/tickets/create/{ticket}) with psaCustomTicketId {ticket} within callback_timeout_secs ({} s)",
                ctx.target.ncentral.callback_timeout.as_secs()
            ))
            .actual(summary(&calls))
            .exchange(w.last_push()?.summary_line())
            .hint("after a 2xx naming no ticket, the ticket stays pending in N-central until the PSA calls back"));
    }
    Ok(())
    })
    .await
}

/// No call of the PSA about the ticket reached the harness's N-central: a
/// check of the callback itself has nothing to judge (CB-01 fails for it).
fn nothing_to_judge(w: &PsaSideWorld, calls: &[Call]) -> Finding {
    let timeout = w
        .ctx()
        .map(|c| c.target.ncentral.callback_timeout.as_secs())
        .unwrap_or_default();
    Finding::not_tested(format!(
        "no callback for this ticket reached the harness's N-central within callback_timeout_secs ({timeout} s): nothing to judge here (CB-01 says why)"
    ))
    .actual(summary(calls))
}

#[when("the PSA calls back for it")]
async fn calls_back_for_it(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        if answered_with_ticket(w)? {
            return Err(Finding::not_tested(
                "the PSA answered this CREATE with its ticket: it need not call back",
            )
            .actual(described(w.last_push()?)));
        }
        let (arrived, calls) = calls_once(w, |calls| calls.iter().any(|c| c.kind.links())).await?;
        if arrived {
            return Ok(());
        }
        // A callback that names no pushed ticket, sent meanwhile, may be
        // this one's with the wrong id: CB-02 judges it.
        let ctx = w.ctx()?;
        let since = w.timeline.first().map(|(at, _)| *at).unwrap_or_default();
        w.stray = ctx.ncentral.with_calls(|all| {
            all.iter()
                .filter(|c| c.kind.links() && c.at >= since)
                .find(|c| c.ticket.is_none_or(|t| !ctx.ncentral.was_pushed(t)))
                .map(|c| {
                    let id = c
                        .body
                        .as_ref()
                        .and_then(|b| b.get("psaCustomTicketId"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    (id, c.exchange.clone())
                })
        });
        if w.stray.is_some() {
            return Ok(());
        }
        Err(nothing_to_judge(w, &calls))
    })
    .await
}

#[then("the callback names the pushed ticket, an absolute ticketUrl and a ticketNumber")]
async fn callback_names_ticket(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ticket = w.ticket()?;
        let (_, calls) = calls_once(w, |calls| calls.iter().any(|c| c.kind.links())).await?;
        if let (None, Some((id, exchange))) = (calls.iter().find(|c| c.kind.links()), &w.stray) {
            return Err(Finding::failure("the callback names another ticket")
                .expected(format!(
                    "{ticket}, the pushed ncentralTicketId (a number, or a decimal string)"
                ))
                .actual(format!("{id}: a ticket N-central never pushed"))
                .at("/psaCustomTicketId")
                .exchange(exchange.summary_line()));
        }
        let call = calls.iter().find(|c| c.kind.links()).ok_or_else(|| {
            Finding::failure("no callback names the pushed ticket")
                .expected(format!("a callback with psaCustomTicketId {ticket}"))
                .actual(summary(&calls))
        })?;
        let body = call.body.clone().unwrap_or(Value::Null);
        let fail = |title: &str, expected: String, at: &str| {
            Finding::failure(title.to_string())
                .expected(expected)
                .actual(
                    body.pointer(at)
                        .map_or("nothing".to_string(), Value::to_string),
                )
                .at(at.to_string())
                .exchange(call.exchange.summary_line())
        };
        // The id may travel in the path (the older form) or the body.
        if call.kind == CallKind::Link {
            let id = body
                .get("psaCustomTicketId")
                .and_then(crate::suite::psa_side::ncentral::ticket_id_of);
            if id != Some(ticket) {
                return Err(fail(
                    "the callback names another ticket",
                    format!(
                        "{ticket}, the pushed ncentralTicketId (a number, or a decimal string)"
                    ),
                    "/psaCustomTicketId",
                ));
            }
        }
        match body.get("ticketUrl").and_then(Value::as_str) {
            Some(u) if absolute_http_url(u) => {}
            _ => {
                return Err(fail(
                    "the callback gives no absolute ticketUrl",
                    "an absolute http(s) URL of the ticket in the PSA".into(),
                    "/ticketUrl",
                ))
            }
        }
        let number = callback_number(call)
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| {
                fail(
                    "the callback names no PSA ticket",
                    "a non-empty string".into(),
                    "/ticketNumber",
                )
            })?;
        w.psa_ticket = Some(PsaTicket {
            number,
            by: NamedBy::Callback,
        });
        Ok(())
    })
    .await
}

#[then("every call the PSA made for it carries an access token N-central issued")]
async fn calls_carry_access_token(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
    let (_, calls) = calls_once(w, |calls| calls.iter().any(|c| c.kind.links())).await?;
    let current: Vec<&Call> = calls.iter().filter(|c| c.kind.current_api()).collect();
    if current.is_empty() && calls.iter().any(|c| c.kind.links()) {
        // Only the older PUT /dms/rest/… form, which N-central accepts
        // without a bearer token: CB-03 asks nothing of it.
        w.notes.push(
            "the PSA called back with the older PUT /dms/rest/custompsa/… form only; CB-03 concerns the current API".into(),
        );
        return Ok(());
    }
    if current.is_empty() {
        return Err(nothing_to_judge(w, &calls));
    }
    for call in current {
        if !matches!(call.bearer, Bearer::Access { .. }) {
            return Err(Finding::failure("a callback carried the wrong credential")
                .expected("Authorization: Bearer <an access token from POST /api/auth/authenticate>")
                .actual(call.bearer.describe())
                .exchange(call.exchange.summary_line())
                .hint("the User-API JWT is only for POST /api/auth/authenticate; exchange it for an access token"));
        }
    }
    Ok(())
    })
    .await
}

#[then("the PSA retries the refused callback and it succeeds")]
async fn retried_after_429(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
    let ctx = w.ctx()?;
    let ticket = w.ticket()?;
    let (done, calls) = calls_once(w, |calls| {
        let refused = calls.iter().position(|c| c.trapped);
        refused.is_some_and(|i| {
            calls[i + 1..]
                .iter()
                .any(|c| c.kind.links() && accepted_or_refused_for_its_body(c))
        })
    })
    .await?;
    if done {
        note_refused_body(w, &calls);
        return Ok(());
    }
    if !calls.iter().any(|c| c.trapped) {
        // No authorised callback came to be answered 429: CB-01 or CB-03
        // say why; CB-05 has nothing to judge.
        return Err(nothing_to_answer(w, &calls, "429"));
    }
    Err(Finding::failure("the PSA gave up on a callback answered 429")
    .expected(format!(
        "after 429 with Retry-After: 1, the callback for ticket {ticket} again, answered 2xx, within callback_timeout_secs ({} s)",
        ctx.target.ncentral.callback_timeout.as_secs()
    ))
    .actual(summary(&calls))
    .hint("wait Retry-After seconds and send the callback again"))
    })
    .await
}

#[then("the PSA gets a new access token and the retried callback succeeds")]
async fn retried_after_401(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
    let ctx = w.ctx()?;
    let ticket = w.ticket()?;
    let (done, calls) = calls_once(w, |calls| {
        let refused = calls.iter().find(|c| c.trapped);
        refused.is_some_and(|r| {
            calls.iter().any(|c| {
                c.at > r.at
                    && c.kind.links()
                    && accepted_or_refused_for_its_body(c)
                    && c.bearer != r.bearer
            })
        })
    })
    .await?;
    // The token calls the PSA made since the 401, for the evidence.
    let refused_at = calls.iter().find(|c| c.trapped).map(|c| c.at);
    let renewed = refused_at.is_some_and(|at| {
        ctx.ncentral.with_calls(|all| {
            all.iter().any(|c| {
                c.at > at
                    && matches!(c.kind, CallKind::Authenticate | CallKind::Refresh)
                    && (200..300).contains(&c.status)
            })
        })
    });
    if done && renewed {
        note_refused_body(w, &calls);
        return Ok(());
    }
    if refused_at.is_none() {
        return Err(nothing_to_answer(w, &calls, "401"));
    }
    Err(Finding::failure(if renewed {
        "the PSA renewed its token but did not retry the callback"
    } else {
        "the PSA did not renew its access token after a 401"
    })
    .expected(format!(
        "after 401, POST /api/auth/refresh (or /api/auth/authenticate), then the callback for ticket {ticket} again with the new token, answered 2xx, within callback_timeout_secs ({} s)",
        ctx.target.ncentral.callback_timeout.as_secs()
    ))
    .actual(summary(&calls))
    .hint("an access token expires; refresh it with the refresh token and retry"))
    })
    .await
}

/// The trap was never sprung: no authorised link callback for the ticket
/// came to be answered `status`. The retry cannot be judged.
fn nothing_to_answer(w: &PsaSideWorld, calls: &[Call], status: &str) -> Finding {
    let timeout = w
        .ctx()
        .map(|c| c.target.ncentral.callback_timeout.as_secs())
        .unwrap_or_default();
    Finding::not_tested(format!(
        "no authorised callback for this ticket came within callback_timeout_secs ({timeout} s) to be answered {status}: the retry cannot be judged (CB-01 and CB-03 say why)"
    ))
    .actual(summary(calls))
}

/// The retried callback came: N-central took it (2xx), or refused it for
/// its body (400: a relative ticketUrl, no ticketNumber) — CB-02's
/// failure, not the retry's.
fn accepted_or_refused_for_its_body(c: &Call) -> bool {
    (200..300).contains(&c.status) || c.status == 400
}

fn note_refused_body(w: &mut PsaSideWorld, calls: &[Call]) {
    if let Some(c) = calls
        .iter()
        .rev()
        .find(|c| c.kind.links() && c.status == 400)
    {
        w.notes.push(format!(
            "the retried callback was refused for its body ({}): CB-02 judges the body; the retry is what this check asks",
            c.exchange.summary_line()
        ));
    }
}
