//! Signed attestations of a run (`run --sign-with`, `verify`).
//!
//! `attestation.json` is a DSSE envelope ([`dsse`]) signed with an Ed25519
//! key ([`keys`]) around an in-toto Statement v1 whose predicate is the
//! test-result predicate v0.1:
//! - `subject`: every report file of the run, by file name and SHA-256;
//! - `predicate.result`: `PASSED` (conformant), `WARNED` (conformant with
//!   SHOULD warnings) or `FAILED` (not conformant);
//! - `predicate.configuration`: ResourceDescriptors naming the suite and its
//!   version, the SHA-256 of the embedded features and of the schemas, the
//!   side, profile, strictness and target, and the run itself (verdict,
//!   start time) by the digest of its `summary.json`;
//! - `predicate.passedTests` / `warnedTests` / `failedTests`: scenario ids.
//!
//! Only a complete run is signed: a partial or inconclusive verdict is
//! refused ([`signable_result`]).
//!
//! A facade: the Statement is `statement.rs`, signing a run `sign.rs`,
//! checking an attestation `verify.rs`, reading a report set `bundle.rs`.

mod bundle;
pub mod dsse;
pub mod keys;
mod sign;
mod statement;
mod verify;

pub use bundle::read_bundle;
pub(crate) use sign::{foreign_files, prepare_report, unchecked_requirements, write_attestation};
pub(crate) use statement::RunFacts;
#[cfg(test)]
use statement::{
    feature_files, files_digest, signable_result, statement, PREDICATE_TYPE, STATEMENT_TYPE,
};
pub use statement::{sha256_hex, Statement, ATTESTATION_FILE};
pub use verify::verify;
pub(crate) use verify::{signer, Invalid};

#[cfg(test)]
use {
    crate::report::{RunReport, Verdict},
    bundle::read_bundle_capped,
    keys::PrivateKey,
};

#[cfg(test)]
mod tests;
