//! Checks on error answers, shared by every endpoint: the `ErrorResponse`
//! body (AUTH-05, KEY-05, ERR-01) and echoed secrets (ERR-03).

use cucumber::then;

use super::evidence::{body_preview, last_line};
use crate::http::{Exchange, ReceivedResponse};
use crate::redact::Redactor;
use crate::suite::echo::EchoCheck;
use crate::suite::error_body;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::PsaWorld;

fn error_response(w: &PsaWorld, expected_status: Option<u16>) -> Result<(), Finding> {
    let r = w.last_response()?;
    if let Some(want) = expected_status.filter(|want| *want != r.status) {
        return Err(Finding::failure("the error answer has another status")
            .expected(format!(
                "HTTP {want} with an ErrorResponse whose status is {want}"
            ))
            .actual(body_preview(w))
            .exchange(last_line(w)));
    }
    error_body::check(&w.ctx()?.schemas, r).map_err(|p| p.finding(r, last_line(w)))
}

#[then(regex = r"^the response is an ErrorResponse with status (\d{3})$")]
async fn error_with_status(w: &mut PsaWorld, status: u16) -> StepOutcome {
    StepOutcome::of(async { error_response(w, Some(status)) }).await
}

#[then("the response is an ErrorResponse whose status is the HTTP status")]
async fn error_matching_status(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async { error_response(w, None) }).await
}

#[then("no response so far echoes the PSA password, the integration key or the bearer token")]
async fn no_echo(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        check_no_echo(&w.exchanges, &ctx.monitor.echo, &ctx.redactor)
    })
    .await
}

/// ERR-03 over a scenario's exchanges, by the run's echo rule. An answer
/// that never came proves nothing: the check cannot be made, so it does
/// not pass.
pub(crate) fn check_no_echo(
    exchanges: &[Exchange],
    echo: &EchoCheck,
    redactor: &Redactor,
) -> Result<(), Finding> {
    if exchanges.is_empty() {
        return Err(Finding::harness(
            "no request was sent before the echo check",
        ));
    }
    if let Some(unanswered) = exchanges.iter().find(|e| e.response().is_none()) {
        let why = match &unanswered.outcome {
            Err(e) => e.message.clone(),
            Ok(_) => String::new(),
        };
        return Err(Finding::harness(format!(
            "cannot check for echoed secrets: {} got no answer ({})",
            unanswered.summary_line(),
            redactor.redact(&why)
        )));
    }
    for exchange in exchanges {
        if let Some(echo) = echo.echoes_in(exchange).first() {
            return Err(Finding::failure("the response echoes a secret")
                .expected(
                    "no submitted password, integration key or bearer token in any header or body",
                )
                .actual(format!(
                    "{} (shown as ***) appears in the {}",
                    echo.role,
                    echo.place.describe()
                ))
                .exchange(exchange.summary_line())
                .hint("error messages must not quote credentials back"));
        }
    }
    Ok(())
}

