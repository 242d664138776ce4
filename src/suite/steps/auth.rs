//! Authentication steps: tokens forged at run time (AUTH-03) and the token
//! exchange at `POST /api/auth/authenticate` (AUTH-06).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cucumber::{given, then, when};
use reqwest::Method;

use super::evidence::{last_json, last_line};
use crate::config::AuthMode;
use crate::http::RequestSpec;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::{AuthChoice, PsaWorld};

/// A JWT-shaped string: three base64url segments, random content, HS256 header.
pub(crate) fn random_jwt() -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "sub": format!("forged-{:08x}", rand::random::<u32>()),
        "kind": "access",
        "iat": 1_700_000_000u64,
        "exp": 4_102_444_800u64,
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    format!("{header}.{payload}.{signature}")
}

/// An unsigned `alg: none` JWT carrying the claims of `model` (a real token,
/// when it is a JWT) or plausible access-token claims.
pub(crate) fn alg_none_jwt(model: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = model
        .split('.')
        .nth(1)
        .filter(|p| URL_SAFE_NO_PAD.decode(p).is_ok() && model.split('.').count() == 3)
        .map(str::to_string)
        .unwrap_or_else(|| {
            URL_SAFE_NO_PAD.encode(
                serde_json::json!({"sub": "forged", "kind": "access", "exp": 4_102_444_800u64})
                    .to_string(),
            )
        });
    format!("{header}.{payload}.")
}

/// The token with its signature altered, or, when it is no JWT, its last
/// character changed: the same claims, no longer authentic.
pub(crate) fn altered_signature(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() == 3 && !parts[2].is_empty() {
        let mut sig: Vec<u8> = URL_SAFE_NO_PAD
            .decode(parts[2])
            .unwrap_or_else(|_| parts[2].as_bytes().to_vec());
        if let Some(b) = sig.first_mut() {
            *b ^= 0x5a;
        }
        return format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig));
    }
    let mut chars: Vec<char> = token.chars().collect();
    if let Some(c) = chars.last_mut() {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

#[given(
    regex = r"^the bearer token is (a random JWT-shaped string|an unsigned alg:none JWT|the configured token with its signature altered)$"
)]
async fn forged_token(w: &mut PsaWorld, kind: String) -> StepOutcome {
    StepOutcome::of(async {
    let ctx = w.ctx()?.clone();
    let real = ctx.access_token.expose();
    let token = match kind.as_str() {
        "a random JWT-shaped string" => random_jwt(),
        "an unsigned alg:none JWT" => alg_none_jwt(real),
        _ => {
            if real.split('.').count() != 3 {
                w.notes.push("the configured token is not a JWT: its last character was changed instead of its signature".into());
            }
            altered_signature(real)
        }
    };
    w.draft.auth = AuthChoice::Raw(format!("Bearer {token}"));
    Ok(())
    })
    .await
}

#[when("the client exchanges the User-API JWT at POST /api/auth/authenticate")]
async fn exchange_token(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        let AuthMode::Exchange { user_api_jwt } = &ctx.target.auth else {
            return Err(Finding::harness(
                "the target is not configured for token exchange (auth.user_api_jwt_env)",
            ));
        };
        let spec = RequestSpec::token_exchange(user_api_jwt);
        w.send(spec).await
    })
    .await
}

/// AUTH-06: `tokens.access.type` is `Bearer`, in any case (`bearer`, `BEARER`).
pub(crate) fn check_token_type(body: &serde_json::Value) -> Result<(), Finding> {
    match body.pointer("/tokens/access/type") {
        Some(serde_json::Value::String(t)) if t.eq_ignore_ascii_case("bearer") => Ok(()),
        other => Err(
            Finding::failure("the issued access token is not of type Bearer")
                .expected("\"Bearer\", in any case")
                .actual(other.map_or_else(|| "(missing)".to_string(), ToString::to_string))
                .at("/tokens/access/type"),
        ),
    }
}

#[then("the issued access token's type is Bearer, in any case")]
async fn token_type(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        check_token_type(&last_json(w)?).map_err(|f| f.exchange(last_line(w)))
    })
    .await
}

#[then("the issued access token is accepted by GET /api/standard-psa")]
async fn issued_token_works(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let body = last_json(w)?;
        let token = body
            .pointer("/tokens/access/token")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                Finding::failure("no access token was issued")
                    .expected("a string at /tokens/access/token")
                    .at("/tokens/access/token")
                    .exchange(last_line(w))
            })?
            .to_string();
        w.draft.auth = AuthChoice::Raw(format!("Bearer {token}"));
        let spec = w.build_request(Method::GET, "/api/standard-psa")?;
        w.send(spec).await?;
        let r = w.last_response()?;
        if r.status == 200 {
            w.issued_access = Some(crate::redact::Secret::named(
                token,
                crate::http::ACCESS_TOKEN_VAR,
            ));
            Ok(())
        } else {
            Err(Finding::failure("the issued access token is refused")
                .expected("200 from GET /api/standard-psa with the issued token")
                .actual(format!("{}: {}", r.status, r.body_preview(200)))
                .exchange(last_line(w)))
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_tokens_have_the_right_shape() {
        assert_eq!(random_jwt().split('.').count(), 3);
        assert_ne!(random_jwt(), random_jwt());
        let none = alg_none_jwt("a.eyJzdWIiOiJ4In0.c");
        assert!(none.ends_with('.'));
        assert!(none.contains("eyJzdWIiOiJ4In0"));
        let header = URL_SAFE_NO_PAD
            .decode(none.split('.').next().unwrap())
            .unwrap();
        assert!(String::from_utf8(header).unwrap().contains("none"));
    }

    #[test]
    fn the_token_type_is_bearer_in_any_case() {
        let body = |t: serde_json::Value| serde_json::json!({"tokens": {"access": {"token": "t", "type": t}}});
        for ok in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            assert!(check_token_type(&body(ok.into())).is_ok(), "{ok}");
        }
        for bad in [
            serde_json::json!("Basic"),
            serde_json::json!("Bearer "),
            serde_json::json!(""),
            serde_json::json!(null),
            serde_json::json!(["Bearer"]),
        ] {
            assert!(check_token_type(&body(bad.clone())).is_err(), "{bad}");
        }
        assert!(check_token_type(&serde_json::json!({})).is_err());
        let schemas = crate::schema::SchemaSet::load().unwrap();
        let full = |t: &str| serde_json::json!({"tokens": {"access": {"token": "t", "type": t, "expirySeconds": 3600}}});
        assert!(schemas
            .validate("token-exchange", &full("bearer"))
            .unwrap()
            .is_empty());
        assert!(!schemas
            .validate("token-exchange", &full("Basic"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn altered_tokens_keep_their_claims_but_not_their_signature() {
        let t = "aaa.bbb.c2lnbmF0dXJl";
        let a = altered_signature(t);
        assert!(a.starts_with("aaa.bbb."));
        assert_ne!(a, t);
        assert_ne!(altered_signature("opaque-token"), "opaque-token");
    }
}
