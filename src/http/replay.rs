//! The `curl` command that sends a request again exactly as the harness
//! sent it: method, URL, every header and the body byte for byte, quoted
//! for bash (binary-safe), with every secret written as the environment
//! variable that holds it (`"${PSA_BEARER_TOKEN}"`), never its value.
//!
//! Built from the request as sent, before it is redacted: the redactor cuts
//! it where secrets were ([`Redactor::replay_parts`]); this module only
//! quotes.

use crate::redact::{Redactor, ReplayPart};

/// A request as sent, borrowed (the exchange's request).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SentRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
}

/// The variable an access token the target issued during the run is
/// written as (the reproduce block says how to get one).
pub(crate) const ACCESS_TOKEN_VAR: &str = "NCENTRAL_ACCESS_TOKEN";
/// The variable a refresh token the target issued is written as.
pub(crate) const REFRESH_TOKEN_VAR: &str = "NCENTRAL_REFRESH_TOKEN";

/// The variable a JWT the harness forged (or altered) is written as: no
/// report shows a whole token of any kind, and a replay makes a fresh one.
pub(crate) const FORGED_TOKEN_VAR: &str = "FORGED_JWT";

/// Runs of one byte at least this long are written as `head -c N
/// /dev/zero | tr …` rather than spelt out (a 1 MiB body stays one line).
const LONG_RUN: usize = 256;

/// What the client adds to every request besides the headers it was given.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientDefaults {
    /// The `User-Agent` the client sends unless a header sets one.
    pub user_agent: Option<String>,
    /// Certificate verification was switched off (`-k`).
    pub insecure: bool,
    /// A private CA file (`--cacert`).
    pub ca_file: Option<std::path::PathBuf>,
}

/// The request's bytes cut for a replay: secrets as their variables, and
/// any JWT-shaped value left (one the harness forged: every real token is a
/// known secret) as [`FORGED_TOKEN_VAR`] — no replay shows a whole token.
fn parts(redactor: &Redactor, bytes: &[u8]) -> Vec<ReplayPart> {
    static JWT: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(crate::redact::JWT_SHAPE).expect("static regex")
    });
    let mut out = Vec::new();
    for part in redactor.replay_parts(bytes) {
        let ReplayPart::Bytes(b) = &part else {
            out.push(part);
            continue;
        };
        let mut at = 0;
        for m in JWT.find_iter(b) {
            if m.start() > at {
                out.push(ReplayPart::Bytes(b[at..m.start()].to_vec()));
            }
            out.push(ReplayPart::Var(FORGED_TOKEN_VAR.into()));
            at = m.end();
        }
        if at == 0 {
            out.push(part);
        } else if at < b.len() {
            out.push(ReplayPart::Bytes(b[at..].to_vec()));
        }
    }
    out
}

