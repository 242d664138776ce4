//! Ed25519 key files: `keygen` writes them, `run --sign-with` and `verify`
//! read them.
//!
//! The formats are the ones every crypto library reads, so that a third
//! party can verify an attestation with its own tools:
//! - the private key file is PEM PKCS#8 (`-----BEGIN PRIVATE KEY-----`,
//!   RFC 8410), mode 0600;
//! - the public key file (`KEYFILE.pub`) is PEM SubjectPublicKeyInfo
//!   (`-----BEGIN PUBLIC KEY-----`), as `openssl pkey -pubout` writes it.
//!
//! A key's fingerprint — the DSSE `keyid` of its signatures — is the
//! lowercase hex SHA-256 of the DER SubjectPublicKeyInfo, i.e.
//! `openssl pkey -pubin -in KEYFILE.pub -outform DER | sha256sum`.
//!
//! No error message here ever quotes a key file's content.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Why a key file could not be written or used. Never holds key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path} already exists: keygen never overwrites a key\n  hint: choose another --out, or remove the old pair first")]
    Exists { path: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read the key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not {expected} (PEM, as `psa-conformance keygen` writes it)")]
    Format {
        path: String,
        expected: &'static str,
    },
}

/// The private half, loaded for signing. Its `Debug` shows only the
/// fingerprint.
pub struct PrivateKey {
    key: SigningKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// The fingerprint of the public half.
    pub fn fingerprint(&self) -> String {
        self.public().fingerprint()
    }

    /// Reads a private key file written by `keygen` (PEM PKCS#8, Ed25519).
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let key = SigningKey::from_pkcs8_pem(text.trim()).map_err(|_| KeyError::Format {
            path: path.display().to_string(),
            expected: "an Ed25519 private key",
        })?;
        Ok(PrivateKey { key })
    }
}

/// The public half, for verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    pub fn fingerprint(&self) -> String {
        let der = self
            .key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            // Encoding 32 bytes cannot fail; fall back to the raw key rather than panic.
            .unwrap_or_else(|_| self.key.as_bytes().to_vec());
        hex(&Sha256::digest(der))
    }

    /// The PEM SubjectPublicKeyInfo text.
    pub fn to_pem(&self) -> String {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// Reads a public key file (PEM SubjectPublicKeyInfo, Ed25519).
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let key = VerifyingKey::from_public_key_pem(text.trim()).map_err(|_| KeyError::Format {
            path: path.display().to_string(),
            expected: "an Ed25519 public key",
        })?;
        Ok(PublicKey { key })
    }
}

/// The files `keygen --out KEYFILE` wrote.
#[derive(Debug)]
pub struct KeyFiles {
    pub private: PathBuf,
    pub public: PathBuf,
    pub fingerprint: String,
}

/// `KEYFILE.pub` beside `KEYFILE`.
pub fn public_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Generates a key pair from the operating system's random source and
/// writes `out` (private, mode 0600) and `out.pub`. Refuses to overwrite
/// either; never leaves one without the other.
pub fn generate(out: &Path) -> Result<KeyFiles, KeyError> {
    let public = public_path(out);
    for path in [out, public.as_path()] {
        if path.symlink_metadata().is_ok() {
            return Err(KeyError::Exists {
                path: path.display().to_string(),
            });
        }
    }
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, seed.as_mut()).map_err(|e| {
        KeyError::Write {
            path: out.display().to_string(),
            source: std::io::Error::other(format!("no random source: {e}")),
        }
    })?;
    let key = SigningKey::from_bytes(&seed);
    // PKCS#8 v1 (no embedded public key): the form every library reads.
    let pem = ed25519_dalek::pkcs8::KeypairBytes {
        secret_key: *seed,
        public_key: None,
    }
    .to_pkcs8_pem(LineEnding::LF)
    .map_err(|e| KeyError::Write {
        path: out.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let private = PrivateKey { key };
    write_new(out, pem.as_bytes(), 0o600)?;
    if let Err(e) = write_new(&public, private.public().to_pem().as_bytes(), 0o644) {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    Ok(KeyFiles {
        private: out.to_path_buf(),
        public,
        fingerprint: private.fingerprint(),
    })
}

/// Creates `path` (never replacing a file) with `mode`, and writes `bytes`.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    let err = |source| KeyError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.display().to_string(),
            }
        } else {
            err(source)
        }
    })?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(source) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(err(source));
    }
    Ok(())
}

/// A warning when a private key file is readable by others, or `None`.
pub fn permission_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "warning: the private key {} is readable by others (mode {mode:04o})\n  hint: chmod 600 {}",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pair_loads_back_and_shares_one_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("signing.key");
        let files = generate(&out).unwrap();
        assert_eq!(files.public, dir.path().join("signing.key.pub"));
        let private = PrivateKey::load(&out).unwrap();
        let public = PublicKey::load(&files.public).unwrap();
        assert_eq!(private.public(), public);
        assert_eq!(public.fingerprint(), files.fingerprint);
        assert_eq!(files.fingerprint.len(), 64);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{text}");
        let text = std::fs::read_to_string(&files.public).unwrap();
        assert!(text.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{text}");
        assert!(!format!("{private:?}").contains(&hex(private.signing_key().as_bytes())));
    }

    #[test]
    fn keygen_refuses_to_overwrite_either_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("k");
        std::fs::write(public_path(&out), "keep me").unwrap();
        assert!(matches!(generate(&out), Err(KeyError::Exists { .. })));
        assert!(!out.exists(), "no private key without its public half");
        assert_eq!(
            std::fs::read_to_string(public_path(&out)).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn a_public_key_is_not_a_private_key_and_vice_versa() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("k");
        let files = generate(&out).unwrap();
        assert!(matches!(
            PrivateKey::load(&files.public),
            Err(KeyError::Format { .. })
        ));
        assert!(matches!(
            PublicKey::load(&out),
            Err(KeyError::Format { .. })
        ));
    }

    /// RFC 8410 §10.3's example key: the fingerprint is the SHA-256 of its
    /// DER SubjectPublicKeyInfo. The expected value was computed once,
    /// outside this code, with OpenSSL 3.0.19:
    /// `openssl pkey -pubin -in rfc8410.pub -outform DER | sha256sum`.
    #[test]
    fn the_fingerprint_is_the_sha256_of_the_der_spki() {
        let pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
        let key = PublicKey {
            key: VerifyingKey::from_public_key_pem(pem).unwrap(),
        };
        assert_eq!(
            key.fingerprint(),
            "a1e9156054e04fac899ae9f275132cdc07a5dbc4ea2c2ad3a1ffc6e0d253681f"
        );
        assert_eq!(key.to_pem(), pem);
    }
}
