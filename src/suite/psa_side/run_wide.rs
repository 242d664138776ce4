//! The checks over a whole PSA-side run — PUSH-07, PUSH-10, CB-03, CB-04 —
//! as scenarios of their own (`run-wide:CB-04`), read from the record in
//! place (no copy of it), and what the listener saw for the reports: the
//! notices said first (no call received, exposure, tokens of another run,
//! a record cut) and the foreign calls.

use std::collections::HashMap;
use std::time::Duration;

use crate::config::RunConfig;
use crate::http::Exchange;
use crate::report::{ForeignCallRecord, ListenerReport, ScenarioResult, ScenarioStatus, Undecided};
use crate::suite::collect;

use super::calls::{ticket_number_of, Bearer, CallKind, MAX_CALLS};
use super::context::PsaRunContext;

/// Longest answer PUSH-10 accepts.
pub(crate) const PROMPT_ANSWER: Duration = Duration::from_secs(5);

/// One run-wide check: its id, what it asserts, its offenders, how many
/// things it looked at, and whether it is due (what must have happened for
/// the check to say anything).
type Check<'a> = (
    &'a str,
    &'a str,
    Vec<(String, Exchange)>,
    (usize, &'a str),
    bool,
);

/// PUSH-07, PUSH-10, CB-03 and CB-04 over every push and call of the run,
/// when the run selects them. A check that saw something passes or fails
/// on it; when the record was full, a pass is `inconclusive` (the calls
/// not kept were not seen).
pub(crate) fn run_wide_checks(ctx: &PsaRunContext, config: &RunConfig) -> Vec<ScenarioResult> {
    let (slow, pushed, creates) = {
        let pushes = ctx.pushes.lock().unwrap_or_else(|e| e.into_inner());
        let slow: Vec<(String, Exchange)> = pushes
            .iter()
            .filter(|(_, e)| e.elapsed > PROMPT_ANSWER)
            .map(|(action, e)| {
                (
                    format!(
                        "{} answered after {:.1} s",
                        action.as_deref().unwrap_or("a push"),
                        e.elapsed.as_secs_f64()
                    ),
                    e.clone(),
                )
            })
            .collect();
        let creates = pushes
            .iter()
            .filter(|(a, _)| a.as_deref() == Some("CREATE"))
            .count();
        (slow, pushes.len(), creates)
    };
    let (cb03, cb04, push07) = ctx.ncentral.with_calls(|calls| {
        // CB-03: every ticket call of the PSA to the current API carries an
        // access token of this run (a call with a token N-central did not
        // issue is foreign, answered 401, and never counted here).
        let ticket_calls = calls.iter().filter(|c| {
            c.kind.current_api() && !matches!(c.kind, CallKind::Authenticate | CallKind::Refresh)
        });
        let mut bad_bearer = Vec::new();
        let mut seen = 0;
        for c in ticket_calls {
            seen += 1;
            if !matches!(c.bearer, Bearer::Access { .. }) {
                bad_bearer.push((
                    format!("carried {}", c.bearer.describe()),
                    c.exchange.clone(),
                ));
            }
        }
        // CB-04: callbacks about tickets never pushed, and more successful
        // links of a ticket than CREATEs of it.
        let mut offenders = Vec::new();
        let mut links: HashMap<i64, usize> = HashMap::new();
        let mut about_tickets = 0;
        for c in calls {
            let Some(ticket) = c.ticket else { continue };
            about_tickets += 1;
            if !ctx.ncentral.was_pushed(ticket) {
                offenders.push((
                    format!("a call about ticket {ticket}, which N-central never pushed"),
                    c.exchange.clone(),
                ));
                continue;
            }
            if c.kind.links() && (200..300).contains(&c.status) {
                let n = links.entry(ticket).or_default();
                *n += 1;
                let creates = ctx.ncentral.creates_of(ticket);
                if *n > creates {
                    offenders.push((
                        format!("link callback #{n} for ticket {ticket}, which N-central pushed {creates} CREATE(s) for"),
                        c.exchange.clone(),
                    ));
                }
            }
        }
        // PUSH-07: one N-central ticket, one PSA ticket — however late a
        // second callback came.
        let mut named: HashMap<i64, String> = HashMap::new();
        let mut renamed = Vec::new();
        let mut links_seen = 0;
        for c in calls
            .iter()
            .filter(|c| c.kind.links() && (200..300).contains(&c.status))
        {
            let (Some(ticket), Some(number)) = (c.ticket, ticket_number_of(c.body.as_ref()))
            else {
                continue;
            };
            links_seen += 1;
            match named.get(&ticket) {
                Some(first) if *first != number => renamed.push((
                    format!("ticket {ticket} named PSA ticket {number:?} after {first:?}"),
                    c.exchange.clone(),
                )),
                Some(_) => {}
                None => {
                    named.insert(ticket, number);
                }
            }
        }
        ((bad_bearer, seen), (offenders, about_tickets), (renamed, links_seen))
    });
    // Each check counts what it judged (the offenders are of that kind);
    // CB-04 judges the PSA's calls about tickets, and is due once N-central
    // pushed a CREATE.
    let (cb04, cb04_calls) = cb04;
    let checks: [Check; 4] = [
        (
            "PUSH-07",
            "no N-central ticket was called back with two different PSA tickets",
            push07.0,
            (push07.1, "link callbacks"),
            push07.1 > 0,
        ),
        (
            "PUSH-10",
            "every push is answered within 5 s",
            slow,
            (pushed, "pushes"),
            pushed > 0,
        ),
        (
            "CB-03",
            "every call the PSA made to N-central's current API carries an access token N-central issued",
            cb03.0,
            (cb03.1, "calls"),
            cb03.1 > 0,
        ),
        (
            "CB-04",
            "the PSA called back only for pushed tickets, and once per CREATE",
            cb04,
            (cb04_calls, "calls about tickets"),
            creates > 0,
        ),
    ];
    let not_kept = ctx.ncentral.summary().calls_not_kept;
    let mut out = Vec::new();
    for (id, name, offenders, observed, due) in checks {
        let expr = config.tags.as_ref().map(|(_, op)| op);
        let Some(tags) = crate::catalog::run_wide_tags(id, expr).filter(|_| due) else {
            continue;
        };
        let mut result = collect::run_wide(id, name, tags, &offenders, observed, &ctx.redactor);
        if not_kept > 0 && id != "PUSH-10" && result.status == ScenarioStatus::Passed {
            result.status = ScenarioStatus::Inconclusive;
            result.undecided = Some(Undecided::NotTested);
            result.failure = Some(format!(
                "{not_kept} call(s) of the PSA were not kept (the record holds {MAX_CALLS}): this check saw only part of the run"
            ));
        }
        out.push(result);
    }
    out
}

