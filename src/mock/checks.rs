//! The checks a request passes before it is answered, in N-central's order —
//! token (401), integration key (403), path parameter (400/404), body
//! (400/413/415), PSA credentials, resource lookup (404) — and the fault
//! hooks that reorder or weaken each one. A check's `Err` is the refusal to
//! send (worded by `answers`).

// A check's `Err` is the HTTP answer itself, returned at once to the
// client; boxing it would only add an allocation per refused request.
#![allow(clippy::result_large_err)]

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::answers::truncate;
use super::faults::Fault;
use super::fixtures::{self, Ticket};
use super::options::Style;
use super::state::MockState;
use super::tokens::TokenKind;

/// Largest request body read; larger is 413.
pub(super) const BODY_LIMIT: usize = 64 * 1024;

/// Largest request body the N-central style reads (Spring sets no limit on a
/// JSON body; the mock keeps one so its memory stays bounded).
pub(super) const SPRING_BODY_LIMIT: usize = 4 * 1024 * 1024;
impl MockState {
    /// Checks the bearer token (AUTH-01..03).
    pub(super) fn authenticate(
        &self,
        headers: &HeaderMap,
        discovery: bool,
    ) -> Result<(), Response> {
        let unauthorized =
            |detail: &str| self.error(StatusCode::UNAUTHORIZED, "UnauthorizedException", detail);
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            if discovery && self.has(Fault::DiscoveryWithoutAuth) {
                return Ok(());
            }
            return Err(unauthorized("Missing authorization header bearer."));
        };
        let value = value.to_str().unwrap_or("");
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            if scheme.eq_ignore_ascii_case("basic") && self.has(Fault::BasicAuth500) {
                return Err(self.crash("decoding the authorization header"));
            }
            return Err(unauthorized("Missing authorization header bearer."));
        }
        let token = token.trim();
        if token.is_empty() {
            if self.has(Fault::EmptyBearer500) {
                return Err(self.crash("reading the bearer token"));
            }
            return Err(unauthorized("Missing authorization header bearer."));
        }
        if self.has(Fault::AnyBearerAccepted) || self.tokens.verify(token, TokenKind::Access) {
            return Ok(());
        }
        if (self.has(Fault::UserApiJwtAsBearer) && self.tokens.verify(token, TokenKind::UserApi))
            || (self.has(Fault::RefreshTokenAsBearer)
                && self.tokens.verify(token, TokenKind::Refresh))
        {
            return Ok(());
        }
        if let Some((alg, kind_ok)) = unverified_claims(token) {
            let none = alg.eq_ignore_ascii_case("none");
            if kind_ok
                && ((none && self.has(Fault::AlgNoneAccepted))
                    || (!none && self.has(Fault::SignatureNotChecked)))
            {
                return Ok(());
            }
        }
        Err(unauthorized("Invalid or expired access token."))
    }

    /// Checks the `INTEGRATION-KEY` header (KEY-01..03).
    pub(super) fn check_key(&self, headers: &HeaderMap) -> Result<(), Response> {
        let expected = self.credentials.integration_key.expose();
        match headers
            .get("integration-key")
            .map(|v| v.to_str().unwrap_or(""))
        {
            None if self.has(Fault::MissingKeyAccepted) => Ok(()),
            None if self.has(Fault::MissingKey401) => Err(self.error(
                StatusCode::UNAUTHORIZED,
                "UnauthorizedException",
                "Missing integration key.",
            )),
            None => Err(self.error(
                StatusCode::FORBIDDEN,
                "ForbiddenException",
                "Missing integration key.",
            )),
            Some(k) if k == expected => Ok(()),
            Some(_) => {
                let status = if self.has(Fault::WrongKey401) {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                Err(self.error(status, "ForbiddenException", "Invalid integration key."))
            }
        }
    }

    /// The largest body read: Spring reads a JSON body of any size, so the
    /// N-central style (and the fault that crashes on a huge username) go
    /// far beyond the 64 KiB the other styles refuse with 413.
    pub(super) fn body_limit(&self) -> usize {
        if self.options.style == Style::Ncentral || self.has(Fault::HugeUsername500) {
            SPRING_BODY_LIMIT
        } else {
            BODY_LIMIT
        }
    }

    /// Reads a JSON request body (CRED-04, TCKT-07, SEC-01, SEC-03):
    /// 413 when too large, 415 when not JSON, 400 when empty or malformed.
    pub(super) fn read_json(&self, headers: &HeaderMap, body: &Bytes) -> Result<Value, Response> {
        let bad = |detail: &str| self.error(StatusCode::BAD_REQUEST, "BadRequestException", detail);
        let limit = self.body_limit();
        if body.len() > limit {
            if self.has(Fault::HugeBody500) {
                return Err(self.crash("buffering the request body"));
            }
            return Err(self.error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PayloadTooLargeException",
                &format!("Request body larger than {limit} bytes."),
            ));
        }
        let media = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(crate::api::media_type);
        let json_media = media
            .as_deref()
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
        if media.is_some() && !json_media && !self.has(Fault::TextPlainAccepted) {
            return Err(self.error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "HttpMediaTypeNotSupportedException",
                "Content type must be application/json.",
            ));
        }
        if body.is_empty() {
            if self.has(Fault::EmptyBody500) {
                return Err(self.crash("reading the request body"));
            }
            return Err(bad("Required request body is missing."));
        }
        match serde_json::from_slice(body) {
            Ok(v) => Ok(v),
            Err(e) => {
                let deep = e.to_string().contains("recursion limit");
                if (deep && self.has(Fault::DeepJson500))
                    || (!deep && self.has(Fault::MalformedJson500))
                {
                    return Err(self.crash("parsing the request body"));
                }
                Err(bad("Malformed JSON request body."))
            }
        }
    }

    /// Reads `{"username": …, "password": …}` (CRED-04, TCKT-07, SEC-01, SEC-03).
    pub(super) fn read_credentials(
        &self,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<(String, String), Response> {
        let bad = |detail: &str| self.error(StatusCode::BAD_REQUEST, "BadRequestException", detail);
        let value = match self.read_json(headers, body)? {
            Value::Array(items) if self.has(Fault::ArrayBodyAccepted) => {
                items.into_iter().next().unwrap_or(Value::Null)
            }
            v => v,
        };
        let Value::Object(obj) = value else {
            return Err(bad("Request body must be a JSON object."));
        };
        // Jackson's defaults read a number or boolean for a String field as
        // its text (`42` → "42"): N-central then sees wrong credentials.
        let jackson = self.options.style == Style::Ncentral;
        let field = |name: &str| -> Result<String, Response> {
            match obj.get(name) {
                Some(Value::Number(n)) if jackson => Ok(n.to_string()),
                Some(Value::Bool(b)) if jackson => Ok(b.to_string()),
                Some(Value::String(s))
                    if !s.is_empty() || self.has(Fault::EmptyStringsAccepted) =>
                {
                    Ok(s.clone())
                }
                Some(Value::String(_)) => Err(bad(&format!("PSA {name} must not be empty."))),
                Some(_) => Err(bad(&format!("PSA {name} must be a string."))),
                None => Err(bad(&format!("PSA {name} must not be empty."))),
            }
        };
        Ok((field("username")?, field("password")?))
    }

    pub(super) fn credentials_valid(&self, username: &str, password: &str) -> bool {
        username == self.credentials.username && password == self.credentials.password.expose()
    }
}

