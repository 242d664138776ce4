//! Where the suite meets a target: a live one from the target file, or the
//! built-in reference mock, started here for the run and stopped after it.
//! The one place that joins the suite and the mock, so neither imports the
//! other; and the one reader of the names `--mock-fault`/`--mock-style` (and
//! `mock --fault`/`--style`) give the references' faults and styles, which
//! the configuration carries as given.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{
    self, AuthMode, ConfigError, HarnessNcentral, LifecycleTickets, PsaCredentials, PsaTarget,
    PushAuth, RateLimitSettings, RunConfig, Target, TargetSource, TlsSettings, UNKNOWN_TICKET_ID,
};
use crate::interrupt::{Interrupt, Stop};
use crate::mock::{Fault, MockServer, Style};
use crate::psa_mock::{AnswerStyle, NcentralLink, PsaFault, PsaMockServer};
use crate::redact::Secret;
use crate::report::RunReport;
use crate::suite::{self, RunError};

/// How the suite authenticates to a mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockAuth {
    /// Exchange the mock's User-API JWT at `POST /api/auth/authenticate`.
    Exchange,
    /// Use the mock's ready access token.
    Bearer,
}

/// A target describing a running mock: its URL, the credentials it
/// accepts, its first ticket, and a 5 s recovery window (the mock recovers
/// within 1 s).
pub fn mock_target(server: &MockServer, auth: MockAuth) -> Target {
    let c = server.credentials();
    // Named as `psa-conformance mock` prints them, for replay commands.
    let named = |s: &Secret, var: &str| Secret::named(s.expose(), var);
    let creds = PsaCredentials {
        username: c.username.clone(),
        password: named(&c.password, "PSA_PASSWORD"),
    };
    Target {
        base_url: url::Url::parse(&server.uri()).unwrap_or_else(|e| unreachable!("{e}")),
        auth: match auth {
            MockAuth::Exchange => AuthMode::Exchange {
                user_api_jwt: named(&c.user_api_jwt, "NCENTRAL_USER_API_JWT"),
            },
            MockAuth::Bearer => AuthMode::Bearer(named(&c.access_token, "PSA_BEARER_TOKEN")),
        },
        integration_key: named(&c.integration_key, "PSA_INTEGRATION_KEY"),
        psa_type: c.psa_type.clone(),
        standard_psa: creds.clone(),
        ticket_id: c.ticket_ids[0].clone(),
        unknown_ticket_id: UNKNOWN_TICKET_ID.to_string(),
        custom_psa: creds,
        rate_limit: RateLimitSettings {
            recovery_timeout: Duration::from_secs(5),
            ..RateLimitSettings::default()
        },
        tls: TlsSettings::default(),
        lifecycle: LifecycleTickets {
            pending_ticket_id: Some(c.pending_ticket_id.clone()),
            resolvable_ticket_id: Some(c.resolvable_ticket_id.clone()),
        },
    }
}

/// The flags of `run` that name the built-in reference's faults and style.
const RUN_FLAGS: (&str, &str) = ("--mock-fault", "--mock-style");

/// Checks the faults and style a built-in target names, before anything
/// else of a run is done (a live target has none): an unknown name, or a
/// PSA fault that does not show in the run's answering style, is a usage
/// error (exit 2). [`execute_until`] reads them again to start the reference.
pub(crate) fn check_built_in(target: &TargetSource) -> Result<(), ConfigError> {
    match target {
        TargetSource::Live(_) | TargetSource::LivePsa(_) => Ok(()),
        TargetSource::BuiltInMock { faults, style } => {
            mock_names(faults, style.as_deref()).map(drop)
        }
        TargetSource::BuiltInPsa { faults, style } => psa_names(faults, style.as_deref()).map(drop),
    }
}

/// The reference mock's faults and style, named by `run`'s flags (the
/// canonical style without `--mock-style`).
fn mock_names(faults: &[String], style: Option<&str>) -> Result<(Vec<Fault>, Style), ConfigError> {
    let (faults, style) = reference_names(RUN_FLAGS, faults, style, config::MOCK_FAULTS_HINT)?;
    Ok((faults, style.unwrap_or_default()))
}

