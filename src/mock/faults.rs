//! Named faults: each makes the reference mock break one requirement the way
//! a real implementation would get it wrong.
//!
//! The enum is the name table: clap's [`ValueEnum`] derive gives each fault
//! its command-line name (the variant in kebab case) and its description
//! (the variant's doc line); [`Fault::requirement`] says which requirement
//! it breaks. `psa-conformance mock --fault NAME`, `run --mock-fault NAME`
//! and [`crate::mock::MockServer::builder`] switch them on; `--list-faults`
//! prints the table. The kill matrix (`tests/kill_matrix.rs`) proves the
//! suite catches every one.

use std::fmt;
use std::str::FromStr;

use clap::ValueEnum;

use crate::value_names;

/// A deliberate defect of the mock. Its doc line is its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum)]
pub enum Fault {
    /// standard-psa-validate-credential points at /api/standard-psa/{psaType}/credentials (plural)
    StandardLinkTypo,
    /// GET /api/standard-psa answers {"_links":{}}
    StandardLinksEmpty,
    /// GET /api/custom-psa leaves out the custom-psa-tickets relation
    CustomLinksNoTickets,
    /// custom-psa-ticket-info uses {ticketId} instead of {customPsaTicketId}
    CustomLinkWrongParam,
    /// GET /api/custom-psa/tickets links /api/custom-psa/ticket/{customPsaTicketId}
    TicketsRootLinkTypo,
    /// GET /api/custom-psa/tickets is not routed (404)
    #[value(name = "tickets-root-404")]
    TicketsRoot404,
    /// link values are HAL objects {"href": …} instead of strings
    HalLinks,
    /// JSON 200 bodies are labelled text/html
    HtmlContentType,
    /// JSON 200 bodies carry no Content-Type header
    NoContentType,
    /// any Bearer token is accepted without verification
    AnyBearerAccepted,
    /// an unsigned alg:none JWT is accepted
    AlgNoneAccepted,
    /// a JWT whose signature was altered is accepted
    SignatureNotChecked,
    /// the discovery GETs answer 200 without an Authorization header
    DiscoveryWithoutAuth,
    /// the ticket endpoint serves requests that carry no Authorization header
    TicketsWithoutAuth,
    /// a Basic Authorization header crashes the server (500)
    #[value(name = "basic-auth-500")]
    BasicAuth500,
    /// `Bearer` with no token crashes the server (500)
    #[value(name = "empty-bearer-500")]
    EmptyBearer500,
    /// the integration key is checked before the token (403 to an unauthenticated caller)
    KeyBeforeToken,
    /// the request body is validated before the token (400 to an unauthenticated caller)
    BodyBeforeAuth,
    /// 401 answers carry a plain-text body
    AuthErrorNotJson,
    /// token exchange returns expirySeconds as the string "3600"
    ExchangeExpiryString,
    /// tokens issued by POST /api/auth/authenticate are not accepted
    IssuedTokenRejected,
    /// a wrong INTEGRATION-KEY is answered 401 instead of 403
    #[value(name = "wrong-key-401")]
    WrongKey401,
    /// POST /api/custom-psa/tickets/{id} never checks INTEGRATION-KEY
    TicketsIgnoreKey,
    /// a request with no INTEGRATION-KEY header is served
    MissingKeyAccepted,
    /// a missing INTEGRATION-KEY is answered 401 (not 403)
    #[value(name = "missing-key-401")]
    MissingKey401,
    /// the body is validated before the key (400 for wrong key + invalid body)
    KeyAfterBody,
    /// 403 answers carry a plain-text body
    ForbiddenNotJson,
    /// the ticket is looked up before the key (404 for wrong key + unknown ticket)
    KeyAfterLookup,
    /// isPsaCredentialsValid is the string "true", not a boolean
    ValidAsString,
    /// the configured PSA credentials are reported invalid
    ValidCredentialsRejected,
    /// the credential answer has no data envelope: {"isPsaCredentialsValid": true}
    NoDataEnvelope,
    /// any PSA password is reported valid
    WrongPasswordValid,
    /// a wrong PSA password is answered 401 instead of 200 with false
    #[value(name = "wrong-password-401")]
    WrongPassword401,
    /// empty username and password are accepted as a body
    EmptyStringsAccepted,
    /// a malformed JSON body crashes the server (500)
    #[value(name = "malformed-json-500")]
    MalformedJson500,
    /// a JSON array body is read as its first element
    ArrayBodyAccepted,
    /// every numeric psaType is treated as Tigerpaw
    #[value(name = "unknown-psa-type-200")]
    UnknownPsaType200,
    /// a non-numeric psaType crashes the server (500)
    #[value(name = "non-numeric-psa-type-500")]
    NonNumericPsaType500,
    /// a text/plain body is parsed as JSON and served
    TextPlainAccepted,
    /// data.ticketId is a JSON number
    TicketIdNumber,
    /// data.ticketDetails is missing
    TicketNoDetails,
    /// the ticket answer has no _links object
    TicketNoLinks,
    /// data.ticketId is another ticket's id (mapped from the wrong field)
    TicketOtherId,
    /// creationDate is 02/21/2024 06:28:10
    DateUsFormat,
    /// creationDate has no offset: 2024-02-21T06:28:10.624
    DateNoOffset,
    /// creationDate has no offset and no fraction: 2024-02-21T06:28:10
    DateLocalSeconds,
    /// ticketStatus is lower case (created_in_ncentral)
    StatusLowercase,
    /// an unknown ticket id answers 200 with an empty ticket
    #[value(name = "unknown-ticket-200")]
    UnknownTicket200,
    /// an unknown ticket id answers 400 instead of 404
    #[value(name = "unknown-ticket-400")]
    UnknownTicket400,
    /// a malformed ticket id crashes the server (500)
    #[value(name = "malformed-ticket-id-500")]
    MalformedTicketId500,
    /// ticket id 0 answers 200 with the first ticket
    #[value(name = "malformed-ticket-id-200")]
    MalformedTicketId200,
    /// the ticket endpoint never validates its body
    TicketBodyIgnored,
    /// ticket data is served whatever PSA credentials are sent
    TicketWrongCredsServed,
    /// 4xx answers are text/plain
    ErrorsNotJson,
    /// ErrorResponse.status is always 400, whatever the HTTP status
    ErrorStatusMismatch,
    /// an unknown ticket id crashes the server (500)
    #[value(name = "unknown-ticket-500")]
    UnknownTicket500,
    /// an empty request body crashes the server (500)
    #[value(name = "empty-body-500")]
    EmptyBody500,
    /// a wrong PSA password is echoed in the error message
    PasswordEchoed,
    /// every answer echoes the bearer token in an X-Debug-Token header
    TokenEchoedInHeader,
    /// the credential answer echoes the INTEGRATION-KEY it was sent
    KeyEchoed,
    /// no request is ever answered 429
    NoRateLimit,
    /// beyond the limit the server answers 503 instead of 429
    #[value(name = "rate-limit-503")]
    RateLimit503,
    /// once limited, the endpoint answers 429 for a minute, beyond the mock target's 5 s recovery window
    SlowRecovery,
    /// once the burst has tripped the limit, the endpoint answers every request 429, forever
    NeverRecovers,
    /// 429 answers carry no Retry-After header
    NoRetryAfter,
    /// a 1 MiB body crashes the server (500)
    #[value(name = "huge-body-500")]
    HugeBody500,
    /// the credential endpoint reads a 1 MiB body like Spring, then crashes on its huge username (500)
    #[value(name = "huge-username-500")]
    HugeUsername500,
    /// a ticket id with a quote or a NUL crashes the server (500)
    #[value(name = "hostile-path-500")]
    HostilePath500,
    /// a deeply nested JSON body crashes the server (500)
    #[value(name = "deep-json-500")]
    DeepJson500,
    /// PUT, PATCH and DELETE on the POST endpoints are served like POST
    #[value(name = "wrong-method-200")]
    WrongMethod200,
    /// the create answer's data.psaCustomTicketId is another ticket's id
    CreateOtherId,
    /// a create request without ticketUrl is accepted and links the ticket
    CreateWithoutTicketUrl,
    /// a create request whose ticketUrl is not http(s) is accepted
    CreateAnyUrl,
    /// a create request whose psaCustomTicketId is no number crashes the server (500)
    #[value(name = "create-bad-id-500")]
    CreateBadId500,
    /// GET /api/custom-psa/tickets/{id} leaves out ticketDetails
    InfoWithoutCredsNoDetails,
    /// resolving an unknown ticket answers 200
    #[value(name = "resolve-unknown-200")]
    ResolveUnknown200,
    /// POST …/{id}/reopen is not routed (404)
    ReopenNotRouted,
    /// resolving a resolved ticket crashes the server (500)
    #[value(name = "resolve-twice-500")]
    ResolveTwice500,
    /// create, resolve, reopen and the credential-less read skip the bearer check
    LifecycleWithoutAuth,
    /// a resolve refused with 401 resolves the ticket all the same
    RefusedResolveApplied,
    /// tokens issued by POST /api/auth/refresh are not accepted
    RefreshedTokenRejected,
    /// POST /api/auth/refresh refuses the text/plain refresh token (415)
    RefreshJsonOnly,
    /// GET /api/auth/validate answers 200 to any bearer token
    ValidateAcceptsForged,
    /// the User-API JWT is accepted as a bearer token on the PSA endpoints
    UserApiJwtAsBearer,
    /// the refresh token is accepted as a bearer token on the PSA endpoints
    RefreshTokenAsBearer,
    /// X-ACCESS-EXPIRY-OVERRIDE is ignored: access tokens live an hour
    ExpiryOverrideIgnored,
    /// POST /api/auth/refresh issues tokens for any JWT-shaped body
    RefreshAcceptsForged,
}

