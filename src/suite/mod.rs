//! The suite: it runs the Gherkin scenarios of [`crate::features`] with the
//! steps of [`steps`] against one resolved target and produces the run
//! model ([`crate::report::RunReport`]). It never imports the mock: the
//! built-in mock is started by [`crate::launch`], which hands the suite a
//! target like any other.
//!
//! - [`runner`]: N-central's side: two phases (bursts last), the run-wide
//!   checks, and the model;
//! - [`driver`]: the one scenario driver both sides use, over a side's World;
//! - [`context`]: what every scenario of a run shares, and the monitor that
//!   sees every exchange;
//! - [`collect`]: turns cucumber's events and each scenario's World into
//!   the model's scenario results, with a typed outcome;
//! - [`world`], [`steps`]: one scenario's state and the step definitions;
//! - [`events`]: what a run tells its caller (notices, progress): the suite
//!   prints nothing itself;
//! - [`finding`]: what a failed check says;
//! - [`shared_sends`]: requests two scenarios of one requirement judge, sent once;
//! - [`echo`]: the ERR-03 rule;
//! - [`error_body`]: the one check that an answer is an ErrorResponse;
//! - [`psa_side`]: the vendor's side (`run --side psa`): the harness's own
//!   N-central, the PSA-side World and runner, its run-wide checks.

pub(crate) mod collect;
pub(crate) mod context;
pub(crate) mod driver;
pub(crate) mod echo;
pub(crate) mod error_body;
pub(crate) mod events;
pub(crate) mod finding;
pub(crate) mod own_steps;
pub(crate) mod panic_guard;
pub(crate) mod psa_side;
pub(crate) mod runner;
pub(crate) mod shared_sends;
pub(crate) mod steps;
pub(crate) mod world;

pub(crate) use runner::{execute_until, RunError};
