//! What every scenario of one run shares: the target, the access token,
//! the client, the schemas, the redactor, and the monitor that checks every
//! exchange of the run (ERR-01, ERR-02, ERR-03).

use std::sync::{Arc, Mutex};

use crate::config::{AuthMode, Target};
use crate::http::{Exchange, HttpClient};
use crate::redact::{Redactor, Secret};
use crate::schema::SchemaSet;

use super::echo::{Echo, EchoCheck};

/// What every scenario of one run shares.
pub(crate) struct RunContext {
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
    /// Held by each `@lifecycle` scenario for its whole run, so the
    /// scenarios that change or compare the lifecycle tickets never overlap.
    pub lifecycle_lock: Arc<tokio::sync::Mutex<()>>,
    /// Requests a requirement's MUST and SHOULD scenarios both judge: sent once.
    pub shared_sends: super::shared_sends::SharedSends,
}

/// Checks every exchange of the run: 5xx (ERR-02), echoed secrets (ERR-03),
/// 4xx without an ErrorResponse (ERR-01).
pub(crate) struct Monitor {
    pub(crate) findings: Mutex<MonitorFindings>,
    schemas: SchemaSet,
    /// The ERR-03 rule: which secrets each answer echoes.
    pub echo: EchoCheck,
}

#[derive(Default, Clone)]
pub(crate) struct MonitorFindings {
    pub(crate) observed: usize,
    pub(crate) observed_4xx: usize,
    pub(crate) server_errors: Vec<(String, Exchange)>,
    /// Candidate echoes; judged at the end of the run ([`EchoCheck::stands`]).
    pub(crate) echoes: Vec<(Echo, Exchange)>,
    pub(crate) bad_errors: Vec<(String, Exchange)>,
}

impl Monitor {
    pub(crate) fn new(schemas: SchemaSet, echo: EchoCheck) -> Self {
        Monitor {
            findings: Mutex::default(),
            schemas,
            echo,
        }
    }

    /// The secrets ERR-03 could not check, by role and length.
    pub(crate) fn secrets_not_checked(&self) -> Vec<String> {
        self.echo.not_checkable()
    }

    /// Looks at one exchange.
    pub(crate) fn observe(&self, exchange: &Exchange) {
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
            if let Err(problem) = super::error_body::check(&self.schemas, r) {
                f.bad_errors.push((problem.describe(), exchange.clone()));
            }
        }
    }
}

/// Learns, as secrets, the access and refresh tokens a token-exchange or
/// refresh answer issues, so no report shows them whatever the scenario
/// does next.
pub(crate) fn learn_issued_tokens(exchange: &Exchange, redactor: &Redactor) {
    let url = exchange.request.url.split('?').next().unwrap_or_default();
    if !url.ends_with("/api/auth/authenticate") && !url.ends_with("/api/auth/refresh") {
        return;
    }
    let Some(body) = exchange.response().and_then(|r| r.json().ok()) else {
        return;
    };
    for (pointer, var) in [
        ("/tokens/access/token", crate::http::ACCESS_TOKEN_VAR),
        ("/tokens/refresh/token", crate::http::REFRESH_TOKEN_VAR),
    ] {
        if let Some(token) = body.pointer(pointer).and_then(|t| t.as_str()) {
            redactor.add(&Secret::named(token, var));
        }
    }
}

/// The secrets ERR-03 watches, by role: what the suite sends as the PSA
/// password, the integration key and the bearer token, right or wrong.
pub(crate) fn echo_check(
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
