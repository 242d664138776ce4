//! Steps of the token lifecycle (TOKEN-01..05, profile extended): tokens a
//! scenario obtains for itself, refresh with a real or forged refresh token,
//! tokens used where they do not belong, and an access token that must
//! expire.
//!
//! Every token the target issues is a secret from the moment it arrives
//! (`learn_issued_tokens` masks it in every report); a forged token made from
//! a real one is masked too, since it carries most of the real one.

use std::time::{Duration, Instant};

use cucumber::{given, then, when};
use reqwest::Method;

use super::auth::{altered_signature, random_jwt};
use super::evidence::{body_preview, last_json, last_line};
use crate::config::AuthMode;
use crate::http::RequestSpec;
use crate::redact::Secret;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::{AuthChoice, OwnTokens, PsaWorld};

/// The User-API JWT of a target configured for token exchange.
fn user_api_jwt(w: &PsaWorld) -> Result<Secret, Finding> {
    match &w.ctx()?.target.auth {
        AuthMode::Exchange { user_api_jwt } => Ok(user_api_jwt.clone()),
        AuthMode::Bearer(_) => Err(Finding::harness(
            "the target is not configured for token exchange (auth.user_api_jwt_env)",
        )),
    }
}

/// The scenario's own tokens.
fn own(w: &PsaWorld) -> Result<OwnTokens, Finding> {
    w.own_tokens
        .clone()
        .ok_or_else(|| Finding::harness("the scenario has no tokens of its own yet"))
}

/// A string at a JSON pointer of the last body.
fn token_at(w: &PsaWorld, pointer: &str) -> Option<String> {
    last_json(w)
        .ok()?
        .pointer(pointer)?
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

#[given("the client has exchanged the User-API JWT for tokens of its own")]
async fn own_tokens(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let jwt = user_api_jwt(w)?;
        w.send(RequestSpec::token_exchange(&jwt)).await?;
        let status = w.last_response()?.status;
        match (
            status,
            token_at(w, "/tokens/access/token"),
            token_at(w, "/tokens/refresh/token"),
        ) {
            (200, Some(access), Some(refresh)) => {
                w.own_tokens = Some(OwnTokens {
                    access: Secret::named(access, crate::http::ACCESS_TOKEN_VAR),
                    refresh: Secret::named(refresh, crate::http::REFRESH_TOKEN_VAR),
                });
                Ok(())
            }
            _ => Err(Finding::not_tested(
                "the token exchange issued no access and refresh token to work with",
            )
            .expected("200 with strings at /tokens/access/token and /tokens/refresh/token")
            .actual(body_preview(w))
            .exchange(last_line(w))),
        }
    })
    .await
}

#[given("the bearer token is the access token of its own")]
async fn own_access_as_bearer(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let token = own(w)?.access;
        w.draft.auth = AuthChoice::Raw(format!("Bearer {}", token.expose()));
        Ok(())
    })
    .await
}

#[given(regex = r"^the bearer token is the (User-API JWT|refresh token)$")]
async fn misplaced_bearer(w: &mut PsaWorld, which: String) -> StepOutcome {
    StepOutcome::of(async {
        let token = if which == "User-API JWT" {
            user_api_jwt(w)?
        } else {
            own(w)?.refresh
        };
        w.draft.auth = AuthChoice::Raw(format!("Bearer {}", token.expose()));
        Ok(())
    })
    .await
}

/// `POST /api/auth/refresh` with `token` as the `text/plain` body.
fn refresh_request(token: &str) -> RequestSpec {
    RequestSpec {
        method: Method::POST,
        path: crate::api::REFRESH.route.into(),
        headers: vec![
            ("Accept".into(), "application/json".into()),
            ("Content-Type".into(), "text/plain".into()),
        ],
        body: Some(token.as_bytes().to_vec()),
        on_429: crate::http::On429::WaitAndRetry,
    }
}

#[when("the client refreshes with its refresh token")]
async fn refresh(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let token = own(w)?.refresh;
        w.send(refresh_request(token.expose())).await
    })
    .await
}

#[when(
    regex = r"^the client refreshes with (a random JWT-shaped string|its refresh token altered)$"
)]
async fn refresh_forged(w: &mut PsaWorld, forgery: String) -> StepOutcome {
    StepOutcome::of(async {
        let token = if forgery == "a random JWT-shaped string" {
            // Forged, but shaped like a secret: masked, so a report never shows
            // a whole token of any kind.
            let forged = random_jwt();
            w.ctx()?.redactor.add(&Secret::named(
                forged.clone(),
                crate::http::FORGED_TOKEN_VAR,
            ));
            forged
        } else {
            let altered = altered_signature(own(w)?.refresh.expose());
            // Most of it is the real refresh token: masked like it.
            w.ctx()?
                .redactor
                .add(&Secret::harness_made(altered.clone()));
            altered
        };
        w.send(refresh_request(&token)).await
    })
    .await
}

#[when(regex = r#"^the client exchanges the User-API JWT with X-ACCESS-EXPIRY-OVERRIDE "(.*)"$"#)]
async fn exchange_with_override(w: &mut PsaWorld, value: String) -> StepOutcome {
    StepOutcome::of(async {
        let mut spec = RequestSpec::token_exchange(&user_api_jwt(w)?);
        spec.headers
            .push(("X-ACCESS-EXPIRY-OVERRIDE".into(), value));
        w.send(spec).await
    })
    .await
}

#[then("the response carries no tokens")]
async fn no_tokens(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let Ok(body) = last_json(w) else {
            return Ok(());
        };
        match body.pointer("/tokens/access/token") {
            Some(serde_json::Value::String(t)) if !t.is_empty() => Err(Finding::failure(
                "a forged refresh token was exchanged for an access token",
            )
            .expected("401 or 400 and no tokens")
            .actual(format!(
                "{} with a token at /tokens/access/token",
                w.last_response()?.status
            ))
            .at("/tokens/access/token")
            .exchange(last_line(w))),
            _ => Ok(()),
        }
    })
    .await
}

/// How long TOKEN-04 waits for a token issued to live 5 s: first at 6 s
/// (a second for rounding to whole seconds), at last at 10 s.
const EXPIRY_CHECKS: [Duration; 2] = [Duration::from_secs(6), Duration::from_secs(10)];

#[then("the issued access token is refused by GET /api/standard-psa within 10 seconds")]
async fn expires(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
    let token = w
        .issued_access
        .clone()
        .ok_or_else(|| Finding::harness("no issued access token was seen working before"))?;
    let started = Instant::now();
    for at in EXPIRY_CHECKS {
        tokio::time::sleep(at.saturating_sub(started.elapsed())).await;
        w.draft.auth = AuthChoice::Raw(format!("Bearer {}", token.expose()));
        let spec = w.build_request(Method::GET, "/api/standard-psa")?;
        w.send(spec).await?;
        if w.last_response()?.status == 401 {
            return Ok(());
        }
    }
    Err(Finding::failure(
        "an access token issued to live 5 seconds is still not refused after 10",
    )
    .expected("401 from GET /api/standard-psa once the token expired")
    .actual(body_preview(w))
    .hint("X-ACCESS-EXPIRY-OVERRIDE: 5s sets the access token's life to 5 s (format (number)(s|m|h))")
    .exchange(last_line(w)))
    })
    .await
}
