//! The commands: each takes its parsed flags and returns how it ended —
//! `Ok(Exit)`, or a `Failure` — and this module is the one place that
//! prints a failure, in the one format users see (a title, then actual vs
//! expected or the cause, then a hint; see [`crate::exit`]), and turns the
//! outcome into the process's exit status.
//!
//! Every line a command prints goes through [`output`]: a reader that goes
//! away early (`psa-conformance list | head -1`) ends the output quietly
//! instead of panicking, and the command still finishes with its own status.
//!
//! One file per job: `run.rs` (a run, its signing and its baseline),
//! `mock.rs` (serving either reference), `list.rs`, `signed.rs` (`keygen`,
//! `verify`, `board`) and `files.rs` (`compare`, `schemas`, `validate`).
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::exit::{Exit, Failure};
use crate::output;

// Defined before the command files so that each of them can use them.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::out(format_args!($($arg)*)) };
}
macro_rules! outln {
    () => { $crate::output::out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::out(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::err(format_args!("{}\n", format_args!($($arg)*))) };
}

mod files;
mod list;
mod mock;
mod run;
mod signed;

/// Runs one parsed command line: the one place that prints a command's
/// failure and maps how it ended to the process's exit status.
pub fn main(cli: Cli) -> ExitCode {
    let exit = match dispatch(cli.command) {
        Ok(exit) => exit,
        Err(failure) => {
            errln!("{failure}");
            failure.exit()
        }
    };
    output::final_status(exit).into()
}

/// Runs the command on a fresh async runtime.
fn dispatch(command: Command) -> Result<Exit, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::inconclusive("cannot start the async runtime").cause(e))?;
    match command {
        Command::Run(args) => runtime.block_on(run::run(&args)),
        Command::Mock(args) => runtime.block_on(mock::mock(&args)),
        Command::List(args) => list::list(&args),
        Command::Compare(args) => files::compare(&args),
        Command::Schemas(args) => files::schemas(&args),
        Command::Validate(args) => files::validate(&args),
        Command::Keygen(args) => signed::keygen(&args),
        Command::Verify(args) => signed::verify(&args),
        Command::Board(args) => signed::board(&args),
    }
}
