//! The one null policy of every response schema, applied in one place.
//!
//! N-central's Java stack (Jackson, with Spring's defaults) writes a field
//! its object never set as `null`: a create answer whose status was never
//! confirmed carries `"newConfirmedStatus": null`. So a response property
//! that N-central's OpenAPI does not mark `required` may be `null`, except
//! the properties a requirement itself demands — those the schema lists in
//! its own `required` (TCKT-01's five fields, LIFE-01/04's
//! `data.psaCustomTicketId`, CRED-01's `isPsaCredentialsValid`, AUTH-06's
//! token fields…), each named in its requirement's text.
//!
//! The required lists come from N-central's own OpenAPI description, kept
//! unchanged in `schemas/ncentral/`; [`NCENTRAL_COMPONENTS`] says which of its
//! components each response schema describes. Only `properties` are widened:
//! link values (`additionalProperties`) stay strings (DISC-04), and request
//! schemas are not responses.

use serde_json::Value;

/// N-central's OpenAPI 3.0.1 description of the PSA, authentication and
/// root operations, unchanged (origin in `schemas/ncentral/README.md`).
pub(crate) const NCENTRAL_OPENAPI: &str =
    include_str!("../schemas/ncentral/ncentral-openapi-psa.json");

/// Each response schema and the N-central component it describes.
pub(crate) const NCENTRAL_COMPONENTS: &[(&str, &str)] = &[
    ("standard-psa-links", "LinksResponse"),
    ("custom-psa-links", "LinksResponse"),
    ("custom-psa-tickets-links", "LinksResponse"),
    (
        "credential-validation",
        "StandardPsaCredentialsValidateGetResponse",
    ),
    ("ticket-info", "CustomPsaTicketGetResponse"),
    ("error-response", "ErrorResponse"),
    ("token-exchange", "AuthenticateResponse"),
    ("token-validation", "AuthValidateResponse"),
    (
        "custom-psa-ticket-create-response",
        "CustomPsaTicketCreateResponse",
    ),
    ("custom-psa-ticket", "CustomPsaTicket"),
];

/// N-central's OpenAPI, parsed once.
fn ncentral() -> &'static Value {
    static DOC: std::sync::LazyLock<Value> =
        std::sync::LazyLock::new(|| serde_json::from_str(NCENTRAL_OPENAPI).unwrap_or(Value::Null));
    &DOC
}

/// The N-central component schema `name` describes; `None` for a request
/// schema or one N-central does not document.
pub(crate) fn component_of(name: &str) -> Option<&'static Value> {
    let (_, component) = NCENTRAL_COMPONENTS.iter().find(|(n, _)| *n == name)?;
    ncentral()
        .pointer(&format!("/components/schemas/{component}"))
        .filter(|v| v.is_object())
}

/// Applies the policy to the schema named `name`: every property neither
/// demanded (in the schema's own `required`) nor required by N-central's
/// component may also be `null`. Schemas that describe no N-central
/// response are left as they are.
pub(crate) fn apply(name: &str, schema: &mut Value) {
    if let Some(theirs) = component_of(name) {
        widen(schema, Some(theirs));
    }
}

/// `#/components/schemas/X` → X's schema; anything else as it is.
fn resolve(schema: &'static Value) -> &'static Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| ncentral().pointer(pointer))
        .unwrap_or(schema)
}

fn names(list: Option<&Value>) -> Vec<&str> {
    list.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn widen(ours: &mut Value, theirs: Option<&'static Value>) {
    let theirs = theirs.map(resolve);
    let strict: Vec<String> = names(ours.get("required"))
        .into_iter()
        .chain(names(theirs.and_then(|t| t.get("required"))))
        .map(str::to_string)
        .collect();
    if let Some(Value::Object(properties)) = ours.get_mut("properties") {
        for (key, property) in properties.iter_mut() {
            let their_property = theirs
                .and_then(|t| t.get("properties"))
                .and_then(|p| p.get(key));
            widen(property, their_property);
            if !strict.contains(key) {
                allow_null(property);
            }
        }
    }
    if let Some(items) = ours.get_mut("items") {
        widen(items, theirs.and_then(|t| t.get("items")));
    }
}

/// `"type": "string"` → `"type": ["string", "null"]`. A property without
/// `type` already takes `null`.
fn allow_null(property: &mut Value) {
    match property.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            property["type"] = Value::Array(vec![Value::String(t), "null".into()]);
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push("null".into());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_component_named_exists_in_ncentrals_document() {
        for (name, component) in NCENTRAL_COMPONENTS {
            assert!(component_of(name).is_some(), "{name} → {component}");
        }
        assert!(component_of("custom-psa-ticket-create-request").is_none());
    }

    #[test]
    fn what_is_neither_demanded_nor_required_by_ncentral_takes_null() {
        let mut schema = json!({
            "type": "object",
            "required": ["tokens"],
            "properties": {
                "tokens": { "type": "object", "required": ["access"], "properties": {
                    "access": { "type": "object", "properties": {
                        "token": { "type": "string" },
                        "expirySeconds": { "type": "integer" }
                    }},
                    "refresh": { "type": "object" }
                }},
                "validate": { "type": ["string"] },
                "refresh": { "type": "string" }
            }
        });
        apply("token-exchange", &mut schema);
        let at = |p: &str| schema.pointer(p).cloned().unwrap();
        // Demanded by our schema.
        assert_eq!(at("/properties/tokens/type"), "object");
        assert_eq!(at("/properties/tokens/properties/access/type"), "object");
        // Required by N-central's AuthTokens (access, refresh) and AuthToken (token, type).
        assert_eq!(at("/properties/tokens/properties/refresh/type"), "object");
        assert_eq!(
            at("/properties/tokens/properties/access/properties/token/type"),
            "string"
        );
        // Neither: null allowed.
        assert_eq!(
            at("/properties/tokens/properties/access/properties/expirySeconds/type"),
            json!(["integer", "null"])
        );
        assert_eq!(at("/properties/validate/type"), json!(["string", "null"]));
        assert_eq!(at("/properties/refresh/type"), json!(["string", "null"]));
    }

    #[test]
    fn array_items_and_request_schemas() {
        let mut errors = json!({ "type": "object", "required": ["status"], "properties": {
            "status": { "type": "integer" },
            "errors": { "type": ["array", "null"], "items": { "type": "object", "properties": {
                "field": { "type": "string" } } } }
        }});
        apply("error-response", &mut errors);
        assert_eq!(errors["properties"]["status"]["type"], "integer");
        assert_eq!(
            errors["properties"]["errors"]["type"],
            json!(["array", "null"])
        );
        assert_eq!(
            errors["properties"]["errors"]["items"]["properties"]["field"]["type"],
            json!(["string", "null"])
        );
        let request =
            json!({ "type": "object", "properties": { "ticketUrl": { "type": "string" } } });
        let mut same = request.clone();
        apply("custom-psa-ticket-create-request", &mut same);
        assert_eq!(same, request);
    }
}
