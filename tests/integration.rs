//! Every integration test in one crate (one link, not one per file): each
//! `tests/<name>.rs` is a module here. Two keep binaries of their own:
//! `suite_against_mock.rs` (a plain `main`, harness = false) and
//! `hostile_targets.rs`, which reads a child's peak RSS from `wait4`: Linux
//! counts into it the memory of the process that spawned the child, so the
//! spawning process must be small (this crate's binary is not). Cargo finds no test file on its
//! own (`autotests = false`), so a file left out of this list would never
//! run: the test below fails when one is.

mod common;
mod psa_support;

mod architecture;
mod attestation;
mod board;
mod cli;
mod extended_nightly;
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
mod own_features;
mod psa_listener;
mod psa_mock;
mod psa_side;
mod psa_tls;
mod reproduce;
mod steps_doc;

/// Every `tests/*.rs` is a module of this crate, or one of the two binaries
/// Cargo.toml names.
#[test]
fn every_test_file_is_a_module_of_this_crate() {
    let root = include_str!("integration.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(module) = name.strip_suffix(".rs") else {
            continue;
        };
        if ["integration", "suite_against_mock", "hostile_targets"].contains(&module) {
            continue;
        }
        assert!(
            root.lines().any(|l| l == format!("mod {module};")),
            "tests/{name} is not a module of tests/integration.rs: it would never run"
        );
    }
}
