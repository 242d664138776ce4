//! Runs the suite against one resolved target: checks it can be reached,
//! obtains the access token, then drives cucumber over the embedded
//! features — every scenario but the rate-limit bursts first, the bursts
//! last — and builds the run model, a [`RunReport`].
//!
//! The runner produces data; [`crate::report`] only formats it.

use std::sync::Arc;
use std::time::Instant;

use cucumber::gherkin;
use futures::FutureExt as _;
use reqwest::Method;

use crate::config::{AuthMode, ConfigError, RunConfig, Target};
use crate::exit::Exit;
use crate::features::{select, Applicability, Selection};
use crate::http::{
    ClientBuildError, ClientSettings, Exchange, HttpClient, On429, RequestSpec, TransportErrorKind,
};
use crate::interrupt::{Interrupt, Stop};
use crate::redact::{Redactor, Secret};
use crate::report::{RunInfo, RunReport, ScenarioResult, WriteError};
use crate::schema::{SchemaError, SchemaSet};

use super::collect;
use super::context::{echo_check, learn_issued_tokens, Monitor, RunContext};
use super::driver::{self, Drive, Phase, ScenariosOutcome};
use super::panic_guard;
use super::world::PsaWorld;

/// Why a run could not reach a verdict about the target.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Client(#[from] ClientBuildError),
    #[error("internal error: {0}")]
    Schema(#[from] SchemaError),
    #[error("cannot start the built-in mock: {0}")]
    Mock(std::io::Error),
    #[error("cannot reach the target at {url}\n  actual: {reason}\n  hint: check {key}, the network and the server; nothing was tested")]
    Unreachable {
        url: String,
        reason: String,
        /// The target file's key for the URL (`base_url`, or `push_url`
        /// on the vendor's side).
        key: &'static str,
    },
    #[error("token exchange failed: POST {url} answered {status}\n  actual: {message}\n  hint: check the User-API JWT named by auth.user_api_jwt_env")]
    TokenExchange {
        url: String,
        status: String,
        message: String,
    },
    #[error("cannot listen for the PSA's callbacks on {address} ([ncentral] listen)\n  actual: {reason}\n  hint: choose a free address and port in [ncentral] listen; nothing was sent")]
    Listen { address: String, reason: String },
    #[error("interrupted ({}) before the first scenario\n  hint: nothing was tested; run again and let it finish", .0.name())]
    Interrupted(Interrupt),
    #[error(transparent)]
    Reports(#[from] WriteError),
}

impl RunError {
    /// 2 for configuration problems (nothing sent), 130/143 when a signal
    /// stopped the run, 3 otherwise.
    pub fn exit_code(&self) -> Exit {
        match self {
            RunError::Config(_) | RunError::Client(_) | RunError::Listen { .. } => Exit::Usage,
            RunError::Interrupted(signal) => signal.exit_code(),
            _ => Exit::Inconclusive,
        }
    }
}

/// [`execute`], stopping early when `stop` is asked for: then the report
/// covers what ran (see [`crate::interrupt::mark_interrupted`]) and comes
/// with the signal.
pub(crate) async fn execute_until(
    config: &RunConfig,
    target: Target,
    mut stop: Stop,
    events: Arc<dyn super::events::RunEvents>,
) -> Result<(RunReport, Option<Interrupt>), RunError> {
    let started_at = jiff::Timestamp::now();
    let started = Instant::now();
    let schemas = SchemaSet::load()?;
    let redactor = target.redactor();
    let guard = panic_guard::register();
    let client = HttpClient::new(
        target.base_url.clone(),
        ClientSettings {
            timeout: config.timeout,
            per_endpoint: config.concurrency,
            tls: target.tls.clone(),
            ..ClientSettings::default()
        },
    )?;
    if let Some(notice) = lifecycle_notice(config, &target) {
        // Before the first request: the user may still stop the run.
        events.notice(&redactor.redact(&notice));
    }
    let access_token = tokio::select! {
        ready = async {
            preflight(&client).await?;
            obtain_access_token(&client, &target, &redactor).await
        } => ready?,
        signal = stop.wait() => return Err(RunError::Interrupted(signal)),
    };

    let wrong_password = Secret::harness_made(format!("wrong-{:016x}", rand::random::<u64>()));
    redactor.add(&wrong_password);
    let wrong_key = Secret::harness_made(format!("not-the-key-{:016x}", rand::random::<u64>()));
    let echo = echo_check(&target, &access_token, &wrong_key, &wrong_password);
    let ctx = Arc::new(RunContext {
        access_token,
        client,
        schemas: schemas.clone(),
        redactor: redactor.clone(),
        wrong_key,
        wrong_password,
        monitor: Monitor::new(schemas, echo),
        lifecycle_lock: Arc::default(),
        shared_sends: Default::default(),
        target,
    });
    let mut outcome = run_scenarios(ctx.clone(), config, stop, events).await;
    drop(guard);
    let interrupted = outcome.interrupted.take();
    let info = RunInfo {
        profile: config.profile,
        strict: config.strict,
        target: ctx
            .redactor
            .redact(ctx.target.base_url.as_str())
            .trim_end_matches('/')
            .to_string(),
        tls_insecure: ctx.target.tls.insecure_skip_verify,
        started_at,
        elapsed: started.elapsed(),
    };
    let mut report = RunReport::build(
        &info,
        outcome.scenarios,
        &outcome.parse_errors,
        ctx.monitor.secrets_not_checked(),
    );
    if let Some(i) = &interrupted {
        crate::interrupt::mark_interrupted(&mut report, i.signal, &i.unfinished, i.planned);
    }
    Ok((report, interrupted.map(|i| i.signal)))
}

/// What the target is configured for, as scenario selection needs it.
pub(crate) fn applicability(target: &Target) -> Applicability {
    Applicability {
        token_exchange: matches!(target.auth, AuthMode::Exchange { .. }),
        pending_ticket: target.lifecycle.pending_ticket_id.is_some(),
        resolvable_ticket: target.lifecycle.resolvable_ticket_id.is_some(),
        ..Applicability::default()
    }
}

/// The notice a run that will change tickets prints before its first
/// request: which tickets, and how. `None` when no selected scenario
/// changes any.
pub(crate) fn lifecycle_notice(config: &RunConfig, target: &Target) -> Option<String> {
    let applies = applicability(target);
    let tags = config.tags.as_ref().map(|(_, op)| op.clone());
    let (mut pending, mut resolvable) = (false, false);
    for feature in crate::features::parse_all().iter().flatten() {
        for scenario in &feature.scenarios {
            if select(
                feature,
                scenario,
                config.profile,
                tags.as_ref(),
                Some(applies),
            ) != Selection::Run
            {
                continue;
            }
            pending |= scenario.tags.iter().any(|t| t == "lifecycle-pending");
            resolvable |= scenario.tags.iter().any(|t| t == "lifecycle-resolvable");
        }
    }
    let mut changes = Vec::new();
    if let (true, Some(id)) = (pending, &target.lifecycle.pending_ticket_id) {
        changes.push(format!(
            "  - ticket {id} ([lifecycle] pending_ticket_id): links it to a PSA ticket (POST /api/custom-psa/tickets), once"
        ));
    }
    if let (true, Some(id)) = (resolvable, &target.lifecycle.resolvable_ticket_id) {
        changes.push(format!(
            "  - ticket {id} ([lifecycle] resolvable_ticket_id): resolves and reopens it (POST …/{id}/resolve, …/{id}/reopen), and leaves it open"
        ));
    }
    (!changes.is_empty()).then(|| {
        format!(
            "psa-conformance: profile {} changes data on {}:\n{}",
            config.profile,
            target.base_url.as_str().trim_end_matches('/'),
            changes.join("\n")
        )
    })
}

/// One request to see that something answers HTTP at the base URL.
async fn preflight(client: &HttpClient) -> Result<(), RunError> {
    let spec = RequestSpec {
        method: Method::GET,
        path: "/api/standard-psa".into(),
        headers: vec![],
        body: None,
        on_429: On429::Return,
    };
    let exchange = client.send(&spec).await;
    match exchange.outcome {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind,
                TransportErrorKind::Connect | TransportErrorKind::Timeout
            ) =>
        {
            Err(RunError::Unreachable {
                url: client.base_url().to_string(),
                reason: e.message,
                key: "base_url",
            })
        }
        // Answers that are not HTTP are findings for the scenarios to show.
        Err(_) => Ok(()),
    }
}

