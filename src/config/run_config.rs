//! The validated configuration of one `run` ([`RunConfig`]) and where its
//! target comes from ([`TargetSource`]): a live target file of either side,
//! or a built-in reference with its faults and answering style.

use std::path::PathBuf;
use std::time::Duration;

use cucumber::gherkin::tagexpr::TagOperation;

use super::error::ConfigError;
use super::flags::{parse_tags, MAX_CONCURRENCY, MAX_REPEAT_FEATURES, MAX_TIMEOUT_SECS};
use super::ncentral_side::{load_target, Target};
use super::psa_side::{load_psa_target, PsaTarget};
use crate::catalog::Profile;
use crate::cli::{RunArgs, Side};

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

    /// A redactor of the target file's secrets (the built-in references'
    /// secrets are made when they start: none is known before).
    pub(crate) fn redactor(&self) -> crate::redact::Redactor {
        match self {
            TargetSource::Live(t) => t.redactor(),
            TargetSource::LivePsa(t) => t.redactor(),
            _ => crate::redact::Redactor::new(),
        }
    }

    /// How reports name the target before a run has resolved it.
    pub fn describe(&self) -> String {
        let redactor = self.redactor();
        match self {
            TargetSource::Live(t) => redactor
                .redact(t.base_url.as_str())
                .trim_end_matches('/')
                .to_string(),
            TargetSource::LivePsa(t) => redactor.redact(t.push_url.as_str()).into_owned(),
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
    /// `--features DIR`: scenarios of one's own, parsed and their ID tags
    /// checked; they run beside the catalog's as additional checks.
    pub own_features: Vec<cucumber::gherkin::Feature>,
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
            own_features: match &args.features {
                Some(dir) => crate::features::own::load(dir)?,
                None => Vec::new(),
            },
        })
    }
}
