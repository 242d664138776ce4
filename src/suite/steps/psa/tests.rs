//! Unit tests of `suite::steps::psa`.

use super::*;

/// A response as a server could send it.
pub(crate) fn response(status: u16, content_type: &str, body: &str) -> ReceivedResponse {
    ReceivedResponse {
        status,
        headers: vec![("content-type".into(), content_type.into())],
        body: body.as_bytes().to_vec(),
        truncated: false,
    }
}

fn json(status: u16, body: &str) -> ReceivedResponse {
    response(status, "application/json", body)
}

const TICKET: &str = r#"{"data":{"ticketId":"1","ticketTitle":"Printer","ticketDetails":"Jammed","ticketStatus":"OPEN","creationDate":"2024-02-21T06:28-05:00[America/New_York]"},"_links":{}}"#;

#[test]
fn cred_04_and_tckt_07_need_400_and_allow_jackson_coercion_only_as_wrong_credentials() {
    use CredentialEndpoint::{Credential, Ticket};
    let bad_request = json(400, r#"{"status":400,"message":"m","errors":null}"#);
    let spring_false = json(
        200,
        r#"{"data":{"isPsaCredentialsValid":false},"_links":{}}"#,
    );
    let spring_true = json(
        200,
        r#"{"data":{"isPsaCredentialsValid":true},"_links":{}}"#,
    );
    let wrong_creds_ticket = json(
        400,
        r#"{"status":400,"message":"PSA credentials were rejected."}"#,
    );
    let forbidden = json(
        401,
        r#"{"status":401,"message":"PSA credentials were rejected."}"#,
    );
    let ticket = json(200, TICKET);
    let crash = json(500, r#"{"status":500,"message":"boom"}"#);
    // Every body, each answered `answer` where `pick` says so, else 400.
    let answers = |pick: &dyn Fn(&InvalidBody) -> bool, answer: &ReceivedResponse| {
        INVALID_CREDENTIAL_BODIES
            .iter()
            .map(|b| {
                (
                    b,
                    Some(if pick(b) {
                        answer.clone()
                    } else {
                        bad_request.clone()
                    }),
                )
            })
            .collect::<Vec<_>>()
    };
    fn view<'a>(
        a: &'a [(&'static InvalidBody, Option<ReceivedResponse>)],
    ) -> Vec<(&'static InvalidBody, Option<&'a ReceivedResponse>)> {
        a.iter().map(|(b, r)| (*b, r.as_ref())).collect()
    }
    let coerced = |b: &InvalidBody| b.jackson_reads_as_string;
    let plain = |b: &InvalidBody| !b.jackson_reads_as_string;
    assert!(INVALID_CREDENTIAL_BODIES.iter().any(coerced));

    // All 400: passes the MUST and the SHOULD, on both endpoints.
    let all = answers(&|_| false, &bad_request);
    for endpoint in [Credential, Ticket] {
        assert!(check_invalid_bodies_refused(endpoint, &view(&all), false).is_ok());
        assert!(check_invalid_bodies_refused(endpoint, &view(&all), true).is_ok());
    }
    // Spring reads 42 as "42": 200 false on the credential endpoint
    // passes the MUST, not the SHOULD.
    let a = answers(&coerced, &spring_false);
    assert!(check_invalid_bodies_refused(Credential, &view(&a), false).is_ok());
    assert!(check_invalid_bodies_refused(Credential, &view(&a), true).is_err());
    let a = answers(&coerced, &forbidden);
    assert!(check_invalid_bodies_refused(Ticket, &view(&a), false).is_ok());
    let a = answers(&coerced, &wrong_creds_ticket);
    assert!(check_invalid_bodies_refused(Ticket, &view(&a), true).is_ok());
    // ... but never valid credentials, ticket data or a crash.
    for (endpoint, answer) in [
        (Credential, &spring_true),
        (Credential, &crash),
        (Ticket, &ticket),
        (Ticket, &spring_false),
        (Ticket, &crash),
    ] {
        let a = answers(&coerced, answer);
        assert!(
            check_invalid_bodies_refused(endpoint, &view(&a), false).is_err(),
            "{endpoint:?} {}",
            answer.body_preview(60)
        );
    }
    // Any other body must be 400, whatever the answer.
    for answer in [&spring_false, &forbidden, &json(422, "{}"), &crash] {
        let a = answers(&plain, answer);
        let f = check_invalid_bodies_refused(Credential, &view(&a), false).unwrap_err();
        assert!(f.actual.as_deref().unwrap().contains("no username"), "{f}");
    }
    // No answer is no pass.
    let mut a = answers(&|_| false, &bad_request);
    a[0].1 = None;
    assert!(check_invalid_bodies_refused(Credential, &view(&a), false).is_err());
    assert!(check_invalid_bodies_refused(Credential, &[], false).is_err());
}

