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

pub(crate) mod own;

/// Every feature file: (path relative to the project root, text).
pub(crate) const FEATURES: &[(&str, &str)] = &[
    (
        "features/discovery.feature",
        include_str!("../../features/discovery.feature"),
    ),
    (
        "features/authentication.feature",
        include_str!("../../features/authentication.feature"),
    ),
    (
        "features/integration_key.feature",
        include_str!("../../features/integration_key.feature"),
    ),
    (
        "features/credential.feature",
        include_str!("../../features/credential.feature"),
    ),
    (
        "features/tickets.feature",
        include_str!("../../features/tickets.feature"),
    ),
    (
        "features/errors.feature",
        include_str!("../../features/errors.feature"),
    ),
    (
        "features/rate_limit.feature",
        include_str!("../../features/rate_limit.feature"),
    ),
    (
        "features/robustness.feature",
        include_str!("../../features/robustness.feature"),
    ),
    (
        "features/lifecycle.feature",
        include_str!("../../features/lifecycle.feature"),
    ),
    (
        "features/token_lifecycle.feature",
        include_str!("../../features/token_lifecycle.feature"),
    ),
    (
        "features/psa/push.feature",
        include_str!("../../features/psa/push.feature"),
    ),
    (
        "features/psa/callback.feature",
        include_str!("../../features/psa/callback.feature"),
    ),
];

/// Whether a scenario id (`features/x.feature:12`) names a scenario of the
/// embedded features, not one of a `--features` folder.
pub(crate) fn is_shipped(scenario_id: &str) -> bool {
    let file = scenario_id.rsplit_once(':').map_or(scenario_id, |(f, _)| f);
    // `--repeat-features` names its copies `features/x.feature#2`.
    let file = file.split('#').next().unwrap_or(file);
    FEATURES.iter().any(|(path, _)| *path == file)
}

/// Parses the embedded features and expands scenario outlines.
pub(crate) fn parse_all() -> Vec<Result<gherkin::Feature, ParseError>> {
    parse_repeated(1)
}

/// The embedded features `times` times over (copies named
/// `features/x.feature#2`…), for measuring how a run scales.
pub(crate) fn parse_repeated(times: usize) -> Vec<Result<gherkin::Feature, ParseError>> {
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

/// The features of a run: [`parse_repeated`] and the run's `own` features
/// (`--features`), narrowed to the scenarios `only` names (`--rerun-failed`)
/// when it is given.
pub(crate) fn for_run(
    times: usize,
    only: Option<&std::collections::BTreeSet<String>>,
    own: &[gherkin::Feature],
) -> Vec<Result<gherkin::Feature, ParseError>> {
    let mut features = parse_repeated(times);
    features.extend(own.iter().cloned().map(Ok));
    if let Some(only) = only {
        for feature in features.iter_mut().flatten() {
            let keep: Vec<gherkin::Scenario> = std::mem::take(&mut feature.scenarios)
                .into_iter()
                .filter(|s| only.contains(&scenario_id(feature, s)))
                .collect();
            feature.scenarios = keep;
        }
    }
    features
}

/// Features parsed once ([`parse_repeated`]), fed to cucumber as they are.
pub(crate) type ParsedFeatures = Vec<Result<gherkin::Feature, ParseError>>;

/// A cucumber parser that hands on features already parsed, so a run
/// parses them once: for counting, and for running.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct EmbeddedFeatures;

impl Parser<ParsedFeatures> for EmbeddedFeatures {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<Result<gherkin::Feature, ParseError>>>;

    fn parse(self, input: ParsedFeatures, _cli: Self::Cli) -> Self::Output {
        stream::iter(input)
    }
}

/// `features/credential.feature:12`: how reports name a scenario.
pub(crate) fn scenario_id(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> String {
    let path = feature
        .path
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| feature.name.clone());
    format!("{path}:{}", scenario.position.line)
}

/// Whether a scenario runs, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    Run,
    /// Listed as skipped with this reason.
    Skip(String),
    /// Not part of this run at all (profile or tag expression).
    Exclude,
}

/// What the target is configured for, which decides whether a scenario
/// applies to it at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Applicability {
    /// The target exchanges a User-API JWT (`@token-exchange` scenarios).
    pub token_exchange: bool,
    /// `[lifecycle] pending_ticket_id` is set (`@lifecycle-pending`).
    pub pending_ticket: bool,
    /// `[lifecycle] resolvable_ticket_id` is set (`@lifecycle-resolvable`).
    pub resolvable_ticket: bool,
    /// The PSA side: `[push_auth]` is set (`@push-auth`).
    pub push_auth: bool,
    /// The PSA side: the PSA answers a CREATE with a 2xx naming no ticket and calls
    /// back (`@callback-style`); one that answers with its ticket never does.
    pub calls_back: bool,
}

/// Why a `@push-auth` scenario does not apply.
pub(crate) const NO_PUSH_AUTH: &str =
    "the target file sets no [push_auth]: N-central sends its pushes without authentication";
/// Why a `@callback-style` scenario does not apply.
pub(crate) const NO_CALLBACK: &str =
    "the PSA answers CREATE with its ticket in the body, so it never calls back";

/// Why a `@lifecycle-pending` scenario does not apply.
pub(crate) const NO_PENDING_TICKET: &str = "the target file names no [lifecycle] pending_ticket_id (a ticket waiting for its PSA ticket, which the run may link)";
/// Why a `@lifecycle-resolvable` scenario does not apply.
pub(crate) const NO_RESOLVABLE_TICKET: &str = "the target file names no [lifecycle] resolvable_ticket_id (an open ticket the run may resolve and reopen)";

/// Decides a scenario's fate from the profile, the tag expression and what
/// the target is configured for (`None`: not known, as in `list`).
pub(crate) fn select(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    profile: Profile,
    tags: Option<&TagOperation>,
    target: Option<Applicability>,
) -> Selection {
    let reqs = crate::catalog::requirement_tags(&scenario.tags);
    // A scenario of one's own (`--features`) runs in every profile.
    let own = reqs.is_empty() && own::check_id(feature.tags.iter().chain(&scenario.tags)).is_some();
    if !own && !reqs.iter().any(|r| r.in_profile(profile)) {
        return Selection::Exclude;
    }
    if let Some(op) = tags {
        let all: Vec<&String> = feature.tags.iter().chain(scenario.tags.iter()).collect();
        if !op.eval(all) {
            return Selection::Exclude;
        }
    }
    let Some(target) = target else {
        return Selection::Run;
    };
    let tagged = |name: &str| {
        feature
            .tags
            .iter()
            .chain(scenario.tags.iter())
            .any(|t| t == name)
    };
    if !target.token_exchange && tagged("token-exchange") {
        return Selection::Skip(
            "the target uses a ready bearer token (auth.bearer_token_env), not token exchange"
                .into(),
        );
    }
    if !target.pending_ticket && tagged("lifecycle-pending") {
        return Selection::Skip(NO_PENDING_TICKET.into());
    }
    if !target.resolvable_ticket && tagged("lifecycle-resolvable") {
        return Selection::Skip(NO_RESOLVABLE_TICKET.into());
    }
    if !target.push_auth && tagged("push-auth") {
        return Selection::Skip(NO_PUSH_AUTH.into());
    }
    if !target.calls_back && tagged("callback-style") {
        return Selection::Skip(NO_CALLBACK.into());
    }
    Selection::Run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_file_on_disk_is_embedded() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut on_disk = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(root).join("features")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "feature") {
                    let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                    on_disk.push(rel.into_owned());
                }
            }
        }
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
