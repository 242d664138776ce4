//! One validated, immutable configuration per run.
//!
//! [`RunConfig::from_args`] turns raw flags ([`crate::cli::RunArgs`]) and the
//! target file into values the runner can trust: a parsed base URL, secrets
//! read from the environment variables the target file names, a parsed tag
//! expression. Every problem is a [`ConfigError`] (exit 2) raised before any
//! request is sent.
//!
//! A facade: the run's configuration and its target source are
//! `run_config.rs`, the checks of flags `flags.rs`, the target file of
//! N-central's side `ncentral_side.rs`, the PSA side's `psa_side.rs`.

mod error;
mod flags;
mod ids;
pub(crate) mod inputs;
mod lifecycle;
mod ncentral_side;
mod psa_side;
mod run_config;
mod tls;

pub use crate::http::TlsSettings;
pub use error::{env_from, secret_from_env, ConfigError};
pub use flags::{
    check_out_dir, parse_name, parse_names, parse_tags, MAX_CONCURRENCY, MAX_REPEAT_FEATURES,
    MAX_TIMEOUT_SECS, MOCK_FAULTS_HINT, PSA_FAULTS_HINT,
};
pub use lifecycle::LifecycleTickets;
pub use ncentral_side::{
    load_target, AuthMode, PsaCredentials, RateLimitSettings, Target, UNKNOWN_TICKET_ID,
};
pub use psa_side::{load_psa_target, HarnessNcentral, PsaTarget, PushAuth};
pub use run_config::{RunConfig, TargetSource};

#[cfg(test)]
mod tests;
