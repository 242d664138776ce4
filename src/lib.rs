//! psa-conformance: a conformance test suite for the N-central PSA
//! integration API.
//!
//! The binary is a thin shell over this library: [`cli`] parses flags,
//! [`config`] validates them, [`runner`] runs the Gherkin scenarios of
//! [`features`] with the steps of [`steps`] against a target (or the
//! built-in [`mock`]) and [`report`] writes what happened, every text passing
//! through [`redact`] first; [`attest`] signs a run's reports and verifies them.

pub mod api;
pub mod app;
pub mod attest;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod features;
pub mod http;
pub mod interrupt;
pub mod launch;
pub mod mock;
pub mod openapi;
pub mod output;
pub mod redact;
pub mod report;
pub mod schema;
pub mod selftest;
pub mod suite;