/// The `alg` of an unverified JWT, and whether its payload claims an access token.
fn unverified_claims(token: &str) -> Option<(String, bool)> {
    let mut parts = token.split('.');
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next()?).ok()?).ok()?;
    let payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next()?).ok()?).ok()?;
    let alg = header.get("alg")?.as_str()?.to_string();
    Some((
        alg,
        payload.get("kind").and_then(Value::as_str) == Some("access"),
    ))
}

/// Runs a POST endpoint's checks in N-central's order — token (401), key
/// (403), path parameter, body (400) — or in the order a fault dictates.
pub(super) fn gate_post(
    s: &MockState,
    headers: &HeaderMap,
    body: &Bytes,
    check_key: bool,
    path: impl Fn() -> Result<(), Response>,
) -> Result<(String, String), Response> {
    let key = || {
        if check_key {
            s.check_key(headers)
        } else {
            Ok(())
        }
    };
    if s.has(Fault::BodyBeforeAuth) {
        let creds = s.read_credentials(headers, body)?;
        s.authenticate(headers, false)?;
        key()?;
        path()?;
        return Ok(creds);
    }
    if s.has(Fault::KeyBeforeToken) {
        key()?;
        s.authenticate(headers, false)?;
    } else {
        s.authenticate(headers, false)?;
        if !s.has(Fault::KeyAfterBody) {
            key()?;
        }
    }
    path()?;
    let creds = s.read_credentials(headers, body)?;
    if s.has(Fault::KeyAfterBody) {
        key()?;
    }
    Ok(creds)
}

