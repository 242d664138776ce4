//! What a failed check says: a one-line title, then actual vs expected, then
//! where (JSON pointer, the exchange), then a hint when one helps.
//!
//! A [`Finding`] of kind [`FindingKind::Failure`] is a fact about the target;
//! one of kind [`FindingKind::Harness`] says the suite could not check
//! (no response, a bad step) and makes the run inconclusive instead.
//!
//! A step returns a [`StepOutcome`]: its check's `Result`, handed to
//! cucumber so that a failed check travels as the [`Finding`] itself (the
//! panic payload cucumber catches), and the run reads its kind from the
//! type, never from its text.

use std::fmt;

/// Whose problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FindingKind {
    /// The target broke a requirement.
    Failure,
    /// The harness could not check (network, configuration, a suite bug).
    Harness,
    /// A precondition of the check did not hold on this target (RATE-03
    /// after a burst that got no 429): the requirement stays untested.
    NotTested,
}

/// How a harness finding's text begins, for its reader (the run tells the
/// kinds apart by [`FindingKind`], not by this text).
pub(crate) const HARNESS_PREFIX: &str = "harness error: ";

/// How a not-tested finding's text begins, likewise.
pub(crate) const NOT_TESTED_PREFIX: &str = "not tested: ";

/// What a step returns: the `Result` of its check. Cucumber's generated
/// step code calls [`StepOutcome::unwrap_or_else`] on it; a failed check
/// then unwinds with the [`Finding`] itself as the payload, which
/// [`crate::suite::collect`] reads back typed.
#[must_use]
pub(crate) struct StepOutcome(pub Result<(), Finding>);

impl StepOutcome {
    /// Runs a step's check (an `async` block using `?`) to its outcome.
    pub(crate) async fn of(check: impl std::future::Future<Output = Result<(), Finding>>) -> Self {
        StepOutcome(check.await)
    }

    /// The one method cucumber's generated code calls on a step's return
    /// value (`.unwrap_or_else(|e| panic!("{}", e))`). Instead of panicking
    /// with the text, a failed check unwinds with the typed [`Finding`].
    #[track_caller]
    pub(crate) fn unwrap_or_else<F: FnOnce(Finding)>(self, _as_text: F) {
        if let Err(finding) = self.0 {
            std::panic::panic_any(finding);
        }
    }
}

impl From<Result<(), Finding>> for StepOutcome {
    fn from(result: Result<(), Finding>) -> Self {
        StepOutcome(result)
    }
}

/// A failed check. Its fields live behind one box, so a step's
/// `Result<(), Finding>` stays a pointer wide.
#[derive(Debug, Clone)]
pub(crate) struct Finding(Box<FindingData>);

/// What a [`Finding`] says.
#[derive(Debug, Clone)]
pub(crate) struct FindingData {
    pub kind: FindingKind,
    pub title: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// A JSON pointer or header name the finding is about.
    pub at: Option<String>,
    /// The exchange it concerns (`POST /api/… → 200`).
    pub exchange: Option<String>,
    pub hint: Option<String>,
}

impl Finding {
    /// A finding about the target.
    pub(crate) fn failure(title: impl Into<String>) -> Self {
        Finding(Box::new(FindingData {
            kind: FindingKind::Failure,
            title: title.into(),
            expected: None,
            actual: None,
            at: None,
            exchange: None,
            hint: None,
        }))
    }

    /// A problem of the harness, not of the target.
    pub(crate) fn harness(title: impl Into<String>) -> Self {
        let mut f = Finding::failure(title);
        f.0.kind = FindingKind::Harness;
        f
    }

    /// The check could not be made on this target; nothing is wrong with it.
    pub(crate) fn not_tested(title: impl Into<String>) -> Self {
        let mut f = Finding::failure(title);
        f.0.kind = FindingKind::NotTested;
        f
    }

    pub(crate) fn expected(mut self, v: impl Into<String>) -> Self {
        self.0.expected = Some(v.into());
        self
    }

    pub(crate) fn actual(mut self, v: impl Into<String>) -> Self {
        self.0.actual = Some(v.into());
        self
    }

    pub(crate) fn at(mut self, v: impl Into<String>) -> Self {
        self.0.at = Some(v.into());
        self
    }

    pub(crate) fn exchange(mut self, v: impl Into<String>) -> Self {
        self.0.exchange = Some(v.into());
        self
    }

    pub(crate) fn hint(mut self, v: impl Into<String>) -> Self {
        self.0.hint = Some(v.into());
        self
    }
}

impl std::ops::Deref for Finding {
    type Target = FindingData;
    fn deref(&self) -> &FindingData {
        &self.0
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FindingKind::Harness => f.write_str(HARNESS_PREFIX)?,
            FindingKind::NotTested => f.write_str(NOT_TESTED_PREFIX)?,
            FindingKind::Failure => {}
        }
        f.write_str(&self.title)?;
        let rows = [
            ("expected", &self.expected),
            ("actual", &self.actual),
            ("at", &self.at),
            ("exchange", &self.exchange),
            ("hint", &self.hint),
        ];
        for (label, value) in rows {
            if let Some(v) = value {
                let v = v.replace('\n', "\n            ");
                write!(f, "\n  {label:<9} {v}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Finding {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_title_then_actual_vs_expected_then_where() {
        let f = Finding::failure("status mismatch")
            .expected("401")
            .actual("200")
            .exchange("GET /api/standard-psa → 200");
        assert_eq!(
            f.to_string(),
            "status mismatch\n  expected  401\n  actual    200\n  exchange  GET /api/standard-psa → 200"
        );
        assert!(Finding::harness("x")
            .to_string()
            .starts_with(HARNESS_PREFIX));
    }
}
