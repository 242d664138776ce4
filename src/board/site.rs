//! Writing the site: every file is rendered in memory first, then written
//! (`board.json`, `index.html`, `vendors/<vendor>.html`,
//! `badges/<vendor>.svg`, the cache); pages and badges of vendors no longer
//! on the board are removed, so a site holds exactly one board.

use std::path::{Component, Path, PathBuf};

use super::cache::{Cache, CACHE_FILE};
use super::error::BoardError;
use super::model::Board;
use super::rules::url_path;
use super::{badge, pages};

fn unwritable(out: &Path, message: String) -> BoardError {
    BoardError::Folder {
        flag: "--out",
        path: out.display().to_string(),
        message,
        hint: "choose a folder the board may write, with --out",
    }
}

/// The nearest folder that exists: `out` itself, or an ancestor.
fn existing_ancestor(out: &Path) -> PathBuf {
    let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut at = absolute.as_path();
    loop {
        if at.exists() {
            return at.to_path_buf();
        }
        match at.parent() {
            Some(p) => at = p,
            None => return at.to_path_buf(),
        }
    }
}

/// Checks that SITE is (or can become) a folder we can write, leaving
/// nothing behind.
pub(crate) fn check_writable(out: &Path) -> Result<(), BoardError> {
    if out.exists() && !out.is_dir() {
        return Err(unwritable(out, "it exists and is not a folder".into()));
    }
    let at = existing_ancestor(out);
    if !at.is_dir() {
        return Err(unwritable(out, format!("{} is not a folder", at.display())));
    }
    let probe = at.join(format!(".psa-board-probe-{}", std::process::id()));
    match std::fs::File::create_new(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(unwritable(
            out,
            format!("cannot write into {}: {e}", at.display()),
        )),
    }
}

/// `to` as a URL relative to `from` (both folders), ending in `/`.
pub(crate) fn relative_url(from: &Path, to: &Path) -> String {
    let absolute = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let at = existing_ancestor(&p);
        let rest = p
            .strip_prefix(&at)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let base = at.canonicalize().unwrap_or(at);
        let mut parts: Vec<String> = Vec::new();
        for c in base.join(rest).components() {
            match c {
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                Component::ParentDir => {
                    parts.pop();
                }
                _ => {}
            }
        }
        parts
    };
    let (from, to) = (absolute(from), absolute(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut segments: Vec<String> = vec!["..".to_string(); from.len() - common];
    segments.extend(to[common..].iter().map(|s| url_path(s)));
    segments.iter().map(|s| format!("{s}/")).collect()
}

/// Every file of the site, by path relative to it.
pub(crate) fn render(board: &Board, cache: &Cache) -> Vec<(String, Vec<u8>)> {
    let mut json = serde_json::to_string_pretty(board).unwrap_or_default();
    json.push('\n');
    let mut files = vec![
        ("board.json".to_string(), json.into_bytes()),
        ("index.html".to_string(), pages::index(board).into_bytes()),
    ];
    for v in &board.vendors {
        files.push((
            format!("vendors/{}.html", v.id),
            pages::vendor(board, v).into_bytes(),
        ));
        files.push((
            format!("badges/{}.svg", v.id),
            badge::svg(&v.name, &v.status).into_bytes(),
        ));
    }
    files.push((CACHE_FILE.to_string(), cache.to_bytes()));
    files
}

/// Writes the site into `out`.
pub(crate) fn write(out: &Path, board: &Board, cache: &Cache) -> Result<(), BoardError> {
    let files = render(board, cache);
    for sub in ["vendors", "badges"] {
        let dir = out.join(sub);
        std::fs::create_dir_all(&dir)
            .map_err(|e| unwritable(out, format!("cannot create {}: {e}", dir.display())))?;
        // Pages of vendors no longer on the board go.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = format!("{sub}/{}", entry.file_name().to_string_lossy());
                if !files.iter().any(|(n, _)| *n == name) && entry.path().is_file() {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    for (name, bytes) in &files {
        let path = out.join(name);
        if std::fs::read(&path).is_ok_and(|old| old == *bytes) {
            continue;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| unwritable(out, format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_submissions_are_linked_relative_to_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("subs/a b")).unwrap();
        assert_eq!(
            relative_url(&root.join("site"), &root.join("subs")),
            "../subs/"
        );
        assert_eq!(
            relative_url(&root.join("out/site"), &root.join("subs/a b")),
            "../../subs/a%20b/"
        );
        assert_eq!(relative_url(&root.join("subs"), &root.join("subs")), "");
    }
}
