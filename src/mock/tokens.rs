//! HS256 tokens the mock signs and verifies: User-API JWTs (exchanged at
//! `POST /api/auth/authenticate`) and the access tokens it issues.
//!
//! Verification is real: a forged, re-signed, expired or `alg: none` token is
//! rejected, so AUTH-03 checks something.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// What kind of token a JWT is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    UserApi,
    Access,
    /// Exchanged for new tokens at `POST /api/auth/refresh`, never a bearer.
    Refresh,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    kind: TokenKind,
    iat: u64,
    exp: u64,
    jti: String,
}

/// Signs and verifies the mock's tokens with one per-server secret.
#[derive(Clone)]
pub struct TokenAuthority {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenAuthority(HS256, ***)")
    }
}

/// Access tokens live this long (seconds), as N-central's do.
pub(super) const ACCESS_EXPIRY_SECS: u64 = 3600;
/// Refresh tokens live this long (seconds).
pub(super) const REFRESH_EXPIRY_SECS: u64 = 90000;

/// An `X-ACCESS-EXPIRY-OVERRIDE` / `X-REFRESH-EXPIRY-OVERRIDE` value,
/// `(number)(s|m|h)` (`120s`, `5m`, `1h`), in seconds, capped at `max`
/// (N-central: "cannot be longer than the system-wide setting"). `None`
/// when it is not of that form or is zero.
pub(super) fn expiry_override(value: &str, max: u64) -> Option<u64> {
    let value = value.trim();
    let unit = value.chars().last()?;
    let factor = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => return None,
    };
    let digits = &value[..value.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    (n > 0).then(|| n.saturating_mul(factor).min(max))
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl TokenAuthority {
    pub fn new(secret: &[u8]) -> Self {
        TokenAuthority {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Issues a token of a kind, valid for `secs` seconds.
    pub fn issue(&self, kind: TokenKind, subject: &str, secs: u64) -> String {
        let iat = now();
        let claims = Claims {
            sub: subject.to_string(),
            kind,
            iat,
            exp: iat + secs,
            jti: format!("{:016x}", rand::random::<u64>()),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_else(|e| unreachable!("HS256 signing of plain claims cannot fail: {e}"))
    }

    /// Whether a token is a valid, unexpired token of the given kind.
    pub fn verify(&self, token: &str, kind: TokenKind) -> bool {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        match decode::<Claims>(token, &self.decoding, &validation) {
            Ok(data) => data.claims.kind == kind,
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

    #[test]
    fn expiry_overrides_are_number_and_unit_capped() {
        assert_eq!(expiry_override("5s", 3600), Some(5));
        assert_eq!(expiry_override("2m", 3600), Some(120));
        assert_eq!(expiry_override("1h", 3600), Some(3600));
        assert_eq!(expiry_override("2h", 3600), Some(3600));
        assert_eq!(expiry_override("99999999999h", 3600), Some(3600));
        for bad in ["", "5", "s", "5d", "-5s", "5 s", "0s", "1.5m", "5S"] {
            assert_eq!(expiry_override(bad, 3600), None, "{bad}");
        }
    }

    #[test]
    fn issued_tokens_verify_and_forgeries_do_not() {
        let a = TokenAuthority::new(b"0123456789abcdef0123456789abcdef");
        let t = a.issue(TokenKind::Access, "u", 60);
        assert!(a.verify(&t, TokenKind::Access));
        assert!(!a.verify(&t, TokenKind::UserApi));

        let other = TokenAuthority::new(b"another-secret-another-secret-xx");
        assert!(!a.verify(&other.issue(TokenKind::Access, "u", 60), TokenKind::Access));

        let parts: Vec<&str> = t.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(!a.verify(&format!("{none_header}.{}.", parts[1]), TokenKind::Access));

        let mut sig = parts[2].to_string();
        let flipped = if sig.ends_with('A') { 'B' } else { 'A' };
        sig.pop();
        sig.push(flipped);
        assert!(!a.verify(
            &format!("{}.{}.{sig}", parts[0], parts[1]),
            TokenKind::Access
        ));
    }
}
