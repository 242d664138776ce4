//! The null policy, judged by N-central's own documents: every documented
//! example (tests/data/ncentral-examples and the `example`s of N-central's
//! OpenAPI description) stays valid when any property N-central's OpenAPI
//! does not mark required is set to `null` — Jackson writes a field never
//! set that way — and fails the check of the requirement that demands a
//! property when that property is `null`.
//!
//! What is required and what is nullable is read from N-central's OpenAPI
//! (schemas/ncentral/, unchanged), never from the suite's own schemas; the
//! demanded properties are the requirement texts' (REQUIREMENTS.md), and
//! each must be named there and called never `null`.

use psa_conformance::catalog;
use psa_conformance::schema::SchemaSet;
use serde_json::Value;

const OPENAPI: &str = include_str!("../schemas/ncentral/ncentral-openapi-psa.json");
const EXAMPLES: &str = include_str!("data/ncentral-examples/examples.json");

/// The properties a requirement demands: (schema, instance pointer, the
/// requirements whose text names it).
const DEMANDED: &[(&str, &str, &[&str])] = &[
    ("standard-psa-links", "/_links", &["DISC-01"]),
    ("custom-psa-links", "/_links", &["DISC-02"]),
    ("custom-psa-tickets-links", "/_links", &["DISC-03"]),
    ("credential-validation", "/data", &["CRED-01"]),
    (
        "credential-validation",
        "/data/isPsaCredentialsValid",
        &["CRED-01"],
    ),
    ("ticket-info", "/data", &["TCKT-01"]),
    ("ticket-info", "/data/ticketId", &["TCKT-01"]),
    ("ticket-info", "/data/ticketTitle", &["TCKT-01"]),
    ("ticket-info", "/data/ticketDetails", &["TCKT-01"]),
    ("ticket-info", "/data/ticketStatus", &["TCKT-01"]),
    ("ticket-info", "/data/creationDate", &["TCKT-01"]),
    ("ticket-info", "/_links", &["TCKT-01"]),
    (
        "custom-psa-ticket-create-response",
        "/data",
        &["LIFE-01", "LIFE-04"],
    ),
    (
        "custom-psa-ticket-create-response",
        "/data/psaCustomTicketId",
        &["LIFE-01", "LIFE-04"],
    ),
    ("token-exchange", "/tokens", &["AUTH-06"]),
    ("token-exchange", "/tokens/access", &["AUTH-06"]),
    ("token-exchange", "/tokens/access/token", &["AUTH-06"]),
    ("token-exchange", "/tokens/access/type", &["AUTH-06"]),
    (
        "token-exchange",
        "/tokens/access/expirySeconds",
        &["AUTH-06"],
    ),
    ("error-response", "/status", &["ERR-01"]),
];

/// Which suite schema checks the answer each N-central component or
/// documented operation describes.
const COMPONENTS: &[(&str, &str)] = &[
    ("ErrorResponse", "error-response"),
    (
        "StandardPsaCredentialsValidateGetResponse",
        "credential-validation",
    ),
    (
        "CustomPsaTicketCreateResponse",
        "custom-psa-ticket-create-response",
    ),
    (
        "CustomPsaTicketReopenResponse",
        "custom-psa-ticket-create-response",
    ),
    ("CustomPsaTicketGetResponse", "ticket-info"),
    ("AuthenticateResponse", "token-exchange"),
    ("AuthRefreshResponse", "token-exchange"),
    ("AuthValidateResponse", "token-validation"),
];
const OPERATIONS: &[(&str, &str)] = &[
    ("/api/standard-psa", "standard-psa-links"),
    ("/api/custom-psa", "custom-psa-links"),
    ("/api/custom-psa/tickets", "custom-psa-tickets-links"),
    ("/api/auth/validate", "token-validation"),
];

struct Example {
    origin: String,
    schema: &'static str,
    value: Value,
    /// N-central's schema of `value`.
    theirs: Value,
}

