//! One validated, immutable configuration per run.
//!
//! [`RunConfig::from_args`] turns raw flags ([`crate::cli::RunArgs`]) and the
//! target file into values the runner can trust: a parsed base URL, secrets
//! read from the environment variables the target file names, a parsed tag
//! expression. Every problem is a [`ConfigError`] (exit 2) raised before any
//! request is sent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cucumber::gherkin::tagexpr::TagOperation;
use serde::Deserialize;
use url::Url;

use crate::catalog::Profile;
use crate::cli::{RunArgs, Side};
pub use crate::http::TlsSettings;
use crate::redact::{Redactor, Secret};

mod error;
mod ids;
pub(crate) mod inputs;
mod lifecycle;
mod psa_side;
mod tls;
pub use error::{secret_from_env, ConfigError};
use ids::{decimal_id, StringOrNumber};
use lifecycle::LifecycleTable;
pub use lifecycle::LifecycleTickets;
pub use psa_side::{load_psa_target, HarnessNcentral, PsaTarget, PushAuth};
use tls::TlsTableFile;

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
pub const UNKNOWN_TICKET_ID: &str = "999999937";

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

/// Where the target comes from.
#[derive(Debug, Clone)]
pub enum TargetSource {
    /// Start the reference mock on 127.0.0.1 with an ephemeral port, with
    /// the faults and style named by `--mock-fault` and `--mock-style`
    /// (`launch` reads the names; config knows no mock).
    BuiltInMock {
        faults: Vec<String>,
        style: Option<String>,
    },
    /// A live implementation described by a target file.
    Live(Box<Target>),
    /// The vendor's side: start the reference PSA on 127.0.0.1 (and the
    /// harness's N-central beside it) with an ephemeral port; its faults
    /// and style by name, as [`TargetSource::BuiltInMock`]'s.
    BuiltInPsa {
        faults: Vec<String>,
        style: Option<String>,
    },
    /// The vendor's side: a live custom PSA described by a target file.
    LivePsa(Box<PsaTarget>),
}

impl TargetSource {
    /// Which side of the integration the run certifies.
    pub fn side(&self) -> crate::catalog::Side {
        use crate::catalog::Side;
        match self {
            TargetSource::BuiltInMock { .. } | TargetSource::Live(_) => Side::Ncentral,
            TargetSource::BuiltInPsa { .. } | TargetSource::LivePsa(_) => Side::Psa,
        }
    }

    /// How reports name the target before a run has resolved it.
    pub fn describe(&self) -> String {
        match self {
            TargetSource::Live(t) => t
                .redactor()
                .redact(t.base_url.as_str())
                .trim_end_matches('/')
                .to_string(),
            TargetSource::LivePsa(t) => t.redactor().redact(t.push_url.as_str()).into_owned(),
            TargetSource::BuiltInMock { .. } => "built-in mock".into(),
            TargetSource::BuiltInPsa { .. } => "built-in reference PSA".into(),
        }
    }

    /// Whether the target file skips TLS verification (every report says so).
    pub fn tls_insecure(&self) -> bool {
        match self {
            TargetSource::Live(t) => t.tls.insecure_skip_verify,
            TargetSource::LivePsa(t) => t.tls.insecure_skip_verify,
            _ => false,
        }
    }
}

/// The validated configuration of one `run`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub target: TargetSource,
    pub profile: Profile,
    pub strict: bool,
    /// The tag expression as given, and parsed.
    pub tags: Option<(String, TagOperation)>,
    pub out: PathBuf,
    pub concurrency: usize,
    pub timeout: Duration,
    pub baseline: Option<PathBuf>,
    pub quiet: bool,
    /// Run every feature this many times over (benchmarks only; 1 otherwise).
    pub repeat_features: usize,
    /// `--rerun-failed`: only the scenarios with these ids (the caller
    /// fills it from the summary); `None` runs every selected scenario.
    pub only_scenarios: Option<std::collections::BTreeSet<String>>,
}

