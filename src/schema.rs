//! JSON Schemas of every response shape, embedded in the binary and compiled
//! once per run.
//!
//! A schema that does not compile is a harness error raised at start-up,
//! never a finding about the target. Violations carry the instance path (a
//! JSON pointer), the schema keyword that failed, and actual vs expected.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

/// The schema files, by name (the file name without `.json`).
pub const SCHEMA_SOURCES: &[(&str, &str)] = &[
    (
        "standard-psa-links",
        include_str!("../schemas/standard-psa-links.json"),
    ),
    (
        "custom-psa-links",
        include_str!("../schemas/custom-psa-links.json"),
    ),
    (
        "custom-psa-tickets-links",
        include_str!("../schemas/custom-psa-tickets-links.json"),
    ),
    (
        "credential-validation",
        include_str!("../schemas/credential-validation.json"),
    ),
    ("ticket-info", include_str!("../schemas/ticket-info.json")),
    (
        "error-response",
        include_str!("../schemas/error-response.json"),
    ),
    (
        "token-exchange",
        include_str!("../schemas/token-exchange.json"),
    ),
    (
        "token-validation",
        include_str!("../schemas/token-validation.json"),
    ),
    (
        "custom-psa-ticket-create-request",
        include_str!("../schemas/custom-psa-ticket-create-request.json"),
    ),
    (
        "custom-psa-ticket-create-response",
        include_str!("../schemas/custom-psa-ticket-create-response.json"),
    ),
    (
        "custom-psa-ticket",
        include_str!("../schemas/custom-psa-ticket.json"),
    ),
];

/// Every schema as the suite applies it: the file's text with the null
/// policy of [`crate::nulls`] applied (a property neither demanded nor
/// required by N-central may be `null`). What `schemas --out` writes and
/// the OpenAPI document embeds.
pub fn effective_schemas() -> Result<Vec<(&'static str, Value)>, SchemaError> {
    SCHEMA_SOURCES
        .iter()
        .map(|(name, text)| {
            let mut schema: Value = serde_json::from_str(text).map_err(|e| SchemaError {
                name: name.to_string(),
                message: e.to_string(),
            })?;
            crate::nulls::apply(name, &mut schema);
            Ok((*name, schema))
        })
        .collect()
}

/// A schema failed to parse or compile.
#[derive(Debug, thiserror::Error)]
#[error("schema {name} is invalid: {message}")]
pub struct SchemaError {
    pub name: String,
    pub message: String,
}

/// One way an instance breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance (`/data/isPsaCredentialsValid`); empty
    /// for the root.
    pub instance_path: String,
    /// The schema keyword that failed (`type`, `required`, `format`…).
    pub keyword: String,
    /// JSON pointer into the schema.
    pub schema_path: String,
    /// What was wrong, actual vs expected, in jsonschema's words.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "(root)"
        } else {
            &self.instance_path
        };
        write!(
            f,
            "at {at}: {} (keyword `{}`, schema {})",
            self.message, self.keyword, self.schema_path
        )
    }
}

/// Every schema, compiled.
#[derive(Clone)]
pub struct SchemaSet {
    validators: Arc<BTreeMap<&'static str, jsonschema::Validator>>,
}

impl fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.validators.keys()).finish()
    }
}

impl SchemaSet {
    /// Parses and compiles every embedded schema.
    pub fn load() -> Result<Self, SchemaError> {
        let mut validators = BTreeMap::new();
        for (name, schema) in effective_schemas()? {
            let err = |message: String| SchemaError {
                name: name.to_string(),
                message,
            };
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .with_format("zoned-date-time", is_zoned_date_time)
                .build(&schema)
                .map_err(|e| err(e.to_string()))?;
            validators.insert(name, validator);
        }
        Ok(SchemaSet {
            validators: Arc::new(validators),
        })
    }

    /// The names of all schemas.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.validators.keys().copied()
    }

    /// Validates an instance; `None` when no schema has that name.
    pub fn validate(&self, name: &str, instance: &Value) -> Option<Vec<Violation>> {
        let validator = self.validators.get(name)?;
        Some(
            validator
                .iter_errors(instance)
                .map(|e| {
                    let schema_path = e.schema_path().to_string();
                    let keyword = schema_path
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    Violation {
                        instance_path: e.instance_path().to_string(),
                        keyword,
                        schema_path,
                        message: e.to_string(),
                    }
                })
                .collect(),
        )
    }
}