async fn obtain_access_token(
    client: &HttpClient,
    target: &Target,
    redactor: &Redactor,
) -> Result<Secret, RunError> {
    let user_api_jwt = match &target.auth {
        AuthMode::Bearer(token) => return Ok(token.clone()),
        AuthMode::Exchange { user_api_jwt } => user_api_jwt,
    };
    let spec = RequestSpec::token_exchange(user_api_jwt);
    let exchange = client.send(&spec).await;
    learn_issued_tokens(&exchange, redactor);
    let url = client.url_for("/api/auth/authenticate");
    let fail = |status: String, message: String| RunError::TokenExchange {
        url: url.clone(),
        status,
        message: redactor.redact(&message).into_owned(),
    };
    let response = exchange
        .outcome
        .map_err(|e| fail("nothing".into(), e.message))?;
    if response.status != 200 {
        return Err(fail(
            response.status.to_string(),
            response.body_preview(300),
        ));
    }
    let token = response
        .json()
        .ok()
        .and_then(|v| {
            v.pointer("/tokens/access/token")
                .and_then(|t| t.as_str())
                .map(str::to_string)
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            fail(
                "200 without a token".into(),
                format!(
                    "no string at /tokens/access/token in {}",
                    response.body_preview(300)
                ),
            )
        })?;
    Ok(Secret::named(token, crate::http::ACCESS_TOKEN_VAR))
}

