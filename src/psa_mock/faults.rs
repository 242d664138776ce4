//! Named faults of the reference PSA: each makes it break one requirement of
//! PSA-SIDE.md the way a vendor's implementation would get it wrong.
//!
//! The enum is the name table, as for the N-central mock's faults: clap's
//! [`ValueEnum`] derive gives each fault its command-line name (the variant
//! in kebab case) and its description (the variant's doc line);
//! [`PsaFault::requirement`] says which requirement it breaks and
//! [`PsaFault::style`] in which answering style it shows, the style the kill
//! matrix runs it in.

use std::fmt;
use std::str::FromStr;

use clap::ValueEnum;

use crate::value_names;

use super::style::AnswerStyle;

/// A deliberate defect of the reference PSA. Its doc line is its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum)]
pub enum PsaFault {
    /// a CREATE is answered 500 and nothing is created
    #[value(name = "create-500")]
    Create500,
    /// a CREATE is answered with externalTicketId but no ticketUrl
    CreateWithoutTicketUrl,
    /// a CREATE is answered with a relative ticketUrl (/tickets/PSA-1001)
    RelativeTicketUrl,
    /// an UPDATE for a ticket the PSA created is answered 404
    #[value(name = "update-known-404")]
    UpdateKnown404,
    /// a push whose body is not JSON is answered 200
    NonJsonAccepted,
    /// a push naming an unknown action is answered 500
    #[value(name = "unknown-action-500")]
    UnknownAction500,
    /// a push with a key the PSA does not know is refused (400)
    ExtraKeysRefused,
    /// a push carrying customTag (singular) is refused (400)
    CustomTagRefused,
    /// a repeated CREATE creates a second PSA ticket
    DuplicateCreateNewTicket,
    /// an UPDATE, RESOLVE or REOPEN for an unknown psaTicketNumber is answered 500
    #[value(name = "unknown-ticket-500")]
    UnknownTicket500,
    /// pushes are served without the configured push auth header, or with a wrong value
    PushAuthIgnored,
    /// every UPDATE is answered after 5.5 s
    SlowAnswers,
    /// a CREATE answered empty is never called back
    CallbackNeverSent,
    /// the callback's psaCustomTicketId is the pushed ncentralTicketId + 1
    CallbackWrongId,
    /// the callback's ticketUrl is relative (/tickets/PSA-1001)
    CallbackRelativeUrl,
    /// the callback carries the User-API JWT itself as its bearer token
    CallbackWithUserApiJwt,
    /// the callback for a CREATE is sent twice, 200 ms apart
    CallbackTwice,
    /// after the first callback, another one for a ticket id never pushed
    CallbackUnasked,
    /// a callback answered 429 is given up, not retried
    #[value(name = "no-retry-on-429")]
    NoRetryOn429,
    /// a callback answered 401 is given up: no refresh, no new token, no retry
    #[value(name = "no-refresh-on-401")]
    NoRefreshOn401,
}

impl PsaFault {
    /// Every fault, in catalog order.
    pub fn all() -> &'static [PsaFault] {
        PsaFault::value_variants()
    }

    /// The name used on the command line.
    pub fn name(self) -> String {
        value_names::name(&self)
    }

    /// One line on what goes wrong (the variant's doc line).
    pub fn description(self) -> String {
        value_names::description(&self)
    }

    /// The requirement of PSA-SIDE.md this fault breaks.
    pub fn requirement(self) -> &'static str {
        match self {
            PsaFault::Create500 => "PUSH-01",
            PsaFault::CreateWithoutTicketUrl | PsaFault::RelativeTicketUrl => "PUSH-02",
            PsaFault::UpdateKnown404 => "PUSH-03",
            PsaFault::NonJsonAccepted | PsaFault::UnknownAction500 => "PUSH-04",
            PsaFault::ExtraKeysRefused => "PUSH-05",
            PsaFault::CustomTagRefused => "PUSH-06",
            PsaFault::DuplicateCreateNewTicket => "PUSH-07",
            PsaFault::UnknownTicket500 => "PUSH-08",
            PsaFault::PushAuthIgnored => "PUSH-09",
            PsaFault::SlowAnswers => "PUSH-10",
            PsaFault::CallbackNeverSent => "CB-01",
            PsaFault::CallbackWrongId | PsaFault::CallbackRelativeUrl => "CB-02",
            PsaFault::CallbackWithUserApiJwt => "CB-03",
            PsaFault::CallbackTwice | PsaFault::CallbackUnasked => "CB-04",
            PsaFault::NoRetryOn429 => "CB-05",
            PsaFault::NoRefreshOn401 => "CB-06",
        }
    }

    /// The answering style in which the fault shows: the kill matrix runs
    /// the reference PSA in this style with the fault switched on.
    pub fn style(self) -> AnswerStyle {
        if self.requirement().starts_with("CB-") {
            AnswerStyle::Callback
        } else {
            AnswerStyle::Body
        }
    }
}

impl fmt::Display for PsaFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// An unknown PSA fault name.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown PSA fault {0:?}\n  hint: `psa-conformance mock --side psa --list-faults` lists them"
)]
pub struct UnknownPsaFault(pub String);

/// The one parser of PSA fault names: clap's, over the enum's own table.
impl FromStr for PsaFault {
    type Err = UnknownPsaFault;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <PsaFault as ValueEnum>::from_str(s, false).map_err(|_| UnknownPsaFault(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The requirements of PSA-SIDE.md.
    fn requirements() -> Vec<String> {
        let push = (1..=10).map(|n| format!("PUSH-{n:02}"));
        let cb = (1..=6).map(|n| format!("CB-{n:02}"));
        push.chain(cb).collect()
    }

    #[test]
    fn names_are_unique_and_requirements_exist() {
        let known = requirements();
        let mut seen = std::collections::HashSet::new();
        for f in PsaFault::all() {
            assert!(seen.insert(f.name()), "{} twice", f.name());
            assert!(
                known.iter().any(|r| r == f.requirement()),
                "{f}: {}",
                f.requirement()
            );
            assert!(!f.description().is_empty(), "{f} has no description");
            assert_eq!(f.name().parse::<PsaFault>().unwrap(), *f);
            assert_eq!(f.to_string(), f.name());
        }
        assert!(PsaFault::all().len() >= 16);
    }

    #[test]
    fn names_are_kebab_case_with_numbers_as_their_own_word() {
        value_names::assert_kebab_case::<PsaFault>();
        assert_eq!(PsaFault::Create500.name(), "create-500");
        assert_eq!(PsaFault::NoRetryOn429.name(), "no-retry-on-429");
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_hint() {
        let err = "no-such-fault".parse::<PsaFault>().unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("unknown PSA fault \"no-such-fault\""),
            "{text}"
        );
        assert!(text.contains("mock --side psa --list-faults"), "{text}");
    }

    #[test]
    fn callback_faults_show_in_the_callback_style_and_push_faults_in_the_body_style() {
        assert_eq!(PsaFault::CallbackTwice.style(), AnswerStyle::Callback);
        assert_eq!(PsaFault::NoRefreshOn401.style(), AnswerStyle::Callback);
        assert_eq!(PsaFault::CreateWithoutTicketUrl.style(), AnswerStyle::Body);
        assert_eq!(PsaFault::SlowAnswers.style(), AnswerStyle::Body);
    }
}
