//! The vendor's side (`run --side psa`, docs/PSA-SIDE.md): the harness plays
//! N-central toward a custom PSA. It starts its own N-central
//! ([`ncentral`]) for the PSA's callbacks, probes how the PSA answers a
//! CREATE (with its ticket, or empty and a callback later), runs the
//! `features/psa/` scenarios with their [`world::PsaSideWorld`], adds the
//! run-wide checks (PUSH-10, CB-03, CB-04), and builds the same run model
//! as the N-central side — reports, verdicts and exit codes stay as they are.

pub mod context;
pub mod ncentral;
pub mod world;

pub use context::PsaRunContext;

use std::collections::HashMap;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::gherkin;
use cucumber::tag::Ext as _;
use cucumber::writer::Ext as _;
use cucumber::World as _;
use futures::FutureExt as _;

use crate::catalog::Profile;
use crate::config::{PsaTarget, RunConfig};
use crate::features::{select, Applicability, EmbeddedFeatures, Selection};
use crate::http::{ClientSettings, Exchange, HttpClient, TransportErrorKind};
use crate::interrupt::{Interrupt, Stop};
use crate::redact::Secret;
use crate::report::{RunInfo, RunReport, ScenarioResult, ScenarioStatus};

use super::collect::{self, StepCollector};
use super::runner::{panic_guard, RunError};
use ncentral::HarnessNcentralServer;
use world::PsaSideWorld;

/// Longest answer PUSH-10 accepts.
pub const PROMPT_ANSWER: Duration = Duration::from_secs(5);

/// How long the run waits after its last scenario for late callbacks, so a
/// callback sent twice or unasked is seen (CB-04).
pub const SETTLE: Duration = Duration::from_millis(1500);

/// Runs the PSA side against `target`. `listener` is the harness's
/// N-central's socket when the caller already bound one (the built-in
/// reference PSA was told its address); otherwise `[ncentral] listen` is
/// bound here.
pub async fn execute_until(
    config: &RunConfig,
    target: PsaTarget,
    listener: Option<tokio::net::TcpListener>,
    mut stop: Stop,
) -> Result<(RunReport, Option<Interrupt>), RunError> {
    let started_at = jiff::Timestamp::now();
    let started = Instant::now();
    let redactor = target.redactor();
    // Every check that can fail comes before the port is bound.
    let push_client = HttpClient::new(
        target.push_url.clone(),
        ClientSettings {
            timeout: target.ncentral.answer_timeout,
            per_endpoint: config.concurrency,
            tls: target.tls.clone(),
            ..ClientSettings::default()
        },
    )?;
    let listener = match listener {
        Some(l) => l,
        None => tokio::net::TcpListener::bind(target.ncentral.listen)
            .await
            .map_err(|e| RunError::Listen {
                address: target.ncentral.listen.to_string(),
                reason: e.to_string(),
            })?,
    };
    let server = HarnessNcentralServer::start(
        crate::net::Endpoint::new(listener, target.ncentral.tls.clone()),
        target.ncentral.public_url.as_str(),
        target.ncentral.user_api_jwt.clone(),
        redactor.clone(),
    )
    .map_err(RunError::Mock)?;
    let guard = panic_guard::register();
    let wrong_push_auth = Secret::new(format!(
        "Bearer not-the-push-auth-{:016x}",
        rand::random::<u64>()
    ));
    redactor.add(&wrong_push_auth);
    let mut ctx = PsaRunContext {
        target,
        push_client,
        ncentral: server.state.clone(),
        redactor: redactor.clone(),
        wrong_push_auth,
        calls_back: false,
        next_ticket: AtomicI64::new(first_ticket_id()),
        pushes: Mutex::default(),
    };
    let calls_back = tokio::select! {
        probed = probe(&ctx) => probed?,
        signal = stop.wait() => return Err(RunError::Interrupted(signal)),
    };
    ctx.calls_back = calls_back;
    let ctx = Arc::new(ctx);
    let mut outcome = run_scenarios(ctx.clone(), config, stop).await;
    if outcome.interrupted.is_none() {
        tokio::time::sleep(SETTLE).await;
    }
    drop(guard);
    outcome.scenarios.extend(run_wide_checks(&ctx, config));
    outcome.scenarios.sort_by_key(ScenarioResult::sort_key);
    server.stop().await;
    let interrupted = outcome.interrupted.take();
    let info = RunInfo {
        profile: config.profile,
        strict: config.strict,
        target: redactor
            .redact(ctx.target.push_url.as_str())
            .trim_end_matches('/')
            .to_string(),
        tls_insecure: ctx.target.tls.insecure_skip_verify,
        started_at,
        elapsed: started.elapsed(),
    };
    let mut report = RunReport::build(&info, outcome.scenarios, &outcome.parse_errors, Vec::new());
    if let Some(i) = &interrupted {
        crate::interrupt::mark_interrupted(&mut report, i.signal, &i.unfinished, i.planned);
    }
    Ok((report, interrupted.map(|i| i.signal)))
}

