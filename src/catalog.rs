//! The requirement catalog: every requirement of REQUIREMENTS.md as data.
//!
//! This table is the single source for `list`, for the verdict and for every
//! report. Scenarios name requirements by tag (`@CRED-01`); a requirement that
//! no executed scenario checks is reported `untested`, never `passed`.

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
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Profile::Core => "core",
            Profile::Full => "full",
        })
    }
}

/// One requirement of REQUIREMENTS.md.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    pub id: &'static str,
    pub level: Level,
    /// REQUIREMENTS.md section number (1–8).
    pub section: u8,
    pub title: &'static str,
    pub source: &'static str,
}

impl Requirement {
    /// Whether this requirement belongs to the given profile.
    pub fn in_profile(&self, profile: Profile) -> bool {
        match profile {
            Profile::Core => self.section <= 6,
            Profile::Full => true,
        }
    }

    /// The scenario tag that names this requirement (`@CRED-01`).
    pub fn tag(&self) -> String {
        format!("@{}", self.id)
    }
}

/// Finds a requirement by its ID (`CRED-01`, with or without a leading `@`).
pub fn find(id: &str) -> Option<&'static Requirement> {
    let id = id.strip_prefix('@').unwrap_or(id);
    REQUIREMENTS.iter().find(|r| r.id == id)
}

/// The requirements of one profile, in catalog order.
pub fn in_profile(profile: Profile) -> impl Iterator<Item = &'static Requirement> {
    REQUIREMENTS.iter().filter(move |r| r.in_profile(profile))
}

/// Section titles, for listings and reports.
pub const SECTIONS: [(u8, &str); 8] = [
    (1, "Discovery"),
    (2, "Authentication"),
    (3, "Integration key"),
    (4, "Standard PSA credential validation"),
    (5, "Custom PSA ticket information"),
    (6, "Error responses"),
    (7, "Rate limiting"),
    (8, "Robustness and hostile input"),
];

macro_rules! req {
    ($id:literal, $level:ident, $section:literal, $title:literal, $source:literal) => {
        Requirement {
            id: $id,
            level: Level::$level,
            section: $section,
            title: $title,
            source: $source,
        }
    };
}