/// The reference PSA's faults and answering style, named by `run`'s flags.
/// A fault shows in one answering style: without `--mock-style`, the style
/// of the faults switched on; a fault of another style is refused.
fn psa_names(
    faults: &[String],
    style: Option<&str>,
) -> Result<(Vec<PsaFault>, AnswerStyle), ConfigError> {
    let (faults, style) = reference_names::<PsaFault, AnswerStyle>(
        RUN_FLAGS,
        faults,
        style,
        config::PSA_FAULTS_HINT,
    )?;
    let style = style.unwrap_or_else(|| faults.first().map(|f| f.style()).unwrap_or_default());
    if let Some(other) = faults.iter().find(|f| f.style() != style) {
        return Err(ConfigError::BadOption {
            message: format!(
                "--mock-fault {} shows only in the {} style, not in the {} style of this run",
                other.name(),
                other.style().name(),
                style.name()
            ),
            hint: "run the faults of each style separately (--mock-style body or callback)".into(),
        });
    }
    Ok((faults, style))
}

/// A reference's faults and style by name — `F` and `S` are the fault and
/// style tables of either reference; `flags` the fault and style flags the
/// names came from, for the error. The style is `None` when none was named.
pub(crate) fn reference_names<F: clap::ValueEnum, S: clap::ValueEnum>(
    (fault_flag, style_flag): (&str, &str),
    faults: &[String],
    style: Option<&str>,
    faults_hint: &str,
) -> Result<(Vec<F>, Option<S>), ConfigError> {
    let faults = config::parse_names(fault_flag, faults, faults_hint)?;
    let style = style
        .map(|s| config::parse_name(style_flag, s, ""))
        .transpose()?;
    Ok((faults, style))
}

/// Runs the suite as configured: against the live target, or against the
/// built-in mock started for the run.
pub async fn execute(config: &RunConfig) -> Result<RunReport, RunError> {
    execute_until(config, Stop::never(), Arc::new(suite::events::Silent))
        .await
        .map(|(report, _)| report)
}

/// [`execute`], stopping early when `stop` is asked for.
pub async fn execute_until(
    config: &RunConfig,
    stop: Stop,
    events: Arc<dyn suite::events::RunEvents>,
) -> Result<(RunReport, Option<Interrupt>), RunError> {
    match &config.target {
        TargetSource::Live(target) => {
            suite::execute_until(config, (**target).clone(), stop, events).await
        }
        TargetSource::BuiltInMock { faults, style } => {
            let (faults, style) = mock_names(faults, style.as_deref())?;
            let mock = MockServer::builder()
                .faults(faults)
                .style(style)
                .start()
                .await
                .map_err(RunError::Mock)?;
            let target = mock_target(&mock, MockAuth::Exchange);
            let outcome = suite::execute_until(config, target, stop, events).await;
            mock.stop().await;
            outcome
        }
        TargetSource::LivePsa(target) => {
            suite::psa_side::execute_until(config, (**target).clone(), None, stop, events).await
        }
        TargetSource::BuiltInPsa { faults, style } => {
            let (faults, style) = psa_names(faults, style.as_deref())?;
            let (psa, target, listener) = start_reference_psa(&faults, style).await?;
            let outcome =
                suite::psa_side::execute_until(config, target, Some(listener), stop, events).await;
            psa.stop().await;
            outcome
        }
    }
}