/// Bodies up to this size are read to the end even when refused, so the
/// client gets its 413 on a connection that stays up.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

pub(super) async fn read_body(s: &MockState, body: Body) -> Result<Bytes, Response> {
    use futures::StreamExt as _;
    let limit = s.body_limit();
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(s.error(
                StatusCode::BAD_REQUEST,
                "BadRequestException",
                "Unreadable request body.",
            ));
        };
        total += chunk.len();
        if kept.len() <= limit {
            kept.extend_from_slice(&chunk);
        }
        if total > DRAIN_LIMIT {
            break;
        }
    }
    if total <= limit {
        return Ok(Bytes::from(kept));
    }
    if s.has(Fault::HugeBody500) {
        return Err(s.crash("buffering the request body"));
    }
    Err(s.error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLargeException",
        &format!("Request body larger than {limit} bytes."),
    ))
}

/// psaType must be numeric (400, CRED-06) and supported (404, CRED-05).
pub(super) fn psa_type_check(s: &MockState, psa_type: &str) -> Result<(), Response> {
    let numeric =
        !psa_type.is_empty() && psa_type.len() <= 9 && psa_type.bytes().all(|b| b.is_ascii_digit());
    if numeric {
        let n: u32 = psa_type.parse().unwrap_or(0);
        if n == 3 || s.has(Fault::UnknownPsaType200) {
            return Ok(());
        }
        return Err(s.error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Psa with type {n}.0 was not found!"),
        ));
    }
    if s.has(Fault::NonNumericPsaType500) {
        return Err(s.crash("converting psaType"));
    }
    Err(s.error(
        StatusCode::BAD_REQUEST,
        "BadRequestException",
        &format!("Invalid psaType format: '{}'.", truncate(psa_type, 40)),
    ))
}

/// `customPsaTicketId` must be a well-formed id (400, TCKT-06).
fn ticket_id_check(s: &MockState, id: &str) -> Result<(), Response> {
    if fixtures::well_formed_id(id) || (s.has(Fault::MalformedTicketId200) && id == "0") {
        return Ok(());
    }
    if s.has(Fault::HostilePath500) && (id.contains('\'') || id.contains('\0') || id.len() > 1000) {
        return Err(s.crash("looking up the ticket"));
    }
    if s.has(Fault::MalformedTicketId500) {
        return Err(s.crash("converting customPsaTicketId"));
    }
    Err(s.error(
        StatusCode::BAD_REQUEST,
        "InvalidInputFormatException",
        &format!("Invalid customPsaTicketId format: '{}'.", truncate(id, 40)),
    ))
}

