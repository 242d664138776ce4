//! Standard output and standard error for every command.
//!
//! `println!` panics ("failed printing to stdout: Broken pipe") when the
//! reader of a pipe has gone; here the first failed write marks standard
//! output as gone, later writes are dropped, and the command goes on to
//! finish (a run still writes its reports) and exit with its own status. A
//! failure other than a closed pipe (a full disk) is said once on stderr and
//! turns a success into exit 3.

use std::io::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::exit::Exit;

const OPEN: u8 = 0;
const CLOSED_BY_READER: u8 = 1;
const FAILED: u8 = 2;
static STDOUT: AtomicU8 = AtomicU8::new(OPEN);

/// Writes to standard output; see the module documentation.
pub(crate) fn out(args: std::fmt::Arguments<'_>) {
    if STDOUT.load(Ordering::SeqCst) != OPEN {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) else {
        return;
    };
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        STDOUT.store(CLOSED_BY_READER, Ordering::SeqCst);
    } else {
        STDOUT.store(FAILED, Ordering::SeqCst);
        err(format_args!(
            "error: cannot write to standard output\n  cause: {e}\n  hint: check where the output is redirected to\n"
        ));
    }
}

/// Writes to standard error, ignoring failure: there is nowhere left to
/// say anything.
pub(crate) fn err(args: std::fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| stderr.flush());
}

/// The exit status once output is done: a success whose output could not
/// be written (for a reason other than a closed pipe) becomes 3.
pub(crate) fn final_status(exit: Exit) -> Exit {
    if exit == Exit::Ok && STDOUT.load(Ordering::SeqCst) == FAILED {
        Exit::Inconclusive
    } else {
        exit
    }
}
