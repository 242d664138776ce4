//! The mock's routes and the checks they make, in N-central's order:
//! token (401), integration key (403), path parameter (400/404), body (400),
//! PSA credentials, resource lookup (404). Every fault hook sits at the one
//! place its behaviour lives.

// A check's `Err` is the HTTP answer itself, returned at once to the
// client; boxing it would only add an allocation per refused request.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, on, post, MethodFilter};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::custom_tickets;
use super::faults::Fault;
use super::limit::{Limiter, Sticky};
use super::tickets::{self, Ticket};
use super::tokens::{TokenAuthority, TokenKind, ACCESS_EXPIRY_SECS, REFRESH_EXPIRY_SECS};
use super::{MockCredentials, MockOptions, Style};
use crate::redact::Secret;

/// Largest request body read; larger is 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Largest request body the N-central style reads (Spring sets no limit on a
/// JSON body; the mock keeps one so its memory stays bounded).
pub const SPRING_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Shared state of one mock server.
pub struct MockState {
    options: MockOptions,
    tokens: TokenAuthority,
    /// Signs "issued" tokens under the `issued-token-rejected` fault.
    rogue_tokens: TokenAuthority,
    credentials: MockCredentials,
    limiter: Limiter,
    /// The PSA ticket each custom PSA ticket was linked to by
    /// `POST /api/custom-psa/tickets`: this server's own, never shared.
    pub(super) created: Mutex<HashMap<String, custom_tickets::PsaTicket>>,
}

fn random_secret(prefix: &str) -> String {
    format!("{prefix}-{:032x}", rand::random::<u128>())
}

impl MockState {
    pub fn new(options: MockOptions) -> Self {
        let signing: [u8; 32] = rand::random();
        let tokens = TokenAuthority::new(&signing);
        let rogue: [u8; 32] = rand::random();
        let tickets = tickets::for_style(options.style);
        let credentials = MockCredentials {
            user_api_jwt: Secret::new(tokens.issue(
                TokenKind::UserApi,
                "psa-conformance",
                86400 * 365,
            )),
            access_token: Secret::new(tokens.issue(
                TokenKind::Access,
                "psa-conformance",
                ACCESS_EXPIRY_SECS,
            )),
            integration_key: Secret::new(random_secret("ik")),
            psa_type: "3".into(),
            username: "psa-admin@example.com".into(),
            password: Secret::new(random_secret("pw")),
            ticket_ids: tickets.iter().map(|t| t.id.to_string()).collect(),
        };
        MockState {
            options,
            tokens,
            rogue_tokens: TokenAuthority::new(&rogue),
            credentials,
            limiter: Limiter::default(),
            created: Mutex::default(),
        }
    }

    pub fn credentials(&self) -> &MockCredentials {
        &self.credentials
    }

    pub(super) fn style(&self) -> Style {
        self.options.style
    }

    pub(super) fn has(&self, fault: Fault) -> bool {
        self.options.faults.contains(&fault)
    }

