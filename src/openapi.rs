//! An OpenAPI 3.1 description of the certified surface, built from the same
//! JSON Schemas the suite validates with, for other tools (Prism,
//! Schemathesis) to consume.

use serde_json::{json, Map, Value};

use crate::schema::SCHEMA_SOURCES;

/// The schema texts as OpenAPI components (without `$id` and `$schema`).
fn components() -> Map<String, Value> {
    let mut out = Map::new();
    for (name, text) in SCHEMA_SOURCES {
        let mut schema: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut schema {
            m.remove("$id");
            m.remove("$schema");
        }
        out.insert(component_name(name), schema);
    }
    out.insert(
        "PsaCredentialRequest".into(),
        json!({
            "type": "object",
            "required": ["username", "password"],
            "properties": {
                "username": { "type": "string", "minLength": 1 },
                "password": { "type": "string", "minLength": 1, "format": "password" }
            }
        }),
    );
    out
}

/// `ticket-info` → `TicketInfo`.
pub fn component_name(schema: &str) -> String {
    schema
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn reference(schema: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", component_name(schema)) })
}

fn json_response(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": reference(schema) } } })
}

fn errors(codes: &[(&str, &str)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (code, description) in codes {
        let mut r = json_response(description, "error-response");
        if *code == "429" {
            r["headers"] = json!({
                "Retry-After": {
                    "description": "Seconds (or an HTTP-date) after which to retry.",
                    "schema": { "type": "string" }
                }
            });
        }
        out.insert((*code).into(), r);
    }
    out
}

fn get_links(operation_id: &str, summary: &str, schema: &str) -> Value {
    let mut responses = errors(&[
        ("401", "No, malformed or invalid bearer token."),
        ("429", "Too many requests in flight."),
    ]);
    responses.insert("200".into(), json_response("Link document.", schema));
    json!({ "get": {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["PSA"],
        "responses": responses
    }})
}

fn post_with_credentials(
    operation_id: &str,
    summary: &str,
    param: Value,
    ok_schema: &str,
    not_found: &str,
) -> Value {
    let mut responses = errors(&[
        ("400", "Invalid path parameter or request body."),
        (
            "401",
            "No, malformed or invalid bearer token (checked first).",
        ),
        (
            "403",
            "Missing or wrong INTEGRATION-KEY (checked after the token).",
        ),
        ("404", not_found),
        ("413", "Request body too large."),
        ("415", "Request body is not application/json."),
        ("429", "Too many requests in flight."),
    ]);
    responses.insert("200".into(), json_response("Success.", ok_schema));
    json!({ "post": {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["PSA"],
        "parameters": [
            param,
            { "$ref": "#/components/parameters/IntegrationKey" }
        ],
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": reference_raw("PsaCredentialRequest") } }
        },
        "responses": responses
    }})
}

fn reference_raw(component: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{component}") })
}

/// The OpenAPI 3.1 document, pretty-printed.
pub fn document() -> String {
    let mut auth_responses = errors(&[("401", "Invalid User-API JWT.")]);
    auth_responses.insert(
        "200".into(),
        json_response("Access and refresh tokens.", "token-exchange"),
    );
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "N-central PSA integration API (certified surface)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The operations psa-conformance certifies, with the behaviour REQUIREMENTS.md demands of them."
        },
        "servers": [{ "url": "http://127.0.0.1:8080" }],
        "security": [{ "bearer": [] }],
        "paths": {
            "/api/standard-psa": get_links("standardPsaRoot", "List the standard PSA links.", "standard-psa-links"),
            "/api/custom-psa": get_links("customPsaRoot", "List the custom PSA links.", "custom-psa-links"),
            "/api/custom-psa/tickets": get_links("customPsaTicketsRoot", "List the custom PSA ticket links.", "custom-psa-tickets-links"),
            "/api/standard-psa/{psaType}/credential": post_with_credentials(
                "validatePsaCredentials",
                "Validate standard PSA credentials (psaType 3 is Tigerpaw).",
                json!({ "name": "psaType", "in": "path", "required": true, "schema": { "type": "string" }, "example": "3" }),
                "credential-validation",
                "Unsupported psaType."
            ),
            "/api/custom-psa/tickets/{customPsaTicketId}": post_with_credentials(
                "getCustomTicketInfo",
                "Retrieve a custom PSA ticket's details.",
                json!({ "name": "customPsaTicketId", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[1-9][0-9]*$" }, "example": "1142285696" }),
                "ticket-info",
                "Unknown ticket."
            ),
            "/api/auth/authenticate": { "post": {
                "operationId": "authenticate",
                "summary": "Exchange a User-API JWT for access and refresh tokens.",
                "tags": ["Authentication"],
                "security": [{ "userApiJwt": [] }],
                "responses": auth_responses
            }}
        },
        "components": {
            "schemas": components(),
            "parameters": {
                "IntegrationKey": {
                    "name": "INTEGRATION-KEY",
                    "in": "header",
                    "required": true,
                    "description": "The PSA integration key.",
                    "schema": { "type": "string" }
                }
            },
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from POST /api/auth/authenticate." },
                "userApiJwt": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "The long-lived N-central User-API token." }
            }
        }
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves() {
        let doc: Value = serde_json::from_str(&document()).unwrap();
        let text = doc.to_string();
        for cap in regex::Regex::new(r##""\$ref":"#/components/(\w+)/(\w+)""##)
            .unwrap()
            .captures_iter(&text)
        {
            assert!(
                doc["components"][&cap[1]][&cap[2]].is_object(),
                "dangling {}",
                &cap[0]
            );
        }
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(component_name("ticket-info"), "TicketInfo");
    }
}