/// Java `ZonedDateTime` text, in every form Java writes, and plain RFC 3339:
///
/// - a date and a time of day, seconds optional (`ZonedDateTime.toString()`
///   leaves them out when seconds and nanos are zero: `2024-02-21T06:28-05:00`),
///   with 1 to 9 fraction digits after the seconds;
/// - an offset: `Z` or `±HH:MM` or `±HH:MM:SS` (odd historical offsets), at
///   most 18 hours — never absent;
/// - optionally a bracketed zone id (the RFC 9557 suffix): an IANA region
///   (`America/New_York`, `Etc/GMT+5`), `UTC`, `GMT`, `UT`, `Z`, or an offset id
///   (`UTC+01:00`, `GMT-05:00`, `+01:00`).
///
/// Impossible dates and times (`2024-02-30`, `25:00`) are refused.
pub fn is_zoned_date_time(text: &str) -> bool {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(concat!(
            r"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt]",
            r"(?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.\d{1,9})?)?",
            r"(?<offset>[Zz]|[+-]\d{2}:\d{2}(?::\d{2})?)",
            r"(?:\[!?(?<zone>[^\[\]]*)\])?$",
        ))
        .expect("static regex")
    });
    let Some(c) = RE.captures(text) else {
        return false;
    };
    let num = |name: &str| -> i64 {
        c.name(name)
            .and_then(|m| m.as_str().parse().ok())
            .unwrap_or(0)
    };
    let (hour, minute, second) = (num("h"), num("mi"), num("s"));
    // RFC 3339 allows a leap second, only as 23:59:60; Java never writes one.
    let leap = second == 60 && hour == 23 && minute == 59;
    let time_ok = hour < 24 && minute < 60 && (second < 60 || leap);
    let date_ok = match (
        i16::try_from(num("y")),
        i8::try_from(num("mo")),
        i8::try_from(num("d")),
    ) {
        (Ok(y), Ok(m), Ok(d)) => jiff::civil::Date::new(y, m, d).is_ok(),
        _ => false,
    };
    let offset = c.name("offset").map_or("", |m| m.as_str());
    let zone_ok = c.name("zone").is_none_or(|z| is_zone_id(z.as_str()));
    time_ok && date_ok && is_offset(offset) && zone_ok
}

