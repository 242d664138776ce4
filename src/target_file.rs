//! Ready target files for the reference implementations `mock` serves.
//!
//! `psa-conformance mock` (either side) prints one of these beside the
//! `export` lines of its credentials, so a newcomer can save it and run
//! `run --target FILE` against the mock at once. Secrets are named by
//! environment variable, never written: the file is as a user would write
//! it for a live target (docs/CLI.md, docs/PSA-SIDE.md).

use std::fmt::Write;

/// A TOML basic string, quoted and escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// What the N-central target file needs of a running reference mock.
pub(crate) struct NcentralMock<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) psa_type: &'a str,
    pub(crate) username: &'a str,
    pub(crate) ticket_id: &'a str,
    pub(crate) pending_ticket_id: &'a str,
    pub(crate) resolvable_ticket_id: &'a str,
}

/// The target file of N-central's side for the reference mock: the User-API
/// JWT exchanged at `POST /api/auth/authenticate`, the integration key and
/// the PSA password from the variables `mock` prints as `export` lines.
pub(crate) fn for_ncentral_mock(mock: &NcentralMock<'_>) -> String {
    let mut toml = String::new();
    let _ = writeln!(toml, "base_url = {}", quoted(mock.base_url));
    toml.push_str(
        "\n[auth]\nuser_api_jwt_env = \"NCENTRAL_USER_API_JWT\"\n\
         integration_key_env = \"PSA_INTEGRATION_KEY\"\n",
    );
    let _ = writeln!(
        toml,
        "\n[standard_psa]\npsa_type = {}",
        quoted(mock.psa_type)
    );
    let _ = writeln!(toml, "username = {}", quoted(mock.username));
    toml.push_str("password_env = \"PSA_PASSWORD\"\n");
    let _ = writeln!(
        toml,
        "\n[custom_psa]\nticket_id = {}",
        quoted(mock.ticket_id)
    );
    let _ = writeln!(
        toml,
        "\n[lifecycle]\npending_ticket_id = {}\nresolvable_ticket_id = {}",
        quoted(mock.pending_ticket_id),
        quoted(mock.resolvable_ticket_id)
    );
    toml
}

/// What the PSA-side target file needs of a running reference PSA.
pub(crate) struct ReferencePsa<'a> {
    pub(crate) push_url: &'a str,
    /// The N-central base URL the reference PSA calls back (`--ncentral-url`).
    pub(crate) ncentral_url: &'a url::Url,
    /// Whether pushes must carry `Authorization: $PSA_PUSH_AUTH`.
    pub(crate) push_auth: bool,
}

/// The target file of `--side psa` for the reference PSA: the harness's
/// N-central listens where the PSA calls back (`--ncentral-url`'s host and
/// port) and accepts the User-API JWT and integration key the PSA was given.
pub(crate) fn for_reference_psa(psa: &ReferencePsa<'_>) -> String {
    let mut toml = String::new();
    let _ = writeln!(toml, "push_url = {}", quoted(psa.push_url));
    toml.push_str("push_method = \"POST\"\n");
    if psa.push_auth {
        toml.push_str("\n[push_auth]\nheader = \"Authorization\"\nvalue_env = \"PSA_PUSH_AUTH\"\n");
    }
    let host = psa.ncentral_url.host_str().unwrap_or("127.0.0.1");
    let port = psa.ncentral_url.port_or_known_default().unwrap_or(8443);
    // `host_str` keeps an IPv6 address's brackets, as a socket address wants.
    let listen = format!("{host}:{port}");
    let _ = writeln!(toml, "\n[ncentral]\nlisten = {}", quoted(&listen));
    let _ = writeln!(
        toml,
        "public_url = {}",
        quoted(psa.ncentral_url.as_str().trim_end_matches('/'))
    );
    toml.push_str(
        "user_api_jwt_env = \"NCENTRAL_USER_API_JWT\"\n\
         integration_key_env = \"PSA_INTEGRATION_KEY\"\n",
    );
    toml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ncentral_target_is_toml_naming_secrets_by_variable() {
        let text = for_ncentral_mock(&NcentralMock {
            base_url: "http://127.0.0.1:8080",
            psa_type: "3",
            username: "user \"quoted\"",
            ticket_id: "1142285696",
            pending_ticket_id: "1142285698",
            resolvable_ticket_id: "1142285699",
        });
        let value: toml::Table = text.parse().expect("valid TOML");
        assert_eq!(value["base_url"].as_str(), Some("http://127.0.0.1:8080"));
        assert_eq!(
            value["standard_psa"]["username"].as_str(),
            Some("user \"quoted\"")
        );
        assert_eq!(
            value["auth"]["user_api_jwt_env"].as_str(),
            Some("NCENTRAL_USER_API_JWT")
        );
        assert_eq!(
            value["lifecycle"]["resolvable_ticket_id"].as_str(),
            Some("1142285699")
        );
    }

    #[test]
    fn psa_target_listens_where_the_reference_psa_calls_back() {
        let url = url::Url::parse("http://127.0.0.1:18443/").unwrap();
        let text = for_reference_psa(&ReferencePsa {
            push_url: "http://127.0.0.1:18080/ncentral/tickets",
            ncentral_url: &url,
            push_auth: true,
        });
        let value: toml::Table = text.parse().expect("valid TOML");
        assert_eq!(
            value["ncentral"]["listen"].as_str(),
            Some("127.0.0.1:18443")
        );
        assert_eq!(
            value["ncentral"]["public_url"].as_str(),
            Some("http://127.0.0.1:18443")
        );
        assert_eq!(
            value["push_auth"]["value_env"].as_str(),
            Some("PSA_PUSH_AUTH")
        );
        let without = for_reference_psa(&ReferencePsa {
            push_url: "http://127.0.0.1:18080/ncentral/tickets",
            ncentral_url: &url,
            push_auth: false,
        });
        assert!(!without.contains("push_auth"));
    }
}
