//! How the target file writes ids: a string or a number (`psa_type = 3` and
//! `psa_type = "3"` alike), and the decimal form of a custom PSA ticket id.

use serde::Deserialize;

/// `psa_type = 3` and `psa_type = "3"` both read as `"3"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum StringOrNumber {
    String(String),
    Number(i64),
}

impl StringOrNumber {
    pub(super) fn into_string(self) -> String {
        match self {
            StringOrNumber::String(s) => s,
            StringOrNumber::Number(n) => n.to_string(),
        }
    }
}

/// `^[1-9][0-9]*$`: the form of a custom PSA ticket id.
pub(super) fn decimal_id(id: &str) -> bool {
    !id.is_empty() && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
}
