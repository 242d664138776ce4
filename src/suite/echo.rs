//! ERR-03: whether an answer echoes a secret the request carried.
//!
//! An echo is the secret itself in the answer, not an innocent coincidence
//! (REQUIREMENTS.md, ERR-03). So a secret counts as echoed in one exchange
//! only when
//! - the request carried it (header, path or body, in any of its forms),
//! - the answer has it as a whole word, not inside a longer one, and
//! - no answer of the run to a request that did *not* carry it has it too
//!   (then it is a word the target says anyway, like `password`).
//!
//! A secret shorter than [`MIN_CHECKABLE_LEN`] is too short to tell from
//! ordinary text: it is listed as not checkable, never failed.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::http::Exchange;
use crate::redact::{self, Secret};

/// Secrets shorter than this cannot be told from ordinary words.
pub(crate) const MIN_CHECKABLE_LEN: usize = 8;

/// One watched secret.
struct Watched {
    /// What it is, for reports ("the integration key"); never its value.
    role: String,
    /// The forms it takes on the wire (plain, JSON-escaped, percent-encoded).
    forms: Vec<String>,
    len: usize,
}

/// Where an echo was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Headers,
    Body,
}

impl Place {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Place::Headers => "response headers",
            Place::Body => "response body",
        }
    }
}

/// A secret of the run found in an answer to a request that carried it.
#[derive(Debug, Clone)]
pub(crate) struct Echo {
    /// Index of the secret in the check's list.
    secret: usize,
    pub role: String,
    pub place: Place,
}

