//! The `[tls]` table both target files share.

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
    /// The settings, once the CA file is known to be readable.
    pub(super) fn into_settings(self) -> Result<TlsSettings, String> {
        if let Some(ca) = &self.ca_file {
            if !ca.is_file() {
                return Err(format!(
                    "tls.ca_file {} is not a readable file",
                    ca.display()
                ));
            }
        }
        Ok(TlsSettings {
            ca_file: self.ca_file,
            insecure_skip_verify: self.insecure_skip_verify,
        })
    }
}
