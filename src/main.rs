//! The `psa-conformance` binary: parse, run, exit. Everything else lives in
//! the library.

use std::process::ExitCode;

use clap::Parser as _;
use psa_conformance::exit::Exit;

fn main() -> ExitCode {
    let cli = match psa_conformance::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; bad usage is 2.
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            }
            .into();
        }
    };
    psa_conformance::app::main(cli)
}
