//! The two answering styles of the reference PSA, both conformant.

/// How the reference PSA answers a `CREATE`. Both are conformant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AnswerStyle {
    /// 201 with {"externalTicketId", "ticketUrl"}; no callback.
    #[default]
    Body,
    /// An empty 202, then the link callback to N-central.
    Callback,
}

impl AnswerStyle {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AnswerStyle::Body => "body",
            AnswerStyle::Callback => "callback",
        }
    }
}
