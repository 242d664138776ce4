//! The one-way architecture of docs/ARCHITECTURE.md, checked on the source:
//! every `crate::<part>` a module of `src/` names is an import of that part —
//! in a `use` (grouped `use crate::{a, b::c}` included), a path in code or
//! a macro's tokens — read by parsing each file with `syn`, so comments are
//! not code and only items under `#[cfg(test)]` are left out, wherever they
//! stand in the file. No cycle between parts;
//! the suite and the report never import either mock (N-central's or the
//! reference PSA); each mock imports only the endpoint table, Jackson's
//! reading, the redactor, the background server (`serve`) and the names of
//! the fault tables (`value_names`). No file of
//! `src/` but the requirements table passes 500 lines (`app.rs` awaits its
//! split).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::visit::Visit;

/// Whether attributes hold `#[cfg(test)]` (or `cfg(all(test, …))`): code
/// only the unit tests compile. `cfg(not(test))` is not.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        if !a.path().is_ident("cfg") {
            return false;
        }
        let Ok(list) = a.meta.require_list() else {
            return false;
        };
        let tokens = list.tokens.to_string();
        let words: Vec<&str> = tokens
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        words.contains(&"test") && !words.contains(&"not") && !words.contains(&"any")
    })
}

/// Every path the non-test code of a file names, as its segments: `use`
/// trees expanded (`use crate::{a, b::C}` is `crate a` and `crate b C`),
/// paths in types and expressions, and `crate::…`/`super::…` inside macro
/// calls (read from their tokens).
#[derive(Default)]
struct Paths {
    found: Vec<Vec<String>>,
    /// The items (struct, enum, fn, const, static, type, trait) the file
    /// defines at its top level, outside test code.
    defined: BTreeSet<String>,
    depth: usize,
}

impl Paths {
    fn of(source: &str) -> Paths {
        let file = syn::parse_file(source).unwrap_or_else(|e| panic!("not Rust: {e}"));
        let mut paths = Paths::default();
        if !is_test_only(&file.attrs) {
            paths.visit_file(&file);
        }
        paths
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.push(prefix, &n.ident.to_string()),
            syn::UseTree::Rename(r) => self.push(prefix, &r.ident.to_string()),
            syn::UseTree::Glob(_) => self.found.push(prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }

    fn push(&mut self, prefix: &[String], last: &str) {
        let mut path = prefix.to_vec();
        if last != "self" {
            path.push(last.to_string());
        }
        self.found.push(path);
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            _ => &[],
        };
        if is_test_only(attrs) {
            return;
        }
        if self.depth == 0 {
            let name = match item {
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Trait(i) => Some(&i.ident),
                syn::Item::Type(i) => Some(&i.ident),
                _ => None,
            };
            self.defined.extend(name.map(ToString::to_string));
        }
        self.depth += 1;
        syn::visit::visit_item(self, item);
        self.depth -= 1;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test_only(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.found
            .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let tokens = m.tokens.to_string();
        static PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"\b(crate|super)((?:\s*::\s*[A-Za-z_][A-Za-z0-9_]*)+)").unwrap()
        });
        for c in PATH.captures_iter(&tokens) {
            let mut segments = vec![c[1].to_string()];
            segments.extend(
                c[2].split("::")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            );
            self.found.push(segments);
        }
        syn::visit::visit_macro(self, m);
    }
}

#[test]
fn the_reader_expands_grouped_uses_and_skips_only_test_code() {
    let source = r#"
        use crate::{api, report::{model::Verdict, summary}};
        // use crate::comment;
        #[cfg(test)]
        mod tests { use crate::mock; }
        #[cfg(test)]
        fn helper() { crate::psa_mock::x(); }
        pub fn after_the_tests() { let _ = crate::jackson::int32(&v); }
        fn in_a_macro() { format!("{}", crate::redact::MASK); }
        pub struct Defined;
    "#;
    let paths = Paths::of(source);
    let parts: BTreeSet<&str> = paths
        .found
        .iter()
        .filter(|p| p.len() > 1 && p[0] == "crate")
        .map(|p| p[1].as_str())
        .collect();
    assert_eq!(
        parts,
        ["api", "jackson", "redact", "report"].into(),
        "{:?}",
        paths.found
    );
    assert!(paths
        .found
        .contains(&vec!["crate".into(), "report".into(), "summary".into()]));
    assert!(paths.defined.contains("Defined") && paths.defined.contains("after_the_tests"));
    assert!(!paths.defined.contains("helper"));
}