/// What the harness's N-central saw, for the reports. `calls_due`: the PSA
/// answered CREATE without its ticket, so callbacks were due.
pub(crate) fn listener_report(ctx: &PsaRunContext, calls_due: bool) -> ListenerReport {
    let seen = ctx.ncentral.summary();
    let listen = ctx.target.ncentral.listen;
    let public_url = ctx
        .redactor
        .redact(
            ctx.target
                .ncentral
                .public_url
                .as_str()
                .trim_end_matches('/'),
        )
        .into_owned();
    let mut notices = Vec::new();
    if calls_due && seen.calls == 0 {
        notices.push(format!(
            "The harness's N-central received no call from the PSA, although callbacks were due (the PSA answered CREATE without its ticket). Is the PSA configured with N-central at {public_url}? The harness listened on {listen}.{}",
            if seen.foreign_total > 0 {
                format!(
                    " {} call(s) without a credential of this run did arrive (listed as foreign calls): is the PSA configured with the User-API JWT of [ncentral] user_api_jwt_env?",
                    seen.foreign_total
                )
            } else {
                String::new()
            }
        ));
    }
    if let Some(warning) = exposure_warning(listen) {
        notices.push(warning);
    }
    if seen.unknown_tokens > 0 {
        notices.push(format!(
            "{} call(s) carried a token this N-central did not issue in this run (a token kept from an earlier run is one): answered 401, as N-central answers an expired token, listed as foreign calls and not held against the PSA; whether the PSA recovered is judged by its later calls.",
            seen.unknown_tokens
        ));
    }
    if seen.calls_not_kept > 0 {
        notices.push(format!(
            "The record of the harness's N-central was full: {} call(s) of the PSA were counted but not kept (it keeps {MAX_CALLS}); the run-wide checks that would need them are inconclusive.",
            seen.calls_not_kept
        ));
    }
    let foreign = seen
        .foreign
        .iter()
        .map(|f| ForeignCallRecord {
            peer: f.peer.map_or("unknown".into(), |p| p.to_string()),
            at_ms: u64::try_from(f.at.as_millis()).unwrap_or(u64::MAX),
            method: ctx.redactor.redact(&f.method).into_owned(),
            path: ctx.redactor.redact(&f.path).into_owned(),
            status: f.status,
            why: f.why.to_string(),
        })
        .collect();
    ListenerReport {
        listen: listen.to_string(),
        public_url,
        exposed: !listen.ip().is_loopback(),
        notices: notices
            .iter()
            .map(|n| ctx.redactor.redact(n).into_owned())
            .collect(),
        calls: seen.calls,
        calls_not_kept: seen.calls_not_kept,
        foreign_total: seen.foreign_total,
        foreign,
    }
}

/// The warning a listener reachable from other hosts gets, before the
/// first push and in every report; `None` on a loopback address.
pub(crate) fn exposure_warning(listen: std::net::SocketAddr) -> Option<String> {
    (!listen.ip().is_loopback()).then(|| {
        format!(
            "The harness's N-central listens on {listen}, reachable from other hosts: anyone who reaches it can call the token exchange (/api/auth/…), the callback routes (/api/custom-psa/tickets…) and the older PUT /dms/rest/custompsa/tickets/… route, which N-central accepts without a token. Calls without a credential of this run are answered as N-central would and listed as foreign, never judged; bind a loopback address behind a tunnel to keep strangers out."
        )
    })
}
