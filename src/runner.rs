//! Runs the suite: resolves the target (starting the built-in mock when
//! none is given), checks it can be reached, obtains the access token, then
//! drives cucumber over the embedded features and gathers a [`RunReport`].
//!
//! The runner produces data; [`crate::report`] only formats it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::event::{self, ScenarioFinished};
use cucumber::gherkin;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::writer::{self, Ext as _};
use cucumber::{World as _, Writer};
use futures::FutureExt as _;
use reqwest::Method;

use crate::catalog::{self, Level, Profile};
use crate::config::{AuthMode, ConfigError, RunConfig, Target, TargetSource};
use crate::echo::{Echo, EchoCheck};
use crate::features::{scenario_id, EmbeddedFeatures};
use crate::finding::HARNESS_PREFIX;
use crate::http::{
    ClientBuildError, ClientSettings, Exchange, HttpClient, On429, RequestSpec, TransportErrorKind,
};
use crate::interrupt::{Interrupt, Stop};
use crate::mock::MockServer;
use crate::redact::{Redactor, Secret};
use crate::report::{RunReport, ScenarioResult, ScenarioStatus, StepResult};
use crate::schema::{SchemaError, SchemaSet};
use crate::world::PsaWorld;

/// A well-formed ticket id no target is expected to know (it fits a 32-bit
/// integer, so no implementation refuses it as out of range).
pub const UNKNOWN_TICKET_ID: &str = "999999937";

/// Longest body kept per exchange in a report.
pub(crate) const EVIDENCE_BODY_CHARS: usize = 4000;

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
    #[error("cannot reach the target at {url}\n  actual: {reason}\n  hint: check base_url, the network and the server; nothing was tested")]
    Unreachable { url: String, reason: String },
    #[error("token exchange failed: POST {url} answered {status}\n  actual: {message}\n  hint: check the User-API JWT named by auth.user_api_jwt_env")]
    TokenExchange {
        url: String,
        status: String,
        message: String,
    },
    #[error("interrupted ({}) before the first scenario\n  hint: nothing was tested; run again and let it finish", .0.name())]
    Interrupted(Interrupt),
    #[error("cannot write reports to {path}: {source}")]
    Reports {
        path: String,
        source: std::io::Error,
    },
}

impl RunError {
    /// 2 for configuration problems (nothing sent), 130/143 when a signal
    /// stopped the run, 3 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Config(_) | RunError::Client(_) => 2,
            RunError::Interrupted(signal) => signal.exit_code(),
            _ => 3,
        }
    }
}

/// What every scenario of one run shares.
pub struct RunContext {
    pub target: Target,
    pub access_token: Secret,
    pub client: HttpClient,
    pub schemas: SchemaSet,
    pub redactor: Redactor,
    /// A key that is surely not the configured one.
    pub wrong_key: Secret,
    /// A password that is surely not the configured one.
    pub wrong_password: Secret,
    pub monitor: Monitor,
    pub strict: bool,
}

/// Checks every exchange of the run: 5xx (ERR-02), echoed secrets (ERR-03),
/// 4xx without an ErrorResponse (ERR-01).
pub struct Monitor {
    findings: Mutex<MonitorFindings>,
    schemas: SchemaSet,
    /// The ERR-03 rule: which secrets each answer echoes.
    pub echo: EchoCheck,
}

#[derive(Default, Clone)]
struct MonitorFindings {
    observed: usize,
    observed_4xx: usize,
    server_errors: Vec<(String, Exchange)>,
    /// Candidate echoes; judged at the end of the run ([`EchoCheck::stands`]).
    echoes: Vec<(Echo, Exchange)>,
    bad_errors: Vec<(String, Exchange)>,
}

impl Monitor {
    fn new(schemas: SchemaSet, echo: EchoCheck) -> Self {
        Monitor {
            findings: Mutex::default(),
            schemas,
            echo,
        }
    }

    /// The secrets ERR-03 could not check, by role and length.
    pub fn secrets_not_checked(&self) -> Vec<String> {
        self.echo.not_checkable()
    }

