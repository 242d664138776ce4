//! Unit tests of `suite::psa_side::ncentral`.

use super::*;

const JWT: &str = "user-api-jwt-for-the-trap-test";

async fn started() -> (HarnessNcentralServer, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let url = format!("http://{address}");
    let server =
        HarnessNcentralServer::start(listener, &url, Secret::new(JWT), Redactor::new()).unwrap();
    (server, url)
}

async fn link(url: &str, ticket: i64, bearer: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}/api/custom-psa/tickets"))
        .bearer_auth(bearer)
        .json(&json!({"psaCustomTicketId": ticket, "ticketNumber": "INC1", "ticketUrl": "http://psa/1"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_401_for_the_credential_leaves_the_trap_for_the_retry() {
    let (server, url) = started().await;
    let ticket = 1_000_000_007;
    server.state.pushed(ticket, true);
    server.state.set_trap(ticket, Trap::TooManyRequests);
    // The User-API JWT as bearer: the PSA's call (CB-03 fails it), 401.
    assert_eq!(link(&url, ticket, JWT).await, 401);
    // A token N-central never issued: foreign, 401, never recorded.
    assert_eq!(link(&url, ticket, "never-issued-0123").await, 401);
    let answer: Value = reqwest::Client::new()
        .post(format!("{url}/api/auth/authenticate"))
        .bearer_auth(JWT)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = answer["tokens"]["access"]["token"].as_str().unwrap();
    // The trap is still set: the first authorised link gets it.
    assert_eq!(link(&url, ticket, access).await, 429);
    assert_eq!(link(&url, ticket, access).await, 200);
    let seen = server.state.summary();
    assert_eq!(seen.foreign_total, 1);
    assert_eq!(seen.unknown_tokens, 1);
    assert_eq!(seen.calls, 4, "JWT link, authenticate, two links");
    server.stop().await;
}
