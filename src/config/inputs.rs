//! What both target files share about untrusted input: the file is read
//! through a bounded reader ([`read_target_file`]), URLs are checked on
//! their text as written ([`http_url`]: a host after `//`, a length cap),
//! and a value quoted back in an error is cut to a few dozen characters
//! ([`shown`]), so no message, hint or verdict line grows with the input.

use std::io::Read as _;
use std::path::Path;

use url::Url;

use super::error::ConfigError;

/// Largest target file read (1 MiB). A target file is a few hundred bytes;
/// anything larger is refused before it is parsed.
pub(crate) const TARGET_FILE_CAP: u64 = 1024 * 1024;

/// Longest URL a target file may give (bytes). Servers commonly refuse a
/// request line beyond 8 KiB; a base URL needs far less.
pub(crate) const URL_CAP: usize = 4096;

/// Longest piece of a value quoted back in an error (characters).
const SHOWN_CAP: usize = 80;

/// Reads a target file as UTF-8 text, at most [`TARGET_FILE_CAP`] bytes:
/// a larger file (or an endless one, `/dev/zero`) is refused after reading
/// one byte past the cap, never held whole.
pub(crate) fn read_target_file(path: &Path) -> Result<String, ConfigError> {
    let unreadable = |source| ConfigError::TargetUnreadable {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(TARGET_FILE_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > TARGET_FILE_CAP {
        return Err(ConfigError::TargetInvalid {
            path: path.to_path_buf(),
            message: format!(
                "the file is larger than {} KiB: not a target file\n  hint: a target file is a short TOML file (docs/CLI.md, docs/PSA-SIDE.md)",
                TARGET_FILE_CAP / 1024
            ),
        });
    }
    String::from_utf8(bytes).map_err(|e| ConfigError::TargetInvalid {
        path: path.to_path_buf(),
        message: format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// `text` for an error message: quoted, and cut to [`SHOWN_CAP`]
/// characters with the full length said when longer.
pub(crate) fn shown(text: &str) -> String {
    if text.chars().count() <= SHOWN_CAP {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(SHOWN_CAP).collect();
    format!("{head:?}… ({} bytes)", text.len())
}

/// A message from a parser, each line cut to a few hundred characters (the
/// TOML parser quotes the offending line, which may be the whole file).
pub(crate) fn bounded_message(message: &str) -> String {
    const LINE_CAP: usize = 200;
    message
        .lines()
        .take(20)
        .map(|l| {
            if l.chars().count() <= LINE_CAP {
                l.to_string()
            } else {
                let head: String = l.chars().take(LINE_CAP).collect();
                format!("{head}… ({} bytes)", l.len())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An absolute `http://` or `https://` URL with a host, as `key` of the
/// target file. Checked on the text as written: the URL parser reads
/// `http:///x` and `http:/x` as host `x`, which no one meant.
pub(crate) fn http_url(key: &str, text: &str) -> Result<Url, String> {
    if text.len() > URL_CAP {
        return Err(format!(
            "{key} is {} bytes long; at most {URL_CAP} are accepted",
            text.len()
        ));
    }
    let must = || {
        format!(
            "{key} {} must be an http:// or https:// URL with a host",
            shown(text)
        )
    };
    let rest = ["http://", "https://"]
        .iter()
        .find_map(|scheme| {
            text.get(..scheme.len())
                .filter(|s| s.eq_ignore_ascii_case(scheme))
                .map(|_| &text[scheme.len()..])
        })
        .ok_or_else(must)?;
    if rest.is_empty() || rest.starts_with(['/', '\\', '?', '#']) {
        return Err(format!(
            "{key} {} has no host: nothing between // and the path\n  hint: write the host, e.g. https://psa.example.com/path",
            shown(text)
        ));
    }
    let url = Url::parse(text).map_err(|e| format!("{key} {}: {e}", shown(text)))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(must());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn urls_without_a_host_are_refused_naming_the_key() {
        for text in [
            "http:///x",
            "https:///x",
            "http:/x",
            "http://",
            "http://?a=1",
            "http:\\\\x",
        ] {
            let e = http_url("push_url", text).unwrap_err();
            assert!(e.starts_with("push_url "), "{text}: {e}");
        }
        for text in ["ftp://x/y", "x/y", "mailto:a@b"] {
            assert!(http_url("push_url", text).is_err(), "{text}");
        }
        let url = http_url("push_url", "HTTPS://psa.example.com:8443/hook").unwrap();
        assert_eq!(url.host_str(), Some("psa.example.com"));
    }

    #[test]
    fn a_huge_url_is_refused_and_never_quoted_whole() {
        let huge = format!("http://x/{}", "a".repeat(5 * 1024 * 1024));
        let e = http_url("push_url", &huge).unwrap_err();
        assert!(e.contains("push_url") && e.len() < 200, "{}", e.len());
        let e = http_url("push_url", &format!("ftp://{}", "b".repeat(3000))).unwrap_err();
        assert!(e.len() < 300, "{}", e.len());
    }

    #[test]
    fn the_target_file_is_read_up_to_its_cap() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&vec![b'#'; TARGET_FILE_CAP as usize]).unwrap();
        assert!(read_target_file(f.path()).is_ok());
        f.write_all(b"#").unwrap();
        let e = read_target_file(f.path()).unwrap_err().to_string();
        assert!(e.contains("larger than 1024 KiB"), "{e}");
        assert!(e.contains(&f.path().display().to_string()), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_file_is_refused() {
        let e = read_target_file(Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/dev/zero") && e.contains("larger than"), "{e}");
    }
}
