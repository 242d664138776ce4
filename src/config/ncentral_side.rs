//! The target file of N-central's side: the implementation under test
//! ([`Target`]: base URL, credentials, tickets, rate-limit and TLS
//! settings), its tables as written, and their validation.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::error::{secret_from_env, ConfigError};
use super::ids::{decimal_id, StringOrNumber};
use super::inputs;
use super::lifecycle::{LifecycleTable, LifecycleTickets};
use super::psa_side;
use super::tls::TlsTableFile;
use crate::http::TlsSettings;
use crate::redact::{Redactor, Secret};

/// How the suite obtains its access token.
#[derive(Debug, Clone)]
pub enum AuthMode {
    /// A ready access token.
    Bearer(Secret),
    /// A User-API JWT exchanged at `POST /api/auth/authenticate` before the run.
    Exchange { user_api_jwt: Secret },
}

/// PSA credentials sent in the request body of the two POST endpoints.
#[derive(Debug, Clone)]
pub struct PsaCredentials {
    pub username: String,
    pub password: Secret,
}

/// The `[rate_limit]` table.
#[derive(Debug, Clone)]
pub struct RateLimitSettings {
    pub endpoint: String,
    pub concurrency: usize,
    pub max_requests: usize,
    pub recovery_timeout: Duration,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            endpoint: "/api/custom-psa/tickets".into(),
            concurrency: 32,
            max_requests: 300,
            recovery_timeout: Duration::from_secs(30),
        }
    }
}

/// A well-formed ticket id no target is expected to know (it fits a 32-bit
/// integer, so no implementation refuses it as out of range): the default
/// of `custom_psa.unknown_ticket_id`.
pub(crate) const UNKNOWN_TICKET_ID: &str = "999999937";

/// Everything the suite needs to know about the implementation under test.
#[derive(Debug, Clone)]
pub struct Target {
    pub base_url: Url,
    pub auth: AuthMode,
    pub integration_key: Secret,
    pub psa_type: String,
    pub standard_psa: PsaCredentials,
    pub ticket_id: String,
    /// A well-formed ticket id the target does not know.
    pub unknown_ticket_id: String,
    pub custom_psa: PsaCredentials,
    pub rate_limit: RateLimitSettings,
    pub tls: TlsSettings,
    /// The tickets profile extended may change (`[lifecycle]`).
    pub lifecycle: LifecycleTickets,
}

impl Target {
    /// A redactor that knows every secret of this target.
    pub fn redactor(&self) -> Redactor {
        let r = Redactor::new();
        psa_side::url_secrets(&self.base_url, &r);
        match &self.auth {
            AuthMode::Bearer(t) => r.add(t),
            AuthMode::Exchange { user_api_jwt } => r.add(user_api_jwt),
        }
        r.add(&self.integration_key);
        r.add(&self.standard_psa.password);
        r.add(&self.custom_psa.password);
        r
    }
}

