//! The mock's axum router and its thin handlers. Every route is read from
//! [`crate::api`], the one table of endpoints; each handler runs its
//! endpoint's checks (`checks`) and words the answer (`answers`). The
//! `gatekeeper` layer in front of them applies the rate limit and latency.

// A check's `Err` is the HTTP answer itself (see `checks`).
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use serde_json::json;

use super::answers::render_ticket;
use super::checks::{self, read_body};
use super::custom_tickets;
use super::faults::Fault;
use super::limit::Sticky;
use super::options::Style;
use super::state::{MockState, Shared};
use super::token_ops;
use crate::api::{self, Endpoint};

/// The methods an endpoint of the table is routed for.
fn methods(endpoint: &Endpoint) -> MethodFilter {
    match endpoint.method {
        "POST" => MethodFilter::POST,
        "PUT" => MethodFilter::PUT,
        "PATCH" => MethodFilter::PATCH,
        "DELETE" => MethodFilter::DELETE,
        _ => MethodFilter::GET,
    }
}

/// `endpoint`'s route served by `handler`.
fn serve<H, T>(endpoint: &Endpoint, handler: H) -> MethodRouter<Arc<MockState>>
where
    H: axum::handler::Handler<T, Arc<MockState>>,
    T: 'static,
{
    on(methods(endpoint), handler)
}

/// The mock's router.
pub(super) fn router(state: Arc<MockState>) -> Router {
    // The POST endpoints, also served for PUT, PATCH and DELETE under the
    // `wrong-method-200` fault.
    let post_like = |endpoint: &Endpoint| {
        let mut filter = methods(endpoint);
        if state.has(Fault::WrongMethod200) {
            filter = filter
                .or(MethodFilter::PUT)
                .or(MethodFilter::PATCH)
                .or(MethodFilter::DELETE);
        }
        filter
    };
    // `getCustomTicketInfoWithoutPsaCreds` shares its route with the POST.
    debug_assert_eq!(
        api::TICKET_INFO.route,
        api::TICKET_INFO_WITHOUT_PSA_CREDENTIALS.route
    );
    let mut app = Router::new()
        .route(
            api::AUTHENTICATE.route,
            serve(&api::AUTHENTICATE, token_ops::authenticate),
        )
        .route(api::REFRESH.route, serve(&api::REFRESH, token_ops::refresh))
        .route(
            api::VALIDATE_TOKEN.route,
            serve(&api::VALIDATE_TOKEN, token_ops::validate),
        )
        .route(
            api::RESOLVE_CUSTOM_TICKET.route,
            serve(&api::RESOLVE_CUSTOM_TICKET, custom_tickets::resolve),
        )
        .route(
            api::STANDARD_PSA_ROOT.route,
            serve(&api::STANDARD_PSA_ROOT, standard_root),
        )
        .route(
            api::CUSTOM_PSA_ROOT.route,
            serve(&api::CUSTOM_PSA_ROOT, custom_root),
        )
        .route(
            api::VALIDATE_CREDENTIAL.route,
            on(post_like(&api::VALIDATE_CREDENTIAL), validate_credential),
        )
        .route(
            api::TICKET_INFO.route,
            on(post_like(&api::TICKET_INFO), ticket_info).merge(serve(
                &api::TICKET_INFO_WITHOUT_PSA_CREDENTIALS,
                custom_tickets::ticket_info_without_creds,
            )),
        );
    if !state.has(Fault::ReopenNotRouted) {
        app = app.route(
            api::REOPEN_CUSTOM_TICKET.route,
            serve(&api::REOPEN_CUSTOM_TICKET, custom_tickets::reopen),
        );
    }
    if !state.has(Fault::TicketsRoot404) {
        app = app.route(
            api::CUSTOM_PSA_TICKETS_ROOT.route,
            serve(&api::CUSTOM_PSA_TICKETS_ROOT, tickets_root).merge(serve(
                &api::CREATE_CUSTOM_TICKET,
                custom_tickets::create_ticket,
            )),
        );
    }
    app.method_not_allowed_fallback(method_not_allowed)
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
        super::limit::RateLimit::Off
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
    let (username, password) = checks::gate_post(s, headers, body, true, || {
        checks::psa_type_check(s, psa_type)
    })?;
    let valid = checks::psa_credentials(s, &username, &password)?;
    Ok(s.credential_validation(valid, psa_type, headers, (&username, &password)))
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
    let (username, password) = checks::gate_ticket(s, id, headers, body)?;
    checks::ticket_credentials(s, &username, &password)?;
    let ticket = checks::lookup_ticket(s, id)?;
    Ok(s.json(StatusCode::OK, render_ticket(s, ticket)))
}
