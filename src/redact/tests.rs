//! Unit tests of `redact`.

#[test]
fn secrets_are_equal_by_value_and_debug_shows_no_value() {
    assert_eq!(Secret::new("same-value-123"), Secret::new("same-value-123"));
    assert_ne!(Secret::new("same-value-123"), Secret::new("other-value-45"));
    let r = Redactor::new();
    r.add(&Secret::new("topsecret-value"));
    let shown = format!("{r:?}");
    assert!(
        shown.starts_with("Redactor(") && shown.contains("forms of secrets"),
        "{shown}"
    );
    assert!(!shown.contains("topsecret"), "{shown}");
}

use super::*;

#[test]
fn secret_never_formats_its_value() {
    let s = Secret::new("hunter2-very-secret");
    assert_eq!(format!("{s} {s:?}"), "*** ***");
    assert_eq!(s.expose(), "hunter2-very-secret");
}

#[test]
fn masks_plain_json_escaped_and_url_encoded_forms() {
    let r = Redactor::new();
    r.add(&Secret::new(r#"pa"ss/w rd\x"#));
    let json = serde_json::json!({ "password": r#"pa"ss/w rd\x"# }).to_string();
    assert_eq!(r.redact(&json), r#"{"password":"***"}"#);
    assert_eq!(r.redact(r#"echo pa"ss/w rd\x here"#), "echo *** here");
    assert_eq!(r.redact("q=pa%22ss%2Fw+rd%5Cx"), "q=***");
    assert_eq!(r.redact("/p/pa%22ss%2Fw%20rd%5Cx"), "/p/***");
    assert!(r.finds_secret_in("..pa\\\"ss/w rd\\\\x.."));
}

#[test]
fn longer_secret_is_masked_whole_before_a_shorter_one_inside_it() {
    let r = Redactor::new();
    r.add(&Secret::new("abcd"));
    r.add(&Secret::new("xxabcdyy"));
    assert_eq!(r.redact("1 xxabcdyy 2 abcd"), "1 *** 2 ***");
}

#[test]
fn text_without_secrets_is_borrowed() {
    let r = Redactor::new();
    r.add(&Secret::new("topsecret"));
    assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
}

#[test]
fn jwt_shapes_show_only_their_start() {
    let masked = mask_token_shapes("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl x");
    assert_eq!(masked, "Bearer eyJhbGciOiJI…(token, 49 chars) x");
    assert_eq!(mask_token_shapes("Bearer garbage"), "Bearer garbage");
}

#[test]
fn credential_shapes_show_only_kind_and_length() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    let header = format!("authorization: Bearer {jwt} x");
    let masked = mask_credential_shapes(&header);
    assert_eq!(masked, "authorization: Bearer <JWT, 49 chars> x");
    assert_eq!(
        mask_credential_shapes("Authorization: Bearer nc-access-0123456789abcdef"),
        "Authorization: Bearer <bearer credential, 26 chars>"
    );
    assert_eq!(
        mask_credential_shapes("Basic dmVuZG9yOnB1c2g="),
        "Basic <basic credential, 16 chars>"
    );
    assert_eq!(
        mask_credential_shapes(r#"{"refreshToken":"a\"bc-1234","ticketNumber":"INC1"}"#),
        r#"{"refreshToken":"<credential, 10 chars>","ticketNumber":"INC1"}"#
    );
    assert_eq!(
        mask_credential_shapes(r#"{"password": "hunter2"}"#),
        r#"{"password": "<credential, 7 chars>"}"#
    );
    for plain in [
        "POST /api/custom-psa/tickets → 401",
        r#"{"ticketNumber":"INC000501","ticketUrl":"http://h/i/1"}"#,
        "a bearer access token from POST /api/auth/authenticate",
        "Bearer <an access token>",
        "a token the PSA got with a bearer credential",
    ] {
        assert!(
            matches!(mask_credential_shapes(plain), Cow::Borrowed(_)),
            "{plain}"
        );
    }
}

#[test]
fn a_redactor_masks_shapes_only_when_asked() {
    let r = Redactor::new();
    let text = "Bearer stranger-token-123456";
    assert_eq!(r.redact(text), text);
    r.clone().mask_shapes();
    assert_eq!(r.redact(text), "Bearer <bearer credential, 21 chars>");
    r.add(&Secret::new("stranger-token-123456"));
    assert_eq!(r.redact(text), "Bearer ***");
}

#[test]
fn bytes_are_redacted_like_text_even_when_not_utf8() {
    let r = Redactor::new();
    r.add(&Secret::new("topsecret"));
    assert_eq!(r.redact_bytes(b"a topsecret b"), "a *** b");
    assert_eq!(r.redact_bytes(b"\xff topsecret"), "\u{fffd} ***");
    assert_eq!(r.redact_bytes(b"nothing here"), "nothing here");
}

#[test]
fn finds_a_secret_only_where_there_is_one() {
    let r = Redactor::new();
    assert!(!r.finds_secret_in("topsecret"), "no secret known yet");
    r.add(&Secret::new("topsecret"));
    assert!(r.finds_secret_in("a topsecret b"));
    assert!(r.finds_secret_in("q=topsecret"));
    assert!(!r.finds_secret_in("nothing here"));
    assert!(!r.finds_secret_in(""));
}

#[test]
fn wire_forms_are_never_empty_nor_repeated() {
    assert!(wire_forms("").is_empty(), "{:?}", wire_forms(""));
    // A value no encoding changes has one form.
    assert_eq!(wire_forms("abc-123_x.y"), ["abc-123_x.y"]);
    // One with a space: plain, form-urlencoded, percent-encoded.
    assert_eq!(wire_forms("a b"), ["a b", "a+b", "a%20b"]);
}

#[test]
fn too_short_secrets_are_ignored() {
    let r = Redactor::new();
    r.add(&Secret::new("ab"));
    assert_eq!(r.redact("abab"), "abab");
}

#[test]
fn a_credential_field_is_masked_once_and_whatever_its_value_looks_like() {
    // A secret already masked stays `***`, as after `Bearer` (above): the
    // shape mask does not describe the mask.
    let r = Redactor::new();
    r.clone().mask_shapes();
    r.add(&Secret::new("hunter2-secret"));
    assert_eq!(
        r.redact(r#"{"password":"hunter2-secret"}"#),
        r#"{"password":"***"}"#
    );
    // A masked credential masked again reads the same.
    let once = mask_credential_shapes(r#"{"apiKey":"k-0123456789"}"#).into_owned();
    assert_eq!(once, r#"{"apiKey":"<credential, 12 chars>"}"#);
    assert_eq!(mask_credential_shapes(&once), once);
    // Only a whole `<kind, N chars>` counts as masked: a value that merely
    // starts with `<` or ends with ` chars>` is a credential like any other.
    assert_eq!(
        mask_credential_shapes(r#"{"password":"<hunter2"}"#),
        r#"{"password":"<credential, 8 chars>"}"#
    );
    assert_eq!(
        mask_credential_shapes(r#"{"password":"hunter2 chars>"}"#),
        r#"{"password":"<credential, 14 chars>"}"#
    );
}

#[test]
fn without_a_matcher_known_secrets_fail_closed() {
    // The state a refused aho-corasick build leaves (patterns beyond its
    // size limits): secrets known, no automaton. Nothing may leak then.
    let r = Redactor::new();
    r.add(&Secret::new("topsecret"));
    r.needles.write().unwrap().matcher = None;
    assert_eq!(r.redact("a topsecret b"), MASK);
    assert_eq!(r.redact("nothing here"), MASK);
    assert!(r.finds_secret_in("a topsecret b"));
    assert_eq!(
        r.replay_parts(b"a topsecret b"),
        [ReplayPart::Var(UNNAMED_SECRET_VAR.into())]
    );
    // With no secret known there is nothing to hide.
    let none = Redactor::new();
    assert_eq!(none.redact("nothing here"), "nothing here");
    assert_eq!(none.replay_parts(b"x"), [ReplayPart::Bytes(b"x".to_vec())]);
}
