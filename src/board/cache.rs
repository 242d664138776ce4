//! `SITE/.board-cache.json`: the submissions a board already verified, so
//! that the next board over the same folder re-hashes only new or changed
//! ones.
//!
//! An entry is keyed by the submission's path and holds the stamp of every
//! file of its folder (name, size, modification and change times) and the
//! SHA-256 of its `attestation.json`. A cached run is reused only when the
//! folder's stamp and that digest are unchanged and the key that signed it
//! is still trusted for the vendor; anything else is verified again. The
//! change time (ctime) cannot be set back by a user, so a file rewritten
//! with its old size and modification time still misses the cache.
//! Rejected submissions are never cached (they are few, and a key added to
//! KEYS.toml may change their fate).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::model::RunRecord;

/// The cache file's name inside SITE.
pub(crate) const CACHE_FILE: &str = ".board-cache.json";

/// Entries written by another format or suite version are ignored.
const FORMAT: &str = concat!("psa-conformance board cache 1, ", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Cache {
    format: String,
    entries: BTreeMap<String, Entry>,
}

/// One verified submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub stamp: String,
    pub attestation_sha256: String,
    pub run: RunRecord,
}

impl Cache {
    /// The cache in `site`, or an empty one when there is none or it
    /// cannot be read as one.
    pub(crate) fn load(site: &Path) -> Cache {
        std::fs::read(site.join(CACHE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.format == FORMAT)
            .unwrap_or_default()
    }

    /// A new cache of `entries` by submission path.
    pub(crate) fn new(entries: BTreeMap<String, Entry>) -> Cache {
        Cache {
            format: FORMAT.into(),
            entries,
        }
    }

    /// The cached run of submission `id`, if its folder's `stamp` and
    /// attestation digest are the cached ones.
    pub(crate) fn hit(&self, id: &str, stamp: &str, attestation_sha256: &str) -> Option<&Entry> {
        self.entries
            .get(id)
            .filter(|e| e.stamp == stamp && e.attestation_sha256 == attestation_sha256)
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// The stamp of every entry of `dir`: name, type, size, mtime and ctime
/// (nanoseconds), in name order.
pub(crate) fn stamp(dir: &Path) -> std::io::Result<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        lines.push(format!(
            "{}\t{}\t{}\t{}\t{}",
            entry.file_name().to_string_lossy(),
            if meta.is_file() { "f" } else { "o" },
            meta.len(),
            nanos(meta.modified().ok()),
            change_time(&meta),
        ));
    }
    lines.sort();
    Ok(lines.join("\n"))
}

fn nanos(t: Option<std::time::SystemTime>) -> i128 {
    t.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

#[cfg(unix)]
fn change_time(meta: &std::fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt as _;
    i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec())
}

#[cfg(not(unix))]
fn change_time(meta: &std::fs::Metadata) -> i128 {
    nanos(meta.created().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_file_changes_the_stamp_even_with_its_old_size_and_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("summary.json");
        std::fs::write(&f, "aaaa").unwrap();
        let mtime = std::fs::metadata(&f).unwrap().modified().unwrap();
        let before = stamp(dir.path()).unwrap();
        assert_eq!(before, stamp(dir.path()).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&f, "bbbb").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_ne!(before, stamp(dir.path()).unwrap());
    }
}
