//! Steps that build and send requests.
//!
//! Unless a step says otherwise, every request carries a valid access token;
//! POST requests also carry the integration key and the configured PSA
//! credentials as a JSON body (the seed's rules). `{psaType}`,
//! `{customPsaTicketId}` and `{unknownTicketId}` in a path are replaced with
//! the target's values; `{username}` and `{password}` in a body likewise.

use cucumber::gherkin::Step;
use cucumber::{given, when};
use reqwest::Method;

use crate::finding::Finding;
use crate::world::{AuthChoice, BodyChoice, CredentialsChoice, KeyChoice, PsaWorld};

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
fn raw_body(w: &mut PsaWorld, step: &Step) -> Result<(), Finding> {
    let text = step
        .docstring
        .as_deref()
        .ok_or_else(|| Finding::harness("the step `the body is:` needs a doc string"))?;
    // Gherkin keeps the newline after the opening delimiter; the body is the text.
    let text = text.strip_prefix('\n').unwrap_or(text);
    w.draft.body = BodyChoice::Raw(w.expand_body(text)?.into_bytes());
    Ok(())
}

#[given(regex = r"^the body is `(.*)`$")]
fn inline_body(w: &mut PsaWorld, text: String) -> Result<(), Finding> {
    w.draft.body = BodyChoice::Raw(w.expand_body(&text)?.into_bytes());
    Ok(())
}

#[given(regex = r#"^the Content-Type is "(.*)"$"#)]
fn content_type(w: &mut PsaWorld, value: String) {
    w.draft.content_type = Some(value);
}

#[when(regex = r"^the client sends (GET|POST|PUT|PATCH|DELETE) (/\S*)$")]
async fn send(w: &mut PsaWorld, method: String, template: String) -> Result<(), Finding> {
    let method =
        Method::from_bytes(method.as_bytes()).map_err(|e| Finding::harness(e.to_string()))?;
    let path = w.expand_path(&template)?;
    let spec = w.build_request(method, &path)?;
    w.send(spec).await
}

#[when(regex = r#"^the client asks for ticket "(.*)"$"#)]
async fn ask_for_ticket(w: &mut PsaWorld, id: String) -> Result<(), Finding> {
    let id = w.expand_path(&id)?;
    let path = format!("/api/custom-psa/tickets/{}", encode_segment(&id));
    let spec = w.build_request(Method::POST, &path)?;
    w.send(spec).await
}

#[when(regex = r#"^the client validates PSA credentials for psaType "(.*)"$"#)]
async fn validate_for_type(w: &mut PsaWorld, psa_type: String) -> Result<(), Finding> {
    let psa_type = w.expand_path(&psa_type)?;
    let path = format!("/api/standard-psa/{}/credential", encode_segment(&psa_type));
    let spec = w.build_request(Method::POST, &path)?;
    w.send(spec).await
}

/// Percent-encodes a path segment (RFC 3986: everything but unreserved).
/// `%` itself is encoded, so `%00` goes on the wire as `%2500` unless the
/// caller wrote the escape it meant: `<%00>` sends a literal `%00`.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut rest = segment;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            if let Some(end) = after.find('>') {
                let raw = &after[..end];
                if raw.starts_with('%') {
                    out.push_str(raw);
                    rest = &after[end + 1..];
                    continue;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_segment;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("1142285696"), "1142285696");
        assert_eq!(encode_segment("1' OR '1'='1"), "1%27%20OR%20%271%27%3D%271");
        assert_eq!(encode_segment("../../etc/passwd"), "..%2F..%2Fetc%2Fpasswd");
        assert_eq!(encode_segment("1<%00>"), "1%00");
        assert_eq!(encode_segment("%00"), "%2500");
    }
}
