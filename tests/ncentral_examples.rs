//! N-central's own documented examples for the operations of profile
//! extended (copied unchanged into `tests/data/ncentral-examples/`, origin
//! in `tests/data/README.md`) validate against the suite's schemas: the
//! suite never refuses what N-central documents. And the near misses the
//! lifecycle requirements exist for do not.

use psa_conformance::schema::SchemaSet;
use serde_json::{json, Value};

fn examples() -> Vec<Value> {
    let text = include_str!("data/ncentral-examples/examples.json");
    let doc: Value = serde_json::from_str(text).expect("examples.json is JSON");
    doc["examples"]
        .as_array()
        .expect("an examples array")
        .clone()
}

#[test]
fn every_documented_example_validates_against_its_schema() {
    let schemas = SchemaSet::load().expect("the schemas compile");
    let all = examples();
    assert!(all.len() >= 9, "the examples file lost entries");
    for needed in [
        "custom-psa-ticket-create-request",
        "custom-psa-ticket-create-response",
        "custom-psa-ticket",
        "token-exchange",
        "token-validation",
    ] {
        assert!(
            all.iter().any(|e| e["schema"] == needed),
            "no N-central example checks {needed}"
        );
    }
    for example in &all {
        let schema = example["schema"].as_str().expect("a schema name");
        let violations = schemas
            .validate(schema, &example["value"])
            .unwrap_or_else(|| panic!("no schema named {schema}"));
        assert!(
            violations.is_empty(),
            "N-central's example of {} breaks {schema}: {violations:?}",
            example["component"]
        );
    }
}

#[test]
fn the_schemas_refuse_what_the_requirements_refuse() {
    let schemas = SchemaSet::load().unwrap();
    let refused = |schema: &str, v: Value| !schemas.validate(schema, &v).unwrap().is_empty();
    let request = json!({"psaCustomTicketId": 123, "ticketNumber": "EXT-456", "ticketUrl": "https://example.com/ticket/EXT-456"});
    assert!(!refused(
        "custom-psa-ticket-create-request",
        request.clone()
    ));
    for key in ["psaCustomTicketId", "ticketNumber", "ticketUrl"] {
        let mut v = request.clone();
        v.as_object_mut().unwrap().remove(key);
        assert!(
            refused("custom-psa-ticket-create-request", v),
            "without {key}"
        );
    }
    for (key, bad) in [
        ("ticketUrl", json!("ftp://example.com/x")),
        ("ticketUrl", json!("example.com/x")),
        ("psaCustomTicketId", json!("abc")),
        ("psaCustomTicketId", json!(true)),
        ("psaCustomTicketId", json!({})),
        ("psaCustomTicketId", json!(2_147_483_648_i64)),
    ] {
        let mut v = request.clone();
        v[key] = bad.clone();
        assert!(
            refused("custom-psa-ticket-create-request", v),
            "{key}: {bad}"
        );
    }
    assert!(refused(
        "custom-psa-ticket-create-response",
        json!({"status": 200, "message": "ok"})
    ));
    assert!(refused(
        "custom-psa-ticket-create-response",
        json!({"data": {"psaCustomTicketId": "12345"}})
    ));
    assert!(refused(
        "custom-psa-ticket",
        json!({"psaCustomTicketId": "12345"})
    ));
    // TOKEN-02 demands the 200 alone: `{}` and a null message pass
    // (tests/ncentral_nulls.rs); a message of another type does not.
    assert!(refused("token-validation", json!({"message": 1})));
}
