//! PUSH-05 on the vendor's side: unknown extra keys in a push are ignored.
//! The harness pushes the same action for two tickets — one plain, one
//! (the *twin*) with keys no PSA knows — and compares the answers: the
//! status class, and for CREATE whether the answer names a ticket (and, for
//! a PSA that calls back, whether the callback comes). It judges nothing
//! else: a bad `ticketUrl` is PUSH-02's, a refused UPDATE is PUSH-03's.

use std::time::Instant;

use cucumber::{then, when};

use super::push::{described, external_ticket};
use crate::http::Exchange;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::psa_side::ncentral::ticket_number_of;
use crate::suite::psa_side::world::{
    ticket_answer, NamedBy, PsaSideWorld, PsaTicket, PushAuthChoice,
};

/// The status class of an answered push (`2` for 2xx), or `None`.
fn class(e: &Exchange) -> Option<u16> {
    e.response().map(|r| r.status / 100)
}

#[when(regex = r"^N-central pushes (CREATE|UPDATE) for both$")]
async fn push_both(w: &mut PsaSideWorld, action: String) -> StepOutcome {
    StepOutcome::of(async {
        let ticket = w.ticket()?;
        let twin = w
            .twin
            .ok_or_else(|| Finding::harness("no twin ticket before this step"))?;
        let (plain_number, twin_number) = match action.as_str() {
            "CREATE" => (None, None),
            _ => match (&w.psa_ticket, &w.twin_ticket) {
                (Some(a), Some(b)) => (Some(a.number.clone()), Some(b.number.clone())),
                _ => {
                    w.pair = None;
                    w.notes.push(format!(
                        "{action} not compared: the PSA named no ticket for the CREATE without extra keys"
                    ));
                    return Ok(());
                }
            },
        };
        let plain = w.push_body(&action, ticket, plain_number.as_deref());
        w.push(plain.to_string().into_bytes(), PushAuthChoice::Configured)
            .await?;
        let plain = w.last_push()?.clone();
        let extra = w.push_body(&action, twin, twin_number.as_deref());
        w.push(extra.to_string().into_bytes(), PushAuthChoice::Configured)
            .await?;
        let extra = w.last_push()?.clone();
        w.pair = Some((action, plain, extra));
        Ok(())
    })
    .await
}

#[then("the PSA answers the push with extra keys as the one without")]
async fn answered_alike(w: &mut PsaSideWorld) -> StepOutcome {
    StepOutcome::of(async {
        let Some((action, plain, extra)) = w.pair.clone() else {
            return Ok(());
        };
        let differs = |what: &str| {
            Finding::failure(format!(
                "a {action} with keys the PSA does not know is answered otherwise than without them"
            ))
            .expected(format!(
                "{what} as the same push without them: {}",
                described(&plain)
            ))
            .actual(described(&extra))
            .exchange(extra.summary_line())
            .hint("ignore keys you do not know: N-central may add keys to its pushes")
        };
        if class(&plain) != Some(2) && action == "CREATE" {
            return Err(Finding::not_tested(
                "the CREATE without extra keys was not answered 2xx: nothing to compare (PUSH-01 says why)",
            )
            .actual(described(&plain)));
        }
        if class(&extra) != class(&plain) {
            return Err(differs("the same status class"));
        }
        if action != "CREATE" {
            if class(&plain) != Some(2) {
                w.notes.push(format!(
                    "both {action} pushes were answered {}xx: alike, as PUSH-05 asks (PUSH-03 judges the {action} itself)",
                    class(&plain).unwrap_or_default()
                ));
            }
            return Ok(());
        }
        let (plain_answer, extra_answer) = (
            plain.response().and_then(ticket_answer),
            extra.response().and_then(ticket_answer),
        );
        match (plain_answer, extra_answer) {
            (Some(a), Some(b)) => {
                // Only the number: a bad ticketUrl is PUSH-02's failure.
                let a = external_ticket(&a, &plain, false).ok();
                let b = external_ticket(&b, &extra, false);
                if a.is_some() {
                    w.twin_ticket = Some(b.map_err(|_| differs("a ticket named"))?);
                }
                w.psa_ticket = a;
                Ok(())
            }
            (None, None) => called_back_alike(w, &extra).await,
            (Some(_), None) => Err(differs("a ticket named in the answer")),
            (None, Some(_)) => Err(differs("an answer that names no ticket")),
        }
    })
    .await
}

/// Both CREATEs answered without a ticket: the twin's callback must come
/// when the plain one's does.
async fn called_back_alike(w: &mut PsaSideWorld, extra: &Exchange) -> Result<(), Finding> {
    let ctx = w.ctx()?;
    let (ticket, twin) = (w.ticket()?, w.twin.unwrap_or_default());
    let deadline = Instant::now() + ctx.target.ncentral.callback_timeout;
    let linked = |calls: &[crate::suite::psa_side::ncentral::Call]| {
        calls
            .iter()
            .find(|c| c.kind.links() && (200..300).contains(&c.status))
            .map(|c| ticket_number_of(c.body.as_ref()))
    };
    let (plain_done, plain_calls) = ctx
        .ncentral
        .wait_for(ticket, deadline, |c| linked(c).is_some())
        .await;
    if !plain_done {
        w.notes.push(
            "callbacks not compared: none came for the CREATE without extra keys (CB-01 says why)"
                .into(),
        );
        return Ok(());
    }
    let (twin_done, twin_calls) = ctx
        .ncentral
        .wait_for(twin, deadline, |c| linked(c).is_some())
        .await;
    if !twin_done {
        return Err(Finding::failure(
            "a CREATE with keys the PSA does not know was never called back",
        )
        .expected(format!(
            "a callback for ticket {twin}, as for the same CREATE without extra keys (ticket {ticket})"
        ))
        .actual(format!(
            "{}; no callback for ticket {twin} within callback_timeout_secs ({} s)",
            described(extra),
            ctx.target.ncentral.callback_timeout.as_secs()
        ))
        .exchange(extra.summary_line())
        .hint("ignore keys you do not know: N-central may add keys to its pushes"));
    }
    let named = |calls: &[crate::suite::psa_side::ncentral::Call]| {
        linked(calls).flatten().map(|number| PsaTicket {
            number,
            by: NamedBy::Callback,
        })
    };
    w.psa_ticket = named(&plain_calls);
    w.twin_ticket = named(&twin_calls);
    Ok(())
}
