//! Every integration test in one crate (one link, not one per file): each
//! `tests/<name>.rs` is a module here. `suite_against_mock.rs` keeps its own
//! binary (a plain `main`, harness = false). Cargo finds no test file on its
//! own (`autotests = false`), so a file left out of this list would never
//! run: the test below fails when one is.

mod common;
mod psa_support;

mod architecture;
mod attestation;
mod board;
mod cli;
mod extended_nightly;
mod hostile_targets;
mod html_report;
mod interop;
mod kill_matrix;
mod kill_matrix_psa;
mod mock_lifecycle;
mod mock_ncentral;
mod mock_robustness;
mod ncentral_examples;
mod ncentral_nulls;
mod never_recovering_limiter;
mod nightly;
mod nightly_docs;
mod psa_listener;
mod psa_mock;
mod psa_side;
mod psa_tls;
mod reproduce;
mod steps_doc;

/// Every `tests/*.rs` is a module of this crate, or the one harness-less
/// binary Cargo.toml names.
#[test]
fn every_test_file_is_a_module_of_this_crate() {
    let root = include_str!("integration.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(module) = name.strip_suffix(".rs") else {
            continue;
        };
        if module == "integration" || module == "suite_against_mock" {
            continue;
        }
        assert!(
            root.lines().any(|l| l == format!("mod {module};")),
            "tests/{name} is not a module of tests/integration.rs: it would never run"
        );
    }
}
