//! The checks of the run's flags that need no target file: names of
//! faults and styles, the numeric bounds, the tag expression, and whether
//! `--out` can take the reports.

use std::path::{Path, PathBuf};

use cucumber::gherkin::tagexpr::TagOperation;

use super::error::ConfigError;

/// How to list the N-central mock's faults.
pub(crate) const MOCK_FAULTS_HINT: &str = "`psa-conformance mock --list-faults` lists them";
/// How to list the reference PSA's faults.
pub(crate) const PSA_FAULTS_HINT: &str =
    "`psa-conformance mock --side psa --list-faults` lists them";

/// One value of a `clap::ValueEnum` table (a fault, a style), or a usage
/// error that lists the names it could have been.
pub(crate) fn parse_name<T: clap::ValueEnum>(
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
pub(crate) fn parse_names<T: clap::ValueEnum>(
    flag: &str,
    names: &[String],
    hint: &str,
) -> Result<Vec<T>, ConfigError> {
    names.iter().map(|n| parse_name(flag, n, hint)).collect()
}

/// Largest `--concurrency`.
pub(crate) const MAX_CONCURRENCY: usize = 64;
/// Largest `--timeout`, in seconds.
pub(crate) const MAX_TIMEOUT_SECS: f64 = 600.0;
/// Largest `--repeat-features`.
pub(crate) const MAX_REPEAT_FEATURES: usize = 100;

/// Makes sure reports can be written to `dir` before anything is sent:
/// creates it (as the run would) and writes and removes a probe file there.
/// A run that cannot leave its reports must not spend the target's time.
pub(crate) fn check_out_dir(dir: &Path) -> Result<(), ConfigError> {
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
