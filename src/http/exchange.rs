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
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// The response as received (body read up to the cap).
#[derive(Debug, Clone)]
pub struct ReceivedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the cap; `body` holds its first bytes.
    pub truncated: bool,
}

impl ReceivedResponse {
    /// The first value of a header, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lower-cased (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(crate::api::media_type)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The start of the body as text, for messages.
    pub fn body_preview(&self, max_chars: usize) -> String {
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
pub enum TransportErrorKind {
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
pub struct TransportError {
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
pub struct Exchange {
    pub request: SentRequest,
    pub outcome: Result<ReceivedResponse, TransportError>,
    pub elapsed: Duration,
    /// 429 answers waited out before this outcome (politeness, not a finding).
    pub waited_out: Vec<WaitedOut>,
}

impl Exchange {
    pub fn response(&self) -> Option<&ReceivedResponse> {
        self.outcome.as_ref().ok()
    }

    /// `GET /api/standard-psa → 200`, for messages.
    pub fn summary_line(&self) -> String {
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
    pub fn redacted(&self, redactor: &Redactor, max_body: usize) -> ExchangeRecord {
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
        }
    }
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
            elapsed: Duration::from_millis(3),
            waited_out: vec![],
        };
        let rec = ex.redacted(&r, 1000);
        let all = serde_json::to_string(&rec).unwrap();
        assert!(
            !all.contains("pw-123456") && !all.contains("tok-abcdef"),
            "{all}"
        );
        assert_eq!(rec.request_headers[0].1, "Bearer ***");
    }
}