/// A random first ticket id, so two runs against one PSA use other tickets;
/// the run's ids stay well inside an int32.
fn first_ticket_id() -> i64 {
    1_000_000_000 + i64::from(rand::random::<u32>() % 500_000_000)
}

/// One CREATE for a ticket of its own: the PSA must be reachable, and how it
/// answers decides whether the callback scenarios apply.
async fn probe(ctx: &PsaRunContext) -> Result<bool, RunError> {
    let ticket = ctx.next_ticket_id();
    let body = context::push_body("CREATE", ticket, None, "customTags", false);
    let spec = ctx.push_spec(
        body.to_string().into_bytes(),
        context::PushAuthChoice::Configured,
    );
    let exchange = ctx.send_push(&spec).await;
    match &exchange.outcome {
        Ok(r) => Ok((200..300).contains(&r.status) && world::ticket_answer(r).is_none()),
        Err(e) if matches!(e.kind, TransportErrorKind::Connect) => Err(RunError::Unreachable {
            url: ctx
                .redactor
                .redact(ctx.target.push_url.as_str())
                .into_owned(),
            reason: e.message.clone(),
            key: "push_url",
        }),
        // An answer that is not HTTP, or none in time: the scenarios show it.
        Err(_) => Ok(false),
    }
}

/// What cucumber reported, before it becomes a report.
struct Outcome {
    scenarios: Vec<ScenarioResult>,
    parse_errors: Vec<String>,
    interrupted: Option<crate::interrupt::Interrupted>,
}

async fn run_scenarios(ctx: Arc<PsaRunContext>, config: &RunConfig, mut stop: Stop) -> Outcome {
    let applicability = Applicability {
        push_auth: ctx.target.push_auth.is_some(),
        calls_back: ctx.calls_back,
        ..Applicability::default()
    };
    let profile: Profile = config.profile;
    let tags = config.tags.as_ref().map(|(_, op)| op.clone());
    let features = crate::features::parse_repeated(config.repeat_features);
    let planned = collect::planned(&features, profile, tags.as_ref(), applicability);
    let results: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    let collector = StepCollector::default();
    let progress = Arc::new(crate::report::terminal::Progress::new(
        planned.len(),
        config.quiet,
    ));
    let filter =
        {
            let results = results.clone();
            let tags = tags.clone();
            move |f: &gherkin::Feature, _: Option<&gherkin::Rule>, sc: &gherkin::Scenario| {
                match select(f, sc, profile, tags.as_ref(), Some(applicability)) {
                    Selection::Run => true,
                    Selection::Exclude => false,
                    Selection::Skip(reason) => {
                        results
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(collect::skipped(f, sc, reason));
                        false
                    }
                }
            }
        };
    let before_ctx = ctx.clone();
    let (after_ctx, after_results, after_progress) =
        (ctx.clone(), results.clone(), progress.clone());
    let strict = config.strict;
    let run = PsaSideWorld::cucumber::<&str>()
        .with_parser(EmbeddedFeatures)
        .with_writer(collector.clone().normalized())
        .with_default_cli()
        .max_concurrent_scenarios(16)
        .which_scenario(|f, _, s| {
            if f.tags.iter().chain(s.tags.iter()).any(|t| t == "serial") {
                cucumber::runner::basic::ScenarioType::Serial
            } else {
                cucumber::runner::basic::ScenarioType::Concurrent
            }
        })
        .before(move |feature, _, scenario, world| {
            world.attach(
                before_ctx.clone(),
                feature.tags.iter().chain(scenario.tags.iter()),
            );
            async {}.boxed_local()
        })
        .after(move |feature, _, scenario, outcome, world| {
            let mut world = world;
            if let Some(w) = world.as_deref_mut() {
                w.gather_evidence();
            }
            let result = collect::finished(feature, scenario, outcome, world, &after_ctx.redactor);
            after_progress
                .tick(result.status == ScenarioStatus::Failed && !result.is_warning(strict));
            after_results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(result);
            async {}.boxed_local()
        })
        .filter_run(features, filter);
    let signal = tokio::select! {
        _ = run => None,
        signal = stop.wait() => Some(signal),
    };
    progress.finish();
    let mut scenarios = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
    let parse_errors = collector.fill_in(&mut scenarios, &ctx.redactor);
    let interrupted =
        signal.map(|signal| crate::interrupt::Interrupted::new(signal, planned, &mut scenarios));
    Outcome {
        scenarios,
        parse_errors,
        interrupted,
    }
}

