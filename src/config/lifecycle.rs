//! The `[lifecycle]` table of the target file: the tickets a run of profile
//! extended may change, each named literally (`pending_ticket_id = 1142285698`)
//! or read from an environment variable (`pending_ticket_id_env =
//! "PSA_PENDING_TICKET_ID"`), so that a nightly job can inject a fresh pending
//! ticket each night (a ticket is linked once).

use std::path::Path;

use serde::Deserialize;

use super::error::ConfigError;
use super::ids::{decimal_id, StringOrNumber};

/// The `[lifecycle]` table: the tickets a run of profile extended may
/// change. A ticket not named makes the requirements that need it not
/// applicable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleTickets {
    /// A ticket waiting for its PSA ticket: the run links it (LIFE-01), once.
    pub pending_ticket_id: Option<String>,
    /// An open ticket the run resolves and reopens, and leaves open.
    pub resolvable_ticket_id: Option<String>,
}

/// `[lifecycle]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LifecycleTable {
    pending_ticket_id: Option<StringOrNumber>,
    pending_ticket_id_env: Option<String>,
    resolvable_ticket_id: Option<StringOrNumber>,
    resolvable_ticket_id_env: Option<String>,
}

impl LifecycleTable {
    /// The tickets, validated: each an int32 decimal id (N-central's create
    /// request carries it as one), not `unknown_ticket_id`, the two
    /// different. A variable named but unset, or not such an id, is an error
    /// naming the key and the variable.
    pub(super) fn resolve(
        self,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
        unknown_ticket_id: &str,
    ) -> Result<LifecycleTickets, ConfigError> {
        let invalid = |message: String| ConfigError::TargetInvalid {
            path: path.to_path_buf(),
            message,
        };
        let one = |literal: Option<StringOrNumber>,
                   var: Option<String>,
                   key: &str|
         -> Result<Option<String>, ConfigError> {
            let (id, from) = match (literal, var) {
                (Some(_), Some(_)) => {
                    return Err(invalid(format!(
                        "[lifecycle] names both {key} and {key}_env; choose one"
                    )))
                }
                (None, None) => return Ok(None),
                (Some(id), None) => (id.into_string(), format!("lifecycle.{key}")),
                (None, Some(var)) => {
                    let value = env(&var).ok_or_else(|| ConfigError::MissingSecretVariable {
                        var: var.clone(),
                        key: format!("lifecycle.{key}_env"),
                        path: path.to_path_buf(),
                    })?;
                    (
                        value.trim().to_string(),
                        format!("lifecycle.{key}_env (environment variable {var})"),
                    )
                }
            };
            if !decimal_id(&id) || id.parse::<i32>().is_err() {
                return Err(invalid(format!(
                    "{from} {} is not a decimal ticket id that fits a 32-bit integer (^[1-9][0-9]*$, at most 2147483647)",
                    super::inputs::shown(&id)
                )));
            }
            if id == unknown_ticket_id {
                return Err(invalid(format!(
                    "{from} {} is custom_psa.unknown_ticket_id, the id the suite expects no target to know",
                    super::inputs::shown(&id)
                )));
            }
            Ok(Some(id))
        };
        let tickets = LifecycleTickets {
            pending_ticket_id: one(
                self.pending_ticket_id,
                self.pending_ticket_id_env,
                "pending_ticket_id",
            )?,
            resolvable_ticket_id: one(
                self.resolvable_ticket_id,
                self.resolvable_ticket_id_env,
                "resolvable_ticket_id",
            )?,
        };
        if tickets.pending_ticket_id.is_some()
            && tickets.pending_ticket_id == tickets.resolvable_ticket_id
        {
            return Err(invalid(
                "lifecycle.pending_ticket_id and lifecycle.resolvable_ticket_id name the same ticket; name two different tickets".into(),
            ));
        }
        Ok(tickets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn table(text: &str) -> LifecycleTable {
        toml::from_str(text).unwrap()
    }

    fn resolve(text: &str, vars: &[(&str, &str)]) -> Result<LifecycleTickets, String> {
        let map: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        table(text)
            .resolve(
                Path::new("t.toml"),
                &|k: &str| map.get(k).cloned(),
                "999999937",
            )
            .map_err(|e| e.to_string())
    }

    #[test]
    fn ids_come_from_the_variables_the_table_names() {
        let t = resolve(
            "pending_ticket_id_env = \"P\"\nresolvable_ticket_id_env = \"R\"",
            &[("P", " 1142285698\n"), ("R", "1142285699")],
        )
        .unwrap();
        assert_eq!(t.pending_ticket_id.as_deref(), Some("1142285698"));
        assert_eq!(t.resolvable_ticket_id.as_deref(), Some("1142285699"));
        let t = resolve(
            "pending_ticket_id = 1142285698\nresolvable_ticket_id_env = \"R\"",
            &[("R", "1142285699")],
        )
        .unwrap();
        assert_eq!(t.pending_ticket_id.as_deref(), Some("1142285698"));
    }

    #[test]
    fn an_unset_or_bad_variable_is_an_error_naming_key_and_variable() {
        let err = resolve("pending_ticket_id_env = \"PENDING\"", &[]).unwrap_err();
        assert!(
            err.contains("PENDING") && err.contains("lifecycle.pending_ticket_id_env"),
            "{err}"
        );
        for bad in ["abc", "", "0", "2147483648", "-5", "12 34", "999999937"] {
            let err = resolve("resolvable_ticket_id_env = \"RES\"", &[("RES", bad)]).unwrap_err();
            assert!(
                err.contains("lifecycle.resolvable_ticket_id_env") && err.contains("RES"),
                "{bad:?}: {err}"
            );
        }
        let err = resolve(
            "pending_ticket_id = 7\npending_ticket_id_env = \"P\"",
            &[("P", "8")],
        )
        .unwrap_err();
        assert!(err.contains("choose one"), "{err}");
        let err = resolve(
            "pending_ticket_id_env = \"P\"\nresolvable_ticket_id = 8",
            &[("P", "8")],
        )
        .unwrap_err();
        assert!(err.contains("same ticket"), "{err}");
    }
}
