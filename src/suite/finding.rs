//! What a failed check says: a one-line title, then actual vs expected, then
//! where (JSON pointer, the exchange), then a hint when one helps.
//!
//! A [`Finding`] of kind [`FindingKind::Failure`] is a fact about the target;
//! one of kind [`FindingKind::Harness`] says the suite could not check
//! (no response, a bad step) and makes the run inconclusive instead.

use std::fmt;

/// Whose problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The target broke a requirement.
    Failure,
    /// The harness could not check (network, configuration, a suite bug).
    Harness,
    /// A precondition of the check did not hold on this target (RATE-03
    /// after a burst that got no 429): the requirement stays untested.
    NotTested,
}

/// Marks a harness finding's text so the report can tell it from a failure.
pub const HARNESS_PREFIX: &str = "harness error: ";

/// Marks a not-tested finding's text likewise.
pub const NOT_TESTED_PREFIX: &str = "not tested: ";

/// A failed check. Its fields live behind one box, so a step's
/// `Result<(), Finding>` stays a pointer wide.
#[derive(Debug, Clone)]
pub struct Finding(Box<FindingData>);

/// What a [`Finding`] says.
#[derive(Debug, Clone)]
pub struct FindingData {
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
    pub fn failure(title: impl Into<String>) -> Self {
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
    pub fn harness(title: impl Into<String>) -> Self {
        let mut f = Finding::failure(title);
        f.0.kind = FindingKind::Harness;
        f
    }

    /// The check could not be made on this target; nothing is wrong with it.
    pub fn not_tested(title: impl Into<String>) -> Self {
        let mut f = Finding::failure(title);
        f.0.kind = FindingKind::NotTested;
        f
    }

    pub fn expected(mut self, v: impl Into<String>) -> Self {
        self.0.expected = Some(v.into());
        self
    }

    pub fn actual(mut self, v: impl Into<String>) -> Self {
        self.0.actual = Some(v.into());
        self
    }

    pub fn at(mut self, v: impl Into<String>) -> Self {
        self.0.at = Some(v.into());
        self
    }

    pub fn exchange(mut self, v: impl Into<String>) -> Self {
        self.0.exchange = Some(v.into());
        self
    }

    pub fn hint(mut self, v: impl Into<String>) -> Self {
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
