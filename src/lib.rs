//! psa-conformance: a conformance test suite for the N-central PSA
//! integration API.
//!
//! Data flows one way (docs/ARCHITECTURE.md): [`cli`] parses flags,
//! [`config`] validates them, [`launch`] resolves the target — starting the
//! built-in [`mock`] when none is given — and runs the [`suite`] (the
//! Gherkin scenarios of [`features`] against the endpoints of [`api`]),
//! which builds one run model in [`report`]; the writers there only format
//! it, every text having passed through [`redact`] first; [`attest`] signs a
//! run's reports and verifies them; [`board`] turns many signed runs into
//! the certification board. [`app`] is the commands; [`exit`] their one exit
//! status and error.

#![warn(unreachable_pub)]

pub(crate) mod api;
pub mod app;
pub mod attest;
pub(crate) mod board;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod exit;
pub(crate) mod features;
pub mod http;
pub(crate) mod interrupt;
pub(crate) mod jackson;
pub mod launch;
pub mod mock;
pub(crate) mod net;
pub(crate) mod nulls;
pub(crate) mod openapi;
pub(crate) mod output;
pub mod psa_mock;
pub(crate) mod redact;
pub mod report;
pub mod schema;
pub mod selftest;
pub(crate) mod serve;
pub(crate) mod suite;
mod target_file;
pub(crate) mod value_names;
