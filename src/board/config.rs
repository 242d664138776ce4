//! KEYS.toml and WAIVERS.toml (docs/BOARD.md): read, checked whole, and
//! turned into the trusted keys per vendor and the waivers.
//!
//! Every problem is a [`ConfigError`] naming the file, the line and the key
//! (`vendors.acme.side`), so the board stops before writing anything.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::attest::keys::PublicKey;
use crate::catalog::{self, Profile};

/// A bad configuration: the file, the line, the key and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub key: String,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} line {}, key {}: {}",
            self.file, self.line, self.key, self.message
        )?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Which side a vendor's runs certify: the run model's own [`Side`].
pub(crate) use crate::catalog::Side;

/// Whether requirement `id` is one of `side`'s (its profiles are that side's).
fn side_owns(side: Side, id: &str) -> bool {
    catalog::find(id).is_some_and(|r| r.in_profile(Profile::Psa) == (side == Side::Psa))
}

/// A public key trusted for a vendor (or, as a program key, for all).
#[derive(Debug, Clone)]
pub(crate) struct TrustedKey {
    pub key: PublicKey,
    pub fingerprint: String,
}

/// One vendor of KEYS.toml.
#[derive(Debug, Clone)]
pub(crate) struct Vendor {
    pub id: String,
    pub name: String,
    pub side: Side,
    /// The vendor's own keys, then the program's.
    pub keys: Vec<TrustedKey>,
}

impl Vendor {
    pub(crate) fn public_keys(&self) -> Vec<PublicKey> {
        self.keys.iter().map(|k| k.key).collect()
    }
}

/// One waiver of WAIVERS.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Waiver {
    pub vendor: String,
    pub requirement: String,
    pub reason: String,
    /// The last day (UTC) the waiver holds.
    pub expires: jiff::civil::Date,
    pub approved_by: String,
}

impl Waiver {
    /// Whether the waiver still holds at `now`: through its expiry day, UTC.
    pub(crate) fn in_force(&self, now: jiff::Timestamp) -> bool {
        now.to_zoned(jiff::tz::TimeZone::UTC).date() <= self.expires
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    program: Option<ProgramEntry>,
    #[serde(default)]
    vendors: BTreeMap<Spanned<String>, Spanned<VendorEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramEntry {
    #[serde(default)]
    keys: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorEntry {
    name: Spanned<String>,
    side: Spanned<String>,
    #[serde(default)]
    keys: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiversFile {
    #[serde(default)]
    waiver: Vec<Spanned<WaiverEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverEntry {
    vendor: Spanned<String>,
    requirement: Spanned<String>,
    reason: Spanned<String>,
    expires: Spanned<toml::Value>,
    approved_by: Spanned<String>,
}

/// A file's text and name, to turn byte offsets into lines.
struct Source<'a> {
    file: String,
    text: &'a str,
}

impl Source<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn error(
        &self,
        offset: usize,
        key: &str,
        message: impl Into<String>,
        hint: &str,
    ) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            line: self.line(offset),
            key: key.to_string(),
            message: message.into(),
            hint: hint.to_string(),
        }
    }

    /// A TOML or shape error: its line, and the key it names (the
    /// message's first `quoted` word), or the whole document.
    fn toml_error(&self, e: &toml::de::Error, hint: &str) -> ConfigError {
        let message = e.message().trim().to_string();
        let key = message
            .split('`')
            .nth(1)
            .filter(|k| !k.is_empty())
            .unwrap_or("(document)")
            .to_string();
        self.error(e.span().map(|s| s.start).unwrap_or(0), &key, message, hint)
    }
}

fn read(path: &Path, what: &str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.display().to_string(),
        line: 0,
        key: "(file)".into(),
        message: format!("cannot read the {what} file: {e}"),
        hint: String::new(),
    })
}

const KEYS_HINT: &str = "docs/BOARD.md, KEYS.toml, shows every key";
const WAIVERS_HINT: &str = "docs/BOARD.md, WAIVERS.toml, shows every key";

