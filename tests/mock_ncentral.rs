//! The reference mock's N-central style and N-central's further ticket
//! operations, request by request: what each answer must look like, and
//! that every server keeps its own state.

use psa_conformance::mock::{Fault, MockServer, RateLimit, Style};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

/// Sends one request with the mock's own token and key (unless told not to).
async fn send(
    server: &MockServer,
    method: Method,
    path: &str,
    body: Option<Value>,
    with_token: bool,
) -> Answer {
    let c = server.credentials();
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.uri()));
    if with_token {
        request = request.bearer_auth(c.access_token.expose());
    }
    request = request.header("INTEGRATION-KEY", c.integration_key.expose());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// The Standard PSA credential check of psaType 3.
const CREDENTIAL: &str = "/api/standard-psa/3/credential";

/// [`send`]: a POST of `body` with the access token.
async fn post(server: &MockServer, path: &str, body: Value) -> Answer {
    send(server, Method::POST, path, Some(body), true).await
}

fn creds(server: &MockServer) -> Value {
    let c = server.credentials();
    json!({ "username": c.username, "password": c.password.expose() })
}

fn huge_body(server: &MockServer) -> Value {
    json!({ "username": "u".repeat(1024 * 1024), "password": server.credentials().password.expose() })
}

async fn start(style: Style) -> MockServer {
    MockServer::builder()
        .style(style)
        .start()
        .await
        .expect("mock starts")
}

