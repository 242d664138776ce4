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
];

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
        for (name, text) in SCHEMA_SOURCES {
            let err = |message: String| SchemaError {
                name: name.to_string(),
                message,
            };
            let schema: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .with_format("zoned-date-time", is_zoned_date_time)
                .build(&schema)
                .map_err(|e| err(e.to_string()))?;
            validators.insert(*name, validator);
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
                    let schema_path = e.schema_path.to_string();
                    let keyword = schema_path
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    Violation {
                        instance_path: e.instance_path.to_string(),
                        keyword,
                        schema_path,
                        message: e.to_string(),
                    }
                })
                .collect(),
        )
    }
}

/// Java `ZonedDateTime` text: an RFC 3339 date-time with offset, optionally
/// followed by a bracketed IANA zone (`…-05:00[America/New_York]`, the RFC
/// 9557 suffix). Plain RFC 3339 is valid too.
pub fn is_zoned_date_time(text: &str) -> bool {
    let (stamp, zone) = match text.find('[') {
        Some(i) => (&text[..i], Some(&text[i..])),
        None => (text, None),
    };
    if let Some(zone) = zone {
        let Some(name) = zone.strip_prefix('[').and_then(|z| z.strip_suffix(']')) else {
            return false;
        };
        let name = name.strip_prefix('!').unwrap_or(name);
        let valid_name = !name.is_empty()
            && name.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
            });
        if !valid_name {
            return false;
        }
    }
    // RFC 3339 needs the `T` (or `t`), seconds and an offset.
    let shape = regex_lite_rfc3339(stamp);
    shape && stamp.parse::<jiff::Timestamp>().is_ok()
}

/// The RFC 3339 `date-time` production, which jiff alone accepts more loosely.
fn regex_lite_rfc3339(text: &str) -> bool {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$",
        )
        .expect("static regex")
    });
    RE.is_match(text)
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

    #[test]
    fn zoned_date_times() {
        for ok in [
            "2024-02-21T06:28:10.624-05:00[America/New_York]",
            "2025-07-01T12:00:00Z",
            "2025-07-01T12:00:00.123456789+02:00",
            "2024-02-21T06:28:10-05:00[Etc/GMT+5]",
        ] {
            assert!(is_zoned_date_time(ok), "{ok}");
        }
        for bad in [
            "2024-02-21 06:28:10",
            "2024-02-21T06:28:10",
            "21/02/2024",
            "1708514890",
            "2024-02-21T06:28:10.624-05:00[]",
            "2024-02-21T06:28:10.624-05:00[America/New York]",
            "2024-13-21T06:28:10Z",
        ] {
            assert!(!is_zoned_date_time(bad), "{bad}");
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

    #[test]
    fn ticket_dates_are_checked_by_format() {
        let set = SchemaSet::load().unwrap();
        let body = |date: &str| {
            json!({"data": {"ticketId": "1", "ticketTitle": "t", "ticketDetails": "d",
            "ticketStatus": "OPEN", "creationDate": date}, "_links": {}})
        };
        assert!(set
            .validate("ticket-info", &body("2025-07-01T12:00:00Z"))
            .unwrap()
            .is_empty());
        let v = set.validate("ticket-info", &body("02/21/2024")).unwrap();
        assert_eq!(v[0].keyword, "format");
    }
}
