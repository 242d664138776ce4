//! Unit tests of `config`.

use super::*;
use std::io::Write;

const GOOD: &str = r#"
base_url = "https://ncentral.example.com/"
[auth]
bearer_token_env = "T_TOKEN"
integration_key_env = "T_KEY"
[standard_psa]
psa_type = 3
username = "psa@example.com"
password_env = "T_PASS"
[custom_psa]
ticket_id = "1142285696"
"#;

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn env() -> impl Fn(&str) -> Option<String> {
    env_from(
        [
            ("T_TOKEN", "tok-123456"),
            ("T_KEY", "key-123456"),
            ("T_PASS", "pass-123456"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    )
}

#[test]
fn reads_a_good_target_file() {
    let f = file(GOOD);
    let t = load_target(f.path(), &env()).unwrap();
    assert_eq!(t.base_url.as_str(), "https://ncentral.example.com/");
    assert_eq!(t.psa_type, "3");
    assert_eq!(t.custom_psa.username, "psa@example.com");
    assert_eq!(t.custom_psa.password.expose(), "pass-123456");
    assert_eq!(t.rate_limit.max_requests, 300);
    assert!(matches!(t.auth, AuthMode::Bearer(_)));
}

#[test]
fn a_missing_variable_is_named() {
    let f = file(GOOD);
    let err = load_target(f.path(), &|_: &str| None).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("T_TOKEN"), "{msg}");
    assert!(msg.contains("auth.bearer_token_env"), "{msg}");
}

#[test]
fn unknown_keys_and_bad_urls_are_rejected() {
    let f = file(&GOOD.replace("base_url", "base_uri"));
    assert!(matches!(
        load_target(f.path(), &env()),
        Err(ConfigError::TargetInvalid { .. })
    ));
    let f = file(&GOOD.replace("https://ncentral.example.com/", "ftp://x"));
    assert!(load_target(f.path(), &env())
        .unwrap_err()
        .to_string()
        .contains("http"));
    let f = file(&GOOD.replace(
        "https://ncentral.example.com/",
        "https://ops:url-password-7@ncentral.example.com/",
    ));
    let e = load_target(f.path(), &env()).unwrap_err().to_string();
    assert!(
        e.contains("base_url") && e.contains("two Authorization") && !e.contains("password-7"),
        "{e}"
    );
}

#[test]
fn a_bad_ticket_id_is_rejected() {
    let f = file(&GOOD.replace("\"1142285696\"", "\"abc\""));
    assert!(load_target(f.path(), &env())
        .unwrap_err()
        .to_string()
        .contains("ticket_id"));
}

#[test]
fn lifecycle_tickets_are_optional_literal_int32_ids() {
    let t = load_target(file(GOOD).path(), &env()).unwrap();
    assert_eq!(t.lifecycle, LifecycleTickets::default());
    let with = |table: &str| {
        load_target(
            file(&format!("{GOOD}[lifecycle]\n{table}\n")).path(),
            &env(),
        )
    };
    let t = with("pending_ticket_id = 1142285697\nresolvable_ticket_id = \"1142285698\"").unwrap();
    assert_eq!(t.lifecycle.pending_ticket_id.as_deref(), Some("1142285697"));
    assert_eq!(
        t.lifecycle.resolvable_ticket_id.as_deref(),
        Some("1142285698")
    );
    for bad in [
        "pending_ticket_id = \"abc\"",
        "pending_ticket_id = 2147483648",
        "resolvable_ticket_id = \"0\"",
        "pending_ticket_id = 7\nresolvable_ticket_id = 7",
        "pending_ticket_id = 999999937",
        "pending_ticket = 7",
    ] {
        let err = with(bad).unwrap_err().to_string();
        assert!(
            err.contains("lifecycle") || err.contains("unknown field"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn bad_tag_expressions_are_config_errors() {
    assert!(parse_tags("@CRED-01 or @KEY-01").is_ok());
    assert!(matches!(
        parse_tags("@a and or"),
        Err(ConfigError::BadTags { .. })
    ));
}
