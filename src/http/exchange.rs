//! What one request and its response looked like, for checks and evidence.
//!
//! An [`Exchange`] holds the raw bytes the checks need (an echoed secret must
//! be found before it is masked); [`Exchange::redacted`] is the only way it
//! leaves the process, as an [`ExchangeRecord`] with every secret masked.

use std::time::Duration;

use serde::Serialize;

use crate::redact::Redactor;

/// The request as sent.
#[derive(Debug, Clone)]
pub(crate) struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// The response as received (body read up to the cap).
#[derive(Debug, Clone)]
pub(crate) struct ReceivedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the cap; `body` holds its first bytes.
    pub truncated: bool,
}

impl ReceivedResponse {
    /// The first value of a header, matched case-insensitively.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lower-cased (`application/json`).
    pub(crate) fn media_type(&self) -> Option<String> {
        self.header("content-type").map(crate::api::media_type)
    }

    /// The body parsed as JSON.
    pub(crate) fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The start of the body as text, for messages.
    pub(crate) fn body_preview(&self, max_chars: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let mut preview: String = text.chars().take(max_chars).collect();
        if text.chars().count() > max_chars || self.truncated {
            preview.push('…');
        }
        preview
    }
}

/// Why no response arrived: a problem of the harness or the network, not a
/// finding about the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum TransportErrorKind {
    /// Connection refused, DNS failure, TLS handshake failure.
    Connect,
    /// No answer within the per-request timeout.
    Timeout,
    /// The connection broke or the bytes were not HTTP.
    Protocol,
    /// Not sent at all: the client's circuit breaker was open.
    NotSent,
}

#[derive(Debug, Clone)]
pub(crate) struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
}

/// A 429 that the politeness policy waited out before retrying.
#[derive(Debug, Clone, Serialize)]
pub struct WaitedOut {
    pub status: u16,
    pub retry_after: Option<String>,
    pub waited_ms: u128,
}

/// One request/response pair with its timing.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub request: SentRequest,
    pub outcome: Result<ReceivedResponse, TransportError>,
    /// When the request was sent (or, for a callback, received).
    pub started_at: jiff::Timestamp,
    pub elapsed: Duration,
    /// A call the target made to the harness (a PSA's callback), not a
    /// request the harness sent: nothing to replay.
    pub inbound: bool,
    /// 429 answers waited out before this outcome (politeness, not a finding).
    pub waited_out: Vec<WaitedOut>,
}

impl Exchange {
    pub(crate) fn response(&self) -> Option<&ReceivedResponse> {
        self.outcome.as_ref().ok()
    }

    /// `GET /api/standard-psa → 200`, for messages.
    pub(crate) fn summary_line(&self) -> String {
        let path = url::Url::parse(&self.request.url)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| self.request.url.clone());
        match &self.outcome {
            Ok(r) => format!("{} {} → {}", self.request.method, path, r.status),
            Err(e) => format!(
                "{} {} → no response ({})",
                self.request.method, path, e.message
            ),
        }
    }

    /// The exchange with every secret masked and bodies cut to `max_body`
    /// characters: the only form in which an exchange reaches a report.
    pub(crate) fn redacted(
        &self,
        redactor: &Redactor,
        max_body: usize,
        client: &super::replay::ClientDefaults,
    ) -> ExchangeRecord {
        let headers = |h: &[(String, String)]| {
            h.iter()
                .map(|(k, v)| {
                    let v = redactor.redact(v);
                    (k.clone(), crate::redact::mask_token_shapes(&v).into_owned())
                })
                .collect()
        };
        let body = |b: &[u8]| {
            let text = redactor.redact_bytes(b);
            let pretty = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or(text);
            cut(&pretty, max_body)
        };
        ExchangeRecord {
            method: self.request.method.clone(),
            url: redactor.redact(&self.request.url).into_owned(),
            request_headers: headers(&self.request.headers),
            request_body: self.request.body.as_deref().map(|b| {
                if b.len() > max_body * 4 {
                    format!("({} bytes) {}", b.len(), body(&b[..max_body * 4]))
                } else {
                    body(b)
                }
            }),
            status: self.response().map(|r| r.status),
            response_headers: self
                .response()
                .map(|r| headers(&r.headers))
                .unwrap_or_default(),
            response_body: self.response().map(|r| {
                let mut b = body(&r.body);
                if r.truncated {
                    b.push_str("\n… (body longer than the read cap; rest not read)");
                }
                b
            }),
            transport_error: self
                .outcome
                .as_ref()
                .err()
                .map(|e| redactor.redact(&e.message).into_owned()),
            elapsed_ms: self.elapsed.as_secs_f64() * 1000.0,
            waited_out: self.waited_out.clone(),
            started_at: self.started_at,
            inbound: self.inbound,
            replay: (!self.inbound).then(|| {
                let sent = super::replay::SentRequest {
                    method: &self.request.method,
                    url: &self.request.url,
                    headers: &self.request.headers,
                    body: self.request.body.as_deref(),
                };
                super::replay::curl(sent, redactor, client)
            }),
            wire: WireBodies {
                request: self.request.body.as_deref().map(|b| wire_body(redactor, b)),
                response: self.response().map(|r| WireBody {
                    size: r.body.len(),
                    truncated: r.truncated,
                    ..wire_body(redactor, &r.body)
                }),
            },
        }
    }
}

