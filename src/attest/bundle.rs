//! Reading a report set for `verify` and `board`: the envelope and every
//! other file of its directory, within one read cap.

use std::collections::BTreeMap;
use std::path::Path;

use super::keys;
use super::statement::ATTESTATION_FILE;

/// Why `verify` could not even start (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum VerifyInputError {
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Files by name, with their bytes.
pub(crate) type Files = BTreeMap<String, Vec<u8>>;

/// The most a report set's files are read into memory, together: a real
/// one holds a few MB; a folder holding more (a stray disk image beside the
/// reports) must not take `verify` or `board` with it.
pub(crate) const BUNDLE_READ_CAP: u64 = 256 * 1024 * 1024;

/// Reads `path` — a report directory, or its `attestation.json` — into the
/// envelope's bytes and every other regular file of the directory, at most
/// [`BUNDLE_READ_CAP`] bytes in all.
pub fn read_bundle(path: &Path) -> Result<(Vec<u8>, Files), VerifyInputError> {
    read_bundle_capped(path, BUNDLE_READ_CAP)
}

/// At most `cap` bytes of `p`, or `None` when it holds more.
fn read_at_most(p: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(p)?
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}

/// [`read_bundle`] with its cap given: a file past what is left of `cap` is
/// not read, and stands as bytes that match no digest, so it fails its
/// check (`digest`, or `added`) instead of filling memory.
pub(super) fn read_bundle_capped(
    path: &Path,
    cap: u64,
) -> Result<(Vec<u8>, Files), VerifyInputError> {
    let read_err = |p: &Path, source| VerifyInputError::Read {
        path: p.display().to_string(),
        source,
    };
    let (dir, envelope_path) = if path.is_dir() {
        (path.to_path_buf(), path.join(ATTESTATION_FILE))
    } else {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        (dir, path.to_path_buf())
    };
    let mut left = cap;
    let envelope = read_at_most(&envelope_path, left)
        .map_err(|e| read_err(&envelope_path, e))?
        .unwrap_or_else(|| format!("(over the {cap} bytes a report set may hold)").into_bytes());
    left = left.saturating_sub(envelope.len() as u64);
    let envelope_name = envelope_path.file_name().map(|n| n.to_os_string());
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| read_err(&dir, e))? {
        let entry = entry.map_err(|e| read_err(&dir, e))?;
        if Some(entry.file_name()) == envelope_name {
            continue;
        }
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // A directory or other non-file is "added" too: give it no bytes
        // that could match a digest.
        let bytes = if p.is_file() {
            match read_at_most(&p, left).map_err(|e| read_err(&p, e))? {
                Some(bytes) => {
                    left = left.saturating_sub(bytes.len() as u64);
                    bytes
                }
                None => format!("(not read: over the {cap} bytes a report set may hold: {name})")
                    .into_bytes(),
            }
        } else {
            format!("(not a regular file: {name})").into_bytes()
        };
        files.insert(name, bytes);
    }
    Ok((envelope, files))
}