/// `Z`, or `±HH:MM[:SS]` within Java's ±18:00.
fn is_offset(text: &str) -> bool {
    if text.eq_ignore_ascii_case("z") {
        return true;
    }
    let Some(rest) = text.strip_prefix(['+', '-']) else {
        return false;
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let field = |i: usize| -> Option<u32> {
        parts
            .get(i)
            .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
    };
    let (Some(h), Some(m)) = (field(0), field(1)) else {
        return false;
    };
    let s = match parts.len() {
        2 => 0,
        3 => match field(2) {
            Some(s) => s,
            None => return false,
        },
        _ => return false,
    };
    m < 60 && s < 60 && h * 3600 + m * 60 + s <= 18 * 3600
}

/// A Java `ZoneId` as `ZonedDateTime.toString()` writes it in brackets: an
/// offset id (`+01:00`, `UTC+01:00`, `GMT-05:00`, `UT+01:00`), `Z`, or a
/// region id (`America/New_York`, `UTC`, `GMT`, `Etc/GMT+5`) — Java's
/// `[A-Za-z][A-Za-z0-9~/._+-]+`, here without empty path parts.
fn is_zone_id(text: &str) -> bool {
    if text == "Z" {
        return true;
    }
    for prefix in ["UTC", "GMT", "UT", ""] {
        if let Some(offset) = text.strip_prefix(prefix) {
            if offset.starts_with(['+', '-']) && is_offset(offset) {
                return true;
            }
        }
    }
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.len() >= 2
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '~' | '/' | '.' | '_' | '+' | '-'))
        && text.split('/').all(|part| !part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_schema_compiles() {
        let set = SchemaSet::load().unwrap();
        assert_eq!(set.names().count(), SCHEMA_SOURCES.len());
    }

    /// Every embedded schema declares Draft 2020-12 and is valid against
    /// that meta-schema, so a typo in a keyword's value is caught here and
    /// not by a run.
    #[test]
    fn every_schema_is_valid_against_the_2020_12_meta_schema() {
        for (name, text) in SCHEMA_SOURCES {
            let schema: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}"
            );
            if let Err(e) = jsonschema::meta::validate(&schema) {
                panic!("{name}: {e} at {}", e.instance_path());
            }
        }
    }

    /// Every form Java's `ZonedDateTime` writes, plain RFC 3339, and what
    /// stays a failure.
    #[test]
    fn zoned_date_times() {
        for ok in [
            // ZonedDateTime.toString() with millis, micros, nanos.
            "2024-02-21T06:28:10.624-05:00[America/New_York]",
            "2024-02-21T06:28:10.624123-05:00[America/New_York]",
            "2024-02-21T06:28:10.624123456-05:00[America/New_York]",
            // Any 1 to 9 fraction digits.
            "2024-02-21T06:28:10.6-05:00",
            // Seconds and nanos zero: toString() leaves the seconds out.
            "2024-02-21T06:28-05:00[America/New_York]",
            "2024-02-21T06:28Z[UTC]",
            "2024-02-21T06:28:00-05:00[America/New_York]",
            // Zero seconds with nanos: seconds written.
            "2024-02-21T06:28:00.500+01:00[Europe/Paris]",
            // Zone ids: UTC, GMT, UT, Z, offset ids, deep regions, Etc.
            "2024-02-21T11:28:10Z[UTC]",
            "2024-02-21T11:28:10Z[GMT]",
            "2024-02-21T11:28:10Z[UT]",
            "2024-02-21T11:28:10Z[Z]",
            "2024-02-21T12:28:10+01:00[UTC+01:00]",
            "2024-02-21T06:28:10-05:00[GMT-05:00]",
            "2024-02-21T12:28:10+01:00[UT+01:00]",
            "2024-02-21T12:28+01:00[+01:00]",
            "2024-02-21T06:28:10-05:00[Etc/GMT+5]",
            "2024-02-21T08:28:10-03:00[America/Argentina/Buenos_Aires]",
            "2024-02-21T06:28:10-05:00[EST5EDT]",
            // RFC 9557 critical flag.
            "2024-02-21T06:28:10-05:00[!America/New_York]",
            // Odd historical offsets with seconds.
            "1900-01-01T00:00+00:17:30[Europe/Dublin]",
            "1900-01-01T00:00:00+00:17:30",
            // Offset extremes.
            "2024-02-21T06:28:10+18:00",
            "2024-02-21T06:28:10-18:00",
            // Plain RFC 3339.
            "2025-07-01T12:00:00Z",
            "2025-07-01t12:00:00z",
            "2025-07-01T12:00:00.123456789+02:00",
            "2024-02-29T00:00:00Z",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(is_zoned_date_time(ok), "refused {ok}");
        }
        for bad in [
            // No offset at all: a local date-time is not a zoned one.
            "2024-02-21T06:28:10",
            "2024-02-21T06:28:10.624",
            "2024-02-21T06:28",
            "2024-02-21T06:28[America/New_York]",
            "2024-02-21T06:28:10.624[America/New_York]",
            // Garbage and other formats.
            "",
            "garbage",
            "2024-02-21 06:28:10",
            "2024-02-21 06:28:10Z",
            "21/02/2024",
            "02/21/2024 06:28:10",
            "1708514890",
            "2024-02-21",
            "2024-02-21T06Z",
            "2024-02-21T06:28:10.Z",
            "2024-02-21T06:28:10.1234567890Z",
            "2024-02-21T06:28:10-0500",
            "2024-02-21T06:28:10-05",
            "2024-02-21T06:28:10+5:00",
            // Impossible dates and times.
            "2024-13-21T06:28:10Z",
            "2024-00-21T06:28:10Z",
            "2024-02-30T06:28:10Z",
            "2023-02-29T06:28:10Z",
            "2024-04-31T06:28:10Z",
            "2024-02-21T24:00:00Z",
            "2024-02-21T06:60:10Z",
            "2024-02-21T06:28:61Z",
            "2024-02-21T06:28:60Z",
            "2024-02-21T06:28:10+19:00",
            "2024-02-21T06:28:10+18:01",
            "2024-02-21T06:28:10+01:60",
            "2024-02-21T06:28:10+01:00:60",
            // Broken zone suffixes.
            "2024-02-21T06:28:10.624-05:00[]",
            "2024-02-21T06:28:10.624-05:00[America/New York]",
            "2024-02-21T06:28:10.624-05:00[America/New_York",
            "2024-02-21T06:28:10.624-05:00America/New_York]",
            "2024-02-21T06:28:10-05:00[America//New_York]",
            "2024-02-21T06:28:10-05:00[/America]",
            "2024-02-21T06:28:10-05:00[1America]",
            "2024-02-21T06:28:10-05:00[UTC+25:00]",
            "2024-02-21T06:28:10-05:00[America/New_York][UTC]",
            "2024-02-21T06:28:10-05:00[America/New_York] ",
        ] {
            assert!(!is_zoned_date_time(bad), "accepted {bad:?}");
        }
    }

    #[test]
    fn violations_name_path_keyword_and_actual() {
        let set = SchemaSet::load().unwrap();
        let v = set
            .validate(
                "credential-validation",
                &json!({"data": {"isPsaCredentialsValid": "true"}, "_links": {}}),
            )
            .unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].instance_path, "/data/isPsaCredentialsValid");
        assert_eq!(v[0].keyword, "type");
        assert!(v[0].to_string().contains("\"true\""), "{}", v[0]);
    }

    #[test]
    fn hal_links_break_the_link_schema() {
        let set = SchemaSet::load().unwrap();
        let v = set
            .validate(
                "standard-psa-links",
                &json!({"_links": {"standard-psa-validate-credential": {"href": "/x"}}}),
            )
            .unwrap();
        assert!(!v.is_empty());
        assert!(set
            .validate(
                "standard-psa-links",
                &json!({"_links": {"standard-psa-validate-credential": "/x", "self": "/y"}})
            )
            .unwrap()
            .is_empty());
    }

    /// Jackson writes an unset list as `null`; `errors` may also be absent.
    #[test]
    fn error_responses_take_errors_absent_null_or_an_array() {
        let set = SchemaSet::load().unwrap();
        for ok in [
            json!({"status": 401, "message": "[ID=abcd] UNAUTHORIZED"}),
            json!({"status": 401, "message": "m", "errors": null}),
            json!({"status": 400, "message": "m", "errors": []}),
            json!({"status": 400, "message": "m", "errors": [{"field": "username", "message": "must not be blank"}]}),
        ] {
            let v = set.validate("error-response", &ok).unwrap();
            assert!(v.is_empty(), "{ok}: {v:?}");
        }
        for bad in [
            json!({"status": 400, "message": "m", "errors": "username"}),
            json!({"status": 400, "message": "m", "errors": {"field": "username"}}),
            json!({"status": "400", "message": "m"}),
            json!({"message": "m"}),
        ] {
            let v = set.validate("error-response", &bad).unwrap();
            assert!(!v.is_empty(), "{bad} accepted");
        }
    }

    #[test]
    fn ticket_dates_are_checked_by_format() {
        let set = SchemaSet::load().unwrap();
        let body = |date: &str| {
            json!({"data": {"ticketId": "1", "ticketTitle": "t", "ticketDetails": "d",
            "ticketStatus": "OPEN", "creationDate": date}, "_links": {}})
        };
        for ok in [
            "2025-07-01T12:00:00Z",
            "2024-02-21T06:28-05:00[America/New_York]",
            "2024-02-21T12:28:10.624+01:00[UTC+01:00]",
        ] {
            assert!(
                set.validate("ticket-info", &body(ok)).unwrap().is_empty(),
                "{ok}"
            );
        }
        for bad in ["02/21/2024", "2024-02-21T06:28:10.624"] {
            let v = set.validate("ticket-info", &body(bad)).unwrap();
            assert_eq!(v[0].keyword, "format", "{bad}");
        }
    }
}