/// Whether a scenario sends a rate-limit burst: such scenarios run after
/// every other one, so a limiter that misbehaves disturbs nothing else.
fn is_burst(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> bool {
    feature
        .tags
        .iter()
        .chain(scenario.tags.iter())
        .any(|t| t == "rate-limit")
}

async fn run_scenarios(
    ctx: Arc<RunContext>,
    config: &RunConfig,
    mut stop: Stop,
    events: Arc<dyn super::events::RunEvents>,
) -> ScenariosOutcome {
    let applicability = applicability(&ctx.target);
    let profile = config.profile;
    let tags = config.tags.as_ref().map(|(_, op)| op.clone());
    let features = crate::features::for_run(
        config.repeat_features,
        config.only_scenarios.as_ref(),
        &config.own_features,
    );
    // What an interrupted run lists for the scenarios it did not finish.
    let planned = collect::planned(&features, profile, tags.as_ref(), applicability);
    events.planned(planned.len());
    // The burst features, for the second phase.
    let burst_features: crate::features::ParsedFeatures = features
        .iter()
        .flatten()
        .filter(|f| f.scenarios.iter().any(|s| is_burst(f, s)))
        .cloned()
        .map(Ok)
        .collect();
    let mut phases = vec![Phase {
        features,
        belongs: |f, s| !is_burst(f, s),
        max_concurrent: 16,
    }];
    if !burst_features.is_empty() {
        phases.push(Phase {
            features: burst_features,
            belongs: is_burst,
            max_concurrent: 1,
        });
    }
    let drive = Drive {
        ctx: ctx.clone(),
        profile,
        tags,
        applicability,
        strict: config.strict,
        events,
    };
    let mut outcome = driver::drive::<PsaWorld>(drive, phases, planned, &mut stop).await;
    outcome.scenarios.extend(run_wide_checks(&ctx, config));
    outcome.scenarios.sort_by_key(ScenarioResult::sort_key);
    outcome
}

/// N-central's side for the driver: a `@lifecycle` scenario has the
/// lifecycle tickets to itself until its World is dropped.
impl driver::SideWorld for PsaWorld {
    type Context = RunContext;

    fn join_run<'a>(
        &'a mut self,
        ctx: Arc<RunContext>,
        tags: Vec<&'a String>,
    ) -> futures::future::LocalBoxFuture<'a, ()> {
        let lifecycle = tags.iter().any(|t| *t == "lifecycle");
        let lock = ctx.lifecycle_lock.clone();
        self.attach(ctx, tags);
        async move {
            if lifecycle {
                self.lifecycle_guard = Some(lock.lock_owned().await);
            }
        }
        .boxed_local()
    }

    fn redactor(ctx: &RunContext) -> &Redactor {
        &ctx.redactor
    }
}

/// ERR-01, ERR-02 and ERR-03 over every exchange of the run, as scenarios
/// of their own (`run-wide:ERR-02`), when the run selects them.
fn run_wide_checks(ctx: &RunContext, config: &RunConfig) -> Vec<ScenarioResult> {
    let f = ctx
        .monitor
        .findings
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let mut out = Vec::new();
    let echoes: Vec<(String, Exchange)> = f
        .echoes
        .iter()
        .filter(|(echo, _)| ctx.monitor.echo.stands(echo))
        .map(|(echo, e)| {
            (
                format!("{} in the {}", echo.role, echo.place.describe()),
                e.clone(),
            )
        })
        .collect();
    type Check<'a> = (&'a str, &'a str, &'a Vec<(String, Exchange)>, usize);
    let checks: [Check; 3] = [
        (
            "ERR-01",
            "every 4xx of the run is an ErrorResponse whose status is the HTTP status",
            &f.bad_errors,
            f.observed_4xx,
        ),
        (
            "ERR-02",
            "no exchange of the run got a 5xx",
            &f.server_errors,
            f.observed,
        ),
        (
            "ERR-03",
            "no response of the run echoes a password, the integration key or a token",
            &echoes,
            f.observed,
        ),
    ];
    for (id, name, offenders, observed) in checks {
        let expr = config.tags.as_ref().map(|(_, op)| op);
        let Some(tags) = crate::catalog::run_wide_tags(id, expr).filter(|_| observed > 0) else {
            continue;
        };
        out.push(collect::run_wide(
            id,
            name,
            tags,
            offenders,
            (observed, "exchanges"),
            &ctx.redactor,
        ));
    }
    let not_checked = ctx.monitor.secrets_not_checked();
    if let Some(err03) = out.iter_mut().find(|s| s.id == "run-wide:ERR-03") {
        if !not_checked.is_empty() {
            err03.notes.push(format!(
                "not checkable (under {} characters, too short to tell from ordinary words): {}",
                crate::suite::echo::MIN_CHECKABLE_LEN,
                not_checked.join(", ")
            ));
        }
    }
    out
}
