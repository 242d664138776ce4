//! The `[tls]` table both target files share. Its CA file is read and
//! parsed here, at load time: a file that is not PEM is an error before any
//! request is sent and before the harness's N-central binds its port.

use std::path::PathBuf;

use serde::Deserialize;

use crate::http::TlsSettings;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TlsTableFile {
    ca_file: Option<PathBuf>,
    #[serde(default)]
    insecure_skip_verify: bool,
}

impl TlsTableFile {
    /// The settings, once the CA file is known to hold PEM certificates.
    pub(super) fn into_settings(self) -> Result<TlsSettings, String> {
        if let Some(ca) = &self.ca_file {
            check_ca_file(ca)?;
        }
        Ok(TlsSettings {
            ca_file: self.ca_file,
            insecure_skip_verify: self.insecure_skip_verify,
        })
    }
}

/// Largest CA file read: a bundle of every public root is about 250 KiB.
const CA_FILE_CAP: u64 = 1024 * 1024;

/// `tls.ca_file` holds at least one PEM certificate, as the HTTP client
/// will read it.
fn check_ca_file(ca: &std::path::Path) -> Result<(), String> {
    use std::io::Read as _;
    let unreadable =
        |e: std::io::Error| format!("tls.ca_file {} is not readable: {e}", ca.display());
    if !ca.is_file() {
        return Err(format!(
            "tls.ca_file {} is not a readable file",
            ca.display()
        ));
    }
    let mut pem = Vec::new();
    std::fs::File::open(ca)
        .map_err(unreadable)?
        .take(CA_FILE_CAP + 1)
        .read_to_end(&mut pem)
        .map_err(unreadable)?;
    if pem.len() as u64 > CA_FILE_CAP {
        return Err(format!(
            "tls.ca_file {} is larger than {} KiB: not a CA file",
            ca.display(),
            CA_FILE_CAP / 1024
        ));
    }
    let no_pem = || {
        format!(
            "tls.ca_file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            ca.display()
        )
    };
    match reqwest::Certificate::from_pem_bundle(&pem) {
        Ok(certs) if !certs.is_empty() => Ok(()),
        Ok(_) => Err(no_pem()),
        Err(e) => Err(format!("tls.ca_file {} is not PEM: {e}", ca.display())),
    }
}
