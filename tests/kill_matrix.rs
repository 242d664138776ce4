//! The kill matrix: the suite against the reference mock once per fault.
//! Every fault must end in exit 1 with its own requirement `failed` (runs
//! are strict, so SHOULD faults count); every requirement of profile
//! extended has a fault of its own; the conformant mock is exactly
//! `conformant` (not `partial`: nothing left untested) in profiles full and
//! extended.
//!
//! `docs/kill-matrix.md` is generated from the same runs; regenerate it with
//! `UPDATE_KILL_MATRIX=1 cargo test --test integration kill_matrix::`.

use psa_conformance::catalog::{self, Profile};
use psa_conformance::exit::Exit;
use psa_conformance::launch;
use psa_conformance::mock::Fault;
use psa_conformance::report::{RequirementStatus, RunReport, Verdict};
use psa_conformance::selftest::{mock_config, with_status};

use crate::common::check_kill_matrix;

/// A clean run must be CONFORMANT: nothing failed and nothing untested.
fn assert_exactly_conformant(clean: &RunReport, profile: Profile) {
    let failed = with_status(clean, RequirementStatus::Failed);
    assert!(
        failed.is_empty(),
        "the conformant mock fails {failed:?} in profile {profile}"
    );
    let untested = with_status(clean, RequirementStatus::Untested);
    assert!(
        untested.is_empty(),
        "the conformant mock leaves {untested:?} untested in profile {profile}"
    );
    assert_eq!(
        clean.verdict,
        Verdict::Conformant,
        "the conformant mock in profile {profile}"
    );
    assert_eq!(clean.exit_code(), Exit::Ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_by_its_requirement_and_the_clean_mock_passes() {
    // The faults of sections 9–10 are run in profile extended: the
    // conformant mock passes it too, @slow included.
    for profile in [Profile::Full, Profile::Extended] {
        let clean = launch::execute(&mock_config(vec![], profile, true))
            .await
            .unwrap();
        assert_exactly_conformant(&clean, profile);
    }
    // Every requirement of the profile (MUST and SHOULD) has a fault of its own.
    for r in catalog::in_profile(Profile::Extended) {
        assert!(
            Fault::all().iter().any(|f| f.requirement() == r.id),
            "no fault breaks {}",
            r.id
        );
    }
    for f in Fault::all() {
        assert!(
            catalog::find(f.requirement()).is_some_and(|r| r.in_profile(Profile::Extended)),
            "{f} names {}, not a requirement of profile extended",
            f.requirement()
        );
    }

    check_kill_matrix(
        Fault::all(),
        Profile::Full,
        12,
        None,
        "kill-matrix.md",
        "kill_matrix",
    )
    .await;
}
