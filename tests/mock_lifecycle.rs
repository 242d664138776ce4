//! The reference mock's side of profile extended, request by request:
//! resolve and reopen with their 409s, the refresh that leaves the old
//! access token working, validate's `{"message"}`, the tokens that are no
//! bearer, and `X-ACCESS-EXPIRY-OVERRIDE` with its cap. State is per mock
//! instance.

use psa_conformance::mock::MockServer;
use reqwest::{Method, StatusCode};
use serde_json::Value;

struct Answer {
    status: StatusCode,
    body: Value,
}

async fn call(
    server: &MockServer,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> Answer {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.uri()));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if let Some((media, text)) = body {
        request = request.header("Content-Type", media).body(text);
    }
    let r = request.send().await.expect("an answer");
    let status = r.status();
    let body = r.json().await.unwrap_or(Value::Null);
    Answer { status, body }
}

/// [`call`]: a GET with `bearer` and nothing else.
async fn get(server: &MockServer, path: &str, bearer: &str) -> Answer {
    call(server, Method::GET, path, Some(bearer), &[], None).await
}

async fn exchange(server: &MockServer, headers: &[(&str, &str)]) -> Answer {
    let jwt = server.credentials().user_api_jwt.expose().to_string();
    call(
        server,
        Method::POST,
        "/api/auth/authenticate",
        Some(&jwt),
        headers,
        None,
    )
    .await
}

fn token(a: &Answer, kind: &str) -> String {
    a.body["tokens"][kind]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no {kind} token in {}", a.body))
        .to_string()
}

#[tokio::test]
async fn resolve_and_reopen_move_the_ticket_and_conflict_when_it_is_already_there() {
    let server = MockServer::start().await.unwrap();
    let access = server.credentials().access_token.expose().to_string();
    let id = server.credentials().resolvable_ticket_id.clone();
    let at = |op: &str| format!("/api/custom-psa/tickets/{id}/{op}");
    let post = |path: String| {
        let server = &server;
        let access = access.clone();
        async move { call(server, Method::POST, &path, Some(&access), &[], None).await }
    };
    let status = || async {
        get(&server, &format!("/api/custom-psa/tickets/{id}"), &access)
            .await
            .body["data"]["ticketStatus"]
            .clone()
    };
    let open = status().await;
    assert_eq!(
        post(at("reopen")).await.status,
        StatusCode::CONFLICT,
        "reopening an open ticket"
    );
    let a = post(at("resolve")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["data"]["psaCustomTicketId"].to_string(), id);
    assert_ne!(
        status().await,
        open,
        "the ticket-info status shows the change"
    );
    assert_eq!(
        post(at("resolve")).await.status,
        StatusCode::CONFLICT,
        "resolving twice"
    );
    let a = post(at("reopen")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(post(at("resolve")).await.status, StatusCode::OK);

    let unauthenticated = call(&server, Method::POST, &at("reopen"), None, &[], None).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(at("reopen")).await.status,
        StatusCode::OK,
        "a refused reopen changed nothing"
    );

    for (path, want) in [
        (
            "/api/custom-psa/tickets/999999937/resolve",
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/custom-psa/tickets/abc/reopen",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/custom-psa/tickets/0/resolve", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(post(path.to_string()).await.status, want, "{path}");
    }

    // Another instance has its own tickets' states.
    let other = MockServer::start().await.unwrap();
    let other_access = other.credentials().access_token.expose().to_string();
    let a = call(
        &other,
        Method::POST,
        &at("resolve"),
        Some(&other_access),
        &[],
        None,
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "another mock saw this one's resolve"
    );
}

#[tokio::test]
async fn refresh_issues_new_tokens_and_the_old_access_token_keeps_working() {
    let server = MockServer::start().await.unwrap();
    let first = exchange(&server, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    let (access, refresh) = (token(&first, "access"), token(&first, "refresh"));

    let refreshed = call(
        &server,
        Method::POST,
        "/api/auth/refresh",
        None,
        &[],
        Some(("text/plain", refresh.clone())),
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let new_access = token(&refreshed, "access");
    assert_ne!(new_access, access);
    assert_ne!(token(&refreshed, "refresh"), refresh);
    for bearer in [&access, &new_access] {
        let a = get(&server, "/api/standard-psa", bearer).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "old and new access tokens both work"
        );
        let v = get(&server, "/api/auth/validate", bearer).await;
        assert_eq!(v.status, StatusCode::OK);
        assert!(v.body["message"].is_string(), "{}", v.body);
    }

    // Neither the refresh token nor the User-API JWT is a bearer.
    let jwt = server.credentials().user_api_jwt.expose().to_string();
    for bearer in [&refresh, &jwt] {
        let a = get(&server, "/api/standard-psa", bearer).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let v = get(&server, "/api/auth/validate", bearer).await;
        assert_eq!(v.status, StatusCode::UNAUTHORIZED);
    }
    // An access token, a forged or an altered refresh token refresh nothing.
    let mut altered = refresh.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [access.clone(), altered, "not-a-token".into()] {
        let a = call(
            &server,
            Method::POST,
            "/api/auth/refresh",
            None,
            &[],
            Some(("text/plain", forged)),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(a.body.pointer("/tokens").is_none());
    }
}

#[tokio::test]
async fn the_expiry_override_is_number_and_unit_capped_at_an_hour() {
    let server = MockServer::start().await.unwrap();
    for (value, secs) in [("5s", 5), ("2m", 120), ("1h", 3600), ("2h", 3600)] {
        let a = exchange(&server, &[("X-ACCESS-EXPIRY-OVERRIDE", value)]).await;
        assert_eq!(a.status, StatusCode::OK, "{value}");
        assert_eq!(a.body["tokens"]["access"]["expirySeconds"], secs, "{value}");
    }
    let a = exchange(&server, &[("X-ACCESS-EXPIRY-OVERRIDE", "5 minutes")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    let short = exchange(&server, &[("X-ACCESS-EXPIRY-OVERRIDE", "1s")]).await;
    let access = token(&short, "access");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let a = get(&server, "/api/standard-psa", &access).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "the token expired");
}
