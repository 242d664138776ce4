//! Every problem with the command line or a target file: one error type,
//! each variant a one-line title, then where and a hint. All are exit 2.
//! And the one reader of a secret from the environment both target files use
//! (and, for tests, an environment from a fixed map).

use std::path::{Path, PathBuf};

use crate::redact::{Secret, MIN_SECRET_LEN};

/// A problem with the command line or the target file. Nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    OwnFeatures(#[from] crate::features::own::OwnFeaturesError),
    #[error("cannot read target file {path}: {source}\n  hint: check the path given to --target")]
    TargetUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid target file {path}:\n{message}")]
    TargetInvalid { path: PathBuf, message: String },
    #[error("environment variable {var} is not set\n  where: {key} in {path}\n  hint: export {var}=… before running, or name another variable")]
    MissingSecretVariable {
        var: String,
        key: String,
        path: PathBuf,
    },
    #[error("environment variable {var} is empty or shorter than {MIN_SECRET_LEN} characters\n  where: {key} in {path}")]
    WeakSecret {
        var: String,
        key: String,
        path: PathBuf,
    },
    #[error("invalid tag expression {expr:?}: {message}\n  hint: tags look like `@CRED-01 or @KEY-01`, `not @rate-limit`")]
    BadTags { expr: String, message: String },
    /// `message` is the one-line title (what is wrong, and what was given).
    #[error("{message}\n  hint: {hint}")]
    BadOption { message: String, hint: String },
    #[error("cannot write reports to --out {path}\n  cause: {cause}\n  where: {at}\n  hint: {hint}\n  nothing was sent")]
    OutUnwritable {
        path: PathBuf,
        /// The path the failure happened at (the directory, a file in the
        /// way, or the probe file).
        at: PathBuf,
        cause: std::io::Error,
        hint: String,
    },
}

/// A secret from the environment variable a target file names (`key` in
/// `path`): missing, empty or shorter than [`MIN_SECRET_LEN`] is an error
/// naming the variable and the key, never the value.
pub(crate) fn secret_from_env(
    env: &dyn Fn(&str) -> Option<String>,
    path: &Path,
    var: &str,
    key: &str,
) -> Result<Secret, ConfigError> {
    let at = || (var.to_string(), key.to_string(), path.to_path_buf());
    let value = env(var).ok_or_else(|| {
        let (var, key, path) = at();
        ConfigError::MissingSecretVariable { var, key, path }
    })?;
    if value.trim().len() < MIN_SECRET_LEN {
        let (var, key, path) = at();
        return Err(ConfigError::WeakSecret { var, key, path });
    }
    Ok(Secret::named(value.trim().to_string(), var))
}

/// Environment lookups from a fixed map, for tests.
#[cfg(test)]
pub(crate) fn env_from(
    map: std::collections::BTreeMap<String, String>,
) -> impl Fn(&str) -> Option<String> {
    move |k| map.get(k).cloned()
}