/// Longest body text kept as sent (redacted, not reformatted) for
/// evidence.har; a longer body keeps its first characters and its size.
pub(crate) const WIRE_BODY_CHARS: usize = 64 * 1024;

fn wire_body(redactor: &Redactor, bytes: &[u8]) -> WireBody {
    let head = &bytes[..bytes.len().min(WIRE_BODY_CHARS)];
    let (text, base64) = match std::str::from_utf8(head) {
        // No whole token of any kind, as in the headers of every report.
        Ok(t) => (
            crate::redact::mask_token_shapes(&redactor.redact(t)).into_owned(),
            false,
        ),
        // Not text: as base64, masked only if a secret shows in its text form.
        Err(_) if redactor.finds_secret_in(&String::from_utf8_lossy(head)) => (
            crate::redact::mask_token_shapes(&redactor.redact_bytes(head)).into_owned(),
            false,
        ),
        Err(_) => {
            use base64::Engine as _;
            (base64::engine::general_purpose::STANDARD.encode(head), true)
        }
    };
    WireBody {
        text,
        base64,
        size: bytes.len(),
        truncated: head.len() < bytes.len(),
    }
}

/// A body as it went over the wire, redacted but not reformatted.
#[derive(Debug, Clone, Serialize)]
pub struct WireBody {
    pub text: String,
    /// `text` is the body in base64 (it was not UTF-8).
    pub base64: bool,
    /// Bytes on the wire (as read, for a response cut at the read cap).
    pub size: usize,
    /// `text` holds only the first [`WIRE_BODY_CHARS`] bytes.
    pub truncated: bool,
}

/// The bodies of an exchange as sent and received, for evidence.har.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WireBodies {
    pub request: Option<WireBody>,
    pub response: Option<WireBody>,
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push_str(&format!("\n… ({} characters in all)", text.chars().count()));
    s
}

/// An exchange as reports show it: secrets masked, bodies cut.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeRecord {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    pub transport_error: Option<String>,
    pub elapsed_ms: f64,
    pub waited_out: Vec<WaitedOut>,
    /// When the request was sent (a callback: received).
    #[serde(serialize_with = "timestamp_text")]
    pub started_at: jiff::Timestamp,
    /// A callback the target made to the harness.
    pub inbound: bool,
    /// The `curl` command that sends the request again (none for a
    /// callback), secrets as `$`-variables.
    pub replay: Option<String>,
    /// The bodies as on the wire, redacted (evidence.har).
    #[serde(skip)]
    pub wire: WireBodies,
}

fn timestamp_text<S: serde::Serializer>(t: &jiff::Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::Secret;

    #[test]
    fn redacted_exchange_masks_headers_bodies_and_urls() {
        let r = Redactor::new();
        r.add(&Secret::new("tok-abcdef"));
        r.add(&Secret::new("pw-123456"));
        let ex = Exchange {
            request: SentRequest {
                method: "POST".into(),
                url: "http://127.0.0.1:1/api/x?p=pw-123456".into(),
                headers: vec![("Authorization".into(), "Bearer tok-abcdef".into())],
                body: Some(br#"{"password":"pw-123456"}"#.to_vec()),
            },
            outcome: Ok(ReceivedResponse {
                status: 400,
                headers: vec![("x-echo".into(), "pw-123456".into())],
                body: br#"{"message":"bad password pw-123456"}"#.to_vec(),
                truncated: false,
            }),
            started_at: jiff::Timestamp::UNIX_EPOCH,
            elapsed: Duration::from_millis(3),
            inbound: false,
            waited_out: vec![],
        };
        let rec = ex.redacted(&r, 1000, &Default::default());
        let all = serde_json::to_string(&rec).unwrap();
        assert!(
            !all.contains("pw-123456") && !all.contains("tok-abcdef"),
            "{all}"
        );
        assert_eq!(rec.request_headers[0].1, "Bearer ***");
    }
}