/// PUSH-07, PUSH-10, CB-03 and CB-04 over every push and call of the run, as
/// scenarios of their own (`run-wide:CB-04`), when the run selects them.
fn run_wide_checks(ctx: &PsaRunContext, config: &RunConfig) -> Vec<ScenarioResult> {
    let pushes = ctx.pushes.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let calls = ctx.ncentral.calls();
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
    let ticket_calls: Vec<&ncentral::Call> = calls
        .iter()
        .filter(|c| {
            c.kind.current_api()
                && !matches!(
                    c.kind,
                    ncentral::CallKind::Authenticate | ncentral::CallKind::Refresh
                )
        })
        .collect();
    let bad_bearer: Vec<(String, Exchange)> = ticket_calls
        .iter()
        .filter(|c| !matches!(c.bearer, ncentral::Bearer::Access { .. }))
        .map(|c| {
            (
                format!("carried {}", c.bearer.describe()),
                c.exchange.clone(),
            )
        })
        .collect();
    // CB-04: callbacks about tickets never pushed, and more successful
    // links of a ticket than CREATEs of it.
    let mut offenders: Vec<(String, Exchange)> = Vec::new();
    let mut links: HashMap<i64, usize> = HashMap::new();
    for c in &calls {
        let Some(ticket) = c.ticket else { continue };
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
    let creates = pushes
        .iter()
        .filter(|(a, _)| a.as_deref() == Some("CREATE"))
        .count();
    // PUSH-07: one N-central ticket, one PSA ticket — however late a
    // second callback came.
    let mut named: HashMap<i64, String> = HashMap::new();
    let mut renamed: Vec<(String, Exchange)> = Vec::new();
    let mut links_seen = 0;
    for c in calls
        .iter()
        .filter(|c| c.kind.links() && (200..300).contains(&c.status))
    {
        let (Some(ticket), Some(number)) = (c.ticket, ncentral::ticket_number_of(c.body.as_ref()))
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
    type Check<'a> = (&'a str, &'a str, Vec<(String, Exchange)>, (usize, &'a str));
    let checks: [Check; 4] = [
        (
            "PUSH-07",
            "no N-central ticket was called back with two different PSA tickets",
            renamed,
            (links_seen, "link callbacks"),
        ),
        (
            "PUSH-10",
            "every push is answered within 5 s",
            slow,
            (pushes.len(), "pushes"),
        ),
        (
            "CB-03",
            "every call the PSA made to N-central's current API carries an access token N-central issued",
            bad_bearer,
            (ticket_calls.len(), "calls"),
        ),
        (
            "CB-04",
            "the PSA called back only for pushed tickets, and once per CREATE",
            offenders,
            (creates, "CREATE pushes"),
        ),
    ];
    let mut out = Vec::new();
    for (id, name, offenders, observed) in checks {
        let tags = vec![format!("@{id}"), "@run-wide".to_string()];
        let selected = config
            .tags
            .as_ref()
            .is_none_or(|(_, op)| op.eval(tags.iter().map(|t| t.trim_start_matches('@'))));
        if !selected || observed.0 == 0 {
            continue;
        }
        out.push(collect::run_wide(
            id,
            name,
            tags,
            &offenders,
            observed,
            &ctx.redactor,
        ));
    }
    out
}
