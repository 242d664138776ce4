//! Steps that build and send requests.
//!
//! Unless a step says otherwise, every request carries a valid access token;
//! POST requests also carry the integration key and the configured PSA
//! credentials as a JSON body (the seed's rules). `{psaType}`,
//! `{customPsaTicketId}` and `{unknownTicketId}` in a path are replaced with
//! the target's values; `{username}` and `{password}` in a body likewise.

use cucumber::gherkin::Step;
use cucumber::{given, when};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;

use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::shared_sends::SharedSend;
use crate::suite::world::{AuthChoice, BodyChoice, CredentialsChoice, KeyChoice, PsaWorld};

#[given("the request has no Authorization header")]
fn no_authorization(w: &mut PsaWorld) {
    w.draft.auth = AuthChoice::Missing;
}

#[given(regex = r#"^the Authorization header is "(.*)"$"#)]
fn raw_authorization(w: &mut PsaWorld, value: String) {
    w.draft.auth = AuthChoice::Raw(value);
}

#[given("the request has no INTEGRATION-KEY header")]
fn no_key(w: &mut PsaWorld) {
    w.draft.key = KeyChoice::Missing;
}

#[given("the INTEGRATION-KEY is wrong")]
fn wrong_key(w: &mut PsaWorld) {
    w.draft.key = KeyChoice::Wrong;
}

#[given("the body carries a wrong PSA password")]
fn wrong_password(w: &mut PsaWorld) {
    w.draft.credentials = CredentialsChoice::WrongPassword;
}

#[given("the body is empty")]
fn empty_body(w: &mut PsaWorld) {
    w.draft.body = BodyChoice::Raw(Vec::new());
}

#[given("the body is:")]
async fn raw_body(w: &mut PsaWorld, step: &Step) -> StepOutcome {
    StepOutcome::of(async {
        let text = step
            .docstring
            .as_deref()
            .ok_or_else(|| Finding::harness("the step `the body is:` needs a doc string"))?;
        // Gherkin keeps the newline after the opening delimiter; the body is the text.
        let text = text.strip_prefix('\n').unwrap_or(text);
        w.draft.body = BodyChoice::Raw(w.expand_body(text)?.into_bytes());
        Ok(())
    })
    .await
}

#[given(regex = r"^the body is `(.*)`$")]
async fn inline_body(w: &mut PsaWorld, text: String) -> StepOutcome {
    StepOutcome::of(async {
        w.draft.body = BodyChoice::Raw(w.expand_body(&text)?.into_bytes());
        Ok(())
    })
    .await
}

#[given(regex = r#"^the Content-Type is "(.*)"$"#)]
fn content_type(w: &mut PsaWorld, value: String) {
    w.draft.content_type = Some(value);
}

#[when(regex = r"^the client sends (GET|POST|PUT|PATCH|DELETE) (/\S*)$")]
async fn send(w: &mut PsaWorld, method: String, template: String) -> StepOutcome {
    StepOutcome::of(async {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| Finding::harness(e.to_string()))?;
        let path = w.expand_path(&template)?;
        let spec = w.build_request(method, &path)?;
        w.send(spec).await
    })
    .await
}

/// One invalid credential body of CRED-04 and TCKT-07.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InvalidBody {
    /// What is wrong with it, as reports name it.
    pub case: &'static str,
    /// The body; `{username}` and `{password}` are the endpoint's
    /// configured PSA credentials, so only the flaw named can be the reason
    /// for a refusal.
    pub text: &'static str,
    /// A number or boolean where a string is due: Jackson's defaults read
    /// it as a string (`42` → `"42"`), so N-central sees merely wrong
    /// credentials. For these 400 is a SHOULD; the MUST is an answer like
    /// any wrong credentials.
    pub jackson_reads_as_string: bool,
}

const fn body(case: &'static str, text: &'static str) -> InvalidBody {
    InvalidBody {
        case,
        text,
        jackson_reads_as_string: false,
    }
}

const fn coerced(case: &'static str, text: &'static str) -> InvalidBody {
    InvalidBody {
        case,
        text,
        jackson_reads_as_string: true,
    }
}

