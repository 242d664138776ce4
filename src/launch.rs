//! Where the suite meets a target: a live one from the target file, or the
//! built-in reference mock, started here for the run and stopped after it.
//! The one place that joins the suite and the mock, so neither imports the
//! other.

use std::time::Duration;

use crate::config::{
    AuthMode, PsaCredentials, RateLimitSettings, RunConfig, Target, TargetSource, TlsSettings,
    UNKNOWN_TICKET_ID,
};
use crate::interrupt::{Interrupt, Stop};
use crate::mock::MockServer;
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
    let creds = PsaCredentials {
        username: c.username.clone(),
        password: c.password.clone(),
    };
    Target {
        base_url: url::Url::parse(&server.uri()).unwrap_or_else(|e| unreachable!("{e}")),
        auth: match auth {
            MockAuth::Exchange => AuthMode::Exchange {
                user_api_jwt: c.user_api_jwt.clone(),
            },
            MockAuth::Bearer => AuthMode::Bearer(c.access_token.clone()),
        },
        integration_key: c.integration_key.clone(),
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
    }
}

/// Runs the suite as configured: against the live target, or against the
/// built-in mock started for the run.
pub async fn execute(config: &RunConfig) -> Result<RunReport, RunError> {
    execute_until(config, Stop::never())
        .await
        .map(|(report, _)| report)
}

/// [`execute`], stopping early when `stop` is asked for.
pub async fn execute_until(
    config: &RunConfig,
    stop: Stop,
) -> Result<(RunReport, Option<Interrupt>), RunError> {
    match &config.target {
        TargetSource::Live(target) => suite::execute_until(config, (**target).clone(), stop).await,
        TargetSource::BuiltInMock { faults, style } => {
            let mock = MockServer::builder()
                .faults(faults.iter().copied())
                .style(*style)
                .start()
                .await
                .map_err(RunError::Mock)?;
            let target = mock_target(&mock, MockAuth::Exchange);
            let outcome = suite::execute_until(config, target, stop).await;
            mock.stop().await;
            outcome
        }
    }
}