/// The `curl` command line (bash) that sends `request` again.
pub(crate) fn curl(
    request: SentRequest<'_>,
    redactor: &Redactor,
    defaults: &ClientDefaults,
) -> String {
    let mut args: Vec<String> = vec!["curl -sS -i -g --path-as-is".into()];
    if defaults.insecure {
        args.push("-k".into());
    }
    if let Some(ca) = &defaults.ca_file {
        args.push(format!(
            "--cacert {}",
            quote_bytes(ca.display().to_string().as_bytes())
        ));
    }
    let method = request.method;
    match method {
        "HEAD" => args.push("--head".into()),
        "GET" if request.body.is_none() => {}
        m => args.push(format!("-X {}", quote_bytes(m.as_bytes()))),
    }
    args.push(word(&parts(redactor, request.url.as_bytes())));
    let has = |name: &str| {
        request
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    for (name, value) in request.headers {
        // `Name;` sends an empty header; `Name:` would remove it.
        let line = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        args.push(format!("-H {}", word(&parts(redactor, line.as_bytes()))));
    }
    if !has("user-agent") {
        match &defaults.user_agent {
            Some(ua) => args.push(format!("-A {}", quote_bytes(ua.as_bytes()))),
            None => args.push("-H 'User-Agent:'".into()),
        }
    }
    let mut pipe = None;
    if let Some(body) = request.body {
        if !has("content-type") {
            // curl would add a form Content-Type the harness did not send.
            args.push("-H 'Content-Type:'".into());
        }
        let body = parts(redactor, body);
        if needs_pipe(&body) {
            pipe = Some(generator(&body));
            args.push("--data-binary @-".into());
        } else {
            args.push(format!("--data-binary {}", word(&body)));
        }
    }
    let command = args.join(" ");
    match pipe {
        Some(g) => format!("{g} | {command}"),
        None => command,
    }
}

/// A body that a bash word cannot carry: a NUL byte, a leading `@` (curl
/// would read a file), or a long run of one byte.
fn needs_pipe(parts: &[ReplayPart]) -> bool {
    let starts_with_at =
        matches!(parts.first(), Some(ReplayPart::Bytes(b)) if b.first() == Some(&b'@'));
    starts_with_at
        || parts.iter().any(|p| match p {
            ReplayPart::Bytes(b) => b.contains(&0) || !runs(b).all(|(_, n)| n < LONG_RUN),
            ReplayPart::Var(_) => false,
        })
}

/// Runs of equal bytes: (byte, count).
fn runs(bytes: &[u8]) -> impl Iterator<Item = (u8, usize)> + '_ {
    bytes.chunk_by(|a, b| a == b).map(|run| (run[0], run.len()))
}

/// `{ printf …; head -c N /dev/zero | tr …; }`: writes the body to stdout,
/// byte for byte.
fn generator(parts: &[ReplayPart]) -> String {
    let mut commands = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let flush = |pending: &mut Vec<u8>, commands: &mut Vec<String>| {
        if !pending.is_empty() {
            commands.push(format!("printf '{}'", printf_format(pending)));
            pending.clear();
        }
    };
    for part in parts {
        match part {
            ReplayPart::Var(name) => {
                flush(&mut pending, &mut commands);
                commands.push(format!("printf '%s' \"${{{name}}}\""));
            }
            ReplayPart::Bytes(bytes) => {
                for run in bytes.chunk_by(|a, b| a == b) {
                    if run.len() < LONG_RUN {
                        pending.extend_from_slice(run);
                        continue;
                    }
                    flush(&mut pending, &mut commands);
                    let zeros = format!("head -c {} /dev/zero", run.len());
                    commands.push(if run[0] == 0 {
                        zeros
                    } else {
                        format!("{zeros} | tr '\\000' '\\{:03o}'", run[0])
                    });
                }
            }
        }
    }
    flush(&mut pending, &mut commands);
    format!("{{ {}; }}", commands.join("; "))
}

/// Bytes as a printf format inside single quotes: `%` and `\` doubled,
/// everything but printable ASCII (and `'`) as a three-digit octal escape.
fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\047"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// One bash word: literal runs quoted, variables as `"${NAME}"`.
fn word(parts: &[ReplayPart]) -> String {
    let text: String = parts
        .iter()
        .map(|p| match p {
            ReplayPart::Bytes(b) => quote_bytes(b),
            ReplayPart::Var(name) => format!("\"${{{name}}}\""),
        })
        .collect();
    if text.is_empty() {
        "''".into()
    } else {
        text
    }
}