/// The invalid bodies CRED-04 and TCKT-07 both send: one list, so the two
/// requirements try exactly the same set.
pub(crate) const INVALID_CREDENTIAL_BODIES: &[InvalidBody] = &[
    body("no username", r#"{"password": "{password}"}"#),
    body("no password", r#"{"username": "{username}"}"#),
    body(
        "an empty username",
        r#"{"username": "", "password": "{password}"}"#,
    ),
    body(
        "an empty password",
        r#"{"username": "{username}", "password": ""}"#,
    ),
    body("empty strings", r#"{"username": "", "password": ""}"#),
    body(
        "a null password",
        r#"{"username": "{username}", "password": null}"#,
    ),
    body(
        "an object username",
        r#"{"username": {"name": "{username}"}, "password": "{password}"}"#,
    ),
    body(
        "an array password",
        r#"{"username": "{username}", "password": ["{password}"]}"#,
    ),
    coerced(
        "a numeric username",
        r#"{"username": 42, "password": "{password}"}"#,
    ),
    coerced(
        "a boolean password",
        r#"{"username": "{username}", "password": true}"#,
    ),
    body(
        "malformed JSON",
        r#"{"username": "{username}", "password":"#,
    ),
    body("an empty body", ""),
    body(
        "a JSON array",
        r#"[{"username": "{username}", "password": "{password}"}]"#,
    ),
    body("a JSON string", r#""{username}""#),
];

#[when(regex = r"^the client sends every invalid credential body to POST (/\S*)$")]
async fn send_invalid_bodies(w: &mut PsaWorld, template: String) -> StepOutcome {
    StepOutcome::of(async {
        let path = w.expand_path(&template)?;
        // The MUST scenario and its `@should` twin judge the same answers:
        // whichever comes first sends, the other takes a copy.
        let cell = w
            .ctx()?
            .shared_sends
            .cell(&format!("invalid bodies POST {path}"));
        let before = (
            w.exchanges.len(),
            w.rate_limited.len(),
            w.harness_errors.len(),
        );
        let mut sent_here = false;
        let shared = cell
            .get_or_try_init(|| async {
                sent_here = true;
                for invalid in INVALID_CREDENTIAL_BODIES {
                    let body = expand_credentials(w, &path, invalid.text)?;
                    w.draft.body = BodyChoice::Raw(body.into_bytes());
                    let spec = w.build_request(Method::POST, &path)?;
                    w.send(spec).await?;
                }
                Ok::<_, Finding>(SharedSend {
                    exchanges: w.exchanges[before.0..].to_vec(),
                    rate_limited: w.rate_limited[before.1..].to_vec(),
                    harness_errors: w.harness_errors[before.2..].to_vec(),
                })
            })
            .await?
            .clone();
        if !sent_here {
            w.exchanges.extend(shared.exchanges);
            w.rate_limited.extend(shared.rate_limited);
            w.harness_errors.extend(shared.harness_errors);
        }
        Ok(())
    })
    .await
}

/// Replaces `{username}` and `{password}` with the credentials of the
/// endpoint the path names (custom PSA for tickets, standard PSA otherwise),
/// JSON-escaped, since they land inside JSON strings.
fn expand_credentials(w: &PsaWorld, path: &str, text: &str) -> Result<String, Finding> {
    let target = &w.ctx()?.target;
    let creds = if path.starts_with("/api/custom-psa") {
        &target.custom_psa
    } else {
        &target.standard_psa
    };
    let escaped = |v: &str| {
        serde_json::to_string(v)
            .map(|q| q[1..q.len() - 1].to_string())
            .map_err(|e| Finding::harness(e.to_string()))
    };
    Ok(text
        .replace("{username}", &escaped(&creds.username)?)
        .replace("{password}", &escaped(creds.password.expose())?))
}

#[when(regex = r#"^the client asks for ticket "(.*)"$"#)]
async fn ask_for_ticket(w: &mut PsaWorld, id: String) -> StepOutcome {
    StepOutcome::of(async {
        let path = ticket_path(&w.expand_path(&id)?);
        let spec = w.build_request(Method::POST, &path)?;
        w.send(spec).await
    })
    .await
}

#[when(regex = r#"^the client validates PSA credentials for psaType "(.*)"$"#)]
async fn validate_for_type(w: &mut PsaWorld, psa_type: String) -> StepOutcome {
    StepOutcome::of(async {
        let path = credential_path(&w.expand_path(&psa_type)?);
        let spec = w.build_request(Method::POST, &path)?;
        w.send(spec).await
    })
    .await
}

/// `POST /api/custom-psa/tickets/{id}` with the id encoded once.
pub(crate) fn ticket_path(id: &str) -> String {
    format!("/api/custom-psa/tickets/{}", encode_segment(id))
}

/// `POST /api/standard-psa/{psaType}/credential` with the type encoded once.
pub(crate) fn credential_path(psa_type: &str) -> String {
    format!("/api/standard-psa/{}/credential", encode_segment(psa_type))
}

/// What stays as it is in a path segment: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path segment exactly once: an escape already written
/// (`%2e`, `%2F`, `%00`) goes on the wire as written; every other character
/// but the unreserved ones is encoded, a `%` that starts no escape too.
/// So `%2e%2e%2f` is sent as `%2e%2e%2f`, never `%252e%252e%252f`, and
/// `1' OR '1'='1` as `1%27%20OR%20%271%27%3D%271`.
pub(crate) fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut rest = segment;
    while let Some(i) = rest.find('%') {
        out.extend(utf8_percent_encode(&rest[..i], SEGMENT));
        let escape = rest.as_bytes().get(i + 1..i + 3);
        if escape.is_some_and(|e| e.iter().all(u8::is_ascii_hexdigit)) {
            out.push_str(&rest[i..i + 3]);
            rest = &rest[i + 3..];
        } else {
            out.push_str("%25");
            rest = &rest[i + 1..];
        }
    }
    out.extend(utf8_percent_encode(rest, SEGMENT));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{ClientSettings, HttpClient, On429, RequestSpec};

    /// Each SEC-02 value as the feature writes it, and the path that must go
    /// on the wire.
    const SEC_02: &[(&str, &str)] = &[
        (
            "..%2F..%2Fetc%2Fpasswd",
            "/api/custom-psa/tickets/..%2F..%2Fetc%2Fpasswd",
        ),
        ("%2e%2e%2f", "/api/custom-psa/tickets/%2e%2e%2f"),
        (
            "1' OR '1'='1",
            "/api/custom-psa/tickets/1%27%20OR%20%271%27%3D%271",
        ),
        ("%00", "/api/custom-psa/tickets/%00"),
        ("1%00", "/api/custom-psa/tickets/1%00"),
        (
            "1;DROP TABLE x",
            "/api/custom-psa/tickets/1%3BDROP%20TABLE%20x",
        ),
    ];

    #[test]
    fn segments_are_percent_encoded_once() {
        assert_eq!(encode_segment("1142285696"), "1142285696");
        assert_eq!(encode_segment("../../etc/passwd"), "..%2F..%2Fetc%2Fpasswd");
        assert_eq!(encode_segment("100%"), "100%25");
        assert_eq!(encode_segment("%zz%4"), "%25zz%254");
        assert_eq!(encode_segment("é"), "%C3%A9");
        for (value, path) in SEC_02 {
            assert_eq!(ticket_path(value), *path, "{value}");
        }
        let long = "9".repeat(4096);
        assert_eq!(
            ticket_path(&long),
            format!("/api/custom-psa/tickets/{long}")
        );
        assert_eq!(
            credential_path("3' OR '1'='1"),
            "/api/standard-psa/3%27%20OR%20%271%27%3D%271/credential"
        );
    }

    /// The request line a loopback server reads for each SEC-02 value: what
    /// the HTTP client (reqwest, url) makes of the path on the wire.
    #[tokio::test]
    async fn the_wire_carries_each_value_encoded_once() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let mut lines = Vec::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).into_owned();
                lines.push(head.lines().next().unwrap_or_default().to_string());
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
                if lines.len() == SEC_02.len() + 1 {
                    return lines;
                }
            }
            lines
        });
        let client =
            HttpClient::new(url::Url::parse(&base).unwrap(), ClientSettings::default()).unwrap();
        let long = "9".repeat(4096);
        let values: Vec<&str> = SEC_02
            .iter()
            .map(|(v, _)| *v)
            .chain([long.as_str()])
            .collect();
        for value in &values {
            let spec = RequestSpec {
                method: Method::POST,
                path: ticket_path(value),
                headers: vec![],
                body: None,
                on_429: On429::Return,
            };
            let ex = client.send(&spec).await;
            assert_eq!(ex.response().map(|r| r.status), Some(404), "{value}");
        }
        let lines = server.await.unwrap();
        let expected: Vec<String> = SEC_02
            .iter()
            .map(|(_, p)| (*p).to_string())
            .chain([format!("/api/custom-psa/tickets/{long}")])
            .map(|p| format!("POST {p} HTTP/1.1"))
            .collect();
        assert_eq!(lines, expected);
    }
}
