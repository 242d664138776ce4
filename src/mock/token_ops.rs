//! N-central's token operations: the exchange of a User-API JWT
//! (`POST /api/auth/authenticate`), the refresh (`POST /api/auth/refresh`,
//! the refresh token as a `text/plain` body) and the validity check
//! (`GET /api/auth/validate`).
//!
//! Tokens are stateless HS256 JWTs of three kinds (User-API, access,
//! refresh): a refresh issues a new pair and leaves the old access token
//! working until it expires; only an access token is a bearer. Both issuing
//! operations honour `X-ACCESS-EXPIRY-OVERRIDE` and
//! `X-REFRESH-EXPIRY-OVERRIDE` (`(number)(s|m|h)`, capped at 1 h and 25 h,
//! the system-wide defaults); a malformed override is 400.

// As in `routes`: a check's `Err` is the HTTP answer itself.
#![allow(clippy::result_large_err)]

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::checks::read_body;
use super::faults::Fault;
use super::state::{MockState, Shared};
use super::tokens::{
    expiry_override, TokenAuthority, TokenKind, ACCESS_EXPIRY_SECS, REFRESH_EXPIRY_SECS,
};

/// The bearer token of a request, if it has one.
fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string())
}

/// The lives of the tokens to issue, from the override headers.
fn lives(s: &MockState, headers: &HeaderMap) -> Result<(u64, u64), Response> {
    let read = |name: &str, default: u64| -> Result<u64, Response> {
        let Some(value) = headers.get(name) else {
            return Ok(default);
        };
        let text = value.to_str().unwrap_or("");
        expiry_override(text, default).ok_or_else(|| {
            s.error(
                StatusCode::BAD_REQUEST,
                "BadRequestException",
                &format!("{name} must be (number)(s|m|h), e.g. 120s."),
            )
        })
    };
    let access = if s.has(Fault::ExpiryOverrideIgnored) {
        ACCESS_EXPIRY_SECS
    } else {
        read("x-access-expiry-override", ACCESS_EXPIRY_SECS)?
    };
    Ok((
        access,
        read("x-refresh-expiry-override", REFRESH_EXPIRY_SECS)?,
    ))
}

/// `{"tokens": {"access": …, "refresh": …}, "refresh": …, "validate": …}`.
fn issue(s: &MockState, issuer: &TokenAuthority, access_secs: u64, refresh_secs: u64) -> Response {
    let expiry = if s.has(Fault::ExchangeExpiryString) {
        json!(access_secs.to_string())
    } else {
        json!(access_secs)
    };
    s.json(
        StatusCode::OK,
        json!({
            "tokens": {
                "access": {
                    "token": issuer.issue(TokenKind::Access, "psa-conformance", access_secs),
                    "type": "Bearer",
                    "expirySeconds": expiry,
                },
                "refresh": {
                    "token": s.tokens.issue(TokenKind::Refresh, "psa-conformance", refresh_secs),
                    "type": "Body",
                    "expirySeconds": refresh_secs,
                }
            },
            "refresh": crate::api::REFRESH.route,
            "validate": crate::api::VALIDATE_TOKEN.route,
        }),
    )
}

/// `authenticate`: the User-API JWT as bearer.
pub(super) async fn authenticate(State(s): Shared, headers: HeaderMap) -> Response {
    if !bearer(&headers).is_some_and(|t| s.tokens.verify(&t, TokenKind::UserApi)) {
        return s.error(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Invalid User-API token.",
        );
    }
    let (access, refresh) = match lives(&s, &headers) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let issuer = if s.has(Fault::IssuedTokenRejected) {
        &s.rogue_tokens
    } else {
        &s.tokens
    };
    issue(&s, issuer, access, refresh)
}

/// `refresh`: the refresh token as the body (`text/plain`, as documented;
/// any other type is read as text too, except under `refresh-json-only`).
pub(super) async fn refresh(State(s): Shared, headers: HeaderMap, body: Body) -> Response {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if s.has(Fault::RefreshJsonOnly) && !media.starts_with("application/json") {
        return s.error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "HttpMediaTypeNotSupportedException",
            "Content-Type must be application/json.",
        );
    }
    let body = match read_body(&s, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let token = String::from_utf8_lossy(&body).trim().to_string();
    if token.is_empty() {
        return s.error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "Required request body is missing.",
        );
    }
    let forged_accepted = s.has(Fault::RefreshAcceptsForged) && token.split('.').count() == 3;
    if !forged_accepted && !s.tokens.verify(&token, TokenKind::Refresh) {
        return s.error(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Invalid or expired refresh token.",
        );
    }
    let (access, refresh) = match lives(&s, &headers) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let issuer = if s.has(Fault::RefreshedTokenRejected) {
        &s.rogue_tokens
    } else {
        &s.tokens
    };
    issue(&s, issuer, access, refresh)
}

/// `validate`: 200 `{"message": …}` for a valid access token.
pub(super) async fn validate(State(s): Shared, headers: HeaderMap) -> Response {
    let forged_accepted = s.has(Fault::ValidateAcceptsForged) && bearer(&headers).is_some();
    if !forged_accepted {
        if let Err(r) = s.authenticate(&headers, false) {
            return r;
        }
    }
    s.json(StatusCode::OK, json!({ "message": "The token is valid." }))
}