/// Bytes as one bash word: `'…'` when printable ASCII without `'`, else
/// `$'…'` with escapes (every byte outside printable ASCII as `\xHH`). Not
/// for NUL, which no bash word holds (bodies with one take the pipe).
fn quote_bytes(bytes: &[u8]) -> String {
    if bytes
        .iter()
        .all(|b| (0x20..=0x7e).contains(b) && *b != b'\'')
    {
        return format!("'{}'", String::from_utf8_lossy(bytes));
    }
    let mut out = String::from("$'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::Secret;

    struct Owned {
        method: String,
        url: String,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    }

    impl Owned {
        fn sent(&self) -> SentRequest<'_> {
            SentRequest {
                method: &self.method,
                url: &self.url,
                headers: &self.headers,
                body: self.body.as_deref(),
            }
        }
    }

    fn request(body: Option<&[u8]>) -> Owned {
        Owned {
            method: "POST".into(),
            url: "http://127.0.0.1:9/api/x?q=[1]".into(),
            headers: vec![
                ("Authorization".into(), "Bearer tok-abcdef-123".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: body.map(<[u8]>::to_vec),
        }
    }

    /// Runs a command with bash; returns what it printed.
    fn bash(script: &str) -> Vec<u8> {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .env("PSA_BEARER_TOKEN", "tok-abcdef-123")
            .env("PSA_PASSWORD", "pw'\"$x")
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "{script}\n{out:?}");
        out.stdout
    }

    /// The command with `curl` swapped for a printer of its arguments and
    /// stdin: bash itself shows what curl would receive.
    fn arguments(command: &str) -> Vec<u8> {
        let printer = r#"curl() { for a in "$@"; do printf '<%s>' "$a"; done; printf '|'; if [[ " $* " == *" @- "* ]]; then cat; fi; }"#;
        bash(&format!("{printer}; {command}"))
    }

    #[test]
    fn secrets_become_variables_and_bash_reads_back_every_byte() {
        let r = Redactor::new();
        r.add(&Secret::named("tok-abcdef-123", "PSA_BEARER_TOKEN"));
        r.add(&Secret::named("pw'\"$x", "PSA_PASSWORD"));
        let body: &[u8] = b"{\"password\":\"pw'\"$x\",\"n\":\"\xff\xfe\x01\n'\"}";
        let cmd = curl(request(Some(body)).sent(), &r, &ClientDefaults::default());
        assert!(!cmd.contains("tok-abcdef-123"), "{cmd}");
        assert!(cmd.contains("\"${PSA_BEARER_TOKEN}\""), "{cmd}");
        let seen = arguments(&cmd);
        let mut expected = b"<-sS><-i><-g><--path-as-is><-X><POST><http://127.0.0.1:9/api/x?q=[1]><-H><Authorization: Bearer tok-abcdef-123><-H><Content-Type: application/json><-H><User-Agent:><--data-binary><".to_vec();
        expected.extend_from_slice(body);
        expected.extend_from_slice(b">|");
        assert_eq!(
            String::from_utf8_lossy(&seen),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(seen, expected);
    }

    #[test]
    fn nul_bytes_long_runs_and_a_leading_at_go_through_a_pipe() {
        let r = Redactor::new();
        r.add(&Secret::named("tok-abcdef-123", "PSA_BEARER_TOKEN"));
        let mut body = b"@{\"u\":\"".to_vec();
        body.extend(std::iter::repeat_n(b'a', 5000));
        body.extend_from_slice(b"\0%\\'tok-abcdef-123\"}");
        let cmd = curl(request(Some(&body)).sent(), &r, &ClientDefaults::default());
        assert!(cmd.len() < 400 && !cmd.contains("tok-abcdef"), "{cmd}");
        let seen = arguments(&cmd);
        let tail = seen
            .split(|&b| b == b'|')
            .skip(1)
            .collect::<Vec<_>>()
            .join(&b'|');
        assert_eq!(tail, body);
    }

    #[test]
    fn harness_made_values_are_written_as_sent() {
        let r = Redactor::new();
        r.add(&Secret::harness_made("wrong-0123456789"));
        let mut req = request(None);
        req.method = "GET".into();
        req.headers = vec![("X-Key".into(), "wrong-0123456789".into())];
        let cmd = curl(req.sent(), &r, &ClientDefaults::default());
        assert!(cmd.contains("'X-Key: wrong-0123456789'"), "{cmd}");
        assert!(!cmd.contains("-X"), "{cmd}");
    }

    #[test]
    fn a_token_the_redactor_does_not_know_is_a_forged_one() {
        let mut req = request(None);
        req.method = "GET".into();
        req.headers = vec![(
            "Authorization".into(),
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".into(),
        )];
        let cmd = curl(req.sent(), &Redactor::new(), &ClientDefaults::default());
        assert!(
            cmd.contains("'Authorization: Bearer '\"${FORGED_JWT}\""),
            "{cmd}"
        );
        assert!(!cmd.contains("eyJ"), "{cmd}");
    }
}
