//! Lookups in the table: a requirement by its ID or tag, a profile's
//! requirements, which requirements (and level) a scenario's tags name, and
//! whether a tag expression selects a run-wide check.

use super::requirements::REQUIREMENTS;
use super::types::{Level, Profile, Requirement};

/// Finds a requirement by its ID (`CRED-01`, with or without a leading `@`).
pub fn find(id: &str) -> Option<&'static Requirement> {
    let id = id.strip_prefix('@').unwrap_or(id);
    REQUIREMENTS.iter().find(|r| r.id == id)
}

/// The requirements of one profile, in catalog order.
pub fn in_profile(profile: Profile) -> impl Iterator<Item = &'static Requirement> {
    REQUIREMENTS.iter().filter(move |r| r.in_profile(profile))
}

/// The requirement IDs a scenario's tags name.
pub fn requirement_tags(tags: &[String]) -> Vec<&'static Requirement> {
    tags.iter().filter_map(|t| find(t)).collect()
}

/// The level a scenario checks at: SHOULD when tagged `@should` or when all
/// its requirements are SHOULD.
pub fn scenario_level(tags: &[String]) -> Level {
    let reqs = requirement_tags(tags);
    if tags.iter().any(|t| t == "should")
        || (!reqs.is_empty() && reqs.iter().all(|r| r.level == Level::Should))
    {
        Level::Should
    } else {
        Level::Must
    }
}

/// The tags of the run-wide check of requirement `id` (`@ERR-02`,
/// `@run-wide`: a check over the whole run, not a scenario of a feature
/// file), when the run's tag expression selects it — every check is
/// selected without one; `None` when the expression leaves it out. Both
/// sides' runners and the signing check read the selection here.
pub(crate) fn run_wide_tags(
    id: &str,
    expr: Option<&cucumber::gherkin::tagexpr::TagOperation>,
) -> Option<Vec<String>> {
    use cucumber::tag::Ext as _;
    let tags = vec![format!("@{id}"), "@run-wide".to_string()];
    expr.is_none_or(|op| op.eval(tags.iter().map(|t| t.trim_start_matches('@'))))
        .then_some(tags)
}
