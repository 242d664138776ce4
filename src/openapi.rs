//! An OpenAPI 3.1 description of the certified surface, built from the same
//! JSON Schemas the suite validates with, for other tools (Prism,
//! Schemathesis) to consume.

use serde_json::{json, Map, Value};

use crate::api::{self, Endpoint};
use crate::schema::effective_schemas;

/// psaType as the mock takes it: a number of at most 9 digits (anything
/// else is a 400).
pub(crate) const PSA_TYPE_PATTERN: &str = "^[0-9]{1,9}$";

/// A custom PSA ticket id: a decimal without leading zero, at most 19
/// digits (anything else is a 400).
pub(crate) const TICKET_ID_PATTERN: &str = "^[1-9][0-9]{0,18}$";

/// One field of an offset: `Z` or `±HH:MM[:SS]` up to ±18:00.
macro_rules! offset {
    () => {
        "(?:[+-](?:(?:0[0-9]|1[0-7]):[0-5][0-9](?::[0-5][0-9])?|18:00(?::00)?))"
    };
}

/// `creationDate` as REQUIREMENTS.md's Conventions define it (Java
/// `ZonedDateTime` text in every form Java writes, or RFC 3339), as an
/// ECMA-262 pattern so outside validators enforce it; the same rule as
/// `schema::is_zoned_date_time`, which also refuses impossible calendar
/// dates (`2024-02-30`) no pattern can.
pub(crate) const ZONED_DATE_TIME_PATTERN: &str = concat!(
    "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt]",
    "(?:(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?|23:59:60(?:\\.[0-9]{1,9})?)",
    "(?:[Zz]|",
    offset!(),
    ")",
    "(?:\\[!?(?:Z|(?:UTC|GMT|UT)?",
    offset!(),
    "|[A-Za-z](?:[A-Za-z0-9~._+-]+(?:/[A-Za-z0-9~._+-]+)*|(?:/[A-Za-z0-9~._+-]+)+))\\])?$"
);