    pub(super) fn tickets(&self) -> &'static [Ticket] {
        tickets::for_style(self.options.style)
    }

    // ---- answers -------------------------------------------------------------

    /// A JSON answer in the configured style.
    pub(super) fn json(&self, status: StatusCode, body: Value) -> Response {
        let alternate = self.options.style == Style::Alternate;
        let body = if alternate { reverse_keys(body) } else { body };
        let text = if alternate {
            serde_json::to_string_pretty(&body)
        } else {
            serde_json::to_string(&body)
        }
        .unwrap_or_default();
        let content_type = if self.has(Fault::HtmlContentType) && status == StatusCode::OK {
            "text/html"
        } else if alternate {
            "application/json;charset=UTF-8"
        } else {
            "application/json"
        };
        let mut response = (status, text).into_response();
        if !(self.has(Fault::NoContentType) && status == StatusCode::OK) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        response
    }

    /// An N-central style error: `{"status":…,"message":"[ID=…] KIND: Exception: detail"}`.
    pub(super) fn error(&self, status: StatusCode, exception: &str, detail: &str) -> Response {
        let kind = status
            .canonical_reason()
            .unwrap_or("ERROR")
            .to_ascii_uppercase();
        let id = format!("{:08x}", rand::random::<u32>());
        let message = match self.options.style {
            Style::Canonical => format!("[ID={}] {kind}: {exception}: {detail}", &id[..4]),
            Style::Alternate => format!("[ID={id}-{:04x}] {kind}: {detail}", rand::random::<u16>()),
            Style::Ncentral => format!(
                "[ID={id}-{:04x}] {kind}: {exception}: {detail}",
                rand::random::<u16>()
            ),
        };
        let plain = self.has(Fault::ErrorsNotJson)
            || (status == StatusCode::UNAUTHORIZED && self.has(Fault::AuthErrorNotJson))
            || (status == StatusCode::FORBIDDEN && self.has(Fault::ForbiddenNotJson));
        if plain {
            return (status, [(header::CONTENT_TYPE, "text/plain")], message).into_response();
        }
        let reported = if self.has(Fault::ErrorStatusMismatch) {
            400
        } else {
            status.as_u16()
        };
        let mut body = json!({ "status": reported, "message": message });
        match self.options.style {
            Style::Canonical => {}
            Style::Alternate => {
                body["errors"] = json!([{ "field": "request", "message": detail }]);
                body["timestamp"] = json!("2025-07-01T12:00:00Z");
            }
            // Jackson writes the unset `errors` list of ErrorResponse as null.
            Style::Ncentral => body["errors"] = Value::Null,
        }
        self.json(status, body)
    }

    pub(super) fn crash(&self, what: &str) -> Response {
        self.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UnexpectedDmsResponseException",
            &format!("Unexpected response while {what}"),
        )
    }

    fn links(&self, links: Value) -> Response {
        let mut links = links;
        if self.options.style == Style::Alternate {
            links["self"] = json!("/api/self-link-for-testing");
            links["root"] = json!("/api");
        }
        if self.has(Fault::HalLinks) {
            if let Value::Object(map) = &mut links {
                for v in map.values_mut() {
                    *v = json!({ "href": v.take() });
                }
            }
        }
        let mut body = json!({ "_links": links });
        if self.options.style == Style::Alternate {
            body["generatedBy"] = json!("alternate-style mock");
        }
        self.json(StatusCode::OK, body)
    }

    // ---- checks --------------------------------------------------------------

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
    fn check_key(&self, headers: &HeaderMap) -> Result<(), Response> {
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
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
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
    fn read_credentials(
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

    fn credentials_valid(&self, username: &str, password: &str) -> bool {
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

/// The same object with its keys in reverse order (the alternate style).
fn reverse_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map.into_iter().collect::<Vec<_>>().into_iter().rev() {
                out.insert(k, reverse_keys(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(reverse_keys).collect()),
        v => v,
    }
}

pub(super) type Shared = State<Arc<MockState>>;

/// The mock's router.
pub fn router(state: Arc<MockState>) -> Router {
    let mut post_filter = MethodFilter::POST;
    if state.has(Fault::WrongMethod200) {
        post_filter = post_filter
            .or(MethodFilter::PUT)
            .or(MethodFilter::PATCH)
            .or(MethodFilter::DELETE);
    }
    let mut api = Router::new()
        .route("/api/auth/authenticate", post(authenticate))
        .route("/api/standard-psa", get(standard_root))
        .route("/api/custom-psa", get(custom_root))
        .route(
            "/api/standard-psa/{psa_type}/credential",
            on(post_filter, validate_credential),
        )
        .route(
            "/api/custom-psa/tickets/{ticket_id}",
            custom_tickets::serve_info_without_creds(
                &state,
                on(post_filter, ticket_info),
                get(custom_tickets::ticket_info_without_creds),
            ),
        );
    if !state.has(Fault::TicketsRoot404) {
        api = api.route(
            "/api/custom-psa/tickets",
            custom_tickets::serve_create(
                &state,
                get(tickets_root),
                post(custom_tickets::create_ticket),
            ),
        );
    }
    api.method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gatekeeper))
        .with_state(state)
}

/// Before every handler: the rate limit and the latency; after it, the
/// header-echo fault.
async fn gatekeeper(State(s): Shared, request: Request, next: Next) -> Response {
    let endpoint = format!(
        "{} {}",
        request.method(),
        request
            .extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "unrouted".into())
    );
    let bearer = request.headers().get(header::AUTHORIZATION).cloned();
    let limit = if s.has(Fault::NoRateLimit) {
        super::RateLimit::Off
    } else {
        s.options.rate_limit
    };
    let sticky = if s.has(Fault::NeverRecovers) {
        Some(Sticky::Forever)
    } else if s.has(Fault::SlowRecovery) {
        Some(Sticky::For(std::time::Duration::from_secs(60)))
    } else {
        None
    };
    let Some(_slot) = s.limiter.admit(&endpoint, limit, sticky) else {
        if s.has(Fault::RateLimit503) {
            return s.error(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailableException",
                "Server busy.",
            );
        }
        let mut r = s.error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsException",
            "Too many requests in flight for this endpoint; retry once earlier requests complete.",
        );
        // N-central documents no Retry-After; RATE-04 only asks for it (SHOULD).
        if !s.has(Fault::NoRetryAfter) && s.options.style != Style::Ncentral {
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(s.options.retry_after_secs),
            );
        }
        return r;
    };
    if !s.options.latency.is_zero() {
        tokio::time::sleep(s.options.latency).await;
    }
    let mut response = next.run(request).await;
    if s.has(Fault::TokenEchoedInHeader) {
        if let Some(b) = bearer {
            response.headers_mut().insert("x-debug-token", b);
        }
    }
    response
}