impl RunConfig {
    /// Validates flags and reads the target file, taking secrets from `env`.
    pub fn from_args(
        args: &RunArgs,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let tags = args.tags.as_deref().map(parse_tags).transpose()?;
        let concurrency = usize::try_from(args.concurrency).unwrap_or(0);
        if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
            return Err(ConfigError::BadOption {
                message: format!(
                    "--concurrency must be at least 1 and at most {MAX_CONCURRENCY} requests in flight per endpoint; got {}",
                    args.concurrency
                ),
                hint: "the default is 2; real N-central answers 429 beyond 3 to 50 concurrent requests per endpoint".into(),
            });
        }
        if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= MAX_TIMEOUT_SECS) {
            return Err(ConfigError::BadOption {
                message: format!(
                    "--timeout must be more than 0 and at most {MAX_TIMEOUT_SECS} seconds; got {}",
                    args.timeout
                ),
                hint: "the default is 10; fractions are allowed, e.g. --timeout 2.5".into(),
            });
        }
        if !(1..=MAX_REPEAT_FEATURES).contains(&args.repeat_features) {
            return Err(ConfigError::BadOption {
                message: format!(
                    "--repeat-features must be at least 1 and at most {MAX_REPEAT_FEATURES}; got {}",
                    args.repeat_features
                ),
                hint: "1 (the default) runs every feature once".into(),
            });
        }
        if let Some(b) = &args.baseline {
            if !b.is_file() {
                return Err(ConfigError::BadOption {
                    message: format!("--baseline {} is not a readable file", b.display()),
                    hint: "give the summary.json of an earlier run".into(),
                });
            }
        }
        let profile = args
            .side
            .profile(args.profile)
            .map_err(|e| ConfigError::BadOption {
                message: e.message,
                hint: e.hint.into(),
            })?;
        let target = match (args.side, &args.target) {
            (Side::Ncentral, None) => TargetSource::BuiltInMock {
                faults: args.mock_faults.clone(),
                style: if args.mock_alternate_style {
                    Some("alternate".into())
                } else {
                    args.mock_style.clone()
                },
            },
            (Side::Psa, None) => TargetSource::BuiltInPsa {
                faults: args.mock_faults.clone(),
                style: args.mock_style.clone(),
            },
            (Side::Ncentral, Some(path)) => TargetSource::Live(Box::new(load_target(path, env)?)),
            (Side::Psa, Some(path)) => TargetSource::LivePsa(Box::new(load_psa_target(path, env)?)),
        };
        Ok(RunConfig {
            target,
            profile,
            strict: args.strict,
            tags,
            out: args.out.clone(),
            concurrency,
            timeout: Duration::from_secs_f64(args.timeout),
            baseline: args.baseline.clone(),
            quiet: args.quiet,
            repeat_features: args.repeat_features,
            only_scenarios: None,
        })
    }
}

/// How to list the N-central mock's faults.
pub const MOCK_FAULTS_HINT: &str = "`psa-conformance mock --list-faults` lists them";
/// How to list the reference PSA's faults.
pub const PSA_FAULTS_HINT: &str = "`psa-conformance mock --side psa --list-faults` lists them";

/// One value of a `clap::ValueEnum` table (a fault, a style), or a usage
/// error that lists the names it could have been.
pub fn parse_name<T: clap::ValueEnum>(
    flag: &str,
    name: &str,
    hint: &str,
) -> Result<T, ConfigError> {
    T::from_str(name, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        ConfigError::BadOption {
            message: format!("{flag} {name:?} is not one of its names"),
            hint: if hint.is_empty() || names.len() <= 6 {
                format!("one of: {}", names.join(", "))
            } else {
                hint.to_string()
            },
        }
    })
}

/// [`parse_name`] for a repeated flag.
pub fn parse_names<T: clap::ValueEnum>(
    flag: &str,
    names: &[String],
    hint: &str,
) -> Result<Vec<T>, ConfigError> {
    names.iter().map(|n| parse_name(flag, n, hint)).collect()
}

/// Largest `--concurrency`.
pub const MAX_CONCURRENCY: usize = 64;
/// Largest `--timeout`, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;
/// Largest `--repeat-features`.
pub const MAX_REPEAT_FEATURES: usize = 100;

/// Makes sure reports can be written to `dir` before anything is sent:
/// creates it (as the run would) and writes and removes a probe file there.
/// A run that cannot leave its reports must not spend the target's time.
pub fn check_out_dir(dir: &Path) -> Result<(), ConfigError> {
    let unwritable = |at: &Path, cause: std::io::Error| {
        let hint = match file_in_the_way(dir) {
            Some(file) => format!(
                "{} is a file, not a directory; choose another --out or move the file",
                file.display()
            ),
            None if cause.kind() == std::io::ErrorKind::PermissionDenied => format!(
                "make {} writable for this user, or choose another --out",
                at.display()
            ),
            None => "choose another directory with --out".to_string(),
        };
        ConfigError::OutUnwritable {
            path: dir.to_path_buf(),
            at: at.to_path_buf(),
            cause,
            hint,
        }
    };
    std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, e))?;
    let probe = dir.join(format!(".psa-conformance-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| unwritable(&probe, e))?;
    std::fs::remove_file(&probe).map_err(|e| unwritable(&probe, e))?;
    Ok(())
}

/// The nearest of `dir` and its ancestors that exists and is not a directory.
fn file_in_the_way(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| a.exists())
        .filter(|a| !a.is_dir())
        .map(Path::to_path_buf)
}

/// Parses a cucumber tag expression (`@CRED-01 or not @rate-limit`).
pub fn parse_tags(expr: &str) -> Result<(String, TagOperation), ConfigError> {
    expr.parse::<TagOperation>()
        .map(|op| (expr.to_string(), op))
        .map_err(|e| ConfigError::BadTags {
            expr: expr.to_string(),
            message: e.to_string(),
        })
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
pub fn load_target(
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

/// Environment lookups from a fixed map, for tests.
pub fn env_from(map: BTreeMap<String, String>) -> impl Fn(&str) -> Option<String> {
    move |k| map.get(k).cloned()
}

#[cfg(test)]
mod tests;
