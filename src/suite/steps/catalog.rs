//! Every step phrase the suite defines, read from the step definitions
//! themselves: the `#[given]`, `#[when]` and `#[then]` attributes of the
//! step files (embedded here, so the listing cannot drift from them), the
//! side each belongs to (the World its function takes), its parameters, and
//! one example line from the shipped features. `list --steps` prints it;
//! docs/STEPS.md is that output.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

/// The step files: (path, source). A test checks every file of
/// `src/suite/steps/` with a step attribute is here.
pub(crate) const SOURCES: &[(&str, &str)] = &[
    ("src/suite/steps/auth.rs", include_str!("auth.rs")),
    ("src/suite/steps/callback.rs", include_str!("callback.rs")),
    ("src/suite/steps/errors.rs", include_str!("errors.rs")),
    (
        "src/suite/steps/extra_keys.rs",
        include_str!("extra_keys.rs"),
    ),
    ("src/suite/steps/lifecycle.rs", include_str!("lifecycle.rs")),
    ("src/suite/steps/psa.rs", include_str!("psa.rs")),
    ("src/suite/steps/push.rs", include_str!("push.rs")),
    (
        "src/suite/steps/rate_limit.rs",
        include_str!("rate_limit.rs"),
    ),
    ("src/suite/steps/request.rs", include_str!("request.rs")),
    ("src/suite/steps/response.rs", include_str!("response.rs")),
    (
        "src/suite/steps/robustness.rs",
        include_str!("robustness.rs"),
    ),
    ("src/suite/steps/tokens.rs", include_str!("tokens.rs")),
];

/// One step definition.
#[derive(Debug, Clone)]
pub(crate) struct StepDef {
    /// `Given`, `When` or `Then`.
    pub keyword: &'static str,
    /// The phrase as written in the attribute.
    pub phrase: String,
    /// How it is matched: `exact`, `regex`, `expression`.
    pub kind: &'static str,
    /// `ncentral` (PsaWorld) or `psa` (PsaSideWorld).
    pub side: &'static str,
    /// `file:line` of the definition.
    pub defined_at: String,
    /// The regex a step text must match whole.
    pub matcher: Regex,
    /// One description per parameter (capture group).
    pub parameters: Vec<String>,
}

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r##"(?s)#\[(given|when|then)\(\s*(?:(regex|expr)\s*=\s*)?(r#"(?:.*?)"#|r"(?:[^"]*)"|"(?:[^"\\]|\\.)*")\s*\)\]\s*(?:pub\s+)?(?:async\s+)?fn\s+\w+\s*\(\s*\w+\s*:\s*&mut\s+(\w+)"##,
    )
    .expect("static regex")
});

/// Every step definition, in file order.
pub(crate) fn definitions() -> Vec<StepDef> {
    let mut out = Vec::new();
    for (path, source) in SOURCES {
        for c in ATTRIBUTE.captures_iter(source) {
            let line = source[..c.get(0).map_or(0, |m| m.start())].lines().count() + 1;
            let literal = &c[3];
            let phrase = unquote(literal);
            let kind = match c.get(2).map(|m| m.as_str()) {
                Some("regex") => "regex",
                Some(_) => "expression",
                None => "exact",
            };
            let pattern = match kind {
                "regex" => phrase.clone(),
                "expression" => expression_regex(&phrase),
                _ => format!("^{}$", regex::escape(&phrase)),
            };
            let Ok(matcher) = Regex::new(&pattern) else {
                continue;
            };
            out.push(StepDef {
                keyword: match &c[1] {
                    "given" => "Given",
                    "when" => "When",
                    _ => "Then",
                },
                parameters: parameters(&phrase, kind),
                phrase,
                kind,
                side: if &c[4] == "PsaSideWorld" {
                    "psa"
                } else {
                    "ncentral"
                },
                defined_at: format!("{path}:{line}"),
                matcher,
            });
        }
    }
    out
}