/// Whether an answer holds `secret` (in any of its wire forms) as a whole
/// word, in a header or the body: ERR-03's notion of "the secret itself".
pub(crate) fn answer_reveals(r: &ReceivedResponse, secret: &str) -> bool {
    fn is_word(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }
    let forms = crate::redact::wire_forms(secret);
    let has = |text: &str| {
        forms.iter().filter(|f| !f.is_empty()).any(|f| {
            text.match_indices(f.as_str()).any(|(start, m)| {
                let before = text[..start].chars().next_back();
                let after = text[start + m.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })
        })
    };
    r.headers.iter().any(|(k, v)| has(k) || has(v)) || has(&String::from_utf8_lossy(&r.body))
}

/// ERR-03 for a request with a wrong key: its answer must not reveal the
/// configured key — a leak worse than an echo, which the echo rule (the
/// secret the request carried) does not see. `plain` is the answer to a
/// request that carried no key at all: a key found there too is a word the
/// target says anyway, not a leak. A key too short to tell from ordinary
/// text (under [`crate::suite::echo::MIN_CHECKABLE_LEN`]) is not checked; the
/// reports list it as not checkable.
pub(crate) fn check_key_not_revealed(
    wrong_key_answer: &ReceivedResponse,
    plain: Option<&ReceivedResponse>,
    key: &str,
) -> Result<(), Finding> {
    if key.chars().count() < crate::suite::echo::MIN_CHECKABLE_LEN
        || !answer_reveals(wrong_key_answer, key)
        || plain.is_some_and(|p| answer_reveals(p, key))
    {
        return Ok(());
    }
    Err(
        Finding::failure("the answer to a wrong integration key reveals the configured one")
            .expected("no configured integration key in any header or body")
            .actual(format!(
                "the integration key (shown as ***) appears in a {} answer",
                wrong_key_answer.status
            ))
            .hint("error messages must not quote credentials back"),
    )
}

#[then("the answer does not reveal the configured integration key")]
async fn key_not_revealed(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        let before = super::evidence::last_line(w);
        let key = ctx.target.integration_key.expose();
        if !answer_reveals(w.last_response()?, key) {
            return Ok(());
        }
        // Found: is it a word the target says to anyone?
        let spec = w.build_request(reqwest::Method::GET, "/api/standard-psa")?;
        w.send(spec).await?;
        let n = w.exchanges.len();
        let wrong_key_answer = w.exchanges[n - 2]
            .response()
            .ok_or_else(|| Finding::harness("the wrong-key answer went missing"))?;
        let plain = w.exchanges[n - 1].response();
        check_key_not_revealed(wrong_key_answer, plain, key).map_err(|f| f.exchange(before))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{ReceivedResponse, SentRequest, TransportError, TransportErrorKind};
    use crate::redact::Secret;
    use std::time::Duration;

    const PASSWORD: &str = "wrong-0123456789abcdef";

    fn exchange(outcome: Result<&str, TransportErrorKind>) -> Exchange {
        Exchange {
            request: SentRequest {
                method: "POST".into(),
                url: "http://127.0.0.1:1/api/standard-psa/3/credential".into(),
                headers: vec![],
                body: Some(format!(r#"{{"username":"u","password":"{PASSWORD}"}}"#).into_bytes()),
            },
            started_at: jiff::Timestamp::UNIX_EPOCH,
            inbound: false,
            outcome: match outcome {
                Ok(body) => Ok(ReceivedResponse {
                    status: 400,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: body.as_bytes().to_vec(),
                    truncated: false,
                }),
                Err(kind) => Err(TransportError {
                    kind,
                    message: "connection closed before message completed".into(),
                }),
            },
            elapsed: Duration::ZERO,
            waited_out: vec![],
        }
    }

    fn redactor() -> Redactor {
        let r = Redactor::new();
        r.add(&Secret::new(PASSWORD));
        r
    }

    fn check(exchanges: &[Exchange]) -> Result<(), Finding> {
        let secret = Secret::new(PASSWORD);
        let echo = EchoCheck::new([("the PSA password", &secret)]);
        check_no_echo(exchanges, &echo, &redactor())
    }

    #[test]
    fn a_wrong_key_answer_must_not_reveal_the_configured_key() {
        let key = "configured-key-0123456789";
        let answer = |body: &str| ReceivedResponse {
            status: 403,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            truncated: false,
        };
        let leak = answer(&format!(
            r#"{{"status":403,"message":"Invalid integration key; expected {key}."}}"#
        ));
        let clean = answer(r#"{"status":403,"message":"Invalid integration key."}"#);
        assert!(check_key_not_revealed(&leak, Some(&clean), key).is_err());
        assert!(check_key_not_revealed(&leak, None, key).is_err());
        let in_header = ReceivedResponse {
            headers: vec![("x-expected-key".into(), key.into())],
            ..clean.clone()
        };
        assert!(check_key_not_revealed(&in_header, Some(&clean), key).is_err());
        assert!(check_key_not_revealed(&clean, Some(&clean), key).is_ok());
        // Inside a longer word, or said to everyone, or too short: no leak.
        let longer = answer(&format!(r#"{{"message":"x{key}y"}}"#));
        assert!(check_key_not_revealed(&longer, None, key).is_ok());
        assert!(check_key_not_revealed(&leak, Some(&leak), key).is_ok());
        let short = answer(r#"{"message":"expected k3y"}"#);
        assert!(check_key_not_revealed(&short, None, "k3y").is_ok());
    }

    #[test]
    fn err_03_passes_only_answers_that_came_and_echo_nothing() {
        let clean = || {
            exchange(Ok(
                r#"{"status":400,"message":"PSA credentials were rejected."}"#,
            ))
        };
        assert!(check(&[clean()]).is_ok());

        let echo = exchange(Ok(&format!(
            r#"{{"status":400,"message":"bad {PASSWORD}"}}"#
        )));
        let f = check(&[clean(), echo]).unwrap_err();
        assert_eq!(f.kind, crate::suite::finding::FindingKind::Failure);

        for kind in [TransportErrorKind::Protocol, TransportErrorKind::Timeout] {
            let f = check(&[clean(), exchange(Err(kind))]).unwrap_err();
            assert_eq!(f.kind, crate::suite::finding::FindingKind::Harness, "{f}");
            assert!(f.title.contains("got no answer"), "{f}");
        }
        assert!(check(&[]).is_err());
    }
}
