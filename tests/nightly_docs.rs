//! The nightly workflow (`docs/nightly.yml`), the `Dockerfile`, README.md and
//! the documents under docs/ use only
//! subcommands and flags the built binary really has, as its `--help` lists
//! them. (YAML validity is checked by `.ci/run`.)

use std::collections::BTreeSet;
use std::process::Command;

const BINARY: &str = "psa-conformance";

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_psa-conformance"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "`{BINARY} {}` failed", args.join(" "));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Every `--long-flag` in `text`: `--` at the start of a word, then
/// lower-case letters, digits and hyphens.
fn long_flags(text: &str) -> BTreeSet<String> {
    let mut flags = BTreeSet::new();
    for (at, _) in text.match_indices("--") {
        let starts_word = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "([\"'".contains(c));
        let name: String = text[at + 2..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .collect();
        if starts_word && name.starts_with(|c: char| c.is_ascii_lowercase()) {
            flags.insert(format!("--{name}"));
        }
    }
    flags
}

/// The subcommands `psa-conformance --help` lists.
fn subcommands() -> BTreeSet<String> {
    help(&["--help"])
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Every call of the binary in `text`: each line that starts with
/// `psa-conformance ` (continued over `\`-ended lines), and each inline code
/// span of prose that does (`` `psa-conformance run --out DIR` ``). What
/// follows the binary's name, one entry per call.
fn invocations(text: &str) -> Vec<String> {
    let prefix = format!("{BINARY} ");
    let joined = text.replace("\\\n", " ");
    let mut calls: Vec<String> = joined
        .lines()
        .map(str::trim_start)
        .filter_map(|line| line.strip_prefix(&prefix))
        .map(str::to_string)
        .collect();
    let span = regex::Regex::new(r"`([^`\n]+)`").unwrap();
    for line in joined.lines() {
        if line.trim_start().starts_with(&prefix) {
            continue;
        }
        for c in span.captures_iter(line) {
            if let Some(rest) = c[1].trim_start().strip_prefix(&prefix) {
                calls.push(rest.to_string());
            }
        }
    }
    calls
}

/// Checks every call of the binary in `text` (see [`invocations`]) against
/// the binary's help; returns the flags used.
fn check_invocations(source: &str, text: &str) -> BTreeSet<String> {
    let known = subcommands();
    let mut used_flags = BTreeSet::new();
    let mut calls = 0;
    for rest in invocations(text) {
        let rest = rest.as_str();
        calls += 1;
        let sub = rest.split_whitespace().next().unwrap();
        assert!(
            known.contains(sub),
            "{source}: `{BINARY} {sub}`: no such subcommand"
        );
        let allowed = long_flags(&help(&[sub, "--help"]));
        for flag in long_flags(rest) {
            assert!(
                allowed.contains(&flag),
                "{source}: `{BINARY} {sub}` has no {flag}"
            );
            used_flags.insert(flag);
        }
    }
    assert!(calls > 0, "{source} never calls {BINARY}");
    used_flags
}

#[test]
fn the_workflow_calls_only_real_subcommands_and_flags() {
    let known = subcommands();
    assert!(
        known.contains("run") && known.contains("compare"),
        "{known:?}"
    );
    let workflow = read("docs/nightly.yml");
    let used_flags = check_invocations("docs/nightly.yml", &workflow);
    check_invocations("docs/NIGHTLY.md", &read("docs/NIGHTLY.md"));
    check_invocations("docs/board.yml", &read("docs/board.yml"));

    // A flag built up elsewhere (`baseline=(--baseline …)`) must be real too;
    // only cargo's own flags, and the invocations checked above, are exempt.
    let run_flags = long_flags(&help(&["run", "--help"]));
    for line in workflow.lines().map(str::trim_start) {
        if line.starts_with("cargo ")
            || line.starts_with('#')
            || line.starts_with(&format!("{BINARY} "))
        {
            continue;
        }
        for flag in long_flags(line) {
            assert!(
                run_flags.contains(&flag),
                "the workflow uses {flag}, which `{BINARY} run` does not have: {line}"
            );
        }
    }
    for flag in ["--target", "--out", "--baseline", "--sign-with"] {
        assert!(
            used_flags.contains(flag) || workflow.contains(&format!("({flag} ")),
            "the workflow never passes {flag}"
        );
    }
    // A signed night is verified against the published public key.
    assert!(
        workflow.contains(&format!("{BINARY} verify --key ")),
        "the workflow never verifies what it signed"
    );
    assert!(workflow.contains("$GITHUB_STEP_SUMMARY") && workflow.contains("summary.md"));
    assert!(workflow.contains("actions/upload-artifact") && workflow.contains("if: always()"));
    assert!(workflow.contains("workflow_dispatch") && workflow.contains("cron:"));
}

#[test]
fn the_image_runs_the_binary() {
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains(r#"ENTRYPOINT ["psa-conformance"]"#));
    assert!(dockerfile.contains("cargo build --release --locked"));
    let cmd = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("CMD [\""))
        .and_then(|rest| rest.split('"').next())
        .expect("the Dockerfile has a CMD");
    assert!(
        subcommands().contains(cmd),
        "CMD names no subcommand: {cmd}"
    );
    // Everything the build embeds or cargo needs to read the manifest.
    for dir in ["src", "features", "schemas", "benches", "tests"] {
        assert!(
            dockerfile.contains(&format!("COPY {dir} {dir}")),
            "the build needs {dir}/"
        );
    }
    assert!(dockerfile.contains("USER ") && !dockerfile.contains("USER root"));
}

#[test]
fn calls_in_prose_are_read_too() {
    let doc = "Run\n\n```sh\npsa-conformance run \\\n  --out r\n```\n\nthen `psa-conformance compare --baseline a` or `cargo test`.\n";
    assert_eq!(
        invocations(doc),
        ["run    --out r", "compare --baseline a"],
        "{doc}"
    );
}

#[test]
fn flags_are_read_as_whole_words() {
    let flags = long_flags(r#"x --out "d" baseline=(--baseline f) a--b --Upper"#);
    assert_eq!(
        flags.into_iter().collect::<Vec<_>>(),
        ["--baseline", "--out"]
    );
}

/// README.md and the documents under docs/ call only subcommands and flags
/// the binary has (`cargo run --release -- x` read as `psa-conformance x`),
/// and every relative link they make resolves inside the repository.
#[test]
fn the_readme_and_the_docs_call_real_flags_and_link_inside_the_repository() {
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    for doc in documents() {
        let doc = doc.as_str();
        let text = read(doc);
        let as_binary = text
            .replace("cargo run --release -- ", &format!("{BINARY} "))
            .replace("cargo run -- ", &format!("{BINARY} "));
        if !invocations(&as_binary).is_empty() {
            check_invocations(doc, &as_binary);
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(doc)
            .parent()
            .unwrap()
            .to_path_buf();
        for c in link.captures_iter(&text) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                continue;
            }
            assert!(
                !target.contains("shared/"),
                "{doc} links outside the repository: {target}"
            );
            let path = target.split('#').next().unwrap_or_default();
            assert!(
                dir.join(path).exists(),
                "{doc}: the link {target} leads nowhere"
            );
        }
    }
}

/// README.md and every Markdown document under docs/, as paths relative to
/// the repository.
fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_string()];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    names.sort();
    docs.extend(names);
    docs
}

