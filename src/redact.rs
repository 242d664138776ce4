//! The one place secrets are masked.
//!
//! A [`Secret`] never prints its value (`Debug` and `Display` show `***`). A
//! [`Redactor`] knows every secret of a run — the bearer token, the exchanged
//! access token, the User-API JWT, the integration key and the PSA passwords —
//! and masks each of them, in its plain, JSON-escaped and percent-encoded
//! forms, in any text before it reaches a terminal, a log or a report file.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

/// What a masked secret reads as.
pub(crate) const MASK: &str = "***";

/// A secret value. Its `Debug` and `Display` never show it; use
/// [`Secret::expose`] where the value must go on the wire. It may carry the
/// name a replay command writes in its place ([`Replay`]).
#[derive(Clone)]
pub struct Secret(String, Replay);

/// What a replay command (`curl`) writes where a secret was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// `"$NAME"`: the environment variable the target file names, or the
    /// one a reader sets (a token the target issued during the run).
    Var(String),
    /// The value itself: the harness made it up (a wrong password, a forged
    /// token), it opens nothing, and the replay needs it as sent.
    Literal,
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Secret {}

/// The variable a secret nobody named is written as in a replay.
pub(crate) const UNNAMED_SECRET_VAR: &str = "SECRET";

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into(), Replay::Var(UNNAMED_SECRET_VAR.into()))
    }

    /// A secret a replay writes as `"$var"` (the variable the target file
    /// names for it).
    pub fn named(value: impl Into<String>, var: impl Into<String>) -> Self {
        Secret(value.into(), Replay::Var(var.into()))
    }

    /// A value the harness made up to be refused: masked in reports like any
    /// secret, but a replay writes it as sent.
    pub fn harness_made(value: impl Into<String>) -> Self {
        Secret(value.into(), Replay::Literal)
    }

    /// The value itself, for building a request. Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What a replay writes in its place.
    pub fn replay(&self) -> &Replay {
        &self.1
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Secrets shorter than this are not masked: masking `"a"` would shred every
/// report while protecting nothing. Config validation rejects such secrets.
pub(crate) const MIN_SECRET_LEN: usize = 4;

/// Masks every known secret in text. Cheap to clone; secrets learnt during a
/// run (an exchanged access token) are added with [`Redactor::add`].
#[derive(Clone, Default)]
pub struct Redactor {
    needles: Arc<RwLock<Needles>>,
    /// Also mask credentials by their shape ([`mask_credential_shapes`]),
    /// whoever sent them: set on the vendor's side, where a peer's
    /// credentials reach the evidence.
    shapes: Arc<AtomicBool>,
}

/// Every form of every secret, and one automaton that finds them all in a
/// single pass, leftmost-longest (a secret that contains another is masked
/// whole).
#[derive(Default)]
struct Needles {
    forms: Vec<String>,
    /// What a replay writes for each form (same index).
    replays: Vec<Replay>,
    matcher: Option<AhoCorasick>,
}

impl Needles {
    fn find_in(&self, text: &str) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(text))
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.needles.read().map(|v| v.forms.len()).unwrap_or(0);
        write!(f, "Redactor({n} forms of secrets)")
    }
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Learns a secret: from now on it, and the forms it takes inside JSON
    /// strings and URLs, are masked.
    pub fn add(&self, secret: &Secret) {
        let value = secret.expose();
        if value.len() < MIN_SECRET_LEN {
            return;
        }
        let mut needles = self.needles.write().unwrap_or_else(|e| e.into_inner());
        let before = needles.forms.len();
        for form in wire_forms(value) {
            if !needles.forms.contains(&form) {
                needles.forms.push(form);
                needles.replays.push(secret.replay().clone());
            }
        }
        if needles.forms.len() != before {
            // A handful of secrets per run: rebuilding is cheap. Should the
            // build ever fail, the old automaton (without the new forms)
            // would leak them, so fail closed: mask nothing, find everything
            // by the slow path below.
            needles.matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&needles.forms)
                .ok();
        }
    }

    /// Whether the text contains any known secret in any of its forms.
    pub fn finds_secret_in(&self, text: &str) -> bool {
        let needles = self.needles.read().unwrap_or_else(|e| e.into_inner());
        needles.find_in(text)
            || (needles.matcher.is_none()
                && needles.forms.iter().any(|n| text.contains(n.as_str())))
    }

    /// From now on, [`Redactor::redact`] also masks every credential by its
    /// shape ([`mask_credential_shapes`]), known to the run or not. Shared
    /// by every clone.
    pub fn mask_shapes(&self) {
        self.shapes.store(true, Ordering::SeqCst);
    }

    /// The text with every known secret replaced by `***` (and, after
    /// [`Redactor::mask_shapes`], every credential shape by its kind and
    /// length).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let known = self.redact_known(text);
        if !self.shapes.load(Ordering::SeqCst) {
            return known;
        }
        match mask_credential_shapes(&known) {
            Cow::Borrowed(_) => known,
            Cow::Owned(masked) => Cow::Owned(masked),
        }
    }

    fn redact_known<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let needles = self.needles.read().unwrap_or_else(|e| e.into_inner());
        match &needles.matcher {
            Some(m) if m.is_match(text) => {
                Cow::Owned(m.replace_all(text, &vec![MASK; needles.forms.len()]))
            }
            Some(_) => Cow::Borrowed(text),
            None if needles.forms.is_empty() => Cow::Borrowed(text),
            // No automaton although secrets are known: a mask for the whole
            // text is the only answer that cannot leak.
            None => Cow::Owned(MASK.to_string()),
        }
    }

    /// The bytes cut where a secret was, for a replay command: literal
    /// runs, and the variable each secret is written as ([`Replay::Var`]);
    /// a harness-made value ([`Replay::Literal`]) stays in its run. Never
    /// a secret's value unless it was made by the harness.
    pub fn replay_parts(&self, bytes: &[u8]) -> Vec<ReplayPart> {
        let needles = self.needles.read().unwrap_or_else(|e| e.into_inner());
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        let Some(matcher) = &needles.matcher else {
            if needles.forms.is_empty() {
                return vec![ReplayPart::Bytes(bytes.to_vec())];
            }
            // No automaton although secrets are known: fail closed.
            return vec![ReplayPart::Var(UNNAMED_SECRET_VAR.into())];
        };
        let mut at = 0;
        for m in matcher.find_iter(bytes) {
            literal.extend_from_slice(&bytes[at..m.start()]);
            match &needles.replays[m.pattern().as_usize()] {
                Replay::Literal => literal.extend_from_slice(&bytes[m.start()..m.end()]),
                Replay::Var(name) => {
                    if !literal.is_empty() {
                        parts.push(ReplayPart::Bytes(std::mem::take(&mut literal)));
                    }
                    parts.push(ReplayPart::Var(name.clone()));
                }
            }
            at = m.end();
        }
        literal.extend_from_slice(&bytes[at..]);
        if !literal.is_empty() || parts.is_empty() {
            parts.push(ReplayPart::Bytes(literal));
        }
        parts
    }

    /// Like [`Redactor::redact`], for bytes that may not be UTF-8.
    pub fn redact_bytes(&self, bytes: &[u8]) -> String {
        self.redact(&String::from_utf8_lossy(bytes)).into_owned()
    }
}