/// The ticket endpoint's checks up to its body: token, key, ticket id and
/// PSA credentials, in N-central's order or in the order a fault dictates.
/// Returns the PSA credentials sent.
pub(super) fn gate_ticket(
    s: &MockState,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(String, String), Response> {
    if s.has(Fault::KeyAfterLookup)
        && fixtures::well_formed_id(id)
        && !s.tickets().iter().any(|t| t.id == id)
    {
        s.authenticate(headers, false)?;
        return Err(unknown_ticket(s, id));
    }
    if s.has(Fault::TicketsWithoutAuth) && !headers.contains_key(header::AUTHORIZATION) {
        let mut authorized = headers.clone();
        let token = format!("Bearer {}", s.credentials.access_token.expose());
        if let Ok(v) = HeaderValue::from_str(&token) {
            authorized.insert(header::AUTHORIZATION, v);
        }
        return gate_ticket(s, id, &authorized, body);
    }
    if s.has(Fault::TicketBodyIgnored) {
        s.authenticate(headers, false)?;
        s.check_key(headers)?;
        ticket_id_check(s, id)?;
        return Ok((
            s.credentials.username.clone(),
            s.credentials.password.expose().to_string(),
        ));
    }
    let check_key = !s.has(Fault::TicketsIgnoreKey);
    gate_post(s, headers, body, check_key, || ticket_id_check(s, id))
}

/// The PSA credentials sent to the ticket endpoint must be the PSA's (400,
/// TCKT-08).
pub(super) fn ticket_credentials(
    s: &MockState,
    username: &str,
    password: &str,
) -> Result<(), Response> {
    if s.credentials_valid(username, password) || s.has(Fault::TicketWrongCredsServed) {
        return Ok(());
    }
    let detail = if s.has(Fault::PasswordEchoed) {
        format!("PSA rejected credentials {username}/{password}.")
    } else {
        "PSA credentials were rejected.".to_string()
    };
    Err(s.error(
        StatusCode::BAD_REQUEST,
        "PsaAuthenticationException",
        &detail,
    ))
}

/// The ticket looked up (404 when unknown, TCKT-05), or the answer a fault
/// gives instead.
pub(super) fn lookup_ticket(s: &MockState, id: &str) -> Result<&'static Ticket, Response> {
    let tickets = s.tickets();
    let ticket = if id == "0" && s.has(Fault::MalformedTicketId200) {
        tickets.first()
    } else {
        tickets.iter().find(|t| t.id == id)
    };
    if let Some(ticket) = ticket {
        return Ok(ticket);
    }
    if s.has(Fault::UnknownTicket200) {
        return Err(s.json(
            StatusCode::OK,
            json!({ "data": { "ticketId": id, "ticketTitle": "", "ticketDetails": "", "ticketStatus": "", "creationDate": "" }, "_links": {} }),
        ));
    }
    if s.has(Fault::UnknownTicket500) {
        return Err(s.crash("looking up the ticket"));
    }
    if s.has(Fault::UnknownTicket400) {
        return Err(s.error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "Ticket lookup failed.",
        ));
    }
    Err(unknown_ticket(s, id))
}

fn unknown_ticket(s: &MockState, id: &str) -> Response {
    s.error(
        StatusCode::NOT_FOUND,
        "ResourceNotFoundException",
        &format!("Ticket with ID {id} was not found!"),
    )
}

/// Whether the PSA credentials sent to the credential endpoint are the
/// PSA's (CRED-01..03): `Ok(valid)`, or the refusal a fault makes instead.
pub(super) fn psa_credentials(
    s: &MockState,
    username: &str,
    password: &str,
) -> Result<bool, Response> {
    if s.has(Fault::HugeUsername500) && username.len() > BODY_LIMIT {
        return Err(s.crash("checking the PSA credentials"));
    }
    let valid = s.has(Fault::WrongPasswordValid)
        || (s.credentials_valid(username, password) && !s.has(Fault::ValidCredentialsRejected));
    if !valid && s.has(Fault::WrongPassword401) {
        return Err(s.error(
            StatusCode::UNAUTHORIZED,
            "PsaAuthenticationException",
            "PSA credentials rejected.",
        ));
    }
    Ok(valid)
}
