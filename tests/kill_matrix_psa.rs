//! The kill matrix of the vendor's side: `run --side psa` against the
//! reference PSA once per fault. Every fault must end in exit 1 with its
//! own requirement `failed` (runs are strict, so SHOULD faults count), in
//! bounded time; the conformant reference PSA must pass in both answering
//! styles.
//!
//! `docs/kill-matrix-psa.md` is generated from the same runs; regenerate it
//! with `UPDATE_KILL_MATRIX=1 cargo test --test integration kill_matrix_psa::`.

use std::time::Duration;

use psa_conformance::catalog::{self, Profile};
use psa_conformance::exit::Exit;
use psa_conformance::launch;
use psa_conformance::psa_mock::{AnswerStyle, PsaFault};
use psa_conformance::report::RequirementStatus;
use psa_conformance::selftest::{kill_matrix, psa_config, render_matrix, with_status};

const MATRIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/kill-matrix-psa.md");

/// The longest a run against a broken reference PSA may take: its
/// callback timeout is 5 s and its slowest fault answers in 5.5 s.
const BOUND: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_psa_fault_is_caught_by_its_requirement_and_the_clean_psa_passes() {
    for style in [AnswerStyle::Body, AnswerStyle::Callback] {
        let clean = launch::execute(&psa_config(vec![], style, true))
            .await
            .unwrap();
        let failed = with_status(&clean, RequirementStatus::Failed);
        assert!(
            failed.is_empty(),
            "the reference PSA ({style:?}) fails {failed:?}"
        );
        assert_eq!(clean.exit_code(), Exit::Ok, "{style:?}");
        let untested = with_status(&clean, RequirementStatus::Untested);
        assert!(
            untested.is_empty(),
            "{style:?} leaves {untested:?} untested"
        );
    }
    // Every MUST of the side has a fault of its own.
    for r in catalog::in_profile(Profile::Psa) {
        assert!(
            PsaFault::all().iter().any(|f| f.requirement() == r.id),
            "no fault breaks {}",
            r.id
        );
    }

    let rows = kill_matrix(PsaFault::all(), Profile::Psa, 10)
        .await
        .unwrap();
    let missed: Vec<String> = rows
        .iter()
        .filter(|r| !r.caught() || r.elapsed > BOUND)
        .map(|r| {
            format!(
                "{} ({}, {} style): exit {}, failed {:?}, {:.1} s",
                r.fault,
                r.fault.requirement(),
                r.fault.style().name(),
                r.exit_code,
                r.failed,
                r.elapsed.as_secs_f64()
            )
        })
        .collect();
    let rendered = render_matrix(&rows);
    if std::env::var_os("UPDATE_KILL_MATRIX").is_some() {
        std::fs::write(MATRIX, &rendered).unwrap();
    } else {
        let on_disk = std::fs::read_to_string(MATRIX).unwrap_or_default();
        assert!(
            on_disk == rendered,
            "docs/kill-matrix-psa.md is stale; run UPDATE_KILL_MATRIX=1 cargo test --test integration kill_matrix_psa::"
        );
    }
    assert!(
        missed.is_empty(),
        "faults the suite does not catch (or not in bounded time):\n  {}",
        missed.join("\n  ")
    );
}