// ---- the target file, as written --------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    base_url: String,
    auth: AuthTable,
    standard_psa: StandardPsaTable,
    custom_psa: CustomPsaTable,
    #[serde(default)]
    rate_limit: RateLimitTable,
    #[serde(default)]
    tls: TlsTableFile,
    #[serde(default)]
    lifecycle: LifecycleTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthTable {
    bearer_token_env: Option<String>,
    user_api_jwt_env: Option<String>,
    integration_key_env: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardPsaTable {
    #[serde(default = "default_psa_type")]
    psa_type: StringOrNumber,
    username: String,
    password_env: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomPsaTable {
    ticket_id: StringOrNumber,
    unknown_ticket_id: Option<StringOrNumber>,
    username: Option<String>,
    password_env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitTable {
    endpoint: Option<String>,
    concurrency: Option<usize>,
    max_requests: Option<usize>,
    recovery_timeout_secs: Option<u64>,
}

fn default_psa_type() -> StringOrNumber {
    StringOrNumber::String("3".into())
}

/// Reads and validates a target file.
pub(crate) fn load_target(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, ConfigError> {
    let text = inputs::read_target_file(path)?;
    let invalid = |message: String| ConfigError::TargetInvalid {
        path: path.to_path_buf(),
        message,
    };
    let file: TargetFile =
        toml::from_str(&text).map_err(|e| invalid(inputs::bounded_message(&e.to_string())))?;

    let base_url =
        inputs::http_url("base_url", file.base_url.trim_end_matches('/')).map_err(invalid)?;
    if !base_url.username().is_empty() || base_url.password().is_some() {
        // The HTTP client would send it as `Authorization: Basic …` beside
        // the bearer token: two Authorization headers on every request.
        return Err(invalid(
            "base_url carries a user and password (user:password@host); N-central's API \
             authenticates with a bearer token, so every request would carry two Authorization \
             headers\n  hint: drop the user:password@ from base_url"
                .into(),
        ));
    }
    if base_url.query().is_some() || base_url.fragment().is_some() {
        return Err(invalid(format!(
            "base_url {} must not carry a query or fragment",
            inputs::shown(&file.base_url)
        )));
    }

    let secret = |var: &str, key: &str| secret_from_env(env, path, var, key);

    let auth = match (&file.auth.bearer_token_env, &file.auth.user_api_jwt_env) {
        (Some(var), None) => AuthMode::Bearer(secret(var, "auth.bearer_token_env")?),
        (None, Some(var)) => AuthMode::Exchange {
            user_api_jwt: secret(var, "auth.user_api_jwt_env")?,
        },
        (Some(_), Some(_)) => {
            return Err(invalid(
                "[auth] names both bearer_token_env and user_api_jwt_env; choose one".into(),
            ))
        }
        (None, None) => {
            return Err(invalid(
                "[auth] needs bearer_token_env (a ready access token) or user_api_jwt_env (a User-API JWT to exchange)".into(),
            ))
        }
    };
    let integration_key = secret(&file.auth.integration_key_env, "auth.integration_key_env")?;

    let psa_type = file.standard_psa.psa_type.into_string();
    if psa_type.is_empty() || psa_type.contains('/') {
        return Err(invalid(format!(
            "standard_psa.psa_type {} is not a path segment",
            inputs::shown(&psa_type)
        )));
    }
    let standard_psa = PsaCredentials {
        username: file.standard_psa.username,
        password: secret(&file.standard_psa.password_env, "standard_psa.password_env")?,
    };
    let ticket_id = file.custom_psa.ticket_id.into_string();
    if !decimal_id(&ticket_id) {
        return Err(invalid(format!(
            "custom_psa.ticket_id {} is not a decimal ticket id (^[1-9][0-9]*$)",
            inputs::shown(&ticket_id)
        )));
    }
    let unknown_ticket_id = file
        .custom_psa
        .unknown_ticket_id
        .map(StringOrNumber::into_string)
        .unwrap_or_else(|| UNKNOWN_TICKET_ID.to_string());
    if !decimal_id(&unknown_ticket_id) || unknown_ticket_id == ticket_id {
        return Err(invalid(format!(
            "custom_psa.unknown_ticket_id {} must be a decimal ticket id other than ticket_id",
            inputs::shown(&unknown_ticket_id)
        )));
    }
    let custom_psa = PsaCredentials {
        username: file
            .custom_psa
            .username
            .unwrap_or_else(|| standard_psa.username.clone()),
        password: match &file.custom_psa.password_env {
            Some(var) => secret(var, "custom_psa.password_env")?,
            None => standard_psa.password.clone(),
        },
    };

    let lifecycle = file.lifecycle.resolve(path, env, &unknown_ticket_id)?;

    let defaults = RateLimitSettings::default();
    let rl = file.rate_limit;
    let rate_limit = RateLimitSettings {
        endpoint: rl.endpoint.unwrap_or(defaults.endpoint),
        concurrency: rl.concurrency.unwrap_or(defaults.concurrency),
        max_requests: rl.max_requests.unwrap_or(defaults.max_requests),
        recovery_timeout: rl
            .recovery_timeout_secs
            .map(Duration::from_secs)
            .unwrap_or(defaults.recovery_timeout),
    };
    if !rate_limit.endpoint.starts_with("/api/") {
        return Err(invalid(format!(
            "rate_limit.endpoint {} must be a path starting with /api/",
            inputs::shown(&rate_limit.endpoint)
        )));
    }
    if !(1..=256).contains(&rate_limit.concurrency)
        || !(1..=5000).contains(&rate_limit.max_requests)
    {
        return Err(invalid(
            "rate_limit.concurrency must be 1..=256 and rate_limit.max_requests 1..=5000".into(),
        ));
    }
    let tls = file.tls.into_settings().map_err(invalid)?;

    Ok(Target {
        base_url,
        auth,
        integration_key,
        psa_type,
        standard_psa,
        ticket_id,
        unknown_ticket_id,
        custom_psa,
        rate_limit,
        tls,
        lifecycle,
    })
}
