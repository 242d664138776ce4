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
use psa_conformance::selftest::{psa_config, with_status};

use crate::common::check_kill_matrix;

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

    check_kill_matrix(
        PsaFault::all(),
        Profile::Psa,
        10,
        Some(BOUND),
        "kill-matrix-psa.md",
        "kill_matrix_psa",
    )
    .await;
}
