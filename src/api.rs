//! The one table of the API's endpoints: method, route, N-central's
//! operationId, what each request carries and which schema its 200 answer
//! has. Steps, the HTTP client's per-endpoint bounds, the reports' coverage
//! matrix, the OpenAPI document and the reference mock all read it, so an
//! endpoint is written down once.

/// One operation of N-central's API that the suite knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `GET`, `POST`, … (upper case).
    pub method: &'static str,
    /// The route with `{braced}` path parameters, as N-central's OpenAPI
    /// writes it: `/api/standard-psa/{psaType}/credential`.
    pub route: &'static str,
    /// N-central's operationId.
    pub operation_id: &'static str,
    pub summary: &'static str,
    /// The request carries `INTEGRATION-KEY` (the seed's rule for the two
    /// POST endpoints that take PSA credentials).
    pub integration_key: bool,
    /// The request body is PSA credentials `{"username", "password"}`.
    pub psa_credentials: bool,
    /// The schema (`schemas/<name>.json`) a 200 answer matches, if any.
    pub ok_schema: Option<&'static str>,
    /// One of the five PSA endpoints every section of REQUIREMENTS.md
    /// 1–8 is about (AUTH applies to all five).
    pub certified_psa: bool,
}

const fn psa(
    method: &'static str,
    route: &'static str,
    operation_id: &'static str,
    summary: &'static str,
    credentials: bool,
    ok_schema: &'static str,
) -> Endpoint {
    Endpoint {
        method,
        route,
        operation_id,
        summary,
        integration_key: credentials,
        psa_credentials: credentials,
        ok_schema: Some(ok_schema),
        certified_psa: true,
    }
}

pub(crate) const STANDARD_PSA_ROOT: Endpoint = psa(
    "GET",
    "/api/standard-psa",
    "standardPsaRoot",
    "List the standard PSA links.",
    false,
    "standard-psa-links",
);
pub(crate) const CUSTOM_PSA_ROOT: Endpoint = psa(
    "GET",
    "/api/custom-psa",
    "customPsaRoot",
    "List the custom PSA links.",
    false,
    "custom-psa-links",
);
pub(crate) const CUSTOM_PSA_TICKETS_ROOT: Endpoint = psa(
    "GET",
    "/api/custom-psa/tickets",
    "customPsaTicketsRoot",
    "List the custom PSA ticket links.",
    false,
    "custom-psa-tickets-links",
);
pub(crate) const VALIDATE_CREDENTIAL: Endpoint = psa(
    "POST",
    "/api/standard-psa/{psaType}/credential",
    "validatePsaCredentials",
    "Validate standard PSA credentials (psaType 3 is Tigerpaw).",
    true,
    "credential-validation",
);
pub(crate) const TICKET_INFO: Endpoint = psa(
    "POST",
    "/api/custom-psa/tickets/{customPsaTicketId}",
    "getCustomTicketInfo",
    "Retrieve a custom PSA ticket's details.",
    true,
    "ticket-info",
);
pub(crate) const AUTHENTICATE: Endpoint = Endpoint {
    method: "POST",
    route: "/api/auth/authenticate",
    operation_id: "authenticate",
    summary: "Exchange a User-API JWT for access and refresh tokens.",
    integration_key: false,
    psa_credentials: false,
    ok_schema: Some("token-exchange"),
    certified_psa: false,
};
pub(crate) const CREATE_CUSTOM_TICKET: Endpoint = Endpoint {
    method: "POST",
    route: "/api/custom-psa/tickets",
    operation_id: "createCustomTicket",
    summary: "Link an N-central ticket to the PSA ticket created for it.",
    integration_key: false,
    psa_credentials: false,
    ok_schema: Some("custom-psa-ticket-create-response"),
    certified_psa: false,
};
pub(crate) const TICKET_INFO_WITHOUT_PSA_CREDENTIALS: Endpoint = Endpoint {
    method: "GET",
    route: "/api/custom-psa/tickets/{customPsaTicketId}",
    operation_id: "getCustomTicketInfoWithoutPsaCreds",
    summary: "Retrieve a custom PSA ticket's details without PSA credentials.",
    integration_key: false,
    psa_credentials: false,
    ok_schema: Some("ticket-info"),
    certified_psa: false,
};

/// An operation of sections 9–10 (profile extended): bearer token only,
/// no integration key, no PSA credentials.
const fn extended(
    method: &'static str,
    route: &'static str,
    operation_id: &'static str,
    summary: &'static str,
    ok_schema: &'static str,
) -> Endpoint {
    Endpoint {
        method,
        route,
        operation_id,
        summary,
        integration_key: false,
        psa_credentials: false,
        ok_schema: Some(ok_schema),
        certified_psa: false,
    }
}