/// Part → the parts it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(&src) {
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
        let deps = graph.entry(part.clone()).or_default();
        for p in Paths::of(&text).found {
            if p.len() > 1 && p[0] == "crate" && p[1] != *part {
                deps.insert(p[1].clone());
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
fn the_mocks_import_only_the_endpoint_table_jacksons_reading_the_redactor_and_two_leaves() {
    let graph = imports();
    // `serve`: the one background server both mocks run as; `value_names`:
    // the one reading of their fault tables' names. Both are leaves.
    let allowed: BTreeSet<String> = ["api", "jackson", "redact", "serve", "value_names"]
        .map(String::from)
        .into();
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
    // What the part's mod.rs re-exports, by item: `pub use summary::{Summary, …}`
    // makes `super::Summary` an import of summary.rs.
    let mod_rs = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_default();
    let mut item_home: BTreeMap<String, String> = BTreeMap::new();
    if !mod_rs.is_empty() {
        for p in Paths::of(&mod_rs).found {
            if p.len() == 2 && names.contains(&p[0]) {
                item_home.insert(p[1].clone(), p[0].clone());
            }
        }
    }
    let part_path: Vec<String> = part.split('/').map(String::from).collect();
    let mut graph = BTreeMap::new();
    for name in &names {
        let path = dir.join(format!("{name}.rs"));
        let path = if path.exists() {
            path
        } else {
            dir.join(name).join("mod.rs")
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let mut deps = BTreeSet::new();
        for p in Paths::of(&text).found {
            // `super::x…`, or `crate::<part>::x…`: x is a sibling or an
            // item the part's mod.rs re-exports from one.
            let rest = if p.first().is_some_and(|s| s == "super") {
                &p[1..]
            } else if p.first().is_some_and(|s| s == "crate") && p[1..].starts_with(&part_path) {
                &p[1 + part_path.len()..]
            } else {
                continue;
            };
            if let Some(first) = rest.first() {
                deps.insert(
                    item_home
                        .get(first)
                        .cloned()
                        .unwrap_or_else(|| first.clone()),
                );
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
        "suite/psa_side/ncentral",
        "config",
        "catalog",
        "report/model",
        "report/html",
    ] {
        let graph = sibling_imports(part);
        assert!(!graph.is_empty(), "{part}: no files read");
        if let Some(c) = cycle(&graph) {
            panic!("{part}: import cycle between its files: {}", c.join(" -> "));
        }
    }
}

/// The items a directory's `mod.rs` defines itself (not its re-exports):
/// `struct`, `enum`, `fn`, `const`, `static`, `type`, `trait`, outside test
/// code.
fn items_defined_in(mod_rs: &str) -> BTreeSet<String> {
    Paths::of(mod_rs).defined
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
        let own = items_defined_in(&mod_rs);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            checked += 1;
            for p in Paths::of(&text).found {
                if p.len() > 1 && p[0] == "super" && own.contains(&p[1]) {
                    offenders.push(format!("{} uses super::{}", path.display(), p[1]));
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
        "pub struct RunReport {}\npub(crate) fn last_line() {}\npub use model::*;\n",
    );
    assert!(own.contains("RunReport") && own.contains("last_line"));
    assert!(!own.contains("model"));
}

/// The suite prints nothing itself: its notices and progress go to the
/// caller's `RunEvents`. Only the panic hook (`suite/panic_guard.rs`)
/// writes, and unit-test files may.
#[test]
fn the_suite_prints_nothing_itself() {
    let files = rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/suite"));
    assert!(files.len() > 20, "read too few files ({})", files.len());
    let printing =
        regex::Regex::new(r"\b(e?print(ln)?!|output::(out|err)\b|std::io::std(out|err)\(\))")
            .unwrap();
    let offenders: Vec<String> = files
        .iter()
        .filter(|p| !p.ends_with("panic_guard.rs") && !p.ends_with("tests.rs"))
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let test_part = text.find("#[cfg(test)]\nmod tests {").unwrap_or(text.len());
            printing
                .find_iter(&text[..test_part])
                .map(|m| format!("{}: {}", p.display(), m.as_str()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

/// Files of `src/` allowed past [`MAX_LINES`]: the requirements table is
/// data (docs/REQUIREMENTS.md as rows).
const OVER_MAX_LINES: [&str; 1] = ["catalog/requirements.rs"];

/// A file that does one job fits in this many lines.
const MAX_LINES: usize = 500;

#[test]
fn every_source_file_does_one_job_in_at_most_500_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for path in rust_files(&src) {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        if lines > MAX_LINES && !OVER_MAX_LINES.contains(&rel.as_str()) {
            long.push(format!("src/{rel}: {lines} lines"));
        }
    }
    long.sort();
    assert!(
        long.is_empty(),
        "split along their jobs (ARCHITECTURE.md):\n{}",
        long.join("\n")
    );
}

/// Every `.rs` file under `dir`, sub-folders included.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}