async fn not_found(State(s): Shared, method: Method, uri: axum::http::Uri) -> Response {
    let path: String = uri.path().chars().take(200).collect();
    s.error(
        StatusCode::NOT_FOUND,
        "NoResourceFoundException",
        &format!("No endpoint {method} {}.", path.escape_default()),
    )
}

async fn method_not_allowed(State(s): Shared, method: Method) -> Response {
    s.error(
        StatusCode::METHOD_NOT_ALLOWED,
        "HttpRequestMethodNotSupportedException",
        &format!("Request method '{method}' is not supported."),
    )
}

async fn authenticate(State(s): Shared, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let Some(token) = token.filter(|t| s.tokens.verify(t, TokenKind::UserApi)) else {
        return s.error(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Invalid User-API token.",
        );
    };
    drop(token);
    let issuer = if s.has(Fault::IssuedTokenRejected) {
        &s.rogue_tokens
    } else {
        &s.tokens
    };
    let expiry = if s.has(Fault::ExchangeExpiryString) {
        json!(ACCESS_EXPIRY_SECS.to_string())
    } else {
        json!(ACCESS_EXPIRY_SECS)
    };
    s.json(
        StatusCode::OK,
        json!({
            "tokens": {
                "access": {
                    "token": issuer.issue(TokenKind::Access, "psa-conformance", ACCESS_EXPIRY_SECS),
                    "type": "Bearer",
                    "expirySeconds": expiry,
                },
                "refresh": {
                    "token": random_secret("refresh"),
                    "type": "Body",
                    "expirySeconds": REFRESH_EXPIRY_SECS,
                }
            },
            "refresh": "/api/auth/refresh",
            "validate": "/api/auth/validate",
        }),
    )
}

async fn standard_root(State(s): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = s.authenticate(&headers, true) {
        return r;
    }
    if s.has(Fault::StandardLinksEmpty) {
        return s.links(json!({}));
    }
    let template = if s.has(Fault::StandardLinkTypo) {
        "/api/standard-psa/{psaType}/credentials"
    } else {
        "/api/standard-psa/{psaType}/credential"
    };
    s.links(json!({ "standard-psa-validate-credential": template }))
}

