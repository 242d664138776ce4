//! Finding the submissions: every folder under `--submissions` that holds
//! an `attestation.json` (or, unsigned, a `summary.json`: listed so that it
//! is rejected rather than silently missed). Symbolic links are not
//! followed; the order is the folders' paths, so it never depends on the
//! file system's.

use std::path::{Path, PathBuf};

use crate::attest::ATTESTATION_FILE;

/// One folder to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The first folder level under the submissions folder (empty for a set
    /// lying in the submissions folder itself).
    pub vendor: String,
    /// The folder relative to the submissions folder, `/`-separated.
    pub id: String,
    pub dir: PathBuf,
    /// It holds an `attestation.json`.
    pub signed: bool,
}

/// Every submission under `root`, by path. An unreadable sub-folder is
/// skipped; an unreadable `root` is the caller's usage error.
pub(crate) fn submissions(root: &Path) -> std::io::Result<Vec<Candidate>> {
    std::fs::read_dir(root)?;
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((dir, parts)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let (mut signed, mut summary) = (false, false);
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() && name.starts_with('.') {
                // `.git` and the like: never a vendor or a report set.
                continue;
            } else if kind.is_dir() {
                let mut sub = parts.clone();
                sub.push(name);
                stack.push((entry.path(), sub));
            } else if name == ATTESTATION_FILE {
                signed = true;
            } else if name == "summary.json" {
                summary = true;
            }
        }
        if signed || summary {
            found.push(Candidate {
                vendor: parts.first().cloned().unwrap_or_default(),
                id: parts.join("/"),
                dir,
                signed,
            });
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_folder_with_an_attestation_or_a_summary_is_found_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (folder, file) in [
            ("acme/2026/n2", "attestation.json"),
            ("acme/2026/n1", "attestation.json"),
            ("acme/loose", "summary.json"),
            ("acme/empty", "notes.txt"),
            ("zeta", "attestation.json"),
            (".git/x", "attestation.json"),
        ] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            std::fs::write(root.join(folder).join(file), "{}").unwrap();
        }
        let found = submissions(root).unwrap();
        let ids: Vec<(&str, &str, bool)> = found
            .iter()
            .map(|c| (c.vendor.as_str(), c.id.as_str(), c.signed))
            .collect();
        assert_eq!(
            ids,
            [
                ("acme", "acme/2026/n1", true),
                ("acme", "acme/2026/n2", true),
                ("acme", "acme/loose", false),
                ("zeta", "zeta", true)
            ]
        );
        assert!(submissions(&root.join("absent")).is_err());
    }
}