pub(crate) const RESOLVE_CUSTOM_TICKET: Endpoint = extended(
    "POST",
    "/api/custom-psa/tickets/{customPsaTicketId}/resolve",
    "resolveCustomTicket",
    "Resolve a custom PSA ticket in N-central.",
    "custom-psa-ticket-create-response",
);
pub(crate) const REOPEN_CUSTOM_TICKET: Endpoint = extended(
    "POST",
    "/api/custom-psa/tickets/{customPsaTicketId}/reopen",
    "reopenCustomTicket",
    "Reopen a custom PSA ticket in N-central.",
    "custom-psa-ticket-create-response",
);
/// The refresh token travels as a `text/plain` body; no bearer token.
pub(crate) const REFRESH: Endpoint = extended(
    "POST",
    "/api/auth/refresh",
    "refresh",
    "Obtain new access and refresh tokens with a valid refresh token.",
    "token-exchange",
);
pub(crate) const VALIDATE_TOKEN: Endpoint = extended(
    "GET",
    "/api/auth/validate",
    "validate",
    "Check the validity of the access token.",
    "token-validation",
);

/// Every endpoint, the five certified PSA endpoints first, in the order of
/// REQUIREMENTS.md.
pub(crate) static ENDPOINTS: &[Endpoint] = &[
    STANDARD_PSA_ROOT,
    CUSTOM_PSA_ROOT,
    CUSTOM_PSA_TICKETS_ROOT,
    VALIDATE_CREDENTIAL,
    TICKET_INFO,
    AUTHENTICATE,
    CREATE_CUSTOM_TICKET,
    TICKET_INFO_WITHOUT_PSA_CREDENTIALS,
    RESOLVE_CUSTOM_TICKET,
    REOPEN_CUSTOM_TICKET,
    REFRESH,
    VALIDATE_TOKEN,
];

/// The five PSA endpoints of sections 1–8.
pub(crate) fn certified_psa() -> impl Iterator<Item = &'static Endpoint> {
    ENDPOINTS.iter().filter(|e| e.certified_psa)
}

impl Endpoint {
    /// Whether a concrete path (without query) fits this route: the same
    /// segments, a `{parameter}` matching any one non-empty segment.
    pub(crate) fn matches_path(&self, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or(path);
        let mut concrete = path.split('/');
        let mut pattern = self.route.split('/');
        loop {
            match (pattern.next(), concrete.next()) {
                (None, None) => return true,
                (Some(p), Some(c)) if p.starts_with('{') => {
                    if c.is_empty() {
                        return false;
                    }
                }
                (Some(p), Some(c)) if p == c => {}
                _ => return false,
            }
        }
    }

    /// `POST /api/standard-psa/{psaType}/credential`.
    pub(crate) fn key(&self) -> String {
        format!("{} {}", self.method, self.route)
    }
}

/// The media type of a `Content-Type` value, without parameters and
/// lower-cased: a `charset` never matters (REQUIREMENTS.md, Conventions).
/// `application/json;charset=UTF-8` → `application/json`.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The endpoint a request goes to, if the suite knows it.
pub(crate) fn find(method: &str, path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.method.eq_ignore_ascii_case(method) && e.matches_path(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concrete_paths_find_their_endpoint() {
        assert_eq!(
            find("POST", "/api/standard-psa/3/credential"),
            Some(&VALIDATE_CREDENTIAL)
        );
        assert_eq!(
            find("post", "/api/custom-psa/tickets/42?x=1"),
            Some(&TICKET_INFO)
        );
        assert_eq!(
            find("GET", "/api/custom-psa/tickets/42"),
            Some(&TICKET_INFO_WITHOUT_PSA_CREDENTIALS)
        );
        assert_eq!(
            find("GET", "/api/custom-psa/tickets"),
            Some(&CUSTOM_PSA_TICKETS_ROOT)
        );
        assert_eq!(
            find("POST", "/api/custom-psa/tickets"),
            Some(&CREATE_CUSTOM_TICKET)
        );
        assert_eq!(
            find("POST", "/api/custom-psa/tickets/42/resolve"),
            Some(&RESOLVE_CUSTOM_TICKET)
        );
        assert_eq!(
            find("POST", "/api/custom-psa/tickets/42/reopen"),
            Some(&REOPEN_CUSTOM_TICKET)
        );
        assert_eq!(find("POST", "/api/auth/refresh"), Some(&REFRESH));
        assert_eq!(find("GET", "/api/auth/validate"), Some(&VALIDATE_TOKEN));
        assert_eq!(find("GET", "/api/custom-psa/tickets/"), None);
        assert_eq!(find("GET", "/api/standard-psa/3"), None);
        assert_eq!(find("DELETE", "/api/standard-psa"), None);
    }

    #[test]
    fn five_certified_psa_endpoints_each_once() {
        let keys: Vec<String> = certified_psa().map(Endpoint::key).collect();
        assert_eq!(keys.len(), 5);
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            ENDPOINTS.iter().filter(|e| e.certified_psa).count()
        );
    }

    #[test]
    fn a_charset_never_matters() {
        assert_eq!(
            media_type("Application/JSON; charset=UTF-8"),
            "application/json"
        );
        assert_eq!(media_type("text/plain"), "text/plain");
        assert_eq!(media_type(""), "");
    }

    #[test]
    fn every_route_is_unique_per_method() {
        let mut keys: Vec<String> = ENDPOINTS.iter().map(Endpoint::key).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