/// Callback and answer timeouts toward the reference PSA, which calls back
/// within milliseconds: a broken one costs seconds, not minutes.
pub const REFERENCE_PSA_CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);
pub const REFERENCE_PSA_ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the reference PSA with fresh credentials, configured with the
/// harness's N-central on a port bound here; the target that describes
/// both, and that bound port for the suite to serve on.
pub async fn start_reference_psa(
    faults: &[PsaFault],
    style: AnswerStyle,
) -> Result<(PsaMockServer, PsaTarget, tokio::net::TcpListener), RunError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(RunError::Mock)?;
    let listen = listener.local_addr().map_err(RunError::Mock)?;
    let public_url =
        url::Url::parse(&format!("http://{listen}")).unwrap_or_else(|e| unreachable!("{e}"));
    // Named as CLI.md's example target file names them, for replay commands.
    let user_api_jwt = Secret::named(
        format!("nc-user-api-jwt-{:032x}", rand::random::<u128>()),
        "NCENTRAL_USER_API_JWT",
    );
    let integration_key = Secret::named(
        format!("nc-integration-key-{:016x}", rand::random::<u64>()),
        "PSA_INTEGRATION_KEY",
    );
    let push_auth = PushAuth {
        header: "Authorization".into(),
        value: Secret::named(
            format!("Bearer psa-push-{:032x}", rand::random::<u128>()),
            "PSA_PUSH_AUTH",
        ),
    };
    let psa = PsaMockServer::builder()
        .style(style)
        .faults(faults.iter().copied())
        .ncentral(NcentralLink {
            base_url: public_url.as_str().trim_end_matches('/').to_string(),
            user_api_jwt: user_api_jwt.expose().to_string(),
            integration_key: Some(integration_key.expose().to_string()),
        })
        .push_auth(&push_auth.header, push_auth.value.expose())
        .start()
        .await
        .map_err(RunError::Mock)?;
    let push_url =
        url::Url::parse(&psa.push_url()).map_err(|e| RunError::Mock(std::io::Error::other(e)))?;
    let target = PsaTarget {
        push_url,
        push_method: reqwest::Method::POST,
        push_auth: Some(push_auth),
        ncentral: HarnessNcentral {
            listen,
            public_url,
            user_api_jwt,
            integration_key: Some(integration_key),
            callback_timeout: REFERENCE_PSA_CALLBACK_TIMEOUT,
            answer_timeout: REFERENCE_PSA_ANSWER_TIMEOUT,
            tls: None,
        },
        tls: TlsSettings::default(),
    };
    Ok((psa, target, listener))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration `run` makes of its flags.
    fn config_of(flags: &[&str]) -> Result<RunConfig, String> {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(
            ["psa-conformance", "run"].iter().chain(flags).copied(),
        )
        .map_err(|e| e.to_string())?;
        let crate::cli::Command::Run(args) = cli.command else {
            return Err("not a run".into());
        };
        let config = RunConfig::from_args(&args, &|_| None).map_err(|e| e.to_string())?;
        check_built_in(&config.target).map_err(|e| e.to_string())?;
        Ok(config)
    }

    fn mock_style(flags: &[&str]) -> Result<Style, String> {
        match config_of(flags)?.target {
            TargetSource::BuiltInMock { faults, style } => mock_names(&faults, style.as_deref())
                .map(|(_, style)| style)
                .map_err(|e| e.to_string()),
            _ => Err("not the built-in mock".into()),
        }
    }

    #[test]
    fn the_mock_style_flag_and_its_older_alias() {
        assert_eq!(mock_style(&[]), Ok(Style::Canonical));
        assert_eq!(
            mock_style(&["--mock-style", "ncentral"]),
            Ok(Style::Ncentral)
        );
        assert_eq!(
            mock_style(&["--mock-style", "alternate"]),
            Ok(Style::Alternate)
        );
        assert_eq!(
            mock_style(&["--mock-alternate-style"]),
            Ok(Style::Alternate)
        );
        assert!(mock_style(&["--mock-style", "spring"]).is_err());
        assert!(mock_style(&["--mock-alternate-style", "--mock-style", "ncentral"]).is_err());
        assert!(mock_style(&["--mock-style", "ncentral", "--target", "t.toml"]).is_err());
    }

    #[test]
    fn a_psa_fault_brings_its_style_and_refuses_another() {
        let psa = |flags: &[&str]| {
            let mut all = vec!["--side", "psa"];
            all.extend(flags);
            match config_of(&all)?.target {
                TargetSource::BuiltInPsa { faults, style } => {
                    psa_names(&faults, style.as_deref()).map_err(|e| e.to_string())
                }
                _ => Err("not the built-in reference PSA".into()),
            }
        };
        let callback = PsaFault::all()
            .iter()
            .copied()
            .find(|f| f.style() == AnswerStyle::Callback)
            .unwrap();
        let name = callback.name();
        assert_eq!(
            psa(&["--mock-fault", &name]),
            Ok((vec![callback], AnswerStyle::Callback))
        );
        let refused = psa(&["--mock-fault", &name, "--mock-style", "body"]).unwrap_err();
        assert!(
            refused.contains("shows only in the callback style, not in the body style"),
            "{refused}"
        );
        let unknown = psa(&["--mock-fault", "nope"]).unwrap_err();
        assert!(
            unknown.starts_with("--mock-fault \"nope\" is not one of its names"),
            "{unknown}"
        );
    }
}
