//! The words of the catalog: a requirement's level, the two sides of the
//! integration, the profiles of each side, and a requirement row.

use std::fmt;

/// How much a failure of the requirement weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Level {
    /// A failure makes the target not conformant.
    #[serde(rename = "MUST")]
    Must,
    /// A failure is a warning, or a failure with `--strict`.
    #[serde(rename = "SHOULD")]
    Should,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
        })
    }
}

/// Which side of the integration a run certifies (docs/CLI.md): one enum,
/// from the command line through the run model to every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The target implements N-central's API (docs/REQUIREMENTS.md).
    #[default]
    Ncentral,
    /// The target is a custom PSA; the harness plays N-central toward it
    /// (docs/PSA-SIDE.md).
    Psa,
}

impl Side {
    /// The word every report uses: `ncentral` or `psa`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Ncentral => "ncentral",
            Side::Psa => "psa",
        }
    }

    /// The profile a run of this side certifies when `--profile` is not given.
    pub fn default_profile(self) -> Profile {
        match self {
            Side::Ncentral => Profile::Full,
            Side::Psa => Profile::Psa,
        }
    }

    /// The profile to use: the one given, if it belongs to this side.
    pub fn profile(self, given: Option<Profile>) -> Result<Profile, ProfileOfOtherSide> {
        match (self, given) {
            (side, None) => Ok(side.default_profile()),
            (side, Some(p)) if p.side() == side => Ok(p),
            (Side::Psa, Some(p)) => Err(ProfileOfOtherSide {
                message: format!(
                    "--profile {p} certifies N-central's side; --side psa has one profile, psa"
                ),
                hint: "drop --profile, or drop --side psa",
            }),
            (Side::Ncentral, Some(_)) => Err(ProfileOfOtherSide {
                message: "--profile psa certifies the vendor's side".into(),
                hint: "add --side psa",
            }),
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--profile` that belongs to the other side (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{message}\n  hint: {hint}")]
pub struct ProfileOfOtherSide {
    pub message: String,
    pub hint: &'static str,
}

/// Which requirements a run certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Sections 1–6: discovery, authentication, integration key, credentials,
    /// tickets and error responses.
    Core,
    /// Core plus rate limiting (7) and robustness (8).
    #[default]
    Full,
    /// Full plus N-central's ticket lifecycle (9) and token lifecycle (10).
    /// It changes data on the target, so it is never the default.
    Extended,
    /// The vendor's side (`run --side psa`): pushes (11) and callbacks (12),
    /// with the harness playing N-central toward a custom PSA.
    Psa,
}

impl Profile {
    /// The side whose requirements this profile holds.
    pub fn side(self) -> Side {
        match self {
            Profile::Psa => Side::Psa,
            Profile::Core | Profile::Full | Profile::Extended => Side::Ncentral,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Profile::Core => "core",
            Profile::Full => "full",
            Profile::Extended => "extended",
            Profile::Psa => "psa",
        })
    }
}

/// One requirement of REQUIREMENTS.md.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    pub id: &'static str,
    pub level: Level,
    /// docs/REQUIREMENTS.md section number (1–12; 11–12 are the PSA side).
    pub section: u8,
    /// The short form reports show.
    pub title: &'static str,
    /// The requirement's full text, as docs/REQUIREMENTS.md words it.
    pub text: &'static str,
    pub source: &'static str,
}

impl Requirement {
    /// Whether this requirement belongs to the given profile.
    pub fn in_profile(&self, profile: Profile) -> bool {
        match profile {
            Profile::Core => self.section <= 6,
            Profile::Full => self.section <= 8,
            Profile::Extended => self.section <= 10,
            Profile::Psa => (11..=12).contains(&self.section),
        }
    }

    /// The scenario tag that names this requirement (`@CRED-01`).
    pub fn tag(&self) -> String {
        format!("@{}", self.id)
    }
}