/// A piece of a request as a replay writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayPart {
    Bytes(Vec<u8>),
    /// An environment variable holding the secret sent here.
    Var(String),
}

/// The forms a secret takes on the wire: plain, inside a JSON string (`"`
/// and `\` escaped, and so are control characters and sometimes `/`),
/// form-urlencoded and percent-encoded. The plain form comes first; no form
/// is empty or repeated.
pub(crate) fn wire_forms(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_string()];
    if let Ok(quoted) = serde_json::to_string(value) {
        forms.push(quoted[1..quoted.len() - 1].to_string());
    }
    forms.push(value.replace('/', "\\/"));
    forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
    forms.push(percent_encode_all_reserved(value));
    let mut unique: Vec<String> = Vec::with_capacity(forms.len());
    for form in forms {
        if !form.is_empty() && !unique.contains(&form) {
            unique.push(form);
        }
    }
    unique
}

/// What a JWT looks like: three base64url segments, the first a JSON object.
pub(crate) const JWT_SHAPE: &str = r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*";

/// Shows any JWT-shaped value (three base64url segments) by its first
/// characters and length only. Used on headers, where the suite's own
/// forged tokens and a target's echo of them would otherwise appear whole:
/// a forged token is no secret, but one altered from the real token carries
/// its header and claims.
pub(crate) fn mask_token_shapes(text: &str) -> Cow<'_, str> {
    static JWT: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(JWT_SHAPE).expect("static regex"));
    JWT.replace_all(text, |c: &regex::Captures<'_>| {
        let token = &c[0];
        format!("{}…(token, {} chars)", &token[..12], token.len())
    })
}

