//! The reference PSA (`psa_mock`), push by push and callback by callback,
//! against a tiny in-test N-central that records every call, issues tokens
//! and can answer the first callback 429 or 401. Every fault is shown to
//! change the behaviour it names — and the same check is shown to pass on
//! the correct PSA, so no check here holds whatever the PSA does.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use psa_conformance::psa_mock::{AnswerStyle, NcentralLink, PsaFault, PsaMockServer};
use serde_json::{json, Value};

const JWT: &str = "test-user-api-jwt-0123456789";
const KEY: &str = "test-integration-key-0123";

// ---------------------------------------------------------------------------
// The in-test N-central.

#[derive(Debug, Clone)]
struct Call {
    path: String,
    authorization: Option<String>,
    integration_key: Option<String>,
    content_type: Option<String>,
    body: String,
    at: Instant,
}

impl Call {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Nc {
    calls: Mutex<Vec<Call>>,
    access: Mutex<Vec<String>>,
    refresh: Mutex<Vec<String>>,
    issued: Mutex<u32>,
    /// The answer to the next callback, once (429 or 401).
    next_callback: Mutex<Option<StatusCode>>,
    refresh_fails: bool,
    /// Held for writing by a test: every call waits before it is seen.
    held: tokio::sync::RwLock<()>,
}

impl Nc {
    fn issue(&self) -> Value {
        let mut n = self.issued.lock().unwrap();
        *n += 1;
        let access = format!("access-token-{n}");
        let refresh = format!("refresh-token-{n}");
        self.access.lock().unwrap().push(access.clone());
        self.refresh.lock().unwrap().push(refresh.clone());
        json!({"tokens": {
            "access": {"token": access, "expirySeconds": 3600},
            "refresh": {"token": refresh, "expirySeconds": 86400},
        }})
    }
}

async fn ncentral(
    State(nc): State<Arc<Nc>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    drop(nc.held.read().await);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let call = Call {
        path: uri.path().to_string(),
        authorization: header("authorization"),
        integration_key: header("integration-key"),
        content_type: header("content-type"),
        body: String::from_utf8_lossy(&body).to_string(),
        at: Instant::now(),
    };
    nc.calls.lock().unwrap().push(call.clone());
    let unauthorized =
        || (StatusCode::UNAUTHORIZED, Json(json!({"message": "no"}))).into_response();
    match call.path.as_str() {
        "/api/auth/authenticate" => {
            if call.authorization.as_deref() == Some(&format!("Bearer {JWT}")) {
                Json(nc.issue()).into_response()
            } else {
                unauthorized()
            }
        }
        "/api/auth/refresh" => {
            if !nc.refresh_fails && nc.refresh.lock().unwrap().contains(&call.body) {
                Json(nc.issue()).into_response()
            } else {
                unauthorized()
            }
        }
        "/api/custom-psa/tickets" => {
            match nc.next_callback.lock().unwrap().take() {
                Some(StatusCode::TOO_MANY_REQUESTS) => {
                    return (
                        StatusCode::TOO_MANY_REQUESTS,
                        [("Retry-After", "1")],
                        "slow down",
                    )
                        .into_response();
                }
                Some(StatusCode::UNAUTHORIZED) => {
                    // The access token expired: every one issued so far.
                    nc.access.lock().unwrap().clear();
                    return unauthorized();
                }
                _ => {}
            }
            let bearer = call
                .authorization
                .as_deref()
                .and_then(|a| a.strip_prefix("Bearer "))
                .unwrap_or_default();
            if nc.access.lock().unwrap().iter().any(|t| t == bearer) {
                (StatusCode::CREATED, Json(json!({"data": {}}))).into_response()
            } else {
                unauthorized()
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

struct NcServer {
    nc: Arc<Nc>,
    addr: SocketAddr,
}

impl NcServer {
    async fn start(first_callback: Option<StatusCode>, refresh_fails: bool) -> NcServer {
        let nc = Arc::new(Nc {
            next_callback: Mutex::new(first_callback),
            refresh_fails,
            ..Nc::default()
        });
        let app = Router::new().fallback(ncentral).with_state(nc.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        NcServer { nc, addr }
    }

    fn link(&self) -> NcentralLink {
        NcentralLink {
            base_url: format!("http://{}/", self.addr),
            user_api_jwt: JWT.to_string(),
            integration_key: Some(KEY.to_string()),
        }
    }

    fn calls(&self, path: &str) -> Vec<Call> {
        self.nc
            .calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.path == path)
            .cloned()
            .collect()
    }

    fn callbacks(&self) -> Vec<Call> {
        self.calls("/api/custom-psa/tickets")
    }

    /// Waits until `n` callbacks arrived (or `limit` passed).
    async fn wait_callbacks(&self, n: usize, limit: Duration) -> Vec<Call> {
        let start = Instant::now();
        while self.callbacks().len() < n && start.elapsed() < limit {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.callbacks()
    }
}

// ---------------------------------------------------------------------------
// Pushing.

struct Answer {
    status: StatusCode,
    text: String,
    content_type: Option<String>,
    content_length: Vec<String>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

async fn send(
    psa: &PsaMockServer,
    method: reqwest::Method,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = reqwest::Client::new()
        .request(method, psa.push_url())
        .header("Content-Type", "application/json")
        .body(body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let r = request.send().await.expect("an answer");
    let status = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_length = r
        .headers()
        .get_all("content-length")
        .iter()
        .map(|v| v.to_str().unwrap_or("?").to_string())
        .collect();
    let text = r.text().await.unwrap_or_default();
    Answer {
        status,
        text,
        content_type,
        content_length,
    }
}

async fn push(psa: &PsaMockServer, body: &Value) -> Answer {
    send(psa, reqwest::Method::POST, body.to_string(), &[]).await
}

fn create(id: i64) -> Value {
    json!({"action": "CREATE", "title": "Disk full", "details": "C: at 99%", "ncentralTicketId": id, "customTags": ["a"]})
}

fn change(action: &str, id: i64, number: &str) -> Value {
    json!({"action": action, "title": "Disk full", "details": "still", "ncentralTicketId": id, "psaTicketNumber": number})
}

async fn body_psa() -> PsaMockServer {
    PsaMockServer::builder().start().await.unwrap()
}

async fn callback_psa(nc: &NcServer, faults: &[PsaFault]) -> PsaMockServer {
    PsaMockServer::builder()
        .style(AnswerStyle::Callback)
        .ncentral(nc.link())
        .faults(faults.iter().copied())
        .start()
        .await
        .unwrap()
}

fn base(psa: &PsaMockServer) -> String {
    format!("http://{}", psa.address())
}

// ---------------------------------------------------------------------------
// The correct PSA.

#[tokio::test]
async fn body_style_creates_and_then_updates_resolves_and_reopens() {
    let psa = body_psa().await;
    assert_eq!(
        psa.push_url(),
        format!("http://{}/ncentral/tickets", psa.address())
    );
    let a = push(&psa, &create(42)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert!(a
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/json")));
    let body = a.json();
    assert_eq!(body["externalTicketId"], "PSA-1001");
    let url = body["ticketUrl"].as_str().unwrap();
    assert_eq!(url, format!("{}/tickets/PSA-1001", base(&psa)));
    let page = reqwest::get(url).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page: Value = page.json().await.unwrap();
    assert_eq!(page["ncentralTicketId"], 42);

    for action in ["UPDATE", "RESOLVE", "REOPEN"] {
        let a = push(&psa, &change(action, 42, "PSA-1001")).await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.text);
    }
    // PUT like POST, the id as a decimal string, customTag like customTags,
    // an unknown key ignored.
    let a = send(
        &psa,
        reqwest::Method::PUT,
        json!({"action": "CREATE", "title": "t", "details": "d", "ncentralTicketId": "43",
               "customTag": {"k": "v"}, "priority": "high"})
        .to_string(),
        &[],
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.json()["externalTicketId"], "PSA-1002");
    let a = push(&psa, &change("RESOLVE", 43, "PSA-1002")).await;
    assert_eq!(a.status, StatusCode::OK);
    let page: Value = reqwest::get(format!("{}/tickets/PSA-1002", base(&psa)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["status"], "resolved");
    psa.stop().await;
}

#[tokio::test]
async fn a_repeated_create_gets_the_same_ticket() {
    let psa = body_psa().await;
    let first = push(&psa, &create(7)).await.json();
    let again = push(&psa, &create(7)).await.json();
    assert_eq!(first, again);
    let other = push(&psa, &create(8)).await.json();
    assert_eq!(other["externalTicketId"], "PSA-1002");
}

#[tokio::test]
async fn bad_pushes_are_refused_with_4xx_and_create_nothing() {
    let psa = body_psa().await;
    let huge = format!(
        "{{\"action\":\"CREATE\",\"title\":\"t\",\"details\":\"{}\",\"ncentralTicketId\":1}}",
        "x".repeat(1024 * 1024 + 10)
    );
    let cases: Vec<(&str, String, StatusCode)> =
        vec![
        ("not JSON", "action=CREATE".into(), StatusCode::BAD_REQUEST),
        ("empty", String::new(), StatusCode::BAD_REQUEST),
        ("array", json!([create(1)]).to_string(), StatusCode::BAD_REQUEST),
        ("string", "\"CREATE\"".into(), StatusCode::BAD_REQUEST),
        (
            "no action",
            json!({"title": "t", "details": "d", "ncentralTicketId": 1}).to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "lower-case action",
            json!({"action": "create", "title": "t", "details": "d", "ncentralTicketId": 1})
                .to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown action",
            json!({"action": "DELETE", "title": "t", "details": "d", "ncentralTicketId": 1})
                .to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "no id",
            json!({"action": "CREATE", "title": "t", "details": "d"}).to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "fractional id",
            json!({"action": "CREATE", "title": "t", "details": "d", "ncentralTicketId": 1.5})
                .to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "id not decimal",
            json!({"action": "CREATE", "title": "t", "details": "d", "ncentralTicketId": "0x10"})
                .to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "no title",
            json!({"action": "CREATE", "details": "d", "ncentralTicketId": 1}).to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "no psaTicketNumber",
            json!({"action": "UPDATE", "title": "t", "details": "d", "ncentralTicketId": 1})
                .to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown psaTicketNumber",
            change("RESOLVE", 1, "PSA-9999").to_string(),
            StatusCode::NOT_FOUND,
        ),
        ("deep JSON", "[".repeat(100_000), StatusCode::BAD_REQUEST),
        ("over 1 MiB", huge, StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (what, body, expected) in cases {
        let a = send(&psa, reqwest::Method::POST, body, &[]).await;
        assert_eq!(a.status, expected, "{what}: {}", a.text);
        assert!(a.json()["error"].is_string(), "{what}: {}", a.text);
    }
    let other = reqwest::get(format!("{}/elsewhere", base(&psa)))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let get = reqwest::get(psa.push_url()).await.unwrap();
    assert!(get.status().is_client_error(), "{}", get.status());
    // None of them made a ticket.
    assert_eq!(
        push(&psa, &create(1)).await.json()["externalTicketId"],
        "PSA-1001"
    );
}

#[tokio::test]
async fn push_auth_is_enforced_and_a_refused_push_creates_nothing() {
    let psa = PsaMockServer::builder()
        .push_auth("Authorization", "Basic c2VjcmV0")
        .start()
        .await
        .unwrap();
    let body = create(5).to_string();
    let post = reqwest::Method::POST;
    for headers in [
        vec![],
        vec![("Authorization", "Basic d3Jvbmc=")],
        vec![("Authorization", "Basic c2VjcmV0x")],
        vec![("X-Other", "Basic c2VjcmV0")],
    ] {
        let a = send(&psa, post.clone(), body.clone(), &headers).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert!(a.json()["error"].is_string());
        assert!(!a.text.contains("c2VjcmV0"), "the value echoed: {}", a.text);
    }
    let a = send(&psa, post, body, &[("authorization", "Basic c2VjcmV0")]).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.json()["externalTicketId"], "PSA-1001");
}

#[tokio::test]
async fn the_callback_style_needs_an_ncentral() {
    let err = PsaMockServer::builder()
        .style(AnswerStyle::Callback)
        .start()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn callback_style_answers_empty_and_calls_back_with_the_issued_token() {
    let nc = NcServer::start(None, false).await;
    let psa = callback_psa(&nc, &[]).await;
    // N-central holds every call until the push has been answered: a PSA
    // that waited for its callback before answering would never answer.
    let hold = nc.nc.held.write().await;
    let a = tokio::time::timeout(Duration::from_secs(30), push(&psa, &create(1234)))
        .await
        .expect("the push is answered before the callback can complete");
    assert!(nc.callbacks().is_empty(), "no callback went through yet");
    drop(hold);
    assert_eq!(a.status, StatusCode::ACCEPTED);
    assert!(a.text.is_empty(), "{}", a.text);
    assert_eq!(a.content_length, ["0"]);

    let callbacks = nc.wait_callbacks(1, Duration::from_secs(5)).await;
    assert_eq!(callbacks.len(), 1);
    let auth = nc.calls("/api/auth/authenticate");
    assert_eq!(auth.len(), 1);
    assert_eq!(
        auth[0].authorization.as_deref(),
        Some(&*format!("Bearer {JWT}"))
    );
    let cb = &callbacks[0];
    assert_eq!(cb.authorization.as_deref(), Some("Bearer access-token-1"));
    assert_eq!(cb.integration_key.as_deref(), Some(KEY));
    assert!(cb
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/json")));
    assert_eq!(
        cb.json(),
        json!({"psaCustomTicketId": 1234, "ticketNumber": "PSA-1001",
               "ticketUrl": format!("{}/tickets/PSA-1001", base(&psa))})
    );
    // The ticket number called back is the one the PSA then expects.
    let a = push(&psa, &change("UPDATE", 1234, "PSA-1001")).await;
    assert_eq!(a.status, StatusCode::OK);

    // A repeated CREATE: answered again, no second callback.
    let a = push(&psa, &create(1234)).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    // Another ticket: the cached token is used again.
    push(
        &psa,
        &json!({"action": "CREATE", "title": "t", "details": "d", "ncentralTicketId": "99"}),
    )
    .await;
    let callbacks = nc.wait_callbacks(2, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let callbacks_after = nc.callbacks();
    assert_eq!(callbacks_after.len(), 2, "{callbacks_after:?}");
    assert_eq!(callbacks[1].json()["psaCustomTicketId"], 99);
    assert_eq!(callbacks[1].json()["ticketNumber"], "PSA-1002");
    assert_eq!(nc.calls("/api/auth/authenticate").len(), 1);
}

#[tokio::test]
async fn a_callback_answered_429_is_retried_after_retry_after() {
    let nc = NcServer::start(Some(StatusCode::TOO_MANY_REQUESTS), false).await;
    let psa = callback_psa(&nc, &[]).await;
    push(&psa, &create(10)).await;
    let callbacks = nc.wait_callbacks(2, Duration::from_secs(5)).await;
    assert_eq!(callbacks.len(), 2, "{callbacks:?}");
    let gap = callbacks[1].at - callbacks[0].at;
    assert!(gap >= Duration::from_millis(900), "retried after {gap:?}");
    assert_eq!(callbacks[1].json(), callbacks[0].json());
}

#[tokio::test]
async fn a_callback_answered_401_is_retried_after_a_refresh() {
    let nc = NcServer::start(Some(StatusCode::UNAUTHORIZED), false).await;
    let psa = callback_psa(&nc, &[]).await;
    push(&psa, &create(11)).await;
    let callbacks = nc.wait_callbacks(2, Duration::from_secs(5)).await;
    assert_eq!(callbacks.len(), 2, "{callbacks:?}");
    let refresh = nc.calls("/api/auth/refresh");
    assert_eq!(refresh.len(), 1);
    assert_eq!(refresh[0].body, "refresh-token-1");
    assert!(refresh[0]
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("text/plain")));
    assert_eq!(
        callbacks[1].authorization.as_deref(),
        Some("Bearer access-token-2")
    );
    assert_eq!(nc.calls("/api/auth/authenticate").len(), 1);
}

#[tokio::test]
async fn when_the_refresh_fails_the_psa_authenticates_again() {
    let nc = NcServer::start(Some(StatusCode::UNAUTHORIZED), true).await;
    let psa = callback_psa(&nc, &[]).await;
    push(&psa, &create(12)).await;
    let callbacks = nc.wait_callbacks(2, Duration::from_secs(5)).await;
    assert_eq!(callbacks.len(), 2, "{callbacks:?}");
    assert_eq!(nc.calls("/api/auth/refresh").len(), 1);
    assert_eq!(nc.calls("/api/auth/authenticate").len(), 2);
    assert_eq!(
        callbacks[1].authorization.as_deref(),
        Some("Bearer access-token-2")
    );
}

// ---------------------------------------------------------------------------
// Every fault changes what it names.

/// Starts a PSA in the fault's style (with `fault` on when `on`), exercises
/// what the fault breaks, and says whether the broken behaviour showed.
async fn shows(fault: PsaFault, on: bool) -> bool {
    let first_callback = match fault {
        PsaFault::NoRetryOn429 => Some(StatusCode::TOO_MANY_REQUESTS),
        PsaFault::NoRefreshOn401 => Some(StatusCode::UNAUTHORIZED),
        _ => None,
    };
    let nc = NcServer::start(first_callback, false).await;
    let mut builder = PsaMockServer::builder()
        .style(fault.style())
        .ncentral(nc.link())
        .push_auth("X-Psa-Auth", "push-secret");
    if on {
        builder = builder.fault(fault);
    }
    let psa = builder.start().await.unwrap();
    let auth = [("X-Psa-Auth", "push-secret")];
    let post = |body: Value| send(&psa, reqwest::Method::POST, body.to_string(), &auth);
    let created = |a: &Answer| {
        a.json()["externalTicketId"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    /// How long a callback fault is given to show.
    const SETTLE: Duration = Duration::from_millis(1500);
    match fault {
        PsaFault::Create500 => post(create(1)).await.status.is_server_error(),
        PsaFault::CreateWithoutTicketUrl => post(create(1)).await.json().get("ticketUrl").is_none(),
        PsaFault::RelativeTicketUrl => !post(create(1)).await.json()["ticketUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://")),
        PsaFault::UpdateKnown404 => {
            let number = created(&post(create(1)).await);
            post(change("UPDATE", 1, &number)).await.status == StatusCode::NOT_FOUND
        }
        PsaFault::NonJsonAccepted => send(&psa, reqwest::Method::POST, "not json", &auth)
            .await
            .status
            .is_success(),
        PsaFault::UnknownAction500 => {
            let body =
                json!({"action": "DELETE", "title": "t", "details": "d", "ncentralTicketId": 1});
            post(body).await.status.is_server_error()
        }
        PsaFault::ExtraKeysRefused => {
            let mut body = create(1);
            body["severity"] = json!("high");
            post(body).await.status == StatusCode::BAD_REQUEST
        }
        PsaFault::CustomTagRefused => {
            let mut body = create(1);
            body["customTag"] = json!("vip");
            post(body).await.status == StatusCode::BAD_REQUEST
        }
        PsaFault::DuplicateCreateNewTicket => {
            let first = created(&post(create(1)).await);
            let again = created(&post(create(1)).await);
            first != again
        }
        PsaFault::UnknownTicket500 => post(change("UPDATE", 1, "PSA-9999"))
            .await
            .status
            .is_server_error(),
        PsaFault::PushAuthIgnored => {
            let none = send(&psa, reqwest::Method::POST, create(1).to_string(), &[]).await;
            let wrong = send(
                &psa,
                reqwest::Method::POST,
                create(2).to_string(),
                &[("X-Psa-Auth", "guess")],
            )
            .await;
            none.status.is_success() && wrong.status.is_success()
        }
        PsaFault::SlowAnswers => {
            let number = created(&post(create(1)).await);
            let started = Instant::now();
            let a = post(change("UPDATE", 1, &number)).await;
            a.status.is_success() && started.elapsed() > Duration::from_secs(5)
        }
        PsaFault::CallbackNeverSent => {
            post(create(1)).await;
            nc.wait_callbacks(1, SETTLE).await.is_empty()
        }
        PsaFault::CallbackWrongId | PsaFault::CallbackRelativeUrl => {
            post(create(500)).await;
            let callbacks = nc.wait_callbacks(1, SETTLE).await;
            let Some(cb) = callbacks.first() else {
                return false;
            };
            let body = cb.json();
            if fault == PsaFault::CallbackWrongId {
                body["psaCustomTicketId"] != 500
            } else {
                !body["ticketUrl"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http://"))
            }
        }
        PsaFault::CallbackWithUserApiJwt => {
            post(create(1)).await;
            let callbacks = nc.wait_callbacks(1, SETTLE).await;
            callbacks
                .iter()
                .any(|c| c.authorization.as_deref() == Some(&*format!("Bearer {JWT}")))
        }
        PsaFault::CallbackTwice => {
            post(create(1)).await;
            tokio::time::sleep(SETTLE).await;
            nc.callbacks().len() > 1
        }
        PsaFault::CallbackUnasked => {
            post(create(1)).await;
            tokio::time::sleep(SETTLE).await;
            nc.callbacks()
                .iter()
                .any(|c| c.json()["psaCustomTicketId"] != 1)
        }
        PsaFault::NoRetryOn429 => {
            post(create(1)).await;
            // The correct PSA retries after Retry-After: 1.
            tokio::time::sleep(Duration::from_millis(2500)).await;
            nc.callbacks().len() == 1
        }
        PsaFault::NoRefreshOn401 => {
            post(create(1)).await;
            tokio::time::sleep(SETTLE).await;
            nc.callbacks().len() == 1 && nc.calls("/api/auth/refresh").is_empty()
        }
    }
}

#[tokio::test]
async fn every_fault_changes_the_behaviour_it_names_and_only_with_it_on() {
    let runs = PsaFault::all()
        .iter()
        .flat_map(|f| [true, false].map(|on| async move { (*f, on, shows(*f, on).await) }));
    let results = futures::future::join_all(runs).await;
    let wrong: Vec<String> = results
        .iter()
        .filter(|(_, on, shown)| on != shown)
        .map(|(f, on, _)| {
            if *on {
                format!("{f}: switched on but not shown")
            } else {
                format!("{f}: shown by the correct PSA")
            }
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(results.len() >= 32);
}

// ---------------------------------------------------------------------------
// Hostile pushes: never a 5xx, never slow, the server still serving after.

#[tokio::test]
async fn hostile_pushes_get_4xx_fast_and_the_psa_keeps_serving() {
    let psa = body_psa().await;
    let fixed = [
        "null".to_string(),
        "{}".into(),
        "{\"action\":null}".into(),
        "{\"action\":\"CREATE\",\"ncentralTicketId\":1e400}".into(),
        "{\"action\":\"CREATE\",\"ncentralTicketId\":18446744073709551616,\"title\":\"t\",\"details\":\"d\"}".into(),
        "{\"action\":\"CREATE\",\"ncentralTicketId\":\"-\",\"title\":\"t\",\"details\":\"d\"}".into(),
        "{\"action\":\"CREATE\",\"ncentralTicketId\":\"99999999999999999999\",\"title\":\"t\",\"details\":\"d\"}".into(),
        "{\"action\":\"UPDATE\",\"ncentralTicketId\":1,\"title\":\"t\",\"details\":\"d\",\"psaTicketNumber\":7}".into(),
        "{\"action\":\"UPDATE\",\"ncentralTicketId\":1,\"title\":\"t\",\"details\":\"d\",\"psaTicketNumber\":\"\"}".into(),
        "{\"action\":\"CREATE\",\"title\":[],\"details\":\"d\",\"ncentralTicketId\":1}".into(),
        "{\"action\":\"\u{0000}\"}".into(),
        "\u{feff}{}".into(),
        "{".repeat(200),
    ];
    let mut bodies: Vec<Vec<u8>> = fixed.iter().map(|s| s.as_bytes().to_vec()).collect();
    bodies.push(vec![0xff, 0xfe, 0x00, 0x7b]);
    // Pseudo-random bytes, seeded: reproducible.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for len in [1usize, 7, 64, 500, 4096] {
        let bytes = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x & 0xff) as u8
            })
            .collect();
        bodies.push(bytes);
    }
    for body in bodies {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(60)
            .collect::<String>();
        let started = Instant::now();
        let a = send(&psa, reqwest::Method::POST, body, &[]).await;
        assert!(
            a.status.is_client_error(),
            "{shown:?}: {} {}",
            a.status,
            a.text
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{shown:?}: answered after {:?}",
            started.elapsed()
        );
    }
    assert_eq!(push(&psa, &create(3)).await.status, StatusCode::CREATED);
}
