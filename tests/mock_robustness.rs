//! The reference mock survives any request: generated methods, paths,
//! headers and bodies never get a 5xx, and it keeps answering.

use std::sync::OnceLock;

use proptest::prelude::*;
use psa_conformance::mock::{MockServer, RateLimit};

struct Fixture {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
    client: reqwest::Client,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime
            .block_on(
                MockServer::builder()
                    .rate_limit(RateLimit::Off)
                    .latency(std::time::Duration::ZERO)
                    .start(),
            )
            .unwrap();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Fixture {
            runtime,
            server,
            client,
        }
    })
}

fn method() -> impl Strategy<Value = reqwest::Method> {
    prop_oneof![
        2 => Just(reqwest::Method::GET),
        8 => Just(reqwest::Method::POST),
        1 => Just(reqwest::Method::PUT),
        1 => Just(reqwest::Method::PATCH),
        1 => Just(reqwest::Method::DELETE),
        1 => Just(reqwest::Method::HEAD),
        1 => Just(reqwest::Method::OPTIONS),
    ]
}

/// A percent-encoded path segment from arbitrary bytes.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("3".to_string()),
        4 => Just("1142285696".to_string()),
        2 => "[0-9]{1,25}",
        2 => "[0-9]{0,3}(%27|%00|%22|%2F|%5C|%2E%2E|%0A|%20OR%20)[0-9a-z]{0,5}",
        2 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(|bytes| {
            bytes.iter().map(|b| if b.is_ascii_alphanumeric() { (*b as char).to_string() } else { format!("%{b:02X}") }).collect()
        }),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("/api/standard-psa".to_string()),
        1 => Just("/api/custom-psa".to_string()),
        1 => Just("/api/custom-psa/tickets".to_string()),
        1 => Just("/api/auth/authenticate".to_string()),
        6 => segment().prop_map(|s| format!("/api/standard-psa/{s}/credential")),
        6 => segment().prop_map(|s| format!("/api/custom-psa/tickets/{s}")),
        1 => (segment(), segment()).prop_map(|(a, b)| format!("/api/{a}/{b}")),
        1 => "/[a-z/.%0-9]{0,30}",
    ]
}

#[derive(Debug, Clone)]
enum Auth {
    Valid,
    Missing,
    Raw(String),
}

fn auth() -> impl Strategy<Value = Auth> {
    prop_oneof![
        6 => Just(Auth::Valid),
        1 => Just(Auth::Missing),
        1 => "(Bearer|Basic|bearer|Token)? ?[A-Za-z0-9._~+/=-]{0,60}".prop_map(Auth::Raw),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        1 => "\\{\"username\": ?(\"[^\"]{0,20}\"|[0-9]+|null|true|\\[\\]), ?\"password\": ?(\"[^\"]{0,20}\"|[0-9]+|null|\\{\\})\\}"
            .prop_map(String::into_bytes),
        1 => (1usize..3000).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()),
        1 => (1usize..3000).prop_map(|depth| "{\"a\":".repeat(depth).into_bytes()),
    ]
}

/// One generated request: method, path, Authorization, key (valid or
/// wrong), Content-Type, body.
type Case = (
    reqwest::Method,
    String,
    Auth,
    Option<bool>,
    Option<&'static str>,
    Vec<u8>,
);

fn case() -> impl Strategy<Value = Case> {
    (
        method(),
        path(),
        auth(),
        prop_oneof![1 => Just(None), 6 => Just(Some(true)), 1 => Just(Some(false))],
        prop_oneof![
            2 => Just(None),
            6 => Just(Some("application/json")),
            1 => Just(Some("text/plain")),
            1 => Just(Some("application/x-www-form-urlencoded"))
        ],
        body(),
    )
}

fn send(f: &Fixture, (method, path, auth, key, content_type, body): &Case) -> Result<u16, String> {
    let creds = f.server.credentials();
    let mut request = f
        .client
        .request(method.clone(), format!("{}{path}", f.server.uri()));
    match auth {
        Auth::Valid => request = request.bearer_auth(creds.access_token.expose()),
        Auth::Missing => {}
        Auth::Raw(v) => request = request.header("Authorization", v.as_str()),
    }
    match key {
        Some(true) => request = request.header("INTEGRATION-KEY", creds.integration_key.expose()),
        Some(false) => request = request.header("INTEGRATION-KEY", "wrong-key"),
        None => {}
    }
    if let Some(ct) = content_type {
        request = request.header("Content-Type", *ct);
    }
    if method != reqwest::Method::GET && method != reqwest::Method::HEAD {
        request = request.body(body.clone());
    }
    f.runtime
        .block_on(async { request.send().await.map(|r| r.status().as_u16()) })
        .map_err(|e| format!("no answer to {method} {path}: {e}"))
}

#[test]
fn no_generated_request_gets_a_5xx_and_the_mock_keeps_answering() {
    let f = fixture();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&case(), |c| {
        let status = send(f, &c).map_err(TestCaseError::fail)?;
        prop_assert!(status < 500, "{} {} ({:?}) got {status}", c.0, c.1, c.2);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let after = (
        reqwest::Method::GET,
        "/api/standard-psa".to_string(),
        Auth::Valid,
        None,
        None,
        Vec::new(),
    );
    assert_eq!(
        send(f, &after),
        Ok(200),
        "the mock stopped answering after the generated requests"
    );
}