/// Whether `id` is a vendor id: `[a-z0-9][a-z0-9-]{0,62}`.
pub(crate) fn is_vendor_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Reads KEYS.toml: the vendors, each with its own keys then the
/// program's, by id.
pub(crate) fn load_keys(path: &Path) -> Result<BTreeMap<String, Vendor>, ConfigError> {
    let text = read(path, "KEYS")?;
    let src = Source {
        file: path.display().to_string(),
        text: &text,
    };
    let file: KeysFile = toml::from_str(&text).map_err(|e| src.toml_error(&e, KEYS_HINT))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let load = |entry: &Spanned<String>, key: &str| -> Result<TrustedKey, ConfigError> {
        let file = key_path(&base, entry.get_ref());
        let key_err = |m: String| {
            src.error(
                entry.span().start,
                key,
                m,
                "give a public key file (KEYFILE.pub from `psa-conformance keygen`), relative to KEYS.toml",
            )
        };
        let public = PublicKey::load(&file).map_err(|e| key_err(e.to_string()))?;
        Ok(TrustedKey {
            fingerprint: public.fingerprint(),
            key: public,
        })
    };
    let mut program = Vec::new();
    for entry in file.program.iter().flat_map(|p| &p.keys) {
        program.push(load(entry, "program.keys")?);
    }
    let mut vendors = BTreeMap::new();
    for (id, entry) in &file.vendors {
        let at = |k: &str| format!("vendors.{}.{k}", id.get_ref());
        if !is_vendor_id(id.get_ref()) {
            return Err(src.error(
                id.span().start,
                &format!("vendors.{}", id.get_ref()),
                format!(
                    "{:?} is not a vendor id: lowercase letters, digits and '-', at most 63, not starting with '-'",
                    id.get_ref()
                ),
                "the id is also the vendor's folder name in --submissions",
            ));
        }
        let v = entry.get_ref();
        let side = match v.side.get_ref().as_str() {
            "psa" => Side::Psa,
            "ncentral" => Side::Ncentral,
            other => return Err(src.error(
                v.side.span().start,
                &at("side"),
                format!("{other:?} is not a side: expected \"psa\" or \"ncentral\""),
                "psa: the vendor's runs are `run --side psa`; ncentral: `run` against an N-central",
            )),
        };
        if v.name.get_ref().trim().is_empty() {
            return Err(src.error(
                v.name.span().start,
                &at("name"),
                "the display name is empty",
                KEYS_HINT,
            ));
        }
        let mut keys = Vec::new();
        for k in &v.keys {
            keys.push(load(k, &at("keys"))?);
        }
        if keys.is_empty() && program.is_empty() {
            return Err(src.error(
                entry.span().start,
                &at("keys"),
                "the vendor has no key, and there is no [program] key: none of its runs could be verified",
                "list the vendor's public key files in keys = [...]",
            ));
        }
        keys.extend(program.iter().cloned());
        vendors.insert(
            id.get_ref().clone(),
            Vendor {
                id: id.get_ref().clone(),
                name: v.name.get_ref().clone(),
                side,
                keys,
            },
        );
    }
    Ok(vendors)
}

fn key_path(base: &Path, given: &str) -> PathBuf {
    let p = Path::new(given);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Reads WAIVERS.toml against the vendors of KEYS.toml and the catalog.
pub(crate) fn load_waivers(
    path: &Path,
    vendors: &BTreeMap<String, Vendor>,
) -> Result<Vec<Waiver>, ConfigError> {
    let text = read(path, "WAIVERS")?;
    let src = Source {
        file: path.display().to_string(),
        text: &text,
    };
    let file: WaiversFile = toml::from_str(&text).map_err(|e| src.toml_error(&e, WAIVERS_HINT))?;
    let mut waivers = Vec::new();
    for (i, entry) in file.waiver.iter().enumerate() {
        let at = |k: &str| format!("waiver[{i}].{k}");
        let w = entry.get_ref();
        let vendor = w.vendor.get_ref();
        let Some(v) = vendors.get(vendor) else {
            return Err(src.error(
                w.vendor.span().start,
                &at("vendor"),
                format!("{vendor:?} is not a vendor of KEYS.toml"),
                "use the vendor's id, the [vendors.<id>] of KEYS.toml",
            ));
        };
        let requirement = w.requirement.get_ref();
        if catalog::find(requirement).is_none_or(|r| r.id != requirement) {
            return Err(src.error(
                w.requirement.span().start,
                &at("requirement"),
                format!("{requirement:?} is not a requirement of the catalog"),
                "a requirement ID such as CB-05 (`psa-conformance list` names them all)",
            ));
        }
        if !side_owns(v.side, requirement) {
            return Err(src.error(
                w.requirement.span().start,
                &at("requirement"),
                format!(
                    "{requirement} is not checked on the {} side, which vendor {vendor} certifies",
                    v.side.name()
                ),
                "`psa-conformance list --side psa` names the vendor side's requirements",
            ));
        }
        for (key, value) in [("reason", &w.reason), ("approved_by", &w.approved_by)] {
            if value.get_ref().trim().is_empty() {
                return Err(src.error(
                    value.span().start,
                    &at(key),
                    format!("{key} is empty"),
                    "a waiver says why, and who approved it",
                ));
            }
        }
        let expires = parse_date(w.expires.get_ref()).ok_or_else(|| {
            src.error(
                w.expires.span().start,
                &at("expires"),
                format!("{} is not a date", w.expires.get_ref()),
                "a date such as \"2027-01-31\": the waiver holds through that day (UTC)",
            )
        })?;
        waivers.push(Waiver {
            vendor: vendor.clone(),
            requirement: requirement.clone(),
            reason: w.reason.get_ref().clone(),
            expires,
            approved_by: w.approved_by.get_ref().clone(),
        });
    }
    Ok(waivers)
}

/// `"2027-01-31"` or the TOML date literal `2027-01-31`.
fn parse_date(value: &toml::Value) -> Option<jiff::civil::Date> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        _ => return None,
    };
    text.parse().ok()
}

#[cfg(test)]
mod tests;