fn doc() -> Value {
    serde_json::from_str(OPENAPI).unwrap()
}

fn resolve(doc: &Value, schema: &Value) -> Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap().clone(),
        None => schema.clone(),
    }
}

/// Every documented example of an answer the suite checks.
fn examples() -> Vec<Example> {
    let doc = doc();
    let schema_of = |name: &str| -> &'static str {
        COMPONENTS
            .iter()
            .chain(OPERATIONS)
            .chain(&[("custom-psa-ticket", "custom-psa-ticket")])
            .map(|(_, s)| *s)
            .find(|s| *s == name)
            .unwrap_or_else(|| panic!("unknown schema {name}"))
    };
    let mut out = Vec::new();
    for (component, schema) in COMPONENTS {
        let theirs = &doc["components"]["schemas"][component];
        out.push(Example {
            origin: format!("OpenAPI components.schemas.{component}.example"),
            schema,
            value: theirs["example"].clone(),
            theirs: theirs.clone(),
        });
    }
    for (path, schema) in OPERATIONS {
        let content = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"];
        out.push(Example {
            origin: format!("OpenAPI GET {path} 200 example"),
            schema,
            value: content["example"].clone(),
            theirs: resolve(&doc, &content["schema"]),
        });
    }
    let file: Value = serde_json::from_str(EXAMPLES).unwrap();
    for e in file["examples"].as_array().unwrap() {
        let name = e["schema"].as_str().unwrap();
        if name == "custom-psa-ticket-create-request" {
            continue; // a request: N-central reads it, nothing writes nulls into it
        }
        let component = e["component"].as_str().unwrap();
        let mut theirs = match doc["components"]["schemas"].get(component) {
            Some(c) => c.clone(),
            None => resolve(
                &doc,
                &doc["paths"]["/api/auth/validate"]["get"]["responses"]["200"]["content"]
                    ["application/json"]["schema"],
            ),
        };
        for key in e["pointer"].as_str().unwrap().split('/').skip(1) {
            theirs = resolve(&doc, &theirs["properties"][key]);
        }
        out.push(Example {
            origin: format!("examples.json {component} {}", e["pointer"]),
            schema: schema_of(name),
            value: e["value"].clone(),
            theirs,
        });
    }
    for e in &out {
        assert!(e.value.is_object(), "{}: no example", e.origin);
    }
    out
}

/// Every property of `value`, with whether N-central requires it: (pointer,
/// required). Map entries (`additionalProperties`) are not properties.
fn properties(doc: &Value, value: &Value, theirs: &Value, at: &str, out: &mut Vec<(String, bool)>) {
    let theirs = resolve(doc, theirs);
    let Value::Object(map) = value else {
        if let (Value::Array(items), Some(item_schema)) = (value, theirs.get("items")) {
            for (i, item) in items.iter().enumerate() {
                properties(doc, item, item_schema, &format!("{at}/{i}"), out);
            }
        }
        return;
    };
    let required: Vec<&str> = theirs["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (key, item) in map {
        let Some(their_item) = theirs.get("properties").and_then(|p| p.get(key)) else {
            continue;
        };
        let pointer = format!("{at}/{key}");
        out.push((pointer.clone(), required.contains(&key.as_str())));
        properties(doc, item, their_item, &pointer, out);
    }
}

fn with_null(value: &Value, pointer: &str) -> Value {
    let mut v = value.clone();
    *v.pointer_mut(pointer).unwrap() = Value::Null;
    v
}

/// The demanded entry for `pointer` in `schema`, ignoring array indices.
fn demanded(schema: &str, pointer: &str) -> Option<&'static [&'static str]> {
    DEMANDED
        .iter()
        .find(|(s, p, _)| *s == schema && *p == pointer)
        .map(|(_, _, ids)| *ids)
}

