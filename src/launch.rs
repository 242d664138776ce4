//! Where the suite meets a target: a live one from the target file, or the
//! built-in reference mock, started here for the run and stopped after it.
//! The one place that joins the suite and the mock, so neither imports the
//! other.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{
    AuthMode, HarnessNcentral, LifecycleTickets, PsaCredentials, PsaTarget, PushAuth,
    RateLimitSettings, RunConfig, Target, TargetSource, TlsSettings, UNKNOWN_TICKET_ID,
};
use crate::interrupt::{Interrupt, Stop};
use crate::mock::MockServer;
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
            let mock = MockServer::builder()
                .faults(faults.iter().copied())
                .style(*style)
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
            let (psa, target, listener) = start_reference_psa(faults, *style).await?;
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