impl Fault {
    /// Every fault, in catalog order.
    pub fn all() -> &'static [Fault] {
        Fault::value_variants()
    }

    /// The name used on the command line.
    pub fn name(self) -> String {
        value_names::name(&self)
    }

    /// One line on what goes wrong (the variant's doc line).
    pub fn description(self) -> String {
        value_names::description(&self)
    }

    /// The requirement this fault breaks.
    pub fn requirement(self) -> &'static str {
        match self {
            Fault::StandardLinkTypo | Fault::StandardLinksEmpty => "DISC-01",
            Fault::CustomLinksNoTickets | Fault::CustomLinkWrongParam => "DISC-02",
            Fault::TicketsRootLinkTypo | Fault::TicketsRoot404 => "DISC-03",
            Fault::HalLinks => "DISC-04",
            Fault::HtmlContentType | Fault::NoContentType => "DISC-05",
            Fault::AnyBearerAccepted | Fault::AlgNoneAccepted | Fault::SignatureNotChecked => {
                "AUTH-03"
            }
            Fault::DiscoveryWithoutAuth | Fault::TicketsWithoutAuth => "AUTH-01",
            Fault::BasicAuth500 | Fault::EmptyBearer500 => "AUTH-02",
            Fault::KeyBeforeToken | Fault::BodyBeforeAuth => "AUTH-04",
            Fault::AuthErrorNotJson => "AUTH-05",
            Fault::ExchangeExpiryString | Fault::IssuedTokenRejected => "AUTH-06",
            Fault::WrongKey401 | Fault::TicketsIgnoreKey => "KEY-01",
            Fault::MissingKeyAccepted => "KEY-02",
            Fault::MissingKey401 => "KEY-03",
            Fault::KeyAfterBody | Fault::KeyAfterLookup => "KEY-04",
            Fault::ForbiddenNotJson => "KEY-05",
            Fault::ValidAsString | Fault::ValidCredentialsRejected | Fault::NoDataEnvelope => {
                "CRED-01"
            }
            Fault::WrongPasswordValid => "CRED-02",
            Fault::WrongPassword401 => "CRED-03",
            Fault::EmptyStringsAccepted | Fault::MalformedJson500 | Fault::ArrayBodyAccepted => {
                "CRED-04"
            }
            Fault::UnknownPsaType200 => "CRED-05",
            Fault::NonNumericPsaType500 => "CRED-06",
            Fault::TextPlainAccepted => "CRED-07",
            Fault::TicketIdNumber | Fault::TicketNoDetails | Fault::TicketNoLinks => "TCKT-01",
            Fault::TicketOtherId => "TCKT-02",
            Fault::DateUsFormat | Fault::DateNoOffset | Fault::DateLocalSeconds => "TCKT-03",
            Fault::StatusLowercase => "TCKT-04",
            Fault::UnknownTicket200 | Fault::UnknownTicket400 => "TCKT-05",
            Fault::MalformedTicketId500 | Fault::MalformedTicketId200 => "TCKT-06",
            Fault::TicketBodyIgnored => "TCKT-07",
            Fault::TicketWrongCredsServed => "TCKT-08",
            Fault::ErrorsNotJson | Fault::ErrorStatusMismatch => "ERR-01",
            Fault::UnknownTicket500 | Fault::EmptyBody500 => "ERR-02",
            Fault::PasswordEchoed | Fault::TokenEchoedInHeader | Fault::KeyEchoed => "ERR-03",
            Fault::NoRateLimit => "RATE-01",
            Fault::RateLimit503 => "RATE-02",
            Fault::SlowRecovery | Fault::NeverRecovers => "RATE-03",
            Fault::NoRetryAfter => "RATE-04",
            Fault::HugeBody500 | Fault::HugeUsername500 => "SEC-01",
            Fault::HostilePath500 => "SEC-02",
            Fault::DeepJson500 => "SEC-03",
            Fault::WrongMethod200 => "SEC-04",
            Fault::CreateOtherId => "LIFE-01",
            Fault::CreateWithoutTicketUrl | Fault::CreateAnyUrl | Fault::CreateBadId500 => {
                "LIFE-02"
            }
            Fault::InfoWithoutCredsNoDetails => "LIFE-03",
            Fault::ResolveUnknown200 | Fault::ReopenNotRouted => "LIFE-04",
            Fault::ResolveTwice500 => "LIFE-05",
            Fault::LifecycleWithoutAuth | Fault::RefusedResolveApplied => "LIFE-06",
            Fault::RefreshedTokenRejected | Fault::RefreshJsonOnly => "TOKEN-01",
            Fault::ValidateAcceptsForged => "TOKEN-02",
            Fault::UserApiJwtAsBearer | Fault::RefreshTokenAsBearer => "TOKEN-03",
            Fault::ExpiryOverrideIgnored => "TOKEN-04",
            Fault::RefreshAcceptsForged => "TOKEN-05",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// An unknown fault name.
#[derive(Debug, thiserror::Error)]
#[error("unknown fault {0:?}\n  hint: `psa-conformance mock --list-faults` lists them")]
pub struct UnknownFault(pub String);

/// The one parser of fault names: clap's, over the enum's own table. The
/// command line reaches it through `value_parser`, so both `--fault` and
/// `--mock-fault` refuse an unknown name with the same hint (exit 2).
impl FromStr for Fault {
    type Err = UnknownFault;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Fault as ValueEnum>::from_str(s, false).map_err(|_| UnknownFault(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_requirements_exist() {
        let mut seen = std::collections::HashSet::new();
        for f in Fault::all() {
            assert!(seen.insert(f.name()), "{} twice", f.name());
            assert!(crate::catalog::find(f.requirement()).is_some(), "{f}");
            assert!(!f.description().is_empty(), "{f} has no description");
            assert_eq!(f.name().parse::<Fault>().unwrap(), *f);
        }
        assert!(Fault::all().len() >= 30);
    }

    #[test]
    fn names_are_kebab_case_with_numbers_as_their_own_word() {
        value_names::assert_kebab_case::<Fault>();
        assert_eq!(Fault::TicketsRoot404.name(), "tickets-root-404");
        assert!("no-such-fault".parse::<Fault>().is_err());
    }
}