#[test]
fn any_property_ncentral_does_not_require_may_be_null_and_a_demanded_one_never() {
    let schemas = SchemaSet::load().unwrap();
    let doc = doc();
    let mut nullable_checked = 0;
    let mut demanded_seen = std::collections::BTreeSet::new();
    for e in examples() {
        let before = schemas.validate(e.schema, &e.value).unwrap();
        assert!(
            before.is_empty(),
            "{} breaks {}: {before:?}",
            e.origin,
            e.schema
        );
        let mut props = Vec::new();
        properties(&doc, &e.value, &e.theirs, "", &mut props);
        assert!(!props.is_empty(), "{}: no property found", e.origin);
        for (pointer, required_by_ncentral) in props {
            let nulled = with_null(&e.value, &pointer);
            let violations = schemas.validate(e.schema, &nulled).unwrap();
            if let Some(ids) = demanded(e.schema, &pointer) {
                demanded_seen.insert((e.schema, pointer.clone()));
                assert!(
                    violations.iter().any(|v| v.instance_path == pointer),
                    "{}: {pointer} null passes {}, though {ids:?} demand it: {violations:?}",
                    e.origin,
                    e.schema
                );
            } else if required_by_ncentral {
                assert!(
                    !violations.is_empty(),
                    "{}: {pointer} is required by N-central's OpenAPI, yet null passes {}",
                    e.origin,
                    e.schema
                );
            } else {
                nullable_checked += 1;
                assert!(
                    violations.is_empty(),
                    "{}: {pointer} null (N-central does not require it) fails {}: {violations:?}",
                    e.origin,
                    e.schema
                );
            }
        }
    }
    // The cases the issue names were among them.
    assert!(
        nullable_checked >= 30,
        "only {nullable_checked} nullable properties checked"
    );
    for must in [
        (
            "custom-psa-ticket-create-response",
            "/data/newConfirmedStatus",
        ),
        ("error-response", "/errors"),
        ("error-response", "/message"),
    ] {
        let found = examples().iter().any(|e| {
            let mut props = Vec::new();
            properties(&doc, &e.value, &e.theirs, "", &mut props);
            e.schema == must.0 && props.iter().any(|(p, r)| p == must.1 && !r)
        });
        assert!(found, "no example carries {must:?}");
    }
    // Every demanded property was tried on some example.
    for (schema, pointer, ids) in DEMANDED {
        assert!(
            demanded_seen.contains(&(*schema, pointer.to_string())),
            "no N-central example carries {schema} {pointer} ({ids:?})"
        );
    }
}

/// A link document's values stay strings (DISC-04), whatever nulls do
/// elsewhere.
#[test]
fn a_null_link_value_fails_disc_04() {
    let schemas = SchemaSet::load().unwrap();
    for e in examples()
        .into_iter()
        .filter(|e| e.schema.ends_with("-links"))
    {
        for key in e.value["_links"].as_object().unwrap().keys() {
            let pointer = format!("/_links/{key}");
            let v = schemas
                .validate(e.schema, &with_null(&e.value, &pointer))
                .unwrap();
            assert!(
                v.iter().any(|v| v.instance_path == pointer),
                "{}: {pointer} null passes",
                e.origin
            );
        }
    }
    assert!(catalog::find("DISC-04")
        .unwrap()
        .text
        .contains("is a string"));
}

/// Each demanded property is named in its requirement's text, which says
/// it is never `null`.
#[test]
fn every_demanded_property_is_named_by_its_requirement() {
    for (schema, pointer, ids) in DEMANDED {
        let name = pointer.rsplit('/').next().unwrap();
        for id in *ids {
            let r = catalog::find(id).unwrap_or_else(|| panic!("no {id}"));
            assert!(
                r.text.contains(name) && r.text.contains("never `null`"),
                "{id} ({schema} {pointer}) does not name `{name}` as never null: {}",
                r.text
            );
        }
    }
}