#[tokio::test]
async fn ncentral_dates_are_what_zoned_date_time_to_string_writes() {
    let server = start(Style::Ncentral).await;
    let ids = server.credentials().ticket_ids.clone();
    let mut dates = Vec::new();
    for id in &ids {
        let a = post(
            &server,
            &format!("/api/custom-psa/tickets/{id}"),
            creds(&server),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
        dates.push(
            a.body["data"]["creationDate"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
    }
    // What Java writes, not what the mock holds: each line printed by
    // OpenJDK 17.0.15's `ZonedDateTime.toString()` (jshell) for
    //   ZonedDateTime.of(2024,2,21,6,28,0,0,ZoneId.of("America/New_York"))
    //   ZonedDateTime.of(2024,3,2,11,4,55,1_000_000,ZoneId.of("UTC+01:00"))
    //   ZonedDateTime.of(2024,10,27,2,30,0,123456789,ZoneId.of("UTC"))
    //   ZonedDateTime.of(2024,11,3,1,30,0,0,ZoneId.of("America/New_York"))
    //   ZonedDateTime.of(2024,11,4,12,0,0,100_200_000,ZoneId.of("UTC"))
    // (seconds dropped when zero, fraction in groups of three digits, the
    // earlier offset in the DST overlap, `Z` for UTC).
    let java = [
        "2024-02-21T06:28-05:00[America/New_York]",
        "2024-03-02T11:04:55.001+01:00[UTC+01:00]",
        "2024-10-27T02:30:00.123456789Z[UTC]",
        "2024-11-03T01:30-04:00[America/New_York]",
        "2024-11-04T12:00:00.100200Z[UTC]",
    ];
    assert_eq!(dates, java);
    // N-central's own example (the OpenAPI document's CustomPsaTicket
    // creationDate, also OpenJDK's output for 06:28:10.624 in New York) is
    // read by the suite the way the mock's dates are.
    for example in java
        .iter()
        .chain(["2024-02-21T06:28:10.624-05:00[America/New_York]"].iter())
    {
        assert!(
            psa_conformance::schema::is_zoned_date_time(example),
            "{example}"
        );
    }
}

#[tokio::test]
async fn ncentral_errors_carry_errors_null_and_its_429_no_retry_after() {
    let server = start(Style::Ncentral).await;
    let a = send(&server, Method::GET, "/api/standard-psa", None, false).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.body["status"], json!(401));
    assert!(
        a.body.get("errors").is_some_and(Value::is_null),
        "{}",
        a.body
    );

    for (style, retry_after) in [(Style::Ncentral, false), (Style::Canonical, true)] {
        let limited = MockServer::builder()
            .style(style)
            .rate_limit(RateLimit::InFlight(0))
            .start()
            .await
            .expect("mock starts");
        let a = send(&limited, Method::GET, "/api/custom-psa/tickets", None, true).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(a.body["status"], json!(429));
        assert_eq!(
            a.headers.contains_key("retry-after"),
            retry_after,
            "{style:?}"
        );
    }
}

#[tokio::test]
async fn a_1_mib_body_is_read_like_spring_in_the_ncentral_style_only() {
    let server = start(Style::Ncentral).await;
    let id = server.credentials().ticket_ids[0].clone();
    let a = post(&server, CREDENTIAL, huge_body(&server)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["data"]["isPsaCredentialsValid"], json!(false));

    let ticket = format!("/api/custom-psa/tickets/{id}");
    let huge = post(&server, &ticket, huge_body(&server)).await;
    let wrong =
        json!({ "username": "someone-else", "password": server.credentials().password.expose() });
    let wrong = post(&server, &ticket, wrong).await;
    assert!(wrong.status.is_client_error(), "{}", wrong.status);
    assert_eq!(huge.status, wrong.status, "{}", huge.body);
    assert!(huge.body.get("data").is_none(), "{}", huge.body);

    let canonical = start(Style::Canonical).await;
    let a = post(&canonical, CREDENTIAL, huge_body(&canonical)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn ncentral_reads_a_number_or_boolean_for_a_string_as_its_text() {
    let ncentral = start(Style::Ncentral).await;
    let canonical = start(Style::Canonical).await;
    for body in [
        json!({ "username": 42, "password": "x" }),
        json!({ "username": "x", "password": true }),
    ] {
        let a = post(&ncentral, CREDENTIAL, body.clone()).await;
        assert_eq!(a.status, StatusCode::OK, "{body}");
        assert_eq!(a.body["data"]["isPsaCredentialsValid"], json!(false));
        let a = post(&canonical, CREDENTIAL, body.clone()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}");
    }
    for body in [
        json!({ "username": null, "password": "x" }),
        json!({ "username": {}, "password": "x" }),
        json!({ "username": "x", "password": ["x"] }),
        json!({ "username": "", "password": "x" }),
    ] {
        let a = post(&ncentral, CREDENTIAL, body.clone()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn huge_username_500_crashes_the_credential_endpoint_only() {
    let server = MockServer::builder()
        .fault(Fault::HugeUsername500)
        .start()
        .await
        .expect("mock starts");
    let id = server.credentials().ticket_ids[0].clone();
    let a = post(&server, CREDENTIAL, huge_body(&server)).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    let a = post(
        &server,
        &format!("/api/custom-psa/tickets/{id}"),
        huge_body(&server),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = post(&server, CREDENTIAL, creds(&server)).await;
    assert_eq!(a.body["data"]["isPsaCredentialsValid"], json!(true));
}

fn create_body(id: &str, number: &str) -> Value {
    json!({
        "psaCustomTicketId": id.parse::<i64>().unwrap_or(0),
        "ticketNumber": number,
        "ticketUrl": format!("https://psa.example.com/tickets/{number}"),
    })
}

#[tokio::test]
async fn create_custom_ticket_as_the_openapi_documents_it() {
    for style in [Style::Ncentral] {
        let server = start(style).await;
        let id = server.credentials().ticket_ids[0].clone();
        let path = "/api/custom-psa/tickets";

        let a = post(&server, path, create_body(&id, "EXT-1")).await;
        assert_eq!(a.status, StatusCode::OK, "{style:?}: {}", a.body);
        assert_eq!(a.body["status"], json!(200));
        assert!(a.body["message"].is_string());
        assert_eq!(a.body["data"]["psaCustomTicketId"].to_string(), id);
        assert_eq!(a.body["data"]["psaTicketNumber"], json!("EXT-1"));
        assert_eq!(
            a.body["data"]["url"],
            json!("https://psa.example.com/tickets/EXT-1")
        );

        // A ticket is linked once: a second create conflicts, whatever it
        // names.
        let a = post(&server, path, create_body(&id, "EXT-1")).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
        let a = post(&server, path, create_body(&id, "EXT-2")).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);

        // Jackson's default coercions: a string of digits is an int.
        let other = server.credentials().pending_ticket_id.clone();
        let mut coerced = create_body(&other, "EXT-1");
        coerced["psaCustomTicketId"] = json!(other);
        let a = post(&server, path, coerced).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);

        let unknown = post(&server, path, create_body("999999937", "X")).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);

        let valid = create_body(&id, "EXT-1");
        let mut invalid: Vec<Value> = ["psaCustomTicketId", "ticketNumber", "ticketUrl"]
            .iter()
            .map(|field| {
                let mut b = valid.clone();
                b.as_object_mut().map(|o| o.remove(*field));
                b
            })
            .collect();
        for (field, value) in [
            ("ticketUrl", json!("ftp://psa.example.com/1")),
            ("ticketUrl", json!("psa.example.com/1")),
            ("psaCustomTicketId", json!("abc")),
            ("psaCustomTicketId", json!(true)),
            ("psaCustomTicketId", json!({ "id": 1 })),
            ("psaCustomTicketId", json!(4_294_967_296_i64)),
        ] {
            let mut b = valid.clone();
            b[field] = value;
            invalid.push(b);
        }
        invalid.extend([json!([valid.clone()]), json!("text"), json!({})]);
        for body in invalid {
            let a = post(&server, path, body.clone()).await;
            assert_eq!(
                a.status,
                StatusCode::BAD_REQUEST,
                "{style:?} {body}: {}",
                a.body
            );
            assert_eq!(a.body["status"], json!(400), "an ErrorResponse: {}", a.body);
            assert!(a.body["message"].is_string());
        }
        let a = send(&server, Method::POST, path, None, true).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "no body");

        let a = send(&server, Method::POST, path, Some(valid), false).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "the token comes first");
    }
}

#[tokio::test]
async fn ticket_info_without_psa_credentials_needs_the_token_alone() {
    for style in [Style::Ncentral] {
        let server = start(style).await;
        let id = server.credentials().ticket_ids[0].clone();
        let path = format!("/api/custom-psa/tickets/{id}");

        let with_creds = post(&server, &path, creds(&server)).await;
        let c = server.credentials();
        let a = reqwest::Client::new()
            .get(format!("{}{path}", server.uri()))
            .bearer_auth(c.access_token.expose())
            .send()
            .await
            .expect("answer");
        assert_eq!(
            a.status(),
            StatusCode::OK,
            "{style:?}: no key, no PSA credentials"
        );
        let body: Value = a.json().await.expect("JSON");
        assert_eq!(body["data"], with_creds.body["data"]);
        assert!(body["_links"].is_object());

        let unknown = send(
            &server,
            Method::GET,
            "/api/custom-psa/tickets/999999937",
            None,
            true,
        )
        .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        for malformed in ["abc", "0", "-1"] {
            let a = send(
                &server,
                Method::GET,
                &format!("/api/custom-psa/tickets/{malformed}"),
                None,
                true,
            )
            .await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{malformed}");
        }
        let a = send(&server, Method::GET, &path, None, false).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn every_style_serves_the_operations_of_profile_extended() {
    for style in [Style::Canonical, Style::Alternate] {
        let server = start(style).await;
        let id = server.credentials().pending_ticket_id.clone();
        let a = post(&server, "/api/custom-psa/tickets", create_body(&id, "X")).await;
        assert_eq!(a.status, StatusCode::OK, "{style:?}: {}", a.body);
        let a = send(
            &server,
            Method::GET,
            &format!("/api/custom-psa/tickets/{id}"),
            None,
            true,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{style:?}");
    }
}

#[tokio::test]
async fn every_server_keeps_its_own_links() {
    let a = start(Style::Ncentral).await;
    let b = start(Style::Ncentral).await;
    let id = a.credentials().ticket_ids[0].clone();
    let path = "/api/custom-psa/tickets";
    let first = post(&a, path, create_body(&id, "EXT-A")).await;
    assert_eq!(first.status, StatusCode::OK);
    let other = post(&b, path, create_body(&id, "EXT-B")).await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another server saw this one's link"
    );
    let again = post(&a, path, create_body(&id, "EXT-B")).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

/// The N-central style writes what Jackson writes for the fields of
/// `CustomPsaTicket` its object never set: `null`, never left out (Jackson's
/// default inclusion is ALWAYS). The status the PSA has not confirmed yet is
/// `"newConfirmedStatus": null`, in the create, resolve and reopen answers;
/// the suite's schemas take them (tests/ncentral_nulls.rs).
#[tokio::test]
async fn ncentral_writes_null_for_the_fields_its_object_never_set() {
    let server = start(Style::Ncentral).await;
    let c = server.credentials();
    let schemas = psa_conformance::schema::SchemaSet::load().unwrap();
    let created = post(
        &server,
        "/api/custom-psa/tickets",
        create_body(&c.pending_ticket_id, "EXT-NULL"),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let resolvable = &c.resolvable_ticket_id;
    let resolved = send(
        &server,
        Method::POST,
        &format!("/api/custom-psa/tickets/{resolvable}/resolve"),
        None,
        true,
    )
    .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.body);
    for (what, answer) in [("create", &created), ("resolve", &resolved)] {
        let data = answer.body["data"].as_object().unwrap();
        assert_eq!(data.get("newConfirmedStatus"), Some(&Value::Null), "{what}");
        assert_eq!(
            data.get("inconsistencyDetected"),
            Some(&Value::Null),
            "{what}"
        );
        let v = schemas
            .validate("custom-psa-ticket-create-response", &answer.body)
            .unwrap();
        assert!(v.is_empty(), "{what}: {v:?}");
    }
    // The resolvable ticket was never linked here: no PSA number nor URL.
    let data = resolved.body["data"].as_object().unwrap();
    assert_eq!(data.get("psaTicketNumber"), Some(&Value::Null));
    assert_eq!(data.get("url"), Some(&Value::Null));
    // The linked one has them.
    assert_eq!(created.body["data"]["psaTicketNumber"], "EXT-NULL");
}
