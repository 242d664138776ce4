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

/// Section titles, for listings and reports.
pub const SECTIONS: [(u8, &str); 12] = [
    (1, "Discovery"),
    (2, "Authentication"),
    (3, "Integration key"),
    (4, "Standard PSA credential validation"),
    (5, "Custom PSA ticket information"),
    (6, "Error responses"),
    (7, "Rate limiting"),
    (8, "Robustness and hostile input"),
    (9, "Custom PSA ticket lifecycle"),
    (10, "Token lifecycle"),
    (11, "Pushes to a custom PSA"),
    (12, "Callbacks from a custom PSA"),
];

/// Every requirement, in the order of docs/REQUIREMENTS.md: `title` is the
/// short form reports show, `text` the row's full text.
pub static REQUIREMENTS: &[Requirement] = &[
    Requirement {
        id: "DISC-01",
        level: Level::Must,
        section: 1,
        title: "GET /api/standard-psa → 200 with the standard-psa-validate-credential link",
        text: "`GET /api/standard-psa` → 200, JSON object whose `_links.standard-psa-validate-credential` is `/api/standard-psa/{psaType}/credential` (`_links` never `null`)",
        source: "seed",
    },
    Requirement {
        id: "DISC-02",
        level: Level::Must,
        section: 1,
        title: "GET /api/custom-psa → 200 with the custom-psa-ticket-info and custom-psa-tickets links",
        text: "`GET /api/custom-psa` → 200, `_links.custom-psa-ticket-info` is `/api/custom-psa/tickets/{customPsaTicketId}` and `_links.custom-psa-tickets` is `/api/custom-psa/tickets` (`_links` never `null`)",
        source: "seed",
    },
    Requirement {
        id: "DISC-03",
        level: Level::Must,
        section: 1,
        title: "GET /api/custom-psa/tickets → 200 with the custom-psa-ticket-info link",
        text: "`GET /api/custom-psa/tickets` → 200, JSON object with `_links.custom-psa-ticket-info` = `/api/custom-psa/tickets/{customPsaTicketId}` (`_links` never `null`)",
        source: "OpenAPI",
    },
    Requirement {
        id: "DISC-04",
        level: Level::Must,
        section: 1,
        title: "every _links value is a string; extra relations are allowed",
        text: "every `_links` value is a string; extra relations do not fail the check",
        source: "OpenAPI",
    },
    Requirement {
        id: "DISC-05",
        level: Level::Must,
        section: 1,
        title: "200 responses have Content-Type application/json (any charset)",
        text: "200 responses have `Content-Type: application/json` (any charset)",
        source: "OpenAPI",
    },
    Requirement {
        id: "AUTH-01",
        level: Level::Must,
        section: 2,
        title: "no Authorization header → 401",
        text: "no `Authorization` header → 401",
        source: "seed",
    },
    Requirement {
        id: "AUTH-02",
        level: Level::Must,
        section: 2,
        title: "malformed Authorization header → 401, never 5xx",
        text: "malformed header (`Bearer` with no token, `Basic …`, garbage) → 401, never 5xx",
        source: "seed, design",
    },
    Requirement {
        id: "AUTH-03",
        level: Level::Must,
        section: 2,
        title: "well-formed but invalid token (random, alg none, altered signature) → 401",
        text: "well-formed but invalid token → 401: a random JWT-shaped string, an unsigned `alg: none` JWT, and (when the configured token is a JWT) the configured token with its signature altered",
        source: "design",
    },
    Requirement {
        id: "AUTH-04",
        level: Level::Must,
        section: 2,
        title: "authentication is checked first: no token + every other fault → 401",
        text: "authentication is checked first: no token + wrong integration key + invalid body + unknown ticket → 401 (unauthenticated callers learn nothing)",
        source: "design",
    },
    Requirement {
        id: "AUTH-05",
        level: Level::Should,
        section: 2,
        title: "401 body is an ErrorResponse whose status is 401",
        text: "401 body is an `ErrorResponse` whose `status` is 401",
        source: "OpenAPI",
    },
    Requirement {
        id: "AUTH-06",
        level: Level::Must,
        section: 2,
        title: "token exchange at POST /api/auth/authenticate issues a working Bearer token (type in any case)",
        text: "`POST /api/auth/authenticate` with the User-API JWT → 200 with a string `tokens.access.token`, `tokens.access.type` = `Bearer` (any case), integer `expirySeconds` (`tokens`, `tokens.access` and these never `null`); the issued token works on the PSA endpoints. Without token exchange AUTH-06 is *not applicable*, which never makes a run partial",
        source: "OpenAPI",
    },
    Requirement {
        id: "KEY-01",
        level: Level::Must,
        section: 3,
        title: "wrong INTEGRATION-KEY → 403",
        text: "wrong `INTEGRATION-KEY` → 403",
        source: "seed",
    },
    Requirement {
        id: "KEY-02",
        level: Level::Must,
        section: 3,
        title: "missing INTEGRATION-KEY → 400 or 403, never 2xx",
        text: "missing `INTEGRATION-KEY` → 400 or 403, never 2xx",
        source: "seed, design",
    },
    Requirement {
        id: "KEY-03",
        level: Level::Should,
        section: 3,
        title: "missing INTEGRATION-KEY → 403",
        text: "missing `INTEGRATION-KEY` → 403",
        source: "design",
    },
    Requirement {
        id: "KEY-04",
        level: Level::Must,
        section: 3,
        title: "the key is checked before body validation and resource lookup",
        text: "the key is checked before body validation and resource lookup: wrong key + invalid body → 403; wrong key + unknown ticket → 403",
        source: "design",
    },
    Requirement {
        id: "KEY-05",
        level: Level::Should,
        section: 3,
        title: "403 body is an ErrorResponse whose status is 403",
        text: "403 body is an `ErrorResponse` whose `status` is 403",
        source: "OpenAPI",
    },
    Requirement {
        id: "CRED-01",
        level: Level::Must,
        section: 4,
        title: "valid credentials for psaType 3 → 200 with data.isPsaCredentialsValid true (boolean)",
        text: "valid token, key and PSA credentials for psaType 3 → 200, body `{\"data\":{\"isPsaCredentialsValid\": true}, \"_links\": {…}}` (boolean, not string; `data` and `isPsaCredentialsValid` never `null`; `_links` may also be absent or `null`)",
        source: "seed",
    },
    Requirement {
        id: "CRED-02",
        level: Level::Must,
        section: 4,
        title: "wrong PSA password → never 2xx with isPsaCredentialsValid true",
        text: "wrong PSA password → never 2xx with `isPsaCredentialsValid: true`",
        source: "design",
    },
    Requirement {
        id: "CRED-03",
        level: Level::Should,
        section: 4,
        title: "wrong PSA password → 200 with isPsaCredentialsValid false",
        text: "wrong PSA password → 200 with `isPsaCredentialsValid: false`",
        source: "design",
    },
    Requirement {
        id: "CRED-04",
        level: Level::Must,
        section: 4,
        title: "invalid credential body → 400",
        text: "invalid body → 400: missing `username`, missing `password`, empty strings, `null`, an object or an array where a string is due, malformed JSON, empty body, a JSON array. A number or a boolean where a string is due (Jackson's defaults read `42` as `\"42\"`) MUST never be taken as valid credentials, never get ticket data and never a 5xx, and SHOULD be 400",
        source: "seed, OpenAPI",
    },
    Requirement {
        id: "CRED-05",
        level: Level::Must,
        section: 4,
        title: "unsupported numeric psaType → 404",
        text: "unsupported numeric psaType (e.g. `5`, `999`) → 404",
        source: "OpenAPI (\"Psa with type 5.0 was not found!\")",
    },
    Requirement {
        id: "CRED-06",
        level: Level::Must,
        section: 4,
        title: "non-numeric psaType → 400 or 404, never 2xx/5xx",
        text: "non-numeric psaType (`abc`) → 400 or 404, never 2xx/5xx",
        source: "design",
    },
    Requirement {
        id: "CRED-07",
        level: Level::Should,
        section: 4,
        title: "a text/plain body → 400 or 415",
        text: "a `text/plain` body → 400 or 415",
        source: "design",
    },
    Requirement {
        id: "TCKT-01",
        level: Level::Must,
        section: 5,
        title: "known ticket → 200 with string ticketId, ticketTitle, ticketDetails, ticketStatus, creationDate and _links",
        text: "known ticket, valid token, key and credentials → 200, `data` has string `ticketId`, `ticketTitle`, `ticketDetails`, `ticketStatus`, `creationDate`; `_links` object; `data`, these fields and `_links` never `null` (any other property may be `null`)",
        source: "seed",
    },
    Requirement {
        id: "TCKT-02",
        level: Level::Must,
        section: 5,
        title: "data.ticketId equals the requested id",
        text: "`data.ticketId` equals the requested id",
        source: "design",
    },
    Requirement {
        id: "TCKT-03",
        level: Level::Must,
        section: 5,
        title: "creationDate is a Java ZonedDateTime text (offset, optional [zone id]) or RFC 3339",
        text: "`creationDate` parses as described under Conventions",
        source: "seed",
    },
    Requirement {
        id: "TCKT-04",
        level: Level::Should,
        section: 5,
        title: "ticketStatus is UPPER_SNAKE_CASE",
        text: "`ticketStatus` is UPPER_SNAKE_CASE (`^[A-Z][A-Z0-9_]*$`), e.g. `CREATE_TICKET_CREATED_IN_NCENTRAL`",
        source: "seed",
    },
    Requirement {
        id: "TCKT-05",
        level: Level::Must,
        section: 5,
        title: "unknown well-formed ticket id → 404",
        text: "unknown well-formed ticket id → 404",
        source: "seed",
    },
    Requirement {
        id: "TCKT-06",
        level: Level::Must,
        section: 5,
        title: "malformed ticket id → 400 or 404, never 2xx/5xx; SHOULD be 400",
        text: "malformed ticket id (`abc`, `0`, `-1`) → 400 or 404, never 2xx/5xx; SHOULD be 400",
        source: "OpenAPI (\"Invalid customPsaTicketId format\")",
    },
    Requirement {
        id: "TCKT-07",
        level: Level::Must,
        section: 5,
        title: "invalid ticket request body → 400 (the same bodies as CRED-04)",
        text: "invalid body → 400: every body CRED-04 tries, the same set",
        source: "seed",
    },
    Requirement {
        id: "TCKT-08",
        level: Level::Must,
        section: 5,
        title: "wrong PSA credentials → 4xx, never ticket data",
        text: "wrong PSA credentials → 4xx, never ticket data",
        source: "design",
    },
    Requirement {
        id: "ERR-01",
        level: Level::Should,
        section: 6,
        title: "every 4xx is application/json with an ErrorResponse whose status equals the HTTP status",
        text: "every 4xx is `application/json` with an `ErrorResponse` body whose `status` equals the HTTP status (`status` never `null`; `message` and `errors` may be absent or `null`)",
        source: "OpenAPI",
    },
    Requirement {
        id: "ERR-02",
        level: Level::Must,
        section: 6,
        title: "no request the suite sends gets a 5xx",
        text: "no request the suite sends gets a 5xx",
        source: "seed (\"handle these codes\")",
    },
    Requirement {
        id: "ERR-03",
        level: Level::Must,
        section: 6,
        title: "no response echoes the submitted PSA password, the integration key or the bearer token",
        text: "no response (body or headers) echoes the submitted PSA password, the integration key or the bearer token. An echo is the secret itself in the answer, not an innocent coincidence: a secret that also occurs in answers to requests that never carried it, or only inside a longer word, is no echo. A secret too short to tell (under 8 characters) is reported as not checkable, never failed",
        source: "design (security)",
    },
    Requirement {
        id: "RATE-01",
        level: Level::Must,
        section: 7,
        title: "a bounded concurrent burst gets at least one 429",
        text: "a bounded concurrent burst at the configured endpoint (default `GET /api/custom-psa/tickets`, 32 in flight, at most 300 requests, stops at the first 429) gets at least one 429",
        source: "seed",
    },
    Requirement {
        id: "RATE-02",
        level: Level::Must,
        section: 7,
        title: "every burst response is 200 or 429, no 5xx, no dropped connection",
        text: "every burst response is 200 or 429 — no 5xx, no dropped connection",
        source: "design",
    },
    Requirement {
        id: "RATE-03",
        level: Level::Must,
        section: 7,
        title: "after the burst a single request succeeds within the recovery window (untested without a 429)",
        text: "once the burst is over, a single request succeeds within the recovery window (default 30 s), waiting `Retry-After` when given and backing off 2 s, 5 s, 10 s, 10 s … otherwise, until the window ends. When the burst got no 429, RATE-03 is untested, not passed",
        source: "N-able rate-limit guide",
    },
    Requirement {
        id: "RATE-04",
        level: Level::Should,
        section: 7,
        title: "429 carries Retry-After and an ErrorResponse body",
        text: "429 carries `Retry-After` (delta-seconds or HTTP-date) and an `ErrorResponse` body",
        source: "design",
    },
    Requirement {
        id: "SEC-01",
        level: Level::Must,
        section: 8,
        title: "a 1 MiB JSON body → never 5xx, a dropped connection, valid credentials or ticket data; SHOULD be 400 or 413",
        text: "a 1 MiB JSON body (huge `username`) → never 5xx, a dropped connection, valid credentials or ticket data; SHOULD be 400 or 413 (Spring's defaults accept such a body and answer it like any wrong credentials)",
        source: "design",
    },
    Requirement {
        id: "SEC-02",
        level: Level::Must,
        section: 8,
        title: "hostile path parameters, percent-encoded once → 4xx",
        text: "hostile path parameters (`..%2F..%2Fetc%2Fpasswd`, `%2e%2e%2f`, `1' OR '1'='1`, `%00`, a 4 KiB id) → 4xx; a percent-encoded value is sent exactly as written here, encoded once",
        source: "design",
    },
    Requirement {
        id: "SEC-03",
        level: Level::Must,
        section: 8,
        title: "a 10 000-deep JSON body → 400; duplicate keys → never 5xx",
        text: "a JSON body nested 10 000 levels deep → 400; a body with duplicate keys → never 5xx",
        source: "design",
    },
    Requirement {
        id: "SEC-04",
        level: Level::Must,
        section: 8,
        title: "methods N-central does not serve → 404 or 405, never 2xx; SHOULD be 405",
        text: "methods N-central does not serve → 404 or 405, never 2xx; SHOULD be 405. These are: `PUT`/`DELETE`/`PATCH` on `/api/standard-psa/{psaType}/credential` and on `/api/custom-psa/tickets/{customPsaTicketId}`, and `POST` on `/api/standard-psa` and `/api/custom-psa`. Never `POST /api/custom-psa/tickets` (N-central's `createCustomTicket`) nor `GET /api/custom-psa/tickets/{customPsaTicketId}` (`getCustomTicketInfoWithoutPsaCreds`): N-central serves both",
        source: "design, OpenAPI",
    },
    Requirement {
        id: "LIFE-01",
        level: Level::Must,
        section: 9,
        title: "POST /api/custom-psa/tickets creates the pending ticket's link → 200/201 with the id sent",
        text: "`POST /api/custom-psa/tickets` with a valid create request for the pending ticket → 200 or 201, `data.psaCustomTicketId` equals the id sent (never `null`; any other property may be `null`, as Jackson writes a field never set: `newConfirmedStatus` before the status is confirmed)",
        source: "OpenAPI",
    },
    Requirement {
        id: "LIFE-02",
        level: Level::Must,
        section: 9,
        title: "an invalid create request → 400, never 2xx/5xx",
        text: "a create request missing `psaCustomTicketId`, `ticketNumber` or `ticketUrl`, or with a `ticketUrl` that is not http(s), or a `psaCustomTicketId` that is no number at all (`\"abc\"`, `true`, an object) → 400, never 2xx/5xx. Not tested: `\"123\"` or `1.5`, which Jackson's defaults coerce to an int",
        source: "OpenAPI",
    },
    Requirement {
        id: "LIFE-03",
        level: Level::Must,
        section: 9,
        title: "GET /api/custom-psa/tickets/{id} without PSA credentials → the same ticket data; 404 unknown, 400 malformed",
        text: "`GET /api/custom-psa/tickets/{id}` (no PSA credentials) → 200 with the same `data` as `POST /api/custom-psa/tickets/{id}` with credentials, valid against the ticket-info schema; unknown id → 404; malformed id → 400",
        source: "OpenAPI",
    },
    Requirement {
        id: "LIFE-04",
        level: Level::Must,
        section: 9,
        title: "resolve then reopen the resolvable ticket → 200 each with its id; 404 unknown, 400 malformed",
        text: "`POST …/{id}/resolve` then `POST …/{id}/reopen` on the resolvable ticket → 200 each, `data.psaCustomTicketId` equals the id (never `null`; any other property may be `null`); unknown id → 404; malformed id → 400",
        source: "OpenAPI",
    },
    Requirement {
        id: "LIFE-05",
        level: Level::Should,
        section: 9,
        title: "resolving a resolved or reopening an open ticket → 409 or an idempotent 200, never 5xx",
        text: "resolving a resolved ticket, or reopening an open one, → 409 or an idempotent 200; never 5xx",
        source: "OpenAPI (409 listed), design",
    },
    Requirement {
        id: "LIFE-06",
        level: Level::Must,
        section: 9,
        title: "every lifecycle operation without a valid bearer token → 401, and nothing changes",
        text: "every lifecycle operation without a valid bearer token → 401, and nothing is changed (the suite looks afterwards)",
        source: "OpenAPI",
    },
    Requirement {
        id: "TOKEN-01",
        level: Level::Must,
        section: 10,
        title: "POST /api/auth/refresh with the refresh token → 200 with new tokens that work",
        text: "`POST /api/auth/refresh` with the refresh token as a `text/plain` body → 200 with new tokens; the new access token works on the PSA endpoints",
        source: "OpenAPI",
    },
    Requirement {
        id: "TOKEN-02",
        level: Level::Must,
        section: 10,
        title: "GET /api/auth/validate → 200 with the access token, 401 with a forged one",
        text: "`GET /api/auth/validate` with the access token → 200; with a forged token → 401",
        source: "OpenAPI",
    },
    Requirement {
        id: "TOKEN-03",
        level: Level::Must,
        section: 10,
        title: "the User-API JWT or the refresh token as bearer on a PSA endpoint → 401",
        text: "the User-API JWT itself, or the refresh token, used as the bearer on a PSA endpoint → 401 (the User-API JWT is \"solely used for fetching access and refresh tokens\")",
        source: "OpenAPI",
    },
    Requirement {
        id: "TOKEN-04",
        level: Level::Should,
        section: 10,
        title: "an access token issued with X-ACCESS-EXPIRY-OVERRIDE: 5s → 401 once expired",
        text: "an access token issued with `X-ACCESS-EXPIRY-OVERRIDE: 5s` → 401 on a PSA endpoint once expired (the scenario waits ≤ 10 s; tagged `@slow`)",
        source: "OpenAPI",
    },
    Requirement {
        id: "TOKEN-05",
        level: Level::Must,
        section: 10,
        title: "a refresh with a forged refresh token → 401 or 400, never new tokens",
        text: "a refresh with a forged refresh token (random, or the real one altered) → 401 or 400, never new tokens",
        source: "design",
    },
    Requirement {
        id: "PUSH-01",
        level: Level::Must,
        section: 11,
        title: "a CREATE push → 2xx within answer_timeout_secs",
        text: "a `CREATE` push → 2xx within `answer_timeout_secs`",
        source: "guide",
    },
    Requirement {
        id: "PUSH-02",
        level: Level::Must,
        section: 11,
        title: "a CREATE is answered with externalTicketId and an absolute ticketUrl, or empty and then called back",
        text: "a `CREATE` answered with an `externalTicketId` → it is a non-empty string (a number is read as its text, as N-central's Jackson does), with a `ticketUrl` that is an absolute http(s) URL; answered without one (empty, or a body naming no `externalTicketId`, which N-central reads as pending) → the callback arrives (CB-01)",
        source: "guide",
    },
    Requirement {
        id: "PUSH-03",
        level: Level::Must,
        section: 11,
        title: "UPDATE, RESOLVE, REOPEN for the created ticket → 2xx each",
        text: "`UPDATE`, then `RESOLVE`, then `REOPEN` for the created ticket, each with the `psaTicketNumber` the PSA gave → 2xx each",
        source: "guide",
    },
    Requirement {
        id: "PUSH-04",
        level: Level::Must,
        section: 11,
        title: "a malformed push (not JSON, array, no action or id, unknown action) → 4xx, never 2xx or 5xx",
        text: "a push whose body is not JSON, is a JSON array, lacks `action` or `ncentralTicketId`, or names an unknown `action` → 4xx, never 2xx or 5xx",
        source: "design",
    },
    Requirement {
        id: "PUSH-05",
        level: Level::Must,
        section: 11,
        title: "unknown extra keys in a push are ignored",
        text: "unknown extra keys in a push are ignored: the push is answered as the same push without them, sent for a twin ticket beside it (the same status class; for `CREATE`, a ticket named in the answer when the push without them names one, or a callback when it gets one). Only the keys are judged: a bad `ticketUrl` is PUSH-02's failure, a refused `UPDATE` PUSH-03's; when the `CREATE` without extra keys is not answered 2xx, there is nothing to compare (untested)",
        source: "design (N-central may add keys)",
    },
    Requirement {
        id: "PUSH-06",
        level: Level::Should,
        section: 11,
        title: "customTag (singular) is accepted like customTags",
        text: "`customTag` (singular) is accepted like `customTags`",
        source: "guide (its own inconsistency)",
    },
    Requirement {
        id: "PUSH-07",
        level: Level::Should,
        section: 11,
        title: "the same CREATE twice yields the same PSA ticket, not a second one",
        text: "the same `CREATE` sent twice (N-central retries after a timeout) yields the same `externalTicketId`, not a second PSA ticket; in the callback style, no second callback with another `ticketNumber`",
        source: "design",
    },
    Requirement {
        id: "PUSH-08",
        level: Level::Should,
        section: 11,
        title: "UPDATE/RESOLVE/REOPEN for an unknown psaTicketNumber → 404 (4xx), never 5xx",
        text: "an `UPDATE`/`RESOLVE`/`REOPEN` naming a `psaTicketNumber` the PSA does not know → 404 (4xx at least); never 5xx",
        source: "design",
    },
    Requirement {
        id: "PUSH-09",
        level: Level::Must,
        section: 11,
        title: "a push without the configured auth header, or with a wrong value → 401 or 403, nothing created",
        text: "when `[push_auth]` is set: a push without the configured header, or with a wrong value → 401 or 403, and nothing created (no callback follows); not applicable without `[push_auth]`",
        source: "design",
    },
    Requirement {
        id: "PUSH-10",
        level: Level::Should,
        section: 11,
        title: "every push is answered within 5 s",
        text: "every push is answered within 5 s",
        source: "design",
    },
    Requirement {
        id: "CB-01",
        level: Level::Must,
        section: 12,
        title: "after a 2xx to CREATE that names no ticket, the callback arrives within callback_timeout_secs",
        text: "after a 2xx to `CREATE` that names no `externalTicketId` (empty, or a body N-central reads as pending), a callback for that ticket arrives within `callback_timeout_secs`: `POST /api/custom-psa/tickets` (or the older `PUT /dms/rest/custompsa/tickets/create/{id}`); not applicable to a PSA that answers every `CREATE` with its ticket",
        source: "guide, OpenAPI",
    },
    Requirement {
        id: "CB-02",
        level: Level::Must,
        section: 12,
        title: "the callback names the pushed ticket, an absolute ticketUrl and the ticketNumber the PSA then expects",
        text: "the callback's `psaCustomTicketId` is the pushed `ncentralTicketId`; `ticketUrl` is an absolute http(s) URL; `ticketNumber` is a non-empty string (a number or boolean is read as its text, as N-central's Jackson reads a `String` field) — the same the PSA then expects as `psaTicketNumber`. With no callback at all there is nothing to judge (untested; CB-01 fails)",
        source: "guide, OpenAPI",
    },
    Requirement {
        id: "CB-03",
        level: Level::Must,
        section: 12,
        title: "every callback carries an access token issued from the User-API JWT, never the JWT itself",
        text: "every call to the current API carries a bearer access token the harness's N-central issued from the configured User-API JWT (`POST /api/auth/authenticate`); never the User-API JWT itself, never no token (a call without a token counts when it names a ticket pushed in this run). A token N-central did not issue in this run — one kept from an earlier run, say — is answered 401 as N-central answers an expired token and is not a failure: the PSA's recovery is judged by its later calls. The older `PUT /dms/rest/…` form is accepted without a bearer token. With no callback at all there is nothing to judge (untested; CB-01 fails)",
        source: "OpenAPI",
    },
    Requirement {
        id: "CB-04",
        level: Level::Must,
        section: 12,
        title: "no callback for a ticket that was not pushed, never two for one CREATE",
        text: "the PSA never calls back for a ticket it was not pushed, and never twice for one `CREATE` (a callback the harness refused with 429 or 401, then retried, counts once)",
        source: "design",
    },
    Requirement {
        id: "CB-05",
        level: Level::Should,
        section: 12,
        title: "a callback answered 429 (Retry-After: 1) is retried and succeeds",
        text: "when the harness's N-central answers a callback with 429 (once, with `Retry-After: 1`), the PSA retries it and succeeds (a retry refused for its body, e.g. a relative `ticketUrl`, is CB-02's failure); only an authorised callback springs the trap, and with none there is nothing to judge (untested)",
        source: "N-able rate-limit guide",
    },
    Requirement {
        id: "CB-06",
        level: Level::Should,
        section: 12,
        title: "a callback answered 401 (expired token) is retried after a refresh or a new exchange",
        text: "when the harness's N-central answers a callback with 401 because the access token expired, the PSA refreshes (`POST /api/auth/refresh`) or re-authenticates and retries; only an authorised callback springs the trap, and with none there is nothing to judge (untested)",
        source: "OpenAPI",
    },
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
        assert_eq!(REQUIREMENTS.len(), 69);
    }

    #[test]
    fn core_profile_leaves_out_sections_7_and_8() {
        assert!(in_profile(Profile::Core).all(|r| r.section <= 6));
        assert!(in_profile(Profile::Core).any(|r| r.id == "ERR-03"));
        assert!(!in_profile(Profile::Core).any(|r| r.id == "RATE-01"));
        assert_eq!(in_profile(Profile::Full).count(), 42);
        assert!(in_profile(Profile::Full).all(|r| r.section <= 8));
        assert_eq!(in_profile(Profile::Extended).count(), 53);
        assert_eq!(in_profile(Profile::Psa).count(), 16);
        assert!(
            in_profile(Profile::Psa).all(|r| r.id.starts_with("PUSH-") || r.id.starts_with("CB-"))
        );
    }

    /// docs/REQUIREMENTS.md is the specification a reader gets; this
    /// table is the same rows as data. Every row must stand in both, with
    /// the same ID, section, level, text and source.
    #[test]
    fn the_catalog_is_docs_requirements_md() {
        let doc = include_str!("../docs/REQUIREMENTS.md");
        let row =
            regex::Regex::new(r"(?m)^\| ([A-Z]+-\d\d) \| (.*?) \| (.*) \| (.*?) \|$").unwrap();
        let section = regex::Regex::new(r"(?m)^## (\d+)\. ").unwrap();
        let mut current = 0u8;
        let mut seen = Vec::new();
        for line in doc.lines() {
            if let Some(c) = section.captures(line) {
                current = c[1].parse().unwrap();
            }
            let Some(c) = row.captures(line) else {
                continue;
            };
            let r =
                find(&c[1]).unwrap_or_else(|| panic!("{} is in the doc, not the catalog", &c[1]));
            assert_eq!(r.section, current, "{}: section", r.id);
            assert!(
                c[2].starts_with(&r.level.to_string()),
                "{}: level {} vs {}",
                r.id,
                &c[2],
                r.level
            );
            assert_eq!(r.text, &c[3], "{}: text", r.id);
            assert_eq!(r.source, &c[4], "{}: source", r.id);
            seen.push(r.id);
        }
        let ids: Vec<&str> = REQUIREMENTS.iter().map(|r| r.id).collect();
        assert_eq!(
            seen, ids,
            "the doc and the catalog list the same rows in the same order"
        );
    }

    #[test]
    fn find_accepts_a_tag() {
        assert_eq!(find("@KEY-03").map(|r| r.level), Some(Level::Should));
        assert!(find("NOPE-01").is_none());
    }
}
