//! The Gherkin feature files, embedded in the binary so the suite runs from
//! any directory, and the cucumber [`Parser`] that feeds them to the runner.
//!
//! A test checks that every file under `features/` is listed here.

use std::path::PathBuf;

use cucumber::feature::Ext as _;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{self, GherkinEnv};
use cucumber::parser::{Error as ParseError, Parser};
use cucumber::tag::Ext as _;
use futures::stream;

use crate::catalog::Profile;

/// Every feature file: (path relative to the project root, text).
pub const FEATURES: &[(&str, &str)] = &[
    (
        "features/discovery.feature",
        include_str!("../features/discovery.feature"),
    ),
    (
        "features/authentication.feature",
        include_str!("../features/authentication.feature"),
    ),
    (
        "features/integration_key.feature",
        include_str!("../features/integration_key.feature"),
    ),
    (
        "features/credential.feature",
        include_str!("../features/credential.feature"),
    ),
    (
        "features/tickets.feature",
        include_str!("../features/tickets.feature"),
    ),
    (
        "features/errors.feature",
        include_str!("../features/errors.feature"),
    ),
    (
        "features/rate_limit.feature",
        include_str!("../features/rate_limit.feature"),
    ),
    (
        "features/robustness.feature",
        include_str!("../features/robustness.feature"),
    ),
];

/// Parses the embedded features and expands scenario outlines.
pub fn parse_all() -> Vec<Result<gherkin::Feature, ParseError>> {
    parse_repeated(1)
}

/// The embedded features `times` times over (copies named
/// `features/x.feature#2`…), for measuring how a run scales.
pub fn parse_repeated(times: usize) -> Vec<Result<gherkin::Feature, ParseError>> {
    (1..=times.max(1))
        .flat_map(|copy| {
            FEATURES
                .iter()
                .map(move |(path, text)| (copy, *path, *text))
        })
        .map(|(copy, path, text)| {
            let path = if copy == 1 {
                path.to_string()
            } else {
                format!("{path}#{copy}")
            };
            let mut feature =
                gherkin::Feature::parse(text, GherkinEnv::default()).map_err(|source| {
                    ParseError::from(gherkin::ParseFileError::Parsing {
                        path: PathBuf::from(&path),
                        error: None,
                        source,
                    })
                })?;
            feature.path = Some(PathBuf::from(path));
            feature.expand_examples().map_err(ParseError::from)
        })
        .collect()
}

/// Features parsed once ([`parse_repeated`]), fed to cucumber as they are.
pub type ParsedFeatures = Vec<Result<gherkin::Feature, ParseError>>;

/// A cucumber parser that hands on features already parsed, so a run
/// parses them once: for counting, and for running.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmbeddedFeatures;

impl Parser<ParsedFeatures> for EmbeddedFeatures {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<Result<gherkin::Feature, ParseError>>>;

    fn parse(self, input: ParsedFeatures, _cli: Self::Cli) -> Self::Output {
        stream::iter(input)
    }
}

/// `features/credential.feature:12`: how reports name a scenario.
pub fn scenario_id(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> String {
    let path = feature
        .path
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| feature.name.clone());
    format!("{path}:{}", scenario.position.line)
}

/// Whether a scenario runs, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Run,
    /// Listed as skipped with this reason.
    Skip(String),
    /// Not part of this run at all (profile or tag expression).
    Exclude,
}

/// Decides a scenario's fate from the profile, the tag expression and what
/// the target is configured for.
pub fn select(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    profile: Profile,
    tags: Option<&TagOperation>,
    token_exchange: Option<bool>,
) -> Selection {
    let reqs = crate::catalog::requirement_tags(&scenario.tags);
    if reqs.is_empty() || !reqs.iter().any(|r| r.in_profile(profile)) {
        return Selection::Exclude;
    }
    if let Some(op) = tags {
        let all: Vec<&String> = feature.tags.iter().chain(scenario.tags.iter()).collect();
        if !op.eval(all) {
            return Selection::Exclude;
        }
    }
    if token_exchange == Some(false) && scenario.tags.iter().any(|t| t == "token-exchange") {
        return Selection::Skip(
            "the target uses a ready bearer token (auth.bearer_token_env), not token exchange"
                .into(),
        );
    }
    Selection::Run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_file_on_disk_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/features");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| format!("features/{}", e.file_name().to_string_lossy()))
            .filter(|n| n.ends_with(".feature"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FEATURES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn every_feature_parses() {
        for f in parse_all() {
            f.unwrap();
        }
    }
}
