//! Scenarios of one's own (`run --features DIR`): the `.feature` files of a
//! folder, read and parsed before anything is sent, and the rules they
//! follow so that they can never change the certification verdict.
//!
//! Each scenario carries one ID tag of its own (`@X-ACME-01`: capital
//! letters and digits in parts joined by `-`), never a catalog
//! requirement's. The scenarios run beside the catalog's, and the reports
//! list them as *additional checks*. Whether every step is one the suite
//! defines is decided by the suite (`crate::suite::own_steps`), which knows
//! the steps of each side.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use regex::Regex;

/// At most this many `.feature` files are read from the folder.
pub(crate) const MAX_FILES: usize = 200;
/// A feature file larger than this is refused, not read.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// How deep into sub-folders the files are looked for.
const MAX_DEPTH: usize = 8;

/// The shape of an additional check's ID tag, without its `@`.
static CHECK_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$").expect("static regex"));

/// Why the folder given to `--features` cannot be run. Nothing has been
/// sent when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--features {dir}: {title}\n{details}  hint: {hint}")]
pub struct OwnFeaturesError {
    pub dir: String,
    /// The one-line title.
    pub title: String,
    /// One indented line per place (`  at file:line: …`), ending in `\n`.
    pub details: String,
    pub hint: String,
}

/// The ID tag of an additional check among `tags` (without `@`): the one
/// tag shaped like an ID that names no requirement of the catalog.
pub(crate) fn check_id<'a>(tags: impl IntoIterator<Item = &'a String>) -> Option<&'a str> {
    tags.into_iter()
        .map(String::as_str)
        .find(|t| CHECK_ID.is_match(t) && crate::catalog::find(t).is_none())
}

/// Reads every `.feature` file under `dir` (sorted, sub-folders included),
/// parses it and checks each scenario's ID tag. The features keep the path
/// they were read from, which names their scenarios in every report
/// (`examples/features/acme.feature:7`).
pub(crate) fn load(dir: &Path) -> Result<Vec<gherkin::Feature>, OwnFeaturesError> {
    let fail = |title: String, details: String, hint: &str| OwnFeaturesError {
        dir: dir.display().to_string(),
        title,
        details,
        hint: hint.to_string(),
    };
    if !dir.is_dir() {
        return Err(fail(
            "not a folder".into(),
            String::new(),
            "give the folder that holds your .feature files",
        ));
    }
    let mut files = Vec::new();
    collect_files(dir, 0, &mut files).map_err(|e| {
        fail(
            format!("cannot read it: {e}"),
            String::new(),
            "check the folder's permissions",
        )
    })?;
    files.sort();
    if files.is_empty() {
        return Err(fail(
            "no .feature file in it".into(),
            String::new(),
            "write scenarios with the steps `psa-conformance list --steps` prints, in files ending in .feature",
        ));
    }
    if files.len() > MAX_FILES {
        return Err(fail(
            format!(
                "{} .feature files; at most {MAX_FILES} are read",
                files.len()
            ),
            String::new(),
            "give a folder with fewer files",
        ));
    }
    let mut features = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        match parse_file(&path) {
            Ok(feature) => {
                problems.extend(tag_problems(&feature));
                features.push(feature);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        return Ok(features);
    }
    let count = problems.len();
    let details: String = problems
        .iter()
        .take(20)
        .map(|p| format!("  at {p}\n"))
        .collect();
    let more = if count > 20 {
        format!("  … and {} more\n", count - 20)
    } else {
        String::new()
    };
    Err(fail(
        format!("{count} problem(s) in the features; nothing was sent"),
        details + &more,
        "tag each scenario with one ID of its own, e.g. @X-ACME-01 (catalog IDs such as @CRED-01 belong to the certification)",
    ))
}

fn collect_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        // One file past the limit is enough to refuse the folder: a huge
        // tree is not walked whole.
        if out.len() > MAX_FILES {
            return Ok(());
        }
        let path = entry?.path();
        if path.is_dir() && depth < MAX_DEPTH {
            collect_files(&path, depth + 1, out)?;
        } else if path.extension().is_some_and(|e| e == "feature") && path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// One file, parsed and its outlines expanded; or `file:line: why`.
fn parse_file(path: &Path) -> Result<gherkin::Feature, String> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: cannot read it: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{shown}: {size} bytes; a feature file may have at most {MAX_FILE_BYTES}"
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{shown}: cannot read it as UTF-8 text: {e}"))?;
    let mut feature = gherkin::Feature::parse(&text, GherkinEnv::default())
        .map_err(|e| parse_message(&shown, &e.to_string()))?;
    feature.path = Some(path.to_path_buf());
    if let Some(rule) = feature.rules.first() {
        return Err(format!(
            "{shown}:{}: `Rule:` blocks are not supported here; write their scenarios at the feature's top level",
            rule.position.line
        ));
    }
    feature
        .expand_examples()
        .map_err(|e| format!("{shown}: a Scenario Outline does not expand: {e}"))
}

/// gherkin says `Error at 3:1: {"Feature"}`: made `file:3: not Gherkin …`.
fn parse_message(file: &str, message: &str) -> String {
    static AT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"Error at (\d+):\d+: (.*)").expect("static regex"));
    match AT.captures(message) {
        Some(c) => format!(
            "{file}:{}: not Gherkin here (the parser expected one of {})",
            &c[1], &c[2]
        ),
        None => format!("{file}: not Gherkin: {message}"),
    }
}

/// Every scenario needs one ID tag of its own, and none of the catalog's.
fn tag_problems(feature: &gherkin::Feature) -> Vec<String> {
    let file = feature
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut out = Vec::new();
    for scenario in &feature.scenarios {
        let at = format!("{file}:{}", scenario.position.line);
        let tags: Vec<&String> = feature.tags.iter().chain(&scenario.tags).collect();
        if let Some(req) = tags.iter().find_map(|t| crate::catalog::find(t)) {
            out.push(format!(
                "{at}: scenario \"{}\" is tagged @{}, a requirement of the catalog; additional checks cannot count toward the certification",
                scenario.name, req.id
            ));
            continue;
        }
        let ids: std::collections::BTreeSet<&str> = tags
            .iter()
            .filter(|t| CHECK_ID.is_match(t))
            .map(|t| t.as_str())
            .collect();
        match ids.len() {
            1 => {}
            0 => out.push(format!(
                "{at}: scenario \"{}\" has no ID tag (such as @X-ACME-01)",
                scenario.name
            )),
            _ => out.push(format!(
                "{at}: scenario \"{}\" has {} ID tags ({}); give it one",
                scenario.name,
                ids.len(),
                ids.iter()
                    .map(|i| format!("@{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests;