/// The text inside a Rust string literal (`r"…"`, `r#"…"#`, `"…"`).
fn unquote(literal: &str) -> String {
    if let Some(raw) = literal.strip_prefix("r#\"") {
        return raw.trim_end_matches("\"#").to_string();
    }
    if let Some(raw) = literal.strip_prefix("r\"") {
        return raw.trim_end_matches('"').to_string();
    }
    let inner = &literal[1..literal.len() - 1];
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// A cucumber expression as the regex cucumber matches it with.
fn expression_regex(expr: &str) -> String {
    let mut out = String::from("^");
    let mut rest = expr;
    while let Some(at) = rest.find('{') {
        out.push_str(&regex::escape(&rest[..at]));
        let Some(end) = rest[at..].find('}') else {
            break;
        };
        out.push_str(match &rest[at + 1..at + end] {
            "string" => r#"(?:"([^"]*)"|'([^']*)')"#,
            "int" => r"(-?\d+)",
            "float" => r"(-?\d*\.?\d+)",
            "word" => r"([^\s]+)",
            _ => r"(.*)",
        });
        rest = &rest[at + end + 1..];
    }
    out.push_str(&regex::escape(rest));
    out.push('$');
    out
}

/// One line per parameter: `{string}`, or a regex group's alternatives.
fn parameters(phrase: &str, kind: &str) -> Vec<String> {
    match kind {
        "expression" => Regex::new(r"\{(\w*)\}")
            .expect("static regex")
            .captures_iter(phrase)
            .map(|c| match &c[1] {
                "string" => "a quoted text".to_string(),
                other => format!("{{{other}}}"),
            })
            .collect(),
        "regex" => groups(phrase)
            .into_iter()
            .map(|g| {
                let inner = g.trim_start_matches("?:");
                if inner.contains('|') && !inner.contains(['(', '[', '\\', '*', '+']) {
                    format!(
                        "one of: {}",
                        inner.split('|').collect::<Vec<_>>().join(" · ")
                    )
                } else {
                    format!("matching `{inner}`")
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The top-level capturing groups of a regex, without their parentheses.
fn groups(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut escaped) = (0usize, 0usize, false);
    for (i, ch) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match ch {
            '\\' => escaped = true,
            '(' => {
                if depth == 0 {
                    start = i + 1;
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 && !pattern[start..i].starts_with("?:") {
                    out.push(pattern[start..i].to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// Every step of the shipped features, outlines expanded: (side,
/// `file:line`, keyword, text).
pub(crate) fn shipped_steps() -> Vec<(&'static str, String, String, String)> {
    let mut out = Vec::new();
    for feature in crate::features::parse_all().into_iter().flatten() {
        let path = feature
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let side = if path.starts_with("features/psa/") {
            "psa"
        } else {
            "ncentral"
        };
        let steps = feature
            .background
            .iter()
            .flat_map(|b| &b.steps)
            .chain(feature.scenarios.iter().flat_map(|s| &s.steps));
        for step in steps {
            out.push((
                side,
                format!("{path}:{}", step.position.line),
                step.keyword.trim().to_string(),
                step.value.clone(),
            ));
        }
    }
    out
}

/// The first step of the shipped features a definition matches:
/// (`file:line`, the line as written, outlines filled in).
pub(crate) fn example(def: &StepDef) -> Option<(String, String)> {
    shipped_steps()
        .into_iter()
        .find(|(side, _, _, text)| *side == def.side && def.matcher.is_match(text))
        .map(|(_, at, keyword, text)| (at, format!("{keyword} {text}")))
}

/// `list --steps`: every step, by side, with its parameters and an example
/// (Markdown; docs/STEPS.md is this text).
pub(crate) fn render() -> String {
    let defs = definitions();
    let mut out = String::from(
        "# Steps\n\nEvery step phrase the suite defines, generated by `psa-conformance list --steps` from the step\ndefinitions themselves (docs/STEPS.md is its output; a test keeps them equal). Each step\nbelongs to one side; its keyword may be written `And` or `But` after one of its kind. A\nphrase marked (exact) is matched whole; (regex) and (expression) take the parameters listed.\n",
    );
    for (side, title) in [
        ("ncentral", "N-central's side (`--side ncentral`)"),
        ("psa", "The vendor's side (`--side psa`)"),
    ] {
        let _ = writeln!(out, "\n## {title}\n");
        for d in defs.iter().filter(|d| d.side == side) {
            let _ = writeln!(out, "- **{}** `{}` ({})", d.keyword, d.phrase, d.kind);
            for (i, p) in d.parameters.iter().enumerate() {
                let _ = writeln!(out, "  - parameter {}: {p}", i + 1);
            }
            match example(d) {
                Some((at, line)) => {
                    let _ = writeln!(out, "  - example: `{line}` ({at})");
                }
                None => {
                    let _ = writeln!(out, "  - example: none in the shipped features");
                }
            }
            let _ = writeln!(out, "  - defined at {}", d.defined_at);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_file_is_read_and_every_attribute_is_understood() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/suite/steps");
        let attribute = Regex::new(r"#\[(given|when|then)\(").unwrap();
        let mut attributes = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                // A folder of a step file's unit tests (psa/tests.rs) defines no step.
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let found = attribute.find_iter(&text).count();
            let name = format!(
                "src/suite/steps/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            if found > 0 {
                assert!(
                    SOURCES.iter().any(|(p, _)| *p == name),
                    "{name} defines steps but is not in SOURCES"
                );
            }
            attributes += found;
        }
        // This file's own test text above names no attribute whole.
        assert_eq!(definitions().len(), attributes);
    }

    #[test]
    fn every_shipped_step_matches_exactly_one_definition_of_its_side() {
        let defs = definitions();
        for (side, at, _, step) in shipped_steps() {
            let matching: Vec<&StepDef> = defs
                .iter()
                .filter(|d| d.side == side && d.matcher.is_match(&step))
                .collect();
            assert_eq!(
                matching.len(),
                1,
                "{at}: `{step}` matches {:?}",
                matching.iter().map(|d| &d.defined_at).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn parameters_read_from_groups_and_expressions() {
        assert_eq!(
            parameters(r"^the token is (a|b c)$", "regex"),
            ["one of: a · b c"]
        );
        assert_eq!(
            parameters(r"^sends (\d+) requests$", "regex"),
            ["matching `\\d+`"]
        );
        assert_eq!(
            parameters("spells {string}", "expression"),
            ["a quoted text"]
        );
        let re = Regex::new(&expression_regex("spells {string}")).unwrap();
        assert!(re.is_match("spells \"x y\""));
    }
}
