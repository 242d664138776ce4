//! The vendor's side (`run --side psa`, docs/PSA-SIDE.md): the harness plays
//! N-central toward a custom PSA. It starts its own N-central
//! ([`ncentral`]) for the PSA's callbacks, probes how the PSA answers a
//! CREATE (with its ticket, or empty and a callback later), runs the
//! `features/psa/` scenarios with their [`world::PsaSideWorld`], adds the
//! run-wide checks (PUSH-10, CB-03, CB-04), and builds the same run model
//! as the N-central side — reports, verdicts and exit codes stay as they are.

mod answers;
pub(crate) mod calls;
pub(crate) mod context;
pub(crate) mod ncentral;
pub(crate) mod run_wide;
pub(crate) mod world;

pub(crate) use context::PsaRunContext;

use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::{PsaTarget, RunConfig};
use crate::features::Applicability;
use crate::http::{ClientSettings, HttpClient, TransportErrorKind};
use crate::interrupt::{Interrupt, Stop};
use crate::redact::Secret;
use crate::report::{RunInfo, RunReport, ScenarioResult};

use super::collect;
use super::driver::{self, Drive, Phase, ScenariosOutcome};
use super::panic_guard;
use super::runner::RunError;
use ncentral::HarnessNcentralServer;
use world::PsaSideWorld;

/// How long the run waits after its last scenario for late callbacks, so a
/// callback sent twice or unasked is seen (CB-04).
pub(crate) const SETTLE: Duration = Duration::from_millis(1500);

/// Runs the PSA side against `target`. `listener` is the harness's
/// N-central's socket when the caller already bound one (the built-in
/// reference PSA was told its address); otherwise `[ncentral] listen` is
/// bound here.
pub(crate) async fn execute_until(
    config: &RunConfig,
    target: PsaTarget,
    listener: Option<tokio::net::TcpListener>,
    mut stop: Stop,
    events: Arc<dyn crate::suite::events::RunEvents>,
) -> Result<(RunReport, Option<Interrupt>), RunError> {
    let started_at = jiff::Timestamp::now();
    let started = Instant::now();
    let redactor = target.redactor();
    // A peer's credentials are masked by their shape, whoever configured them.
    redactor.mask_shapes();
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
    let wrong_push_auth = Secret::harness_made(format!(
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
    if let Some(warning) = run_wide::exposure_warning(ctx.target.ncentral.listen) {
        events.notice(&format!("warning: {warning}"));
    }
    let calls_back = tokio::select! {
        probed = probe(&ctx) => probed?,
        signal = stop.wait() => return Err(RunError::Interrupted(signal)),
    };
    ctx.calls_back = calls_back;
    let ctx = Arc::new(ctx);
    let mut outcome = run_scenarios(ctx.clone(), config, stop, events).await;
    if outcome.interrupted.is_none() {
        tokio::time::sleep(SETTLE).await;
    }
    drop(guard);
    outcome
        .scenarios
        .extend(run_wide::run_wide_checks(&ctx, config));
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
    report.listener = Some(run_wide::listener_report(&ctx, ctx.calls_back));
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

async fn run_scenarios(
    ctx: Arc<PsaRunContext>,
    config: &RunConfig,
    mut stop: Stop,
    events: Arc<dyn crate::suite::events::RunEvents>,
) -> ScenariosOutcome {
    let applicability = Applicability {
        push_auth: ctx.target.push_auth.is_some(),
        calls_back: ctx.calls_back,
        ..Applicability::default()
    };
    let tags = config.tags.as_ref().map(|(_, op)| op.clone());
    let features = crate::features::for_run(
        config.repeat_features,
        config.only_scenarios.as_ref(),
        &config.own_features,
    );
    let planned = collect::planned(&features, config.profile, tags.as_ref(), applicability);
    events.planned(planned.len());
    let drive = Drive {
        ctx,
        profile: config.profile,
        tags,
        applicability,
        strict: config.strict,
        events,
    };
    let phase = Phase {
        features,
        belongs: |_, _| true,
        max_concurrent: 16,
    };
    driver::drive::<PsaSideWorld>(drive, vec![phase], planned, &mut stop).await
}

/// The vendor's side for the driver: a scenario gathers the PSA's calls to
/// the harness's N-central when it ends.
impl driver::SideWorld for PsaSideWorld {
    type Context = PsaRunContext;

    fn join_run<'a>(
        &'a mut self,
        ctx: Arc<PsaRunContext>,
        tags: Vec<&'a String>,
    ) -> futures::future::LocalBoxFuture<'a, ()> {
        self.attach(ctx, tags);
        Box::pin(async {})
    }

    fn finish(&mut self) {
        self.gather_evidence();
    }

    fn redactor(ctx: &PsaRunContext) -> &crate::redact::Redactor {
        &ctx.redactor
    }
}