/// The secrets ERR-03 watches, and what the run has seen of them.
#[derive(Default)]
pub(crate) struct EchoCheck {
    secrets: Vec<Watched>,
    /// Secrets seen in an answer to a request that did not carry them.
    coincidental: Mutex<BTreeSet<usize>>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `needle` stands in `text` as a whole word (or, when the needle
/// itself starts or ends with punctuation, as it is).
fn occurs_as_word(text: &str, needle: &str) -> bool {
    let first_is_word = needle.chars().next().is_some_and(is_word);
    let last_is_word = needle.chars().next_back().is_some_and(is_word);
    text.match_indices(needle).any(|(start, m)| {
        let before = text[..start].chars().next_back();
        let after = text[start + m.len()..].chars().next();
        (!first_is_word || !before.is_some_and(is_word))
            && (!last_is_word || !after.is_some_and(is_word))
    })
}

impl EchoCheck {
    /// Watches these secrets, each named by its role.
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = (&'a str, &'a Secret)>) -> Self {
        let mut check = EchoCheck::default();
        for (role, secret) in secrets {
            let value = secret.expose();
            if value.is_empty() || check.secrets.iter().any(|w| w.forms[0] == value) {
                continue;
            }
            check.secrets.push(Watched {
                role: role.to_string(),
                forms: redact::wire_forms(value),
                len: value.chars().count(),
            });
        }
        check
    }

    /// The secrets too short to check, by role and length, for the reports.
    pub(crate) fn not_checkable(&self) -> Vec<String> {
        self.secrets
            .iter()
            .filter(|w| w.len < MIN_CHECKABLE_LEN)
            .map(|w| format!("{} ({} characters)", w.role, w.len))
            .collect()
    }

    fn carried_by(&self, exchange: &Exchange) -> BTreeSet<usize> {
        let request = &exchange.request;
        let body = request
            .body
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        self.secrets
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                w.forms.iter().any(|f| {
                    request.url.contains(f.as_str())
                        || body.contains(f.as_str())
                        || request.headers.iter().any(|(_, v)| v.contains(f.as_str()))
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The checkable secrets in the answer, with where each stands.
    fn found_in_answer(&self, exchange: &Exchange) -> Vec<(usize, Place)> {
        let Some(r) = exchange.response() else {
            return Vec::new();
        };
        let body = String::from_utf8_lossy(&r.body);
        let mut found = Vec::new();
        for (i, w) in self.secrets.iter().enumerate() {
            if w.len < MIN_CHECKABLE_LEN {
                continue;
            }
            let has = |text: &str| w.forms.iter().any(|f| occurs_as_word(text, f));
            if r.headers.iter().any(|(k, v)| has(k) || has(v)) {
                found.push((i, Place::Headers));
            } else if has(&body) {
                found.push((i, Place::Body));
            }
        }
        found
    }

    /// Looks at one exchange: returns the candidate echoes (secrets the
    /// request carried and the answer repeats) and remembers secrets the
    /// answer holds although the request never carried them. The token
    /// exchange's own answer is exempt: issuing tokens is its job.
    pub(crate) fn observe(&self, exchange: &Exchange) -> Vec<Echo> {
        if exchange.request.url.ends_with("/api/auth/authenticate") {
            return Vec::new();
        }
        let found = self.found_in_answer(exchange);
        if found.is_empty() {
            return Vec::new();
        }
        let carried = self.carried_by(exchange);
        let mut echoes = Vec::new();
        let mut coincidental = self.coincidental.lock().unwrap_or_else(|e| e.into_inner());
        for (i, place) in found {
            if carried.contains(&i) {
                echoes.push(Echo {
                    secret: i,
                    role: self.secrets[i].role.clone(),
                    place,
                });
            } else {
                coincidental.insert(i);
            }
        }
        echoes
    }

    /// Whether a candidate echo still stands: its secret was never seen in
    /// an answer to a request that did not carry it.
    pub(crate) fn stands(&self, echo: &Echo) -> bool {
        !self
            .coincidental
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&echo.secret)
    }

    /// The echoes of one exchange that stand as of now (for a scenario's
    /// own check; the run-wide check judges again at the end of the run).
    pub(crate) fn echoes_in(&self, exchange: &Exchange) -> Vec<Echo> {
        self.observe(exchange)
            .into_iter()
            .filter(|e| self.stands(e))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{ReceivedResponse, SentRequest};

    fn exchange(url: &str, request_body: &str, response_body: &str) -> Exchange {
        Exchange {
            request: SentRequest {
                method: "POST".into(),
                url: url.into(),
                headers: vec![],
                body: Some(request_body.as_bytes().to_vec()),
            },
            started_at: jiff::Timestamp::UNIX_EPOCH,
            inbound: false,
            outcome: Ok(ReceivedResponse {
                status: 400,
                headers: vec![("content-type".into(), "application/json".into())],
                body: response_body.as_bytes().to_vec(),
                truncated: false,
            }),
            elapsed: std::time::Duration::ZERO,
            waited_out: Vec::new(),
        }
    }

    #[test]
    fn a_carried_secret_repeated_as_a_word_is_an_echo() {
        let pw = Secret::new("S3cret-pass!");
        let check = EchoCheck::new([("the PSA password", &pw)]);
        let e = exchange(
            "http://t/api/x",
            r#"{"password":"S3cret-pass!"}"#,
            r#"{"message":"bad password S3cret-pass!"}"#,
        );
        let echoes = check.echoes_in(&e);
        assert_eq!(echoes.len(), 1);
        assert_eq!(echoes[0].place, Place::Body);
        assert_eq!(echoes[0].role, "the PSA password");
    }

    #[test]
    fn a_secret_inside_a_longer_word_is_no_echo() {
        let key = Secret::new("20240221");
        let check = EchoCheck::new([("the integration key", &key)]);
        let e = exchange(
            "http://t/api/x",
            "20240221",
            r#"{"message":"at 2024022106 and X20240221"}"#,
        );
        assert!(check.echoes_in(&e).is_empty());
        // As a word of its own it is.
        let e = exchange(
            "http://t/api/x",
            "20240221",
            r#"{"message":"key 20240221 bad"}"#,
        );
        assert_eq!(check.echoes_in(&e).len(), 1);
    }

    #[test]
    fn a_secret_the_target_says_anyway_is_no_echo() {
        let pw = Secret::new("password");
        let check = EchoCheck::new([("the PSA password", &pw)]);
        // An answer to a request that never carried it says the word too.
        let unrelated = exchange("http://t/api/y", "{}", r#"{"message":"missing password"}"#);
        assert!(check.observe(&unrelated).is_empty());
        let carried = exchange(
            "http://t/api/x",
            r#"{"password":"password"}"#,
            r#"{"message":"wrong password"}"#,
        );
        let candidates = check.observe(&carried);
        assert_eq!(candidates.len(), 1);
        assert!(!check.stands(&candidates[0]));
    }

    #[test]
    fn an_answer_to_a_request_without_the_secret_is_never_an_echo() {
        let key = Secret::new("integration-key-123");
        let check = EchoCheck::new([("the integration key", &key)]);
        let e = exchange("http://t/api/x", "{}", "integration-key-123");
        assert!(check.echoes_in(&e).is_empty());
    }

    #[test]
    fn short_secrets_are_listed_not_checked() {
        let pw = Secret::new("abc123");
        let check = EchoCheck::new([("the PSA password", &pw)]);
        assert_eq!(check.not_checkable(), ["the PSA password (6 characters)"]);
        let e = exchange("http://t/api/x", "abc123", "echo abc123");
        assert!(check.echoes_in(&e).is_empty());
    }

    #[test]
    fn eight_characters_are_checkable_seven_are_not() {
        let eight = Secret::new("pw-8chrs");
        let seven = Secret::new("pw-7chr");
        let check = EchoCheck::new([
            ("the PSA password", &eight),
            ("the integration key", &seven),
        ]);
        assert_eq!(
            check.not_checkable(),
            ["the integration key (7 characters)"]
        );
        let e = exchange(
            "http://t/api/x",
            "pw-8chrs pw-7chr",
            "echo pw-8chrs pw-7chr",
        );
        let echoes = check.echoes_in(&e);
        assert_eq!(echoes.len(), 1, "{echoes:?}");
        assert_eq!(echoes[0].role, "the PSA password");
    }

    #[test]
    fn a_secret_in_a_response_header_value_is_an_echo_in_the_headers() {
        let key = Secret::new("integration-key-123");
        let check = EchoCheck::new([("the integration key", &key)]);
        let mut e = exchange("http://t/api/x", "integration-key-123", "{}");
        if let Ok(r) = &mut e.outcome {
            r.headers
                .push(("x-echo".into(), "integration-key-123".into()));
        }
        let echoes = check.echoes_in(&e);
        assert_eq!(echoes.len(), 1, "{echoes:?}");
        assert_eq!(echoes[0].place, Place::Headers);
        assert_eq!(Place::Headers.describe(), "response headers");
        assert_eq!(Place::Body.describe(), "response body");
    }

    #[test]
    fn percent_encoded_and_json_escaped_forms_count() {
        let pw = Secret::new("pa\"ss w/rd-long");
        let check = EchoCheck::new([("the PSA password", &pw)]);
        // JSON-escaped in the request body, JSON-escaped in the answer.
        let e = exchange(
            "http://t/api/x",
            r#"{"password":"pa\"ss w/rd-long"}"#,
            r#"{"message":"pa\"ss w/rd-long"}"#,
        );
        assert_eq!(check.echoes_in(&e).len(), 1);
        // Percent-encoded in the URL as JavaScript's
        // encodeURIComponent('pa"ss w/rd-long') writes it, and repeated so
        // in the answer: the request body carries nothing.
        let encoded = "pa%22ss%20w%2Frd-long";
        let e = exchange(
            &format!("http://t/api/x?password={encoded}"),
            "{}",
            &format!(r#"{{"message":"no user {encoded}"}}"#),
        );
        let echoes = check.echoes_in(&e);
        assert_eq!(echoes.len(), 1, "the percent-encoded form is an echo");
        assert_eq!(echoes[0].place, Place::Body);
        // Form-urlencoded as URLSearchParams writes it (space as `+`).
        let form = "pa%22ss+w%2Frd-long";
        let e = exchange(
            "http://t/api/x",
            &format!("password={form}"),
            &format!("bad password={form}"),
        );
        assert_eq!(check.echoes_in(&e).len(), 1, "the form-urlencoded form");
        // Carried as JSON in the body, echoed percent-encoded.
        let e = exchange(
            "http://t/api/x",
            r#"{"password":"pa\"ss w/rd-long"}"#,
            &format!("Location: /login?retry={encoded}"),
        );
        assert_eq!(
            check.echoes_in(&e).len(),
            1,
            "carried in one form, echoed in another"
        );
    }
}
