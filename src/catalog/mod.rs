//! The requirement catalog: every requirement of REQUIREMENTS.md as data.
//!
//! This table is the single source for `list`, for the verdict and for every
//! report. Scenarios name requirements by tag (`@CRED-01`); a requirement that
//! no executed scenario checks is reported `untested`, never `passed`.
//!
//! A facade: the rows are `requirements.rs`, the types `types.rs`, the
//! lookups `lookup.rs`.

mod lookup;
mod requirements;
mod types;

pub(crate) use lookup::run_wide_tags;
pub use lookup::{find, in_profile, requirement_tags, scenario_level};
pub use requirements::{REQUIREMENTS, SECTIONS};
pub use types::{Level, Profile, ProfileOfOtherSide, Requirement, Side};

#[cfg(test)]
mod tests;