/// The schemas, null policy applied, as OpenAPI components (without `$id`
/// and `$schema`).
fn components() -> Map<String, Value> {
    let mut out = Map::new();
    for (name, mut schema) in effective_schemas().unwrap_or_default() {
        if let Value::Object(m) = &mut schema {
            m.remove("$id");
            m.remove("$schema");
        }
        if name == "ticket-info" {
            if let Some(date) = schema.pointer_mut("/properties/data/properties/creationDate") {
                date["pattern"] = json!(ZONED_DATE_TIME_PATTERN);
            }
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
pub(crate) fn component_name(schema: &str) -> String {
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

fn get_links(endpoint: &Endpoint) -> Value {
    let mut responses = errors(&[
        ("401", "No, malformed or invalid bearer token."),
        ("429", "Too many requests in flight."),
    ]);
    let schema = endpoint.ok_schema.unwrap_or("error-response");
    responses.insert("200".into(), json_response("Link document.", schema));
    json!({ "get": {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": ["PSA"],
        "responses": responses
    }})
}

/// What a POST endpoint answers besides 200: `bad_request` and
/// `not_found` say what its 400 and 404 mean.
fn post_with_credentials(
    endpoint: &Endpoint,
    param: Value,
    bad_request: &str,
    not_found: &str,
) -> Value {
    let ok_schema = endpoint.ok_schema.unwrap_or("error-response");
    let mut responses = errors(&[
        ("400", bad_request),
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
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
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

/// An operation of profile extended (REQUIREMENTS.md §9–10): the bearer
/// token alone, no integration key; `codes` are its error answers besides
/// 401 and 429.
fn extended_operation(
    endpoint: &Endpoint,
    tag: &str,
    codes: &[(&str, &str)],
    request_body: Option<Value>,
    path_parameter: bool,
) -> Value {
    let mut all = vec![
        (
            "401",
            "No, malformed or invalid bearer token (checked first).",
        ),
        ("429", "Too many requests in flight."),
    ];
    all.extend_from_slice(codes);
    let mut responses = errors(&all);
    responses.insert(
        "200".into(),
        json_response("Success.", endpoint.ok_schema.unwrap_or("error-response")),
    );
    let mut op = json!({
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [tag],
        "responses": responses
    });
    if path_parameter {
        op["parameters"] = json!([{ "name": "customPsaTicketId", "in": "path", "required": true, "schema": { "type": "string", "pattern": TICKET_ID_PATTERN }, "example": "1142285696" }]);
    }
    if let Some(body) = request_body {
        op["requestBody"] = body;
    }
    op
}

fn reference_raw(component: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{component}") })
}

/// The OpenAPI 3.1 document, pretty-printed.
pub(crate) fn document() -> String {
    let mut auth_responses = errors(&[
        ("401", "Invalid User-API JWT."),
        ("429", "Too many requests in flight."),
    ]);
    auth_responses.insert(
        "200".into(),
        json_response(
            "Access and refresh tokens.",
            api::AUTHENTICATE.ok_schema.unwrap_or("token-exchange"),
        ),
    );
    let ticket_ops = [
        ("400", "Malformed customPsaTicketId."),
        ("404", "Unknown ticket."),
        (
            "409",
            "Resolving a resolved ticket, or reopening one that is not resolved.",
        ),
    ];
    let mut tickets_root = get_links(&api::CUSTOM_PSA_TICKETS_ROOT);
    tickets_root["post"] = extended_operation(
        &api::CREATE_CUSTOM_TICKET,
        "PSA",
        &[
            ("400", "An invalid create request."),
            ("404", "Unknown ticket."),
            ("409", "The ticket is already linked to a PSA ticket."),
            ("413", "Request body too large."),
            ("415", "Request body is not application/json."),
        ],
        Some(json!({
            "required": true,
            "content": { "application/json": { "schema": reference("custom-psa-ticket-create-request") } }
        })),
        false,
    );
    let mut ticket_info = post_with_credentials(
        &api::TICKET_INFO,
        json!({ "name": "customPsaTicketId", "in": "path", "required": true, "schema": { "type": "string", "pattern": TICKET_ID_PATTERN }, "example": "1142285696" }),
        "Malformed customPsaTicketId, an invalid request body, or PSA credentials the PSA rejected (PsaAuthenticationException).",
        "Unknown ticket."
    );
    ticket_info["get"] = extended_operation(
        &api::TICKET_INFO_WITHOUT_PSA_CREDENTIALS,
        "PSA",
        &ticket_ops[..2],
        None,
        true,
    );
    let mut refresh = extended_operation(
        &api::REFRESH,
        "Authentication",
        &[
            ("400", "No refresh token, or a malformed expiry override."),
            ("413", "Request body too large."),
        ],
        Some(json!({
            "required": true,
            "content": { "text/plain": { "schema": { "type": "string", "minLength": 1 } } }
        })),
        false,
    );
    refresh["security"] = json!([]);
    refresh["responses"]["401"]["description"] = json!("An invalid or expired refresh token.");
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
            api::STANDARD_PSA_ROOT.route: get_links(&api::STANDARD_PSA_ROOT),
            api::CUSTOM_PSA_ROOT.route: get_links(&api::CUSTOM_PSA_ROOT),
            api::CUSTOM_PSA_TICKETS_ROOT.route: tickets_root,
            api::VALIDATE_CREDENTIAL.route: post_with_credentials(
                &api::VALIDATE_CREDENTIAL,
                json!({ "name": "psaType", "in": "path", "required": true, "description": "A number; 3 is Tigerpaw.", "schema": { "type": "string", "pattern": PSA_TYPE_PATTERN }, "example": "3" }),
                "Non-numeric psaType, or an invalid request body. Wrong PSA credentials are not an error here: 200 with isPsaCredentialsValid false.",
                "Unsupported psaType (a number other than 3)."
            ),
            api::TICKET_INFO.route: ticket_info,
            api::RESOLVE_CUSTOM_TICKET.route: { "post": extended_operation(&api::RESOLVE_CUSTOM_TICKET, "PSA", &ticket_ops, None, true) },
            api::REOPEN_CUSTOM_TICKET.route: { "post": extended_operation(&api::REOPEN_CUSTOM_TICKET, "PSA", &ticket_ops, None, true) },
            api::REFRESH.route: { "post": refresh },
            api::VALIDATE_TOKEN.route: { "get": extended_operation(&api::VALIDATE_TOKEN, "Authentication", &[], None, false) },
            api::AUTHENTICATE.route: { "post": {
                "operationId": api::AUTHENTICATE.operation_id,
                "summary": api::AUTHENTICATE.summary,
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

    #[test]
    fn every_endpoint_of_the_table_is_documented_with_its_operation_id() {
        let doc: Value = serde_json::from_str(&document()).unwrap();
        for e in api::ENDPOINTS {
            let op = &doc["paths"][e.route][e.method.to_ascii_lowercase()];
            assert_eq!(op["operationId"], e.operation_id, "{}", e.key());
        }
    }

    #[test]
    fn path_parameters_and_dates_carry_their_patterns() {
        let doc: Value = serde_json::from_str(&document()).unwrap();
        let param = |path: &str| {
            doc["paths"][path]["post"]["parameters"][0]["schema"]["pattern"]
                .as_str()
                .map(str::to_string)
        };
        assert_eq!(
            param("/api/standard-psa/{psaType}/credential").as_deref(),
            Some(PSA_TYPE_PATTERN)
        );
        assert_eq!(
            param("/api/custom-psa/tickets/{customPsaTicketId}").as_deref(),
            Some(TICKET_ID_PATTERN)
        );
        let date = &doc["components"]["schemas"]["TicketInfo"]["properties"]["data"]["properties"]
            ["creationDate"];
        assert_eq!(date["pattern"], ZONED_DATE_TIME_PATTERN);
        assert_eq!(date["format"], "zoned-date-time");
    }

    /// The pattern takes every form the Conventions name and refuses the
    /// near misses, as the suite's own validator does; the validator alone
    /// also refuses impossible calendar dates.
    #[test]
    fn the_date_pattern_agrees_with_the_validator() {
        let re = regex::Regex::new(ZONED_DATE_TIME_PATTERN).unwrap();
        for ok in [
            "2024-02-21T06:28:10.624-05:00[America/New_York]",
            "2024-02-21T06:28-05:00[America/New_York]",
            "2024-02-21T06:28:10.624123-05:00",
            "2024-02-21T06:28:10.624123456Z",
            "2024-02-21T06:28:10Z[UTC]",
            "2024-02-21T12:28+01:00[UTC+01:00]",
            "2024-02-21T06:28:10-05:00[GMT-05:00]",
            "2024-02-21T12:28:10+01:00[+01:00]",
            "2024-02-21T06:28:10-05:00[Etc/GMT+5]",
            "1850-01-01T00:00:00-04:56:02[America/New_York]",
            "2025-07-01T12:00:00Z",
            "2024-02-21T06:28:10Z[Z]",
        ] {
            assert!(re.is_match(ok), "the pattern refuses {ok}");
        }
        for bad in [
            "2024-02-21 06:28:10Z",
            "2024-02-21T06:28:10",
            "2024-02-21T06:28:10.624",
            "02/21/2024 06:28:10",
            "1708514890",
            "2024-13-21T06:28:10Z",
            "2024-02-21T24:00:00Z",
            "2024-02-21T06:28:10+19:00",
            "2024-02-21T06:28:10.1234567890Z",
            "2024-02-21T06:28:10-05:00[]",
            "2024-02-21T06:28:10-05:00[America/New York]",
            "2024-02-21T06:28:10-05:00[America//New_York]",
            "2024-02-21T06:28:10-05:00America/New_York",
        ] {
            assert!(!re.is_match(bad), "the pattern accepts {bad}");
        }
        // Only the validator knows the calendar.
        assert!(re.is_match("2024-02-30T06:28:10Z"));
        assert!(!crate::schema::is_zoned_date_time("2024-02-30T06:28:10Z"));
    }
}