    /// Looks at one exchange.
    pub fn observe(&self, exchange: &Exchange) {
        let Some(r) = exchange.response() else { return };
        let echoes = self.echo.observe(exchange);
        let mut f = self.findings.lock().unwrap_or_else(|e| e.into_inner());
        f.observed += 1;
        if r.status >= 500 {
            f.server_errors.push(("a 5xx".into(), exchange.clone()));
        }
        for echo in echoes {
            f.echoes.push((echo, exchange.clone()));
        }
        // A 429 is RATE-04's to judge, never a finding outside section 7.
        if (400..500).contains(&r.status) && r.status != 429 {
            f.observed_4xx += 1;
            if let Some(problem) = self.error_body_problem(r) {
                f.bad_errors.push((problem, exchange.clone()));
            }
        }
    }

    fn error_body_problem(&self, r: &crate::http::ReceivedResponse) -> Option<String> {
        if r.media_type().as_deref() != Some("application/json") {
            return Some(format!(
                "Content-Type {}",
                r.header("content-type").unwrap_or("(none)")
            ));
        }
        let Ok(body) = r.json() else {
            return Some("a body that is not JSON".into());
        };
        if let Some(v) = self
            .schemas
            .validate("error-response", &body)
            .and_then(|v| v.into_iter().next())
        {
            return Some(format!("not an ErrorResponse: {v}"));
        }
        match body.get("status").and_then(serde_json::Value::as_u64) {
            Some(s) if s == u64::from(r.status) => None,
            other => Some(format!(
                "ErrorResponse.status {other:?} for HTTP {}",
                r.status
            )),
        }
    }
}

/// Learns, as secrets, the access and refresh tokens a token-exchange
/// answer issues, so no report shows them whatever the scenario does next.
pub fn learn_issued_tokens(exchange: &Exchange, redactor: &Redactor) {
    if !exchange.request.url.ends_with("/api/auth/authenticate") {
        return;
    }
    let Some(body) = exchange.response().and_then(|r| r.json().ok()) else {
        return;
    };
    for pointer in ["/tokens/access/token", "/tokens/refresh/token"] {
        if let Some(token) = body.pointer(pointer).and_then(|t| t.as_str()) {
            redactor.add(&Secret::new(token));
        }
    }
}

/// The secrets ERR-03 watches, by role: what the suite sends as the PSA
/// password, the integration key and the bearer token, right or wrong.
fn echo_check(
    target: &Target,
    access_token: &Secret,
    wrong_key: &Secret,
    wrong_password: &Secret,
) -> EchoCheck {
    let mut watched: Vec<(&str, &Secret)> = vec![
        ("the PSA password", &target.standard_psa.password),
        ("the custom PSA password", &target.custom_psa.password),
        ("the integration key", &target.integration_key),
        ("the bearer token", access_token),
        ("the wrong PSA password the suite sent", wrong_password),
        ("the wrong integration key the suite sent", wrong_key),
    ];
    if let AuthMode::Exchange { user_api_jwt } = &target.auth {
        watched.push(("the User-API JWT", user_api_jwt));
    }
    EchoCheck::new(watched)
}

/// Whether a scenario runs, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Run,
    /// Listed as skipped with this reason.
    Skip(String),
    /// Not part of this run at all (profile or tag expression).
    Exclude,
}

/// The requirement IDs a scenario's tags name.
pub fn requirement_tags(tags: &[String]) -> Vec<&'static catalog::Requirement> {
    tags.iter().filter_map(|t| catalog::find(t)).collect()
}

/// Decides a scenario's fate from the profile, the tag expression and what
/// the target is configured for.
pub fn select(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    profile: Profile,
    tags: Option<&TagOperation>,
    token_exchange: Option<bool>,
) -> Selection {
    let reqs = requirement_tags(&scenario.tags);
    if reqs.is_empty() || !reqs.iter().any(|r| r.in_profile(profile)) {
        return Selection::Exclude;
    }
    if let Some(op) = tags {
        let all: Vec<&String> = feature.tags.iter().chain(scenario.tags.iter()).collect();
        if !op.eval(all) {
            return Selection::Exclude;
        }
    }
    if token_exchange == Some(false) && scenario.tags.iter().any(|t| t == "token-exchange") {
        return Selection::Skip(
            "the target uses a ready bearer token (auth.bearer_token_env), not token exchange"
                .into(),
        );
    }
    Selection::Run
}

/// The level a scenario checks at: SHOULD when tagged `@should` or when all
/// its requirements are SHOULD.
pub fn scenario_level(tags: &[String]) -> Level {
    let reqs = requirement_tags(tags);
    if tags.iter().any(|t| t == "should")
        || (!reqs.is_empty() && reqs.iter().all(|r| r.level == Level::Should))
    {
        Level::Should
    } else {
        Level::Must
    }
}

