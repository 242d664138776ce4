//! The target file of the vendor's side (`run --side psa`, docs/PSA-SIDE.md):
//! where the harness pushes tickets, how it authenticates to the PSA, and
//! the N-central it plays for the PSA's callbacks. Validated here, before
//! anything is sent or any port is opened; secrets only from environment
//! variables.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::error::{secret_from_env, ConfigError};
use super::inputs::{self, shown};
use super::tls::TlsTableFile;
use crate::http::TlsSettings;
use crate::net::ServerTls;
use crate::redact::{Redactor, Secret, MIN_SECRET_LEN};

/// How N-central authenticates its pushes to the PSA (`[push_auth]`).
#[derive(Debug, Clone)]
pub struct PushAuth {
    /// Any header name (`Authorization`, `X-Api-Key`…).
    pub header: String,
    /// Its value (`Basic …`, `Bearer …`): a secret.
    pub value: Secret,
}

/// The N-central the harness plays (`[ncentral]`).
#[derive(Debug, Clone)]
pub struct HarnessNcentral {
    /// Where the harness listens for the PSA's callbacks.
    pub listen: SocketAddr,
    /// The base URL the PSA was configured with (may differ from `listen`
    /// behind a tunnel or a proxy).
    pub public_url: Url,
    /// The User-API JWT the PSA was configured with; the harness's N-central
    /// exchanges exactly this one.
    pub user_api_jwt: Secret,
    /// The integration key the PSA was configured with, if any; accepted on
    /// callbacks, never required.
    pub integration_key: Option<Secret>,
    /// How long a pending CREATE may wait for its callback.
    pub callback_timeout: Duration,
    /// How long one push may take to be answered.
    pub answer_timeout: Duration,
    /// HTTPS for the listener (`tls_cert`/`tls_key`, or `tls =
    /// "self-signed"`); plain HTTP when `None`.
    pub tls: Option<ServerTls>,
}

/// A custom PSA to certify: the validated target file of `run --side psa`.
#[derive(Debug, Clone)]
pub struct PsaTarget {
    pub push_url: Url,
    pub push_method: Method,
    pub push_auth: Option<PushAuth>,
    pub ncentral: HarnessNcentral,
    pub tls: TlsSettings,
}

impl PsaTarget {
    /// A redactor that knows every secret of both sides.
    pub fn redactor(&self) -> Redactor {
        let r = Redactor::new();
        // A push_url may authenticate by itself: a password in it, or a
        // token in its query (`?apikey=…`). Neither may reach a report.
        url_secrets(&self.push_url, &r);
        if let Some(auth) = &self.push_auth {
            r.add(&auth.value);
        }
        r.add(&self.ncentral.user_api_jwt);
        if let Some(key) = &self.ncentral.integration_key {
            r.add(key);
        }
        r
    }
}

/// Adds to `redactor` what a URL may carry as a credential: the password of
/// its userinfo and every value of its query.
pub(super) fn url_secrets(url: &Url, redactor: &Redactor) {
    let values = url
        .password()
        .map(str::to_string)
        .into_iter()
        .chain(url.query_pairs().map(|(_, v)| v.into_owned()));
    for value in values.filter(|v| v.len() >= MIN_SECRET_LEN) {
        redactor.add(&Secret::new(value));
    }
}

