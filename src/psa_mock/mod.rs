//! STUB (replaced by the psa-mock branch): the reference PSA's API only.
#![allow(dead_code, unused_variables)]
use std::net::SocketAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AnswerStyle {
    #[default]
    Body,
    Callback,
}
impl AnswerStyle {
    pub fn name(self) -> &'static str {
        match self {
            AnswerStyle::Body => "body",
            AnswerStyle::Callback => "callback",
        }
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum PsaFault {
    /// stub
    CallbackTwice,
}
impl PsaFault {
    pub fn all() -> &'static [PsaFault] {
        &[PsaFault::CallbackTwice]
    }
    pub fn name(self) -> String {
        "callback-twice".into()
    }
    pub fn description(self) -> String {
        String::new()
    }
    pub fn requirement(self) -> &'static str {
        "CB-04"
    }
    pub fn style(self) -> AnswerStyle {
        AnswerStyle::Callback
    }
}
impl std::fmt::Display for PsaFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}
#[derive(Debug, thiserror::Error)]
#[error("unknown PSA fault {0:?}")]
pub struct UnknownPsaFault(pub String);
impl std::str::FromStr for PsaFault {
    type Err = UnknownPsaFault;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Err(UnknownPsaFault(s.into()))
    }
}
pub struct NcentralLink {
    pub base_url: String,
    pub user_api_jwt: String,
    pub integration_key: Option<String>,
}
#[derive(Default)]
pub struct PsaMockBuilder;
impl PsaMockBuilder {
    pub fn style(self, s: AnswerStyle) -> Self {
        self
    }
    pub fn fault(self, f: PsaFault) -> Self {
        self
    }
    pub fn faults(self, f: impl IntoIterator<Item = PsaFault>) -> Self {
        self
    }
    pub fn ncentral(self, link: NcentralLink) -> Self {
        self
    }
    pub fn push_auth(self, header: &str, value: &str) -> Self {
        self
    }
    pub fn listen(self, addr: SocketAddr) -> Self {
        self
    }
    pub async fn start(self) -> std::io::Result<PsaMockServer> {
        Err(std::io::Error::other("stub"))
    }
}
pub struct PsaMockServer;
impl PsaMockServer {
    pub fn builder() -> PsaMockBuilder {
        PsaMockBuilder
    }
    pub fn push_url(&self) -> String {
        String::new()
    }
    pub fn address(&self) -> SocketAddr {
        ([127, 0, 0, 1], 0).into()
    }
    pub async fn stop(self) {}
}