/// Runs the suite as configured and returns its report (not yet written).
pub async fn execute(config: &RunConfig) -> Result<RunReport, RunError> {
    execute_until(config, Stop::never())
        .await
        .map(|(report, _)| report)
}

/// [`execute`], stopping early when `stop` is asked for: then the report
/// covers what ran (see [`crate::interrupt::mark_interrupted`]) and comes
/// with the signal.
pub async fn execute_until(
    config: &RunConfig,
    mut stop: Stop,
) -> Result<(RunReport, Option<Interrupt>), RunError> {
    let started_at = jiff::Timestamp::now();
    let started = Instant::now();
    let schemas = SchemaSet::load()?;
    let (target, _mock) = match &config.target {
        TargetSource::Live(t) => ((**t).clone(), None),
        TargetSource::BuiltInMock { faults, style } => {
            let mock = MockServer::builder()
                .faults(faults.iter().copied())
                .style(*style)
                .start()
                .await
                .map_err(RunError::Mock)?;
            (mock.target(), Some(mock))
        }
    };
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
    let access_token = tokio::select! {
        ready = async {
            preflight(&client).await?;
            obtain_access_token(&client, &target, &redactor).await
        } => ready?,
        signal = stop.wait() => return Err(RunError::Interrupted(signal)),
    };

    let wrong_password = Secret::new(format!("wrong-{:016x}", rand::random::<u64>()));
    redactor.add(&wrong_password);
    let wrong_key = Secret::new(format!("not-the-key-{:016x}", rand::random::<u64>()));
    let echo = echo_check(&target, &access_token, &wrong_key, &wrong_password);
    let ctx = Arc::new(RunContext {
        access_token,
        client,
        schemas: schemas.clone(),
        redactor: redactor.clone(),
        wrong_key,
        wrong_password,
        monitor: Monitor::new(schemas, echo),
        strict: config.strict,
        target,
    });
    let mut outcome = run_scenarios(ctx.clone(), config, stop).await;
    drop(guard);
    let interrupted = outcome.interrupted.take();
    let mut report = RunReport::build(config, &ctx, outcome, started_at, started.elapsed());
    if let Some(i) = &interrupted {
        crate::interrupt::mark_interrupted(&mut report, i.signal, &i.unfinished, i.planned);
    }
    Ok((report, interrupted.map(|i| i.signal)))
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
    Ok(Secret::new(token))
}

/// What cucumber reported, before it becomes a report.
pub struct ScenariosOutcome {
    pub scenarios: Vec<ScenarioResult>,
    pub parse_errors: Vec<String>,
    /// Set when a signal stopped the run before every scenario finished.
    pub interrupted: Option<crate::interrupt::Interrupted>,
}

/// Step outcomes per scenario id, gathered from cucumber's events.
#[derive(Clone, Default)]
struct StepCollector {
    steps: Arc<Mutex<HashMap<String, Vec<StepResult>>>>,
    parse_errors: Arc<Mutex<Vec<String>>>,
}

impl Writer<PsaWorld> for StepCollector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        ev: cucumber::parser::Result<cucumber::Event<event::Cucumber<PsaWorld>>>,
        _cli: &Self::Cli,
    ) {
        let ev = match ev {
            Ok(ev) => ev.value,
            Err(e) => {
                self.parse_errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(crate::http::error_chain(&e));
                return;
            }
        };
        let event::Cucumber::Feature(feature, fev) = ev else {
            return;
        };
        let (scenario, sev) = match fev {
            event::Feature::Scenario(s, r) => (s, r.event),
            event::Feature::Rule(_, event::Rule::Scenario(s, r)) => (s, r.event),
            _ => return,
        };
        let (step, stev) = match sev {
            event::Scenario::Step(st, e) | event::Scenario::Background(st, e) => (st, e),
            _ => return,
        };
        let (status, error) = match stev {
            event::Step::Started => return,
            event::Step::Passed(..) => (ScenarioStatus::Passed, None),
            event::Step::Skipped => (ScenarioStatus::Skipped, None),
            event::Step::Failed(_, _, _, err) => {
                (ScenarioStatus::Failed, Some(step_error_text(&err)))
            }
        };
        let id = scenario_id(&feature, &scenario);
        self.steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id)
            .or_default()
            .push(StepResult {
                line: step.position.line,
                keyword: step.keyword.trim().to_string(),
                text: step.value.clone(),
                status,
                error,
            });
    }
}

