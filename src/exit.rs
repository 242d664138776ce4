//! The one exit status of every command, and the one error a command
//! returns: docs/CLI.md's exit table as a type.
//!
//! [`Exit`] names each row of the table and [`Exit::code`] is the only
//! place that turns one into the process's number. A command returns
//! `Result<Exit, Failure>`; the binary's one printer (`app::main`) writes a
//! `Failure` to standard error in the format users see — `error: ` and a
//! title, then its details (actual vs expected, the cause, where, a hint),
//! each on an indented line — and exits with its [`Exit`].

use std::fmt;

/// How a command ended; one row of CLI.md's exit table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: conformant (or partial with nothing failed); a command that did
    /// its job.
    Ok,
    /// 1: not conformant, a regression against the baseline, an invalid
    /// attestation, a document that fails its schema.
    Failed,
    /// 2: a usage or configuration error — nothing was sent; or a run that
    /// could not be signed.
    Usage,
    /// 3: inconclusive — the target could not be reached, or the harness
    /// itself failed.
    Inconclusive,
    /// 128 + the signal's number (130 for SIGINT, 143 for SIGTERM): a run
    /// stopped by a signal, as shells report a process the signal ended.
    Signal(u8),
}

impl Exit {
    /// The process exit status: the one mapping of CLI.md's table.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Inconclusive => 3,
            Exit::Signal(number) => 128u8.saturating_add(number),
        }
    }
}

/// The number, as the exit table and a shell's `$?` show it.
impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// Why a command stopped: the exit status and what to tell the user.
///
/// Displayed as `error: <title>`, then one indented `<label>: <text>` line
/// per detail in the order added, then any further errors said after it
/// (a report that could not be written either), each in the same format.
#[derive(Debug)]
pub(crate) struct Failure {
    exit: Exit,
    title: String,
    details: Vec<(&'static str, String)>,
    then: Vec<Failure>,
}

impl Failure {
    /// A failure with this status; `title` may already carry its own
    /// indented lines (an error type's whole message).
    pub(crate) fn new(exit: Exit, title: impl fmt::Display) -> Self {
        Failure {
            exit,
            title: title.to_string(),
            details: Vec::new(),
            then: Vec::new(),
        }
    }

    /// Exit 2: bad input; nothing was sent.
    pub(crate) fn usage(title: impl fmt::Display) -> Self {
        Failure::new(Exit::Usage, title)
    }

    /// Exit 3: the command could not do its job (the target, the harness,
    /// the machine).
    pub(crate) fn inconclusive(title: impl fmt::Display) -> Self {
        Failure::new(Exit::Inconclusive, title)
    }

    /// The underlying error.
    pub(crate) fn cause(self, cause: impl fmt::Display) -> Self {
        self.detail("cause", cause)
    }

    /// Where the problem is.
    pub(crate) fn at(self, place: impl fmt::Display) -> Self {
        self.detail("where", place)
    }

    /// What to do about it.
    pub(crate) fn hint(self, hint: impl fmt::Display) -> Self {
        self.detail("hint", hint)
    }

    fn detail(mut self, label: &'static str, text: impl fmt::Display) -> Self {
        self.details.push((label, text.to_string()));
        self
    }

    /// Another error said after this one; the status stays this one's.
    pub(crate) fn then(mut self, next: Failure) -> Self {
        self.then.push(next);
        self
    }

    /// The same message with another status.
    pub(crate) fn with_exit(mut self, exit: Exit) -> Self {
        self.exit = exit;
        self
    }

    /// The status the process exits with.
    pub(crate) fn exit(&self) -> Exit {
        self.exit
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.title)?;
        for (label, text) in &self.details {
            write!(f, "\n  {label}: {text}")?;
        }
        for next in &self.then {
            write!(f, "\n{next}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_exit_table() {
        let table = [
            (Exit::Ok, 0),
            (Exit::Failed, 1),
            (Exit::Usage, 2),
            (Exit::Inconclusive, 3),
            (Exit::Signal(2), 130),
            (Exit::Signal(15), 143),
        ];
        for (exit, code) in table {
            assert_eq!(exit.code(), code, "{exit:?}");
            assert_eq!(exit.to_string(), code.to_string());
        }
    }

    #[test]
    fn a_failure_reads_title_details_then_further_errors() {
        let f = Failure::usage("cannot create --out x")
            .cause("denied")
            .hint("choose another directory with --out")
            .then(Failure::inconclusive("second"));
        assert_eq!(
            f.to_string(),
            "error: cannot create --out x\n  cause: denied\n  hint: choose another directory with --out\nerror: second"
        );
        assert_eq!(f.exit(), Exit::Usage);
        assert_eq!(f.with_exit(Exit::Failed).exit(), Exit::Failed);
    }
}