#[test]
fn cred_02_passes_refusals_and_explicit_false_only() {
    for ok in [
        json(
            200,
            r#"{"data":{"isPsaCredentialsValid":false},"_links":{}}"#,
        ),
        json(200, r#"{"isPsaCredentialsValid":false}"#),
        json(200, r#"{"data":{"isPsaCredentialsValid":"false"}}"#),
        json(
            400,
            r#"{"status":400,"message":"PSA credentials were rejected."}"#,
        ),
        response(401, "text/plain", "no"),
    ] {
        assert!(check_not_reported_valid(&ok).is_ok(), "{}", ok.status);
    }
    for bad in [
        json(200, r#"{"data":{"isPsaCredentialsValid":true}}"#),
        json(200, r#"{"data":{"isPsaCredentialsValid":"true"}}"#),
        json(200, r#"{"data":{"isPsaCredentialsValid":"TRUE"}}"#),
        json(200, r#"{"data":{"isPsaCredentialsValid":1}}"#),
        json(200, r#"{"isPsaCredentialsValid":true}"#),
        json(200, r#"{"data":{}}"#),
        json(200, r#"{"data":{"isPsaCredentialsValid":null}}"#),
        response(200, "text/plain", "valid"),
        json(204, ""),
        json(500, r#"{"status":500,"message":"boom"}"#),
        json(503, ""),
        response(302, "text/html", ""),
    ] {
        let f = check_not_reported_valid(&bad).expect_err(&bad.body_preview(80));
        assert!(f.actual.is_some() && f.expected.is_some());
    }
}

#[test]
fn tckt_08_fails_on_any_success_and_on_ticket_data_in_any_body() {
    for ok in [
        json(
            400,
            r#"{"status":400,"message":"PSA credentials were rejected.","errors":null}"#,
        ),
        json(401, r#"{"status":401,"message":"no"}"#),
        response(403, "text/plain", "Forbidden"),
        json(
            400,
            r#"{"status":400,"message":"m","data":{"ticketTitle":null}}"#,
        ),
    ] {
        assert!(check_no_ticket_data(&ok).is_ok(), "{}", ok.body_preview(80));
    }
    for bad in [
        json(200, TICKET),
        json(200, r#"{"status":200,"message":"ok"}"#),
        response(200, "text/plain", "nothing to see"),
        json(400, TICKET),
        json(
            403,
            &format!(r#"{{"status":403,"message":"m","ticket":{TICKET}}}"#),
        ),
        json(400, &format!(r#"[{TICKET}]"#)),
        response(400, "text/plain", "ticketTitle=Printer ticketStatus=OPEN"),
        response(400, "text/html", "<td>ticketDetails</td>"),
        json(500, r#"{"status":500,"message":"boom"}"#),
    ] {
        assert!(
            check_no_ticket_data(&bad).is_err(),
            "{} {} passed",
            bad.status,
            bad.body_preview(80)
        );
    }
}

#[test]
fn sec_01_takes_spring_answers_and_refuses_crashes_and_leaks() {
    for ok in [
        json(400, r#"{"status":400,"message":"m"}"#),
        json(413, r#"{"status":413,"message":"m"}"#),
        json(
            200,
            r#"{"data":{"isPsaCredentialsValid":false},"_links":{}}"#,
        ),
        json(
            400,
            r#"{"status":400,"message":"PSA credentials were rejected."}"#,
        ),
        response(413, "text/html", "<h1>Request Entity Too Large</h1>"),
    ] {
        assert!(
            check_huge_body_answer(&ok).is_ok(),
            "{}",
            ok.body_preview(80)
        );
    }
    for bad in [
        json(500, r#"{"status":500,"message":"boom"}"#),
        response(502, "text/html", "Bad Gateway"),
        json(200, r#"{"data":{"isPsaCredentialsValid":true}}"#),
        json(200, r#"{"data":{"isPsaCredentialsValid":"true"}}"#),
        json(200, TICKET),
        response(200, "text/plain", "ticketTitle: Printer"),
    ] {
        assert!(
            check_huge_body_answer(&bad).is_err(),
            "{} {} passed",
            bad.status,
            bad.body_preview(80)
        );
    }
}