impl writer::NonTransforming for StepCollector {}

fn step_error_text(err: &event::StepError) -> String {
    match err {
        event::StepError::Panic(info) => info
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the step panicked".into()),
        other => format!("{HARNESS_PREFIX}{other}"),
    }
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

/// What both phases of a run share.
#[derive(Clone)]
struct PhaseShared {
    ctx: Arc<RunContext>,
    results: Arc<Mutex<Vec<ScenarioResult>>>,
    collector: StepCollector,
    progress: Arc<crate::report::terminal::Progress>,
    profile: Profile,
    tags: Option<TagOperation>,
    token_exchange: Option<bool>,
    strict: bool,
}

/// Runs the scenarios of `features` that belong to the phase (`bursts`:
/// the rate-limit scenarios, else all the others); the signal, when one
/// stopped the phase.
async fn run_phase(
    shared: &PhaseShared,
    features: crate::features::ParsedFeatures,
    bursts: bool,
    stop: &mut Stop,
) -> Option<Interrupt> {
    let s = shared.clone();
    let filter = move |f: &gherkin::Feature, _: Option<&gherkin::Rule>, sc: &gherkin::Scenario| {
        if is_burst(f, sc) != bursts {
            return false;
        }
        match select(f, sc, s.profile, s.tags.as_ref(), s.token_exchange) {
            Selection::Run => true,
            Selection::Exclude => false,
            Selection::Skip(reason) => {
                s.results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(ScenarioResult::skipped(f, sc, reason));
                false
            }
        }
    };
    let before = shared.clone();
    let after = shared.clone();
    let writer = shared.collector.clone().normalized();
    let run = PsaWorld::cucumber::<&str>()
        .with_parser(EmbeddedFeatures)
        .with_writer(writer)
        .with_default_cli()
        .max_concurrent_scenarios(if bursts { 1 } else { 16 })
        .which_scenario(|f, _, s| {
            let serial = f
                .tags
                .iter()
                .chain(s.tags.iter())
                .any(|t| t == "serial" || t == "rate-limit");
            if serial {
                cucumber::runner::basic::ScenarioType::Serial
            } else {
                cucumber::runner::basic::ScenarioType::Concurrent
            }
        })
        .before(move |feature, _, scenario, world| {
            world.attach(
                before.ctx.clone(),
                feature.tags.iter().chain(scenario.tags.iter()),
            );
            async {}.boxed_local()
        })
        .after(move |feature, _, scenario, outcome, world| {
            let result = ScenarioResult::finished(feature, scenario, outcome, world, &after.ctx);
            after
                .progress
                .tick(result.status == ScenarioStatus::Failed && !result.is_warning(after.strict));
            after
                .results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(result);
            async {}.boxed_local()
        })
        .filter_run(features, filter);
    // Dropping the run future on a signal cancels every request in flight
    // and sends no more.
    tokio::select! {
        _ = run => None,
        signal = stop.wait() => Some(signal),
    }
}

async fn run_scenarios(
    ctx: Arc<RunContext>,
    config: &RunConfig,
    mut stop: Stop,
) -> ScenariosOutcome {
    let token_exchange = Some(matches!(ctx.target.auth, AuthMode::Exchange { .. }));
    let profile = config.profile;
    let tags = config.tags.as_ref().map(|(_, op)| op.clone());
    let features = crate::features::parse_repeated(config.repeat_features);
    // What an interrupted run lists for the scenarios it did not finish.
    let planned: Vec<ScenarioResult> = features
        .iter()
        .flatten()
        .flat_map(|f| {
            f.scenarios
                .iter()
                .filter(|s| select(f, s, profile, tags.as_ref(), token_exchange) == Selection::Run)
                .map(|s| ScenarioResult::skipped(f, s, String::new()))
        })
        .collect();
    let total = planned.len();
    // The burst features, for the second phase.
    let burst_features: crate::features::ParsedFeatures = features
        .iter()
        .flatten()
        .filter(|f| f.scenarios.iter().any(|s| is_burst(f, s)))
        .cloned()
        .map(Ok)
        .collect();
    let shared = PhaseShared {
        ctx: ctx.clone(),
        results: Arc::default(),
        collector: StepCollector::default(),
        progress: Arc::new(crate::report::terminal::Progress::new(total, config.quiet)),
        profile,
        tags,
        token_exchange,
        strict: config.strict,
    };
    let mut signal = run_phase(&shared, features, false, &mut stop).await;
    if !burst_features.is_empty() && signal.is_none() {
        signal = run_phase(&shared, burst_features, true, &mut stop).await;
    }
    shared.progress.finish();

    let mut scenarios =
        std::mem::take(&mut *shared.results.lock().unwrap_or_else(|e| e.into_inner()));
    let steps = std::mem::take(
        &mut *shared
            .collector
            .steps
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    for s in &mut scenarios {
        // Each step as it ran; steps cucumber never reached stay skipped.
        for ran in steps.get(&s.id).into_iter().flatten() {
            let error = ran
                .error
                .as_ref()
                .map(|e| ctx.redactor.redact(e).into_owned());
            match s.steps.iter_mut().find(|st| st.line == ran.line) {
                Some(step) => {
                    step.status = ran.status;
                    step.error = error;
                }
                None => s.steps.push(StepResult {
                    error,
                    ..ran.clone()
                }),
            }
        }
    }
    let interrupted =
        signal.map(|signal| crate::interrupt::Interrupted::new(signal, planned, &mut scenarios));
    scenarios.extend(run_wide_checks(&ctx, config));
    scenarios.sort_by_key(ScenarioResult::sort_key);
    let parse_errors = std::mem::take(
        &mut *shared
            .collector
            .parse_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    ScenariosOutcome {
        scenarios,
        parse_errors,
        interrupted,
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
        let tags = vec![format!("@{id}"), "@run-wide".to_string()];
        let selected = config
            .tags
            .as_ref()
            .is_none_or(|(_, op)| op.eval(tags.iter().map(|t| t.trim_start_matches('@'))));
        if !selected || observed == 0 {
            continue;
        }
        out.push(ScenarioResult::run_wide(
            id,
            name,
            tags,
            offenders,
            observed,
            &ctx.redactor,
        ));
    }
    let not_checked = ctx.monitor.secrets_not_checked();
    if let Some(err03) = out.iter_mut().find(|s| s.id == "run-wide:ERR-03") {
        if !not_checked.is_empty() {
            err03.notes.push(format!(
                "not checkable (under {} characters, too short to tell from ordinary words): {}",
                crate::echo::MIN_CHECKABLE_LEN,
                not_checked.join(", ")
            ));
        }
    }
    out
}

/// Keeps panics off the terminal while runs are active. A failed step is a
/// panic that cucumber catches and the reports show, so it prints nothing;
/// any other panic prints where it happened but not its message, which may
/// hold a secret of the run.
pub mod panic_guard {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Once;

    static ACTIVE_RUNS: AtomicUsize = AtomicUsize::new(0);
    static INSTALL: Once = Once::new();

    /// Marks a run as finished when dropped.
    pub struct Guard;

    impl Drop for Guard {
        fn drop(&mut self) {
            ACTIVE_RUNS.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Marks a run as active, installing the hook once per process.
    pub fn register() -> Guard {
        INSTALL.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if ACTIVE_RUNS.load(Ordering::SeqCst) == 0 {
                    return default(info);
                }
                let location = info.location();
                if location.is_some_and(|l| l.file().contains("src/steps/")) {
                    return;
                }
                let at = location.map_or_else(|| "an unknown place".to_string(), |l| format!("{}:{}", l.file(), l.line()));
                eprintln!("psa-conformance: internal error at {at} (message withheld: it may contain a secret); please report it");
            }));
        });
        ACTIVE_RUNS.fetch_add(1, Ordering::SeqCst);
        Guard
    }
}

/// Keeps the `after` hook's view of a scenario's outcome.
pub(crate) fn outcome_of(finished: &ScenarioFinished) -> (ScenarioStatus, Option<String>) {
    match finished {
        ScenarioFinished::StepPassed => (ScenarioStatus::Passed, None),
        ScenarioFinished::StepSkipped => (
            ScenarioStatus::Failed,
            Some(format!(
                "{HARNESS_PREFIX}a step matches no step definition (a bug in the suite)"
            )),
        ),
        ScenarioFinished::StepFailed(_, _, err) => {
            (ScenarioStatus::Failed, Some(step_error_text(err)))
        }
        ScenarioFinished::BeforeHookFailed(_) => (
            ScenarioStatus::Failed,
            Some(format!("{HARNESS_PREFIX}the scenario could not be set up")),
        ),
    }
}

/// Rounds a duration to whole milliseconds.
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
