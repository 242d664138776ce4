//! The one-way architecture of docs/ARCHITECTURE.md, checked on the source:
//! every `crate::<part>` a module of `src/` names (outside comments and
//! `#[cfg(test)]` code) is an import of that part. No cycle between parts;
//! the suite and the report never import either mock (N-central's or the
//! reference PSA); each mock imports only the endpoint table and the
//! redactor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Part → the parts it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let pattern = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let part = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if part == "lib" || part == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let deps = graph.entry(part.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for c in pattern.captures_iter(line) {
                    if c[1] != *part {
                        deps.insert(c[1].to_string());
                    }
                }
            }
        }
    }
    graph
}

fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut c = path[i..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_part_imports_back_up_the_arrows() {
    let graph = imports();
    assert!(graph.len() > 10, "read too few parts: {graph:?}");
    if let Some(c) = cycle(&graph) {
        panic!("import cycle: {}", c.join(" -> "));
    }
    for (part, deps) in &graph {
        assert!(!deps.contains("app"), "{part} imports app");
    }
}

#[test]
fn the_suite_and_the_report_never_import_the_mock() {
    let graph = imports();
    for part in ["suite", "report", "http", "attest"] {
        for mock in ["mock", "psa_mock"] {
            assert!(
                !graph[part].contains(mock),
                "{part} imports {mock}: {:?}",
                graph[part]
            );
        }
    }
    assert!(
        !graph["report"].contains("suite"),
        "the model reaches into the suite"
    );
}

#[test]
fn the_mocks_import_only_the_endpoint_table_jacksons_reading_and_the_redactor() {
    let graph = imports();
    let allowed: BTreeSet<String> = ["api", "jackson", "redact"].map(String::from).into();
    for mock in ["mock", "psa_mock"] {
        let extra: Vec<&String> = graph[mock].difference(&allowed).collect();
        assert!(extra.is_empty(), "{mock} imports {extra:?}");
    }
}

#[test]
fn the_checker_sees_a_cycle_when_there_is_one() {
    let mut graph = imports();
    graph.get_mut("report").unwrap().insert("suite".into());
    assert!(cycle(&graph).is_some());
}

/// Within a part (a directory of `src/`), its files → the sibling files
/// they import (`super::x`, `super::{x, …}`, `crate::part::x`).
fn sibling_imports(part: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(part);
    let names: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let stem = p.file_stem()?.to_string_lossy().to_string();
            (stem != "mod").then_some(stem)
        })
        .collect();
    let word = regex::Regex::new(r"[A-Za-z_]+").unwrap();
    // What the part's mod.rs re-exports, by item: `pub use summary::{Summary, …}`
    // makes `super::Summary` an import of summary.rs.
    let mod_rs = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_default();
    let reexport = regex::Regex::new(r"pub use ([a-z_]+)::(?:\{([^}]*)\}|([A-Za-z_]+))").unwrap();
    let mut item_home: BTreeMap<String, String> = BTreeMap::new();
    for c in reexport.captures_iter(&mod_rs) {
        let items = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
        for w in word.find_iter(items) {
            item_home.insert(w.as_str().to_string(), c[1].to_string());
        }
    }
    let direct = regex::Regex::new(&format!(r"(?:super|crate::{part})::([a-z_]+)")).unwrap();
    let group = regex::Regex::new(r"super::\{([^}]*)\}").unwrap();
    let single = regex::Regex::new(r"super::([A-Z][A-Za-z_]*)").unwrap();
    let mut graph = BTreeMap::new();
    for name in &names {
        let path = dir.join(format!("{name}.rs"));
        let path = if path.exists() {
            path
        } else {
            dir.join(name).join("mod.rs")
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut deps = BTreeSet::new();
        for c in direct.captures_iter(&code) {
            deps.insert(c[1].to_string());
        }
        for c in group.captures_iter(&code) {
            for w in word.find_iter(&c[1]) {
                let w = w.as_str();
                deps.insert(item_home.get(w).cloned().unwrap_or_else(|| w.to_string()));
            }
        }
        for c in single.captures_iter(&code) {
            if let Some(home) = item_home.get(&c[1]) {
                deps.insert(home.clone());
            }
        }
        deps.retain(|d| names.contains(d) && d != name);
        graph.insert(name.clone(), deps);
    }
    graph
}

#[test]
fn no_two_files_of_a_part_import_each_other_round() {
    for part in [
        "suite",
        "report",
        "mock",
        "psa_mock",
        "http",
        "attest",
        "suite/steps",
        "suite/psa_side",
        "config",
    ] {
        let graph = sibling_imports(part);
        assert!(!graph.is_empty(), "{part}: no files read");
        if let Some(c) = cycle(&graph) {
            panic!("{part}: import cycle between its files: {}", c.join(" -> "));
        }
    }
}

/// The items a directory's `mod.rs` defines itself (not its re-exports):
/// `struct`, `enum`, `fn`, `const`, `static`, `type`, `trait`.
fn items_defined_in(mod_rs: &str) -> BTreeSet<String> {
    let def = regex::Regex::new(
        r"(?m)^pub(?:\([a-z]+\))? (?:async )?(?:struct|enum|fn|const|static|type|trait) ([A-Za-z_][A-Za-z0-9_]*)",
    )
    .unwrap();
    def.captures_iter(mod_rs)
        .map(|c| c[1].to_string())
        .collect()
}

/// A child file that uses an item its parent `mod.rs` defines, while the
/// parent declares (and uses) the child, is a cycle between the two: the
/// shared item belongs in a file of its own (`report/model.rs`,
/// `mock/options.rs`, `config/error.rs`…), which both import.
#[test]
fn no_file_imports_an_item_its_parent_module_defines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    let mut checked = 0;
    let mut offenders = Vec::new();
    let used = regex::Regex::new(r"super::(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))").unwrap();
    let word = regex::Regex::new(r"[A-Za-z_][A-Za-z0-9_]*").unwrap();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            }
        }
        let Ok(mod_rs) = std::fs::read_to_string(dir.join("mod.rs")) else {
            continue;
        };
        let own = items_defined_in(mod_rs.split("#[cfg(test)]").next().unwrap_or_default());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            checked += 1;
            for c in used.captures_iter(code) {
                let names = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
                for w in word.find_iter(names) {
                    if own.contains(w.as_str()) {
                        offenders.push(format!("{} uses super::{}", path.display(), w.as_str()));
                    }
                }
            }
        }
    }
    assert!(checked > 40, "read too few files ({checked})");
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_parent_item_check_sees_a_definition() {
    let own = items_defined_in(
        "pub struct RunReport {\npub(crate) fn last_line() {}\npub use model::*;\n",
    );
    assert!(own.contains("RunReport") && own.contains("last_line"));
    assert!(!own.contains("model"));
}