fn ticket_info_link(s: &MockState) -> &'static str {
    if s.has(Fault::CustomLinkWrongParam) {
        "/api/custom-psa/tickets/{ticketId}"
    } else {
        "/api/custom-psa/tickets/{customPsaTicketId}"
    }
}

async fn custom_root(State(s): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = s.authenticate(&headers, true) {
        return r;
    }
    let mut links = json!({ "custom-psa-ticket-info": ticket_info_link(&s) });
    if !s.has(Fault::CustomLinksNoTickets) {
        links["custom-psa-tickets"] = json!("/api/custom-psa/tickets");
    }
    s.links(links)
}

async fn tickets_root(State(s): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = s.authenticate(&headers, true) {
        return r;
    }
    let link = if s.has(Fault::TicketsRootLinkTypo) {
        "/api/custom-psa/ticket/{customPsaTicketId}"
    } else {
        ticket_info_link(&s)
    };
    s.links(json!({ "custom-psa-ticket-info": link }))
}

/// Runs a POST endpoint's checks in N-central's order — token (401), key
/// (403), path parameter, body (400) — or in the order a fault dictates.
fn gate_post(
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

/// Reads the body, then answers with whatever `answer` decides.
async fn answer_with_body(
    s: &MockState,
    body: Body,
    answer: impl FnOnce(&Bytes) -> Result<Response, Response>,
) -> Response {
    match read_body(s, body).await.and_then(|b| answer(&b)) {
        Ok(r) | Err(r) => r,
    }
}

async fn validate_credential(
    State(s): Shared,
    Path(psa_type): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    answer_with_body(&s, body, |b| credential_answer(&s, &psa_type, &headers, b)).await
}

fn credential_answer(
    s: &MockState,
    psa_type: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, Response> {
    let (username, password) = gate_post(s, headers, body, true, || psa_type_check(s, psa_type))?;
    if s.has(Fault::HugeUsername500) && username.len() > BODY_LIMIT {
        return Err(s.crash("checking the PSA credentials"));
    }
    let valid = s.has(Fault::WrongPasswordValid)
        || (s.credentials_valid(&username, &password) && !s.has(Fault::ValidCredentialsRejected));
    if !valid && s.has(Fault::WrongPassword401) {
        return Err(s.error(
            StatusCode::UNAUTHORIZED,
            "PsaAuthenticationException",
            "PSA credentials rejected.",
        ));
    }
    let flag = if s.has(Fault::ValidAsString) {
        json!(valid.to_string())
    } else {
        json!(valid)
    };
    let mut answer = if s.has(Fault::NoDataEnvelope) {
        json!({ "isPsaCredentialsValid": flag })
    } else {
        json!({ "data": { "isPsaCredentialsValid": flag }, "_links": {} })
    };
    if s.has(Fault::KeyEchoed) {
        let sent = headers
            .get("integration-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        answer["message"] = json!(format!("Validated with integration key {sent}"));
    }
    if !valid && s.has(Fault::PasswordEchoed) {
        answer["message"] = json!(format!(
            "Tigerpaw rejected password '{password}' for {username}"
        ));
    }
    if s.options.style == Style::Alternate && !s.has(Fault::NoDataEnvelope) {
        answer["data"]["psaType"] = json!(psa_type);
        answer["_links"] = json!({ "self": format!("/api/standard-psa/{psa_type}/credential") });
    }
    Ok(s.json(StatusCode::OK, answer))
}

/// psaType must be numeric (400, CRED-06) and supported (404, CRED-05).
fn psa_type_check(s: &MockState, psa_type: &str) -> Result<(), Response> {
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

pub(super) fn truncate(text: &str, max: usize) -> String {
    let t: String = text.chars().take(max).collect();
    t.escape_default().to_string()
}

async fn ticket_info(
    State(s): Shared,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    answer_with_body(&s, body, |b| ticket_answer(&s, &ticket_id, &headers, b)).await
}

fn ticket_answer(
    s: &MockState,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, Response> {
    let tickets = s.tickets();
    let well_formed = tickets::well_formed_id(id);
    let known = tickets.iter().find(|t| t.id == id);
    let not_found = || {
        s.error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Ticket with ID {id} was not found!"),
        )
    };

    if s.has(Fault::KeyAfterLookup) && well_formed && known.is_none() {
        s.authenticate(headers, false)?;
        return Err(not_found());
    }
    let path = || {
        if well_formed || (s.has(Fault::MalformedTicketId200) && id == "0") {
            return Ok(());
        }
        if s.has(Fault::HostilePath500)
            && (id.contains('\'') || id.contains('\0') || id.len() > 1000)
        {
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
    };
    if s.has(Fault::TicketsWithoutAuth) && !headers.contains_key(header::AUTHORIZATION) {
        let mut authorized = headers.clone();
        let token = format!("Bearer {}", s.credentials.access_token.expose());
        if let Ok(v) = HeaderValue::from_str(&token) {
            authorized.insert(header::AUTHORIZATION, v);
        }
        return ticket_answer(s, id, &authorized, body);
    }
    let (username, password) = if s.has(Fault::TicketBodyIgnored) {
        s.authenticate(headers, false)?;
        s.check_key(headers)?;
        path()?;
        (
            s.credentials.username.clone(),
            s.credentials.password.expose().to_string(),
        )
    } else {
        gate_post(s, headers, body, !s.has(Fault::TicketsIgnoreKey), path)?
    };
    if !s.credentials_valid(&username, &password) && !s.has(Fault::TicketWrongCredsServed) {
        let detail = if s.has(Fault::PasswordEchoed) {
            format!("PSA rejected credentials {username}/{password}.")
        } else {
            "PSA credentials were rejected.".to_string()
        };
        return Err(s.error(
            StatusCode::BAD_REQUEST,
            "PsaAuthenticationException",
            &detail,
        ));
    }
    let ticket = if id == "0" && s.has(Fault::MalformedTicketId200) {
        tickets.first()
    } else {
        known
    };
    let Some(ticket) = ticket else {
        if s.has(Fault::UnknownTicket200) {
            return Ok(s.json(
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
        return Err(not_found());
    };
    Ok(s.json(StatusCode::OK, render_ticket(s, ticket)))
}

pub(super) fn render_ticket(s: &MockState, t: &Ticket) -> Value {
    let mut data = Map::new();
    let id = if s.has(Fault::TicketIdNumber) {
        json!(t.id.parse::<u64>().unwrap_or(0))
    } else if s.has(Fault::TicketOtherId) {
        // Another ticket's id: a mapping from the wrong field.
        let other = s
            .tickets()
            .iter()
            .find(|o| o.id != t.id)
            .map_or("1", |o| o.id);
        json!(other)
    } else {
        json!(t.id)
    };
    data.insert("ticketId".into(), id);
    data.insert("ticketTitle".into(), json!(t.title));
    if !s.has(Fault::TicketNoDetails) {
        data.insert("ticketDetails".into(), json!(t.details));
    }
    let status = if s.has(Fault::StatusLowercase) {
        t.status.to_ascii_lowercase()
    } else {
        t.status.to_string()
    };
    data.insert("ticketStatus".into(), json!(status));
    let created = if s.has(Fault::DateUsFormat) {
        "02/21/2024 06:28:10".to_string()
    } else if s.has(Fault::DateNoOffset) {
        "2024-02-21T06:28:10.624".to_string()
    } else if s.has(Fault::DateLocalSeconds) {
        "2024-02-21T06:28:10".to_string()
    } else {
        t.created.to_string()
    };
    data.insert("creationDate".into(), json!(created));
    if s.options.style == Style::Alternate {
        data.insert("priority".into(), json!("P3"));
        data.insert("assignee".into(), Value::Null);
    }
    if s.has(Fault::TicketNoLinks) {
        return json!({ "data": Value::Object(data) });
    }
    json!({ "data": Value::Object(data), "_links": {} })
}
