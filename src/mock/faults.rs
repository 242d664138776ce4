//! Named faults: each makes the reference mock break one requirement the way
//! a real implementation would get it wrong.
//!
//! `psa-conformance mock --fault NAME` and [`crate::mock::MockServer::builder`]
//! switch them on; `--list-faults` prints this table. The kill matrix
//! (`tests/kill_matrix.rs`) proves the suite catches every one.

use std::fmt;
use std::str::FromStr;

macro_rules! faults {
    ($( $variant:ident = $name:literal, $req:literal, $desc:literal; )*) => {
        /// A deliberate defect of the mock.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Fault { $( $variant, )* }

        impl Fault {
            /// Every fault, in catalog order.
            pub const ALL: &'static [Fault] = &[ $( Fault::$variant, )* ];

            /// The name used on the command line.
            pub fn name(self) -> &'static str {
                match self { $( Fault::$variant => $name, )* }
            }

            /// The requirement this fault breaks.
            pub fn requirement(self) -> &'static str {
                match self { $( Fault::$variant => $req, )* }
            }

            /// One line on what goes wrong.
            pub fn description(self) -> &'static str {
                match self { $( Fault::$variant => $desc, )* }
            }
        }
    };
}

faults! {
    StandardLinkTypo = "standard-link-typo", "DISC-01", "standard-psa-validate-credential points at /api/standard-psa/{psaType}/credentials (plural)";
    StandardLinksEmpty = "standard-links-empty", "DISC-01", "GET /api/standard-psa answers {\"_links\":{}}";
    CustomLinksNoTickets = "custom-links-no-tickets", "DISC-02", "GET /api/custom-psa leaves out the custom-psa-tickets relation";
    CustomLinkWrongParam = "custom-link-wrong-param", "DISC-02", "custom-psa-ticket-info uses {ticketId} instead of {customPsaTicketId}";
    TicketsRootLinkTypo = "tickets-root-link-typo", "DISC-03", "GET /api/custom-psa/tickets links /api/custom-psa/ticket/{customPsaTicketId}";
    TicketsRoot404 = "tickets-root-404", "DISC-03", "GET /api/custom-psa/tickets is not routed (404)";
    HalLinks = "hal-links", "DISC-04", "link values are HAL objects {\"href\": …} instead of strings";
    HtmlContentType = "html-content-type", "DISC-05", "JSON 200 bodies are labelled text/html";
    NoContentType = "no-content-type", "DISC-05", "JSON 200 bodies carry no Content-Type header";
    AnyBearerAccepted = "any-bearer-accepted", "AUTH-03", "any Bearer token is accepted without verification";
    AlgNoneAccepted = "alg-none-accepted", "AUTH-03", "an unsigned alg:none JWT is accepted";
    SignatureNotChecked = "signature-not-checked", "AUTH-03", "a JWT whose signature was altered is accepted";
    DiscoveryWithoutAuth = "discovery-without-auth", "AUTH-01", "the discovery GETs answer 200 without an Authorization header";
    TicketsWithoutAuth = "tickets-without-auth", "AUTH-01", "the ticket endpoint serves requests that carry no Authorization header";
    BasicAuth500 = "basic-auth-500", "AUTH-02", "a Basic Authorization header crashes the server (500)";
    EmptyBearer500 = "empty-bearer-500", "AUTH-02", "`Bearer` with no token crashes the server (500)";
    KeyBeforeToken = "key-before-token", "AUTH-04", "the integration key is checked before the token (403 to an unauthenticated caller)";
    BodyBeforeAuth = "body-before-auth", "AUTH-04", "the request body is validated before the token (400 to an unauthenticated caller)";
    AuthErrorNotJson = "auth-error-not-json", "AUTH-05", "401 answers carry a plain-text body";
    ExchangeExpiryString = "exchange-expiry-string", "AUTH-06", "token exchange returns expirySeconds as the string \"3600\"";
    IssuedTokenRejected = "issued-token-rejected", "AUTH-06", "tokens issued by POST /api/auth/authenticate are not accepted";
    WrongKey401 = "wrong-key-401", "KEY-01", "a wrong INTEGRATION-KEY is answered 401 instead of 403";
    TicketsIgnoreKey = "tickets-ignore-key", "KEY-01", "POST /api/custom-psa/tickets/{id} never checks INTEGRATION-KEY";
    MissingKeyAccepted = "missing-key-accepted", "KEY-02", "a request with no INTEGRATION-KEY header is served";
    MissingKey401 = "missing-key-401", "KEY-03", "a missing INTEGRATION-KEY is answered 401 (not 403)";
    KeyAfterBody = "key-after-body", "KEY-04", "the body is validated before the key (400 for wrong key + invalid body)";
    ForbiddenNotJson = "forbidden-not-json", "KEY-05", "403 answers carry a plain-text body";
    KeyAfterLookup = "key-after-lookup", "KEY-04", "the ticket is looked up before the key (404 for wrong key + unknown ticket)";
    ValidAsString = "valid-as-string", "CRED-01", "isPsaCredentialsValid is the string \"true\", not a boolean";
    ValidCredentialsRejected = "valid-credentials-rejected", "CRED-01", "the configured PSA credentials are reported invalid";
    NoDataEnvelope = "no-data-envelope", "CRED-01", "the credential answer has no data envelope: {\"isPsaCredentialsValid\": true}";
    WrongPasswordValid = "wrong-password-valid", "CRED-02", "any PSA password is reported valid";
    WrongPassword401 = "wrong-password-401", "CRED-03", "a wrong PSA password is answered 401 instead of 200 with false";
    EmptyStringsAccepted = "empty-strings-accepted", "CRED-04", "empty username and password are accepted as a body";
    MalformedJson500 = "malformed-json-500", "CRED-04", "a malformed JSON body crashes the server (500)";
    ArrayBodyAccepted = "array-body-accepted", "CRED-04", "a JSON array body is read as its first element";
    UnknownPsaType200 = "unknown-psa-type-200", "CRED-05", "every numeric psaType is treated as Tigerpaw";
    NonNumericPsaType500 = "non-numeric-psa-type-500", "CRED-06", "a non-numeric psaType crashes the server (500)";
    TextPlainAccepted = "text-plain-accepted", "CRED-07", "a text/plain body is parsed as JSON and served";
    TicketIdNumber = "ticket-id-number", "TCKT-01", "data.ticketId is a JSON number";
    TicketNoDetails = "ticket-no-details", "TCKT-01", "data.ticketDetails is missing";
    TicketNoLinks = "ticket-no-links", "TCKT-01", "the ticket answer has no _links object";
    TicketOtherId = "ticket-other-id", "TCKT-02", "data.ticketId is another ticket's id (mapped from the wrong field)";
    DateUsFormat = "date-us-format", "TCKT-03", "creationDate is 02/21/2024 06:28:10";
    DateNoOffset = "date-no-offset", "TCKT-03", "creationDate has no offset: 2024-02-21T06:28:10.624";
    DateLocalSeconds = "date-local-seconds", "TCKT-03", "creationDate has no offset and no fraction: 2024-02-21T06:28:10";
    StatusLowercase = "status-lowercase", "TCKT-04", "ticketStatus is lower case (created_in_ncentral)";
    UnknownTicket200 = "unknown-ticket-200", "TCKT-05", "an unknown ticket id answers 200 with an empty ticket";
    UnknownTicket400 = "unknown-ticket-400", "TCKT-05", "an unknown ticket id answers 400 instead of 404";
    MalformedTicketId500 = "malformed-ticket-id-500", "TCKT-06", "a malformed ticket id crashes the server (500)";
    MalformedTicketId200 = "malformed-ticket-id-200", "TCKT-06", "ticket id 0 answers 200 with the first ticket";
    TicketBodyIgnored = "ticket-body-ignored", "TCKT-07", "the ticket endpoint never validates its body";
    TicketWrongCredsServed = "ticket-wrong-creds-served", "TCKT-08", "ticket data is served whatever PSA credentials are sent";
    ErrorsNotJson = "errors-not-json", "ERR-01", "4xx answers are text/plain";
    ErrorStatusMismatch = "error-status-mismatch", "ERR-01", "ErrorResponse.status is always 400, whatever the HTTP status";
    UnknownTicket500 = "unknown-ticket-500", "ERR-02", "an unknown ticket id crashes the server (500)";
    EmptyBody500 = "empty-body-500", "ERR-02", "an empty request body crashes the server (500)";
    PasswordEchoed = "password-echoed", "ERR-03", "a wrong PSA password is echoed in the error message";
    TokenEchoedInHeader = "token-echoed-in-header", "ERR-03", "every answer echoes the bearer token in an X-Debug-Token header";
    KeyEchoed = "key-echoed", "ERR-03", "the credential answer echoes the INTEGRATION-KEY it was sent";
    NoRateLimit = "no-rate-limit", "RATE-01", "no request is ever answered 429";
    RateLimit503 = "rate-limit-503", "RATE-02", "beyond the limit the server answers 503 instead of 429";
    SlowRecovery = "slow-recovery", "RATE-03", "once limited, the endpoint answers 429 for a minute, beyond the mock target's 5 s recovery window";
    NeverRecovers = "never-recovers", "RATE-03", "once the burst has tripped the limit, the endpoint answers every request 429, forever";
    NoRetryAfter = "no-retry-after", "RATE-04", "429 answers carry no Retry-After header";
    HugeBody500 = "huge-body-500", "SEC-01", "a 1 MiB body crashes the server (500)";
    HugeUsername500 = "huge-username-500", "SEC-01", "the credential endpoint reads a 1 MiB body like Spring, then crashes on its huge username (500)";
    HostilePath500 = "hostile-path-500", "SEC-02", "a ticket id with a quote or a NUL crashes the server (500)";
    DeepJson500 = "deep-json-500", "SEC-03", "a deeply nested JSON body crashes the server (500)";
    WrongMethod200 = "wrong-method-200", "SEC-04", "PUT, PATCH and DELETE on the POST endpoints are served like POST";
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown fault name.
#[derive(Debug, thiserror::Error)]
#[error("unknown fault {0:?}\n  hint: `psa-conformance mock --list-faults` lists them")]
pub struct UnknownFault(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFault(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_requirements_exist() {
        let mut seen = std::collections::HashSet::new();
        for f in Fault::ALL {
            assert!(seen.insert(f.name()), "{} twice", f.name());
            assert!(crate::catalog::find(f.requirement()).is_some(), "{f}");
            assert_eq!(f.name().parse::<Fault>().unwrap(), *f);
        }
        assert!(Fault::ALL.len() >= 30);
    }
}