/// How a masked credential reads: its kind and length, never its value
/// (`<JWT, 120 chars>`).
pub(crate) fn describe_credential(kind: &str, value: &str) -> String {
    format!("<{kind}, {} chars>", value.chars().count())
}

/// Masks every credential by its place and shape, whoever configured it:
/// JWT-shaped strings, the token after `Bearer`/`Basic` (`Digest`,
/// `Negotiate`; a lower-case word there is prose and stays), and the string value of a JSON member
/// whose name says it holds a credential (`token`, `accessToken`,
/// `password`, `secret`, `jwt`, `apiKey`…). Each shows as its kind and
/// length ([`describe_credential`]).
pub(crate) fn mask_credential_shapes(text: &str) -> Cow<'_, str> {
    static JWT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
            .expect("static regex")
    });
    static SCHEME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(bearer|basic|digest|negotiate)(\s+)([A-Za-z0-9._~+/=:-]{6,})")
            .expect("static regex")
    });
    static FIELD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)("[A-Za-z0-9_-]*(?:token|password|passwd|secret|jwt|api[_-]?key|authorization|credential)[A-Za-z0-9_-]*"\s*:\s*")((?:[^"\\]|\\.)+)(")"#,
        )
        .expect("static regex")
    });
    let already = |v: &str| v.starts_with('<') && v.ends_with(" chars>");
    let step1 = FIELD.replace_all(text, |c: &regex::Captures<'_>| {
        if already(&c[2]) || &c[2] == MASK {
            return c[0].to_string();
        }
        format!(
            "{}{}{}",
            &c[1],
            describe_credential("credential", &c[2]),
            &c[3]
        )
    });
    let step2 = match JWT.replace_all(&step1, |c: &regex::Captures<'_>| {
        describe_credential("JWT", &c[0])
    }) {
        Cow::Borrowed(_) => step1,
        Cow::Owned(s) => Cow::Owned(s),
    };
    let step3 = match SCHEME.replace_all(&step2, |c: &regex::Captures<'_>| {
        // `***` is already masked; a lower-case word is prose ("a bearer
        // access token"), not a credential.
        if c[3].starts_with("***") || c[3].bytes().all(|b| b.is_ascii_lowercase()) {
            return c[0].to_string();
        }
        format!(
            "{}{}{}",
            &c[1],
            &c[2],
            describe_credential(&format!("{} credential", c[1].to_ascii_lowercase()), &c[3])
        )
    }) {
        Cow::Borrowed(_) => step2,
        Cow::Owned(s) => Cow::Owned(s),
    };
    match step3 {
        Cow::Owned(s) if s != text => Cow::Owned(s),
        _ => Cow::Borrowed(text),
    }
}

/// Percent-encodes every byte outside the RFC 3986 unreserved set, the form a
/// path segment or a query value takes.
fn percent_encode_all_reserved(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