/// Every requirement, in the order of REQUIREMENTS.md.
pub static REQUIREMENTS: &[Requirement] = &[
    req!("DISC-01", Must, 1, "GET /api/standard-psa → 200 with the standard-psa-validate-credential link", "seed"),
    req!("DISC-02", Must, 1, "GET /api/custom-psa → 200 with the custom-psa-ticket-info and custom-psa-tickets links", "seed"),
    req!("DISC-03", Must, 1, "GET /api/custom-psa/tickets → 200 with the custom-psa-ticket-info link", "OpenAPI"),
    req!("DISC-04", Must, 1, "every _links value is a string; extra relations are allowed", "OpenAPI"),
    req!("DISC-05", Must, 1, "200 responses have Content-Type application/json (any charset)", "OpenAPI"),
    req!("AUTH-01", Must, 2, "no Authorization header → 401", "seed"),
    req!("AUTH-02", Must, 2, "malformed Authorization header → 401, never 5xx", "seed, design"),
    req!("AUTH-03", Must, 2, "well-formed but invalid token (random, alg none, altered signature) → 401", "design"),
    req!("AUTH-04", Must, 2, "authentication is checked first: no token + every other fault → 401", "design"),
    req!("AUTH-05", Should, 2, "401 body is an ErrorResponse whose status is 401", "OpenAPI"),
    req!("AUTH-06", Must, 2, "token exchange at POST /api/auth/authenticate issues a working Bearer token (when configured)", "OpenAPI"),
    req!("KEY-01", Must, 3, "wrong INTEGRATION-KEY → 403", "seed"),
    req!("KEY-02", Must, 3, "missing INTEGRATION-KEY → 400 or 403, never 2xx", "seed, design"),
    req!("KEY-03", Should, 3, "missing INTEGRATION-KEY → 403", "design"),
    req!("KEY-04", Must, 3, "the key is checked before body validation and resource lookup", "design"),
    req!("KEY-05", Should, 3, "403 body is an ErrorResponse whose status is 403", "OpenAPI"),
    req!("CRED-01", Must, 4, "valid credentials for psaType 3 → 200 with data.isPsaCredentialsValid true (boolean)", "seed"),
    req!("CRED-02", Must, 4, "wrong PSA password → never 2xx with isPsaCredentialsValid true", "design"),
    req!("CRED-03", Should, 4, "wrong PSA password → 200 with isPsaCredentialsValid false", "design"),
    req!("CRED-04", Must, 4, "invalid credential body → 400", "seed, OpenAPI"),
    req!("CRED-05", Must, 4, "unsupported numeric psaType → 404", "OpenAPI"),
    req!("CRED-06", Must, 4, "non-numeric psaType → 400 or 404, never 2xx/5xx", "design"),
    req!("CRED-07", Should, 4, "a text/plain body → 400 or 415", "design"),
    req!("TCKT-01", Must, 5, "known ticket → 200 with string ticketId, ticketTitle, ticketDetails, ticketStatus, creationDate and _links", "seed"),
    req!("TCKT-02", Must, 5, "data.ticketId equals the requested id", "design"),
    req!("TCKT-03", Must, 5, "creationDate is RFC 3339 with an optional [Zone/Id] suffix", "seed"),
    req!("TCKT-04", Should, 5, "ticketStatus is UPPER_SNAKE_CASE", "seed"),
    req!("TCKT-05", Must, 5, "unknown well-formed ticket id → 404", "seed"),
    req!("TCKT-06", Must, 5, "malformed ticket id → 400 or 404, never 2xx/5xx; SHOULD be 400", "OpenAPI"),
    req!("TCKT-07", Must, 5, "invalid ticket request body → 400", "seed"),
    req!("TCKT-08", Must, 5, "wrong PSA credentials → 4xx, never ticket data", "design"),
    req!("ERR-01", Should, 6, "every 4xx is application/json with an ErrorResponse whose status equals the HTTP status", "OpenAPI"),
    req!("ERR-02", Must, 6, "no request the suite sends gets a 5xx", "seed"),
    req!("ERR-03", Must, 6, "no response echoes the PSA password, the integration key or the bearer token", "design"),
    req!("RATE-01", Must, 7, "a bounded concurrent burst gets at least one 429", "seed"),
    req!("RATE-02", Must, 7, "every burst response is 200 or 429, no 5xx, no dropped connection", "design"),
    req!("RATE-03", Must, 7, "after the burst a single request succeeds within the recovery window", "N-able rate-limit guide"),
    req!("RATE-04", Should, 7, "429 carries Retry-After and an ErrorResponse body", "design"),
    req!("SEC-01", Must, 8, "a 1 MiB JSON body → 400 or 413, never 5xx or a dropped connection", "design"),
    req!("SEC-02", Must, 8, "hostile path parameters → 4xx", "design"),
    req!("SEC-03", Must, 8, "a 10 000-deep JSON body → 400; duplicate keys → never 5xx", "design"),
    req!("SEC-04", Must, 8, "wrong methods → 404 or 405, never 2xx; SHOULD be 405", "design"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let re = regex::Regex::new(r"^[A-Z]+-\d\d$").unwrap();
        let mut seen = std::collections::HashSet::new();
        for r in REQUIREMENTS {
            assert!(re.is_match(r.id), "{} is not PREFIX-NN", r.id);
            assert!(seen.insert(r.id), "{} twice", r.id);
        }
        assert_eq!(REQUIREMENTS.len(), 42);
    }

    #[test]
    fn core_profile_leaves_out_sections_7_and_8() {
        assert!(in_profile(Profile::Core).all(|r| r.section <= 6));
        assert!(in_profile(Profile::Core).any(|r| r.id == "ERR-03"));
        assert!(!in_profile(Profile::Core).any(|r| r.id == "RATE-01"));
        assert_eq!(in_profile(Profile::Full).count(), REQUIREMENTS.len());
    }

    #[test]
    fn find_accepts_a_tag() {
        assert_eq!(find("@KEY-03").map(|r| r.level), Some(Level::Should));
        assert!(find("NOPE-01").is_none());
    }
}
