//! Why no board was written (exit 2): a bad KEYS or WAIVERS file, or a
//! folder given on the command line that cannot be used.

use std::fmt;

use super::config::ConfigError;

/// Why no board was written (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BoardError {
    /// KEYS.toml or WAIVERS.toml.
    Config(ConfigError),
    /// A folder given on the command line: the flag, the path, the cause.
    Folder {
        flag: &'static str,
        path: String,
        message: String,
        hint: &'static str,
    },
}

impl fmt::Display for BoardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoardError::Config(e) => e.fmt(f),
            BoardError::Folder {
                flag,
                path,
                message,
                hint,
            } => write!(f, "{flag} {path}: {message}\n  hint: {hint}"),
        }
    }
}

impl From<ConfigError> for BoardError {
    fn from(e: ConfigError) -> Self {
        BoardError::Config(e)
    }
}
