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

pub(crate) use crate::http::TlsSettings;
pub(crate) use error::ConfigError;
pub use flags::parse_tags;
pub(crate) use flags::{check_out_dir, parse_name, parse_names, MOCK_FAULTS_HINT, PSA_FAULTS_HINT};
pub(crate) use lifecycle::LifecycleTickets;
pub use ncentral_side::Target;
pub(crate) use ncentral_side::{AuthMode, PsaCredentials, RateLimitSettings, UNKNOWN_TICKET_ID};
pub(crate) use psa_side::{HarnessNcentral, PsaTarget, PushAuth};
pub use run_config::{RunConfig, TargetSource};
#[cfg(test)]
use {error::env_from, ncentral_side::load_target};

#[cfg(test)]
mod tests;
