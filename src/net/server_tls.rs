//! The certificate of an HTTPS listener: read from PEM files (`tls_cert`,
//! `tls_key`) or generated for one host (`tls = "self-signed"`: a CA made
//! for the run signs a certificate for the host; the CA's PEM is what a
//! client is given to trust). Every problem is found here, before the
//! listener binds: a file that is not PEM, a key that does not match the
//! certificate.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// The file, in the reports directory, that holds the CA a client trusts
/// to reach a listener with a generated certificate.
pub(crate) const SELF_SIGNED_CA_FILE: &str = "ncentral-ca.pem";

/// Largest certificate or key file read.
const PEM_FILE_CAP: u64 = 1024 * 1024;

/// Where the certificate came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// PEM files.
    Files { cert: PathBuf, key: PathBuf },
    /// Generated for this host, signed by a CA generated with it.
    SelfSigned { host: String },
}

/// A listener's TLS: the rustls configuration, ready to serve.
#[derive(Clone)]
pub struct ServerTls {
    config: Arc<ServerConfig>,
    source: TlsSource,
    /// With [`TlsSource::SelfSigned`]: the PEM of the CA to trust.
    ca_pem: Option<String>,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The configuration holds the private key: never printed.
        f.debug_struct("ServerTls")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// From a PEM certificate chain (leaf first) and its PEM private key.
    /// Errors name the key of the target file (`cert_key`, `key_key`).
    pub fn from_files(
        cert: &Path,
        key: &Path,
        cert_key: &str,
        key_key: &str,
    ) -> Result<Self, String> {
        let cert_pem = read_capped(cert, cert_key)?;
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{cert_key} {} is not PEM: {e}", cert.display()))?;
        if chain.is_empty() {
            return Err(format!(
                "{cert_key} {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                cert.display()
            ));
        }
        let key_pem = read_capped(key, key_key)?;
        let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
            format!(
                "{key_key} {} holds no PEM private key (-----BEGIN PRIVATE KEY-----): {e}",
                key.display()
            )
        })?;
        let config = server_config(chain, private).map_err(|e| {
            format!(
                "{key_key} {} does not go with {cert_key} {}: {e}",
                key.display(),
                cert.display()
            )
        })?;
        Ok(ServerTls {
            config,
            source: TlsSource::Files {
                cert: cert.to_path_buf(),
                key: key.to_path_buf(),
            },
            ca_pem: None,
        })
    }

    /// A certificate for `host` (a DNS name or an IP address), signed by a
    /// CA generated with it; both live only in this process.
    pub fn self_signed(host: &str) -> Result<Self, String> {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let failed = |e: rcgen::Error| format!("cannot generate a certificate for {host:?}: {e}");
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca.distinguished_name
            .push(DnType::CommonName, "psa-conformance harness N-central CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().map_err(failed)?;
        let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;
        let issuer = Issuer::new(ca, ca_key);
        let mut leaf = CertificateParams::new(vec![host.to_string()]).map_err(failed)?;
        leaf.distinguished_name.push(DnType::CommonName, host);
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.use_authority_key_identifier_extension = true;
        let leaf_key = KeyPair::generate().map_err(failed)?;
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(failed)?;
        let private = PrivateKeyDer::try_from(leaf_key.serialize_der())
            .map_err(|e| format!("cannot use the generated key: {e}"))?;
        let config = server_config(vec![leaf_cert.der().clone()], private)
            .map_err(|e| format!("cannot use the generated certificate: {e}"))?;
        Ok(ServerTls {
            config,
            source: TlsSource::SelfSigned {
                host: host.to_string(),
            },
            ca_pem: Some(ca_cert.pem()),
        })
    }

    pub fn source(&self) -> &TlsSource {
        &self.source
    }

    /// With a generated certificate: the PEM of the CA a client trusts.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    pub(crate) fn config(&self) -> Arc<ServerConfig> {
        self.config.clone()
    }
}

/// rustls with the ring provider (the one reqwest uses), HTTP/1.1 only.
fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, rustls::Error> {
    let mut config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn read_capped(path: &Path, key: &str) -> Result<Vec<u8>, String> {
    let unreadable = |e: std::io::Error| format!("{key} {} is not readable: {e}", path.display());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(PEM_FILE_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > PEM_FILE_CAP {
        return Err(format!(
            "{key} {} is larger than {} KiB: not a PEM file",
            path.display(),
            PEM_FILE_CAP / 1024
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_serves_and_gives_its_ca() {
        let tls = ServerTls::self_signed("127.0.0.1").unwrap();
        let ca = tls.ca_pem().unwrap();
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
        assert_eq!(
            tls.source(),
            &TlsSource::SelfSigned {
                host: "127.0.0.1".into()
            }
        );
        assert!(ServerTls::self_signed("psa.example.com").is_ok());
    }

    #[test]
    fn files_that_are_not_pem_or_do_not_match_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let a = rcgen::generate_simple_self_signed(vec!["a.example".to_string()]).unwrap();
        let b = rcgen::generate_simple_self_signed(vec!["b.example".to_string()]).unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let cert = write("cert.pem", &a.cert.pem());
        let key = write("key.pem", &a.signing_key.serialize_pem());
        let other_key = write("other.pem", &b.signing_key.serialize_pem());
        let junk = write("junk.pem", "not pem at all");
        let load = |c: &Path, k: &Path| {
            ServerTls::from_files(c, k, "ncentral.tls_cert", "ncentral.tls_key")
        };
        assert!(load(&cert, &key).is_ok());
        let e = load(&junk, &key).unwrap_err();
        assert!(e.starts_with("ncentral.tls_cert "), "{e}");
        let e = load(&cert, &junk).unwrap_err();
        assert!(e.starts_with("ncentral.tls_key "), "{e}");
        let e = load(&cert, &other_key).unwrap_err();
        assert!(
            e.starts_with("ncentral.tls_key ") && e.contains("does not go with"),
            "{e}"
        );
        let e = load(&dir.path().join("missing.pem"), &key).unwrap_err();
        assert!(e.starts_with("ncentral.tls_cert "), "{e}");
    }
}