/// Defaults of `[ncentral]`, from docs/PSA-SIDE.md.
pub(super) const DEFAULT_CALLBACK_TIMEOUT_SECS: u64 = 30;
pub(super) const DEFAULT_ANSWER_TIMEOUT_SECS: u64 = 30;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PsaTargetFile {
    push_url: String,
    #[serde(default)]
    push_method: Option<String>,
    #[serde(default)]
    push_auth: Option<PushAuthTable>,
    ncentral: NcentralTable,
    #[serde(default)]
    tls: TlsTableFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PushAuthTable {
    header: String,
    value_env: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NcentralTable {
    listen: String,
    #[serde(default)]
    public_url: Option<String>,
    user_api_jwt_env: String,
    #[serde(default)]
    integration_key_env: Option<String>,
    #[serde(default)]
    callback_timeout_secs: Option<u64>,
    #[serde(default)]
    answer_timeout_secs: Option<u64>,
    #[serde(default)]
    tls: Option<String>,
    #[serde(default)]
    tls_cert: Option<std::path::PathBuf>,
    #[serde(default)]
    tls_key: Option<std::path::PathBuf>,
}

/// Reads and validates the target file of `run --side psa`.
pub(crate) fn load_psa_target(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<PsaTarget, ConfigError> {
    let text = inputs::read_target_file(path)?;
    let invalid = |message: String| ConfigError::TargetInvalid {
        path: path.to_path_buf(),
        message,
    };
    let file: PsaTargetFile = toml::from_str(&text).map_err(|e| {
        invalid(format!(
            "{}\n  hint: a target file for --side psa names push_url and [ncentral] (docs/PSA-SIDE.md)",
            inputs::bounded_message(&e.to_string())
        ))
    })?;
    let secret = |var: &str, key: &str| secret_from_env(env, path, var, key);
    let http_url = |key: &str, text: &str| inputs::http_url(key, text).map_err(invalid);
    let mut push_url = http_url("push_url", &file.push_url)?;
    let push_method = match file.push_method.as_deref().map(str::to_ascii_uppercase) {
        None => Method::POST,
        Some(m) if m == "POST" => Method::POST,
        Some(m) if m == "PUT" => Method::PUT,
        Some(m) => {
            return Err(invalid(format!(
                "push_method {} must be POST or PUT",
                shown(&m)
            )))
        }
    };
    let push_auth = match file.push_auth {
        None => None,
        Some(t) => {
            if reqwest::header::HeaderName::from_bytes(t.header.as_bytes()).is_err() {
                return Err(invalid(format!(
                    "push_auth.header {} is not an HTTP header name",
                    shown(&t.header)
                )));
            }
            Some(PushAuth {
                value: secret(&t.value_env, "push_auth.value_env")?,
                header: t.header,
            })
        }
    };
    let push_auth = match (userinfo_auth(&mut push_url), push_auth) {
        (None, auth) => auth,
        (Some(basic), None) => Some(basic),
        (Some(_), Some(_)) => {
            return Err(invalid(
                "push_url carries a user and password (user:password@host) and [push_auth] is set too: \
                 a push would carry two credentials\n  hint: keep one: drop the user:password@ from \
                 push_url, or drop [push_auth]"
                    .into(),
            ))
        }
    };
    let nc = file.ncentral;
    let listen: SocketAddr = nc.listen.parse().map_err(|_| {
        invalid(format!(
            "ncentral.listen {} is not an address with a port, e.g. \"127.0.0.1:8443\"",
            shown(&nc.listen)
        ))
    })?;
    let public_url = match &nc.public_url {
        Some(u) => http_url("ncentral.public_url", u.trim_end_matches('/'))?,
        None => http_url(
            "ncentral.listen",
            &format!(
                "{}://{listen}",
                if listener_tls_wanted(&nc) {
                    "https"
                } else {
                    "http"
                }
            ),
        )?,
    };
    let listener_tls = listener_tls(&nc, &public_url).map_err(invalid)?;
    let seconds = |key: &str, v: Option<u64>, default: u64| -> Result<Duration, ConfigError> {
        match v.unwrap_or(default) {
            s @ 1..=600 => Ok(Duration::from_secs(s)),
            s => Err(invalid(format!(
                "ncentral.{key} {s} must be 1 to 600 seconds"
            ))),
        }
    };
    let ncentral = HarnessNcentral {
        listen,
        public_url,
        user_api_jwt: secret(&nc.user_api_jwt_env, "ncentral.user_api_jwt_env")?,
        integration_key: nc
            .integration_key_env
            .as_deref()
            .map(|v| secret(v, "ncentral.integration_key_env"))
            .transpose()?,
        callback_timeout: seconds(
            "callback_timeout_secs",
            nc.callback_timeout_secs,
            DEFAULT_CALLBACK_TIMEOUT_SECS,
        )?,
        answer_timeout: seconds(
            "answer_timeout_secs",
            nc.answer_timeout_secs,
            DEFAULT_ANSWER_TIMEOUT_SECS,
        )?,
        tls: listener_tls,
    };
    let tls = file.tls.into_settings().map_err(invalid)?;
    Ok(PsaTarget {
        push_url,
        push_method,
        push_auth,
        ncentral,
        tls,
    })
}

/// A `user:password@` in `push_url` becomes the push auth, as a browser or
/// curl would send it: `Authorization: Basic base64(user:password)`, and
/// the URL loses it, so the HTTP client never adds a second `Authorization`
/// header of its own.
fn userinfo_auth(url: &mut Url) -> Option<PushAuth> {
    use base64::Engine as _;
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let pair = format!(
        "{}:{}",
        decode(url.username()),
        decode(url.password().unwrap_or_default())
    );
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(PushAuth {
        header: "Authorization".into(),
        value: Secret::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )),
    })
}

fn listener_tls_wanted(nc: &NcentralTable) -> bool {
    nc.tls.is_some() || nc.tls_cert.is_some() || nc.tls_key.is_some()
}

/// `[ncentral] tls`, `tls_cert`, `tls_key`: the listener's HTTPS, loaded
/// (or generated for `public_url`'s host) now, before any port is bound.
fn listener_tls(nc: &NcentralTable, public_url: &Url) -> Result<Option<ServerTls>, String> {
    let tls = match (nc.tls.as_deref(), &nc.tls_cert, &nc.tls_key) {
        (None, None, None) => return Ok(None),
        (Some("self-signed"), None, None) => {
            let host = public_url.host_str().unwrap_or_default();
            let host = host.trim_start_matches('[').trim_end_matches(']');
            ServerTls::self_signed(host)?
        }
        (Some(mode), None, None) => {
            return Err(format!(
                "ncentral.tls {} is not a TLS mode\n  hint: tls = \"self-signed\", or give tls_cert and tls_key (PEM files)",
                shown(mode)
            ))
        }
        (Some(_), _, _) => {
            return Err("ncentral.tls and ncentral.tls_cert/tls_key are exclusive\n  hint: \
                        tls = \"self-signed\" generates the certificate; tls_cert and tls_key give one"
                .into())
        }
        (None, Some(cert), Some(key)) => {
            ServerTls::from_files(cert, key, "ncentral.tls_cert", "ncentral.tls_key")?
        }
        (None, Some(_), None) => {
            return Err("ncentral.tls_cert is given without ncentral.tls_key (its PEM private key)".into())
        }
        (None, None, Some(_)) => {
            return Err("ncentral.tls_key is given without ncentral.tls_cert (its PEM certificate)".into())
        }
    };
    if public_url.scheme() != "https" {
        return Err(format!(
            "ncentral.public_url {} is http://, but the listener serves HTTPS (ncentral.tls…)\n  hint: write https:// in public_url",
            shown(public_url.as_str())
        ));
    }
    Ok(Some(tls))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn load(text: &str, vars: &[(&str, &str)]) -> Result<PsaTarget, ConfigError> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let map = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        load_psa_target(f.path(), &super::super::env_from(map))
    }

    const GOOD: &str = r#"
push_url = "https://psa.vendor.example/ncentral/tickets"
[push_auth]
header = "Authorization"
value_env = "PUSH"
[ncentral]
listen = "127.0.0.1:8443"
user_api_jwt_env = "JWT"
callback_timeout_secs = 12
"#;

    #[test]
    fn a_good_file_is_read_with_its_defaults() {
        let t = load(
            GOOD,
            &[
                ("PUSH", "Basic dmVuZG9yOnNlY3JldA=="),
                ("JWT", "eyJhbGciOi.x.y"),
            ],
        )
        .unwrap();
        assert_eq!(t.push_method, Method::POST);
        assert_eq!(t.ncentral.public_url.as_str(), "http://127.0.0.1:8443/");
        assert_eq!(t.ncentral.callback_timeout, Duration::from_secs(12));
        assert_eq!(t.ncentral.answer_timeout, Duration::from_secs(30));
        assert_eq!(t.push_auth.unwrap().header, "Authorization");
    }

    #[test]
    fn a_credential_in_the_push_url_is_a_secret() {
        let env = [
            ("PUSH", "Basic dmVuZG9yOnNlY3JldA=="),
            ("JWT", "eyJhbGciOi.x.y"),
        ];
        let text = GOOD.replace(
            "https://psa.vendor.example/ncentral/tickets",
            "https://psa.vendor.example/hook?apikey=query-token-0042&v=1",
        );
        let t = load(&text, &env).unwrap();
        let shown = t.redactor().redact(t.push_url.as_str()).into_owned();
        assert!(!shown.contains("query-token-0042"), "{shown}");
        assert!(shown.contains("psa.vendor.example/hook"), "{shown}");
    }

    #[test]
    fn a_user_and_password_in_the_push_url_become_the_one_push_auth() {
        let env = [
            ("PUSH", "Basic dmVuZG9yOnNlY3JldA=="),
            ("JWT", "eyJhbGciOi.x.y"),
        ];
        let url = "https://n-central:url%20password-7@psa.vendor.example/hook";
        let alone = GOOD
            .replace("https://psa.vendor.example/ncentral/tickets", url)
            .replace(
                "[push_auth]\nheader = \"Authorization\"\nvalue_env = \"PUSH\"\n",
                "",
            );
        let t = load(&alone, &env).unwrap();
        // RFC 7617: base64 of "n-central:url password-7", by another encoder.
        let auth = t.push_auth.as_ref().unwrap();
        assert_eq!(auth.header, "Authorization");
        assert_eq!(
            auth.value.expose(),
            "Basic bi1jZW50cmFsOnVybCBwYXNzd29yZC03"
        );
        assert_eq!(t.push_url.as_str(), "https://psa.vendor.example/hook");
        let shown = t.redactor().redact(auth.value.expose()).into_owned();
        assert!(!shown.contains("bi1jZW50cmFs"), "{shown}");
        // With [push_auth] as well, a push would carry two credentials.
        let both = GOOD.replace("https://psa.vendor.example/ncentral/tickets", url);
        let e = load(&both, &env).unwrap_err().to_string();
        assert!(
            e.contains("push_url") && e.contains("[push_auth]") && !e.contains("password-7"),
            "{e}"
        );
    }

    #[test]
    fn every_bad_value_is_named() {
        let env = [
            ("PUSH", "Basic dmVuZG9yOnNlY3JldA=="),
            ("JWT", "eyJhbGciOi.x.y"),
        ];
        for (from, to, says) in [
            (
                "https://psa.vendor.example/ncentral/tickets",
                "ftp://x/y",
                "push_url",
            ),
            ("127.0.0.1:8443", "localhost", "ncentral.listen"),
            (
                "callback_timeout_secs = 12",
                "callback_timeout_secs = 0",
                "callback_timeout_secs",
            ),
            (
                "header = \"Authorization\"",
                "header = \"Bad Header\"",
                "push_auth.header",
            ),
            (
                "[ncentral]",
                "push_method = \"GET\"\n[ncentral]",
                "push_method",
            ),
        ] {
            let text = if from == "[ncentral]" {
                GOOD.replacen("[push_auth]", "push_method = \"GET\"\n[push_auth]", 1)
            } else {
                GOOD.replace(from, to)
            };
            let _ = to;
            let e = load(&text, &env).unwrap_err().to_string();
            assert!(e.contains(says), "{says}: {e}");
        }
        let e = load(GOOD, &[("JWT", "eyJhbGciOi.x.y")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PUSH") && e.contains("push_auth.value_env"),
            "{e}"
        );
    }
}