/// The words of the first column of the Markdown table whose header row
/// starts with `| {first} |`, backticks removed.
fn table_keys(text: &str, first: &str) -> BTreeSet<String> {
    text.lines()
        .skip_while(|l| !l.starts_with(&format!("| {first} |")))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1))
        .map(|c| c.trim().trim_matches('`').to_string())
        .collect()
}

/// The quoted alternatives of `"key": "a" | "b" | …` in CLI.md's
/// summary.json example.
fn enumerated(text: &str, key: &str) -> BTreeSet<String> {
    let line = text
        .lines()
        .find(|l| l.contains(&format!("\"{key}\": \"")) && l.contains(" | "))
        .unwrap_or_else(|| panic!("CLI.md enumerates no {key}"));
    let from = line.find(&format!("\"{key}\":")).unwrap() + key.len() + 3;
    line[from..]
        .split(['|', ','])
        .map_while(|part| {
            let part = part.trim();
            (part.starts_with('"') && part[1..].contains('"'))
                .then(|| part.trim_matches(|c| c == '"' || c == '}').to_string())
        })
        .collect()
}

/// README is the newcomer's page: short, with the two commands of a fresh
/// machine, and every fact it states agrees with its one source, docs/CLI.md:
/// the verdict words, the requirement statuses, the subcommands and flags it
/// uses, the exit codes it names; the exit table lives in CLI.md alone.
#[test]
fn the_readme_is_short_and_agrees_with_the_cli_contract() {
    let readme = read("README.md");
    let cli = read("docs/CLI.md");
    let lines = readme.lines().count();
    assert!(lines <= 200, "README.md has {lines} lines, more than 200");
    for command in ["cargo run --release -- run", "cargo test"] {
        let at = readme.find(command).expect(command);
        assert!(
            readme[..at].lines().count() < 40,
            "README.md: `{command}` is not near the top"
        );
    }

    let verdicts = table_keys(&readme, "verdict");
    assert_eq!(
        verdicts,
        enumerated(&cli, "verdict"),
        "README's verdict words"
    );
    let statuses: BTreeSet<String> = enumerated(&cli, "status")
        .into_iter()
        .filter(|s| !readme.contains(&format!("`{s}`")))
        .collect();
    assert!(
        statuses.is_empty(),
        "README.md never names the requirement statuses {statuses:?}"
    );

    // Every subcommand and flag README uses is one CLI.md documents.
    let as_binary = readme.replace("cargo run --release -- ", &format!("{BINARY} "));
    let word = regex::Regex::new(&format!(r"{BINARY} ([a-z]+)")).unwrap();
    for c in word.captures_iter(&as_binary) {
        assert!(
            cli.contains(&format!("{BINARY} {}", &c[1])),
            "README.md uses `{BINARY} {}`, which docs/CLI.md does not document",
            &c[1]
        );
    }
    // cargo's own flags (`cargo install --locked`) are cargo's business.
    let ours: String = as_binary
        .lines()
        .filter(|l| !l.trim_start().starts_with("cargo "))
        .collect::<Vec<_>>()
        .join("\n");
    for flag in long_flags(&ours) {
        assert!(
            cli.contains(&flag),
            "README.md uses {flag}, which docs/CLI.md does not document"
        );
    }

    // The exit codes README names are CLI.md's, and only CLI.md has the table.
    let codes = table_keys(&cli, "code");
    assert!(codes.contains("0") && codes.contains("3"), "{codes:?}");
    let exits = regex::Regex::new(r"(?i)\bexit(?:s| status| code)? (\d+)").unwrap();
    for doc in documents() {
        let text = read(&doc);
        for c in exits.captures_iter(&text) {
            let code = &c[1];
            assert!(
                codes.iter().any(|k| k.split(", ").any(|one| one == code)),
                "{doc} names exit {code}, which docs/CLI.md's exit table lacks"
            );
        }
        if doc != "docs/CLI.md" {
            assert!(
                table_keys(&text, "code").is_empty(),
                "{doc} repeats the exit table; it lives in docs/CLI.md alone"
            );
        }
    }
}
