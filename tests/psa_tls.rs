//! The harness's N-central over HTTPS (docs/PSA-SIDE.md, "HTTPS for the
//! harness's N-central"): `run --side psa` with `[ncentral] tls =
//! "self-signed"` writes its CA to `--out/ncentral-ca.pem`, and the
//! reference PSA as a process of its own, trusting only that file, calls
//! back over TLS in the callback style — conformant; one trusting another
//! CA cannot call back; `tls_cert`/`tls_key` given as files serve the same;
//! and every bad TLS input is exit 2 before the port is bound.

use crate::common;
use crate::psa_support;

use std::path::Path;

use common::*;
use psa_support::*;

/// The reference PSA calling `https://127.0.0.1:{listen}` and trusting
/// only `ca`.
fn start_https_reference_psa(listen: u16, ca: &Path) -> ReferencePsa {
    start_reference_psa(
        &format!("https://127.0.0.1:{listen}"),
        &["--ncentral-ca".as_ref(), ca.as_os_str()],
    )
}

/// A target file whose `[ncentral]` table ends with `tls_lines`.
fn write_target(dir: &Path, push_port: u16, listen: u16, tls_lines: &str) -> std::path::PathBuf {
    write_psa_target_with(dir, push_port, listen, true, tls_lines)
}

/// A CA made here (not by the harness) and a certificate it signs for
/// 127.0.0.1: (CA PEM, certificate PEM, key PEM).
fn independent_ca_and_certificate() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    (ca_pem, leaf.pem(), leaf_key.serialize_pem())
}

#[test]
fn a_self_signed_run_is_conformant_with_a_psa_trusting_only_the_written_ca() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let ca = out.join("ncentral-ca.pem");
    let listen = free_port();
    // Started before the run: it reads the CA file when it first calls back.
    let psa = start_https_reference_psa(listen, &ca);
    let target = write_target(dir.path(), psa.push_port, listen, "tls = \"self-signed\"");
    let key = dir.path().join("signing.key");
    assert_eq!(
        run(&["keygen", "--out", key.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let o = run_psa(
        &target,
        &out,
        &["--strict", "--sign-with", key.to_str().unwrap()],
    );
    drop(psa);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The CA the vendor was told to trust is attested with the reports.
    let pubkey = format!("{}.pub", key.display());
    let verified = run(&["verify", "--key", &pubkey, out.to_str().unwrap()]);
    assert_eq!(verified.status.code(), Some(0), "{}", text(&verified));
    let attestation = std::fs::read_to_string(out.join("attestation.json")).unwrap();
    assert!(!attestation.is_empty());
    assert!(
        text(&o).contains(&ca.display().to_string()),
        "the run must say where the CA is:\n{}",
        text(&o)
    );
    let pem = std::fs::read_to_string(&ca).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let summary = summary_of(&out);
    assert_eq!(summary["verdict"], "conformant");
    for id in ["CB-01", "CB-02", "CB-03", "CB-05", "CB-06"] {
        assert_eq!(status_of(&summary, id), "passed", "{id}");
    }
    // The callbacks were made to the HTTPS URL.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!(
            "https://127.0.0.1:{listen}/api/custom-psa/tickets"
        )),
        "no HTTPS callback in report.html"
    );
    for secret in [PUSH_AUTH, USER_API_JWT, KEY] {
        assert!(!text(&o).contains(secret) && !html.contains(secret));
    }
}

#[test]
fn a_psa_trusting_another_ca_cannot_call_back() {
    let dir = tempfile::tempdir().unwrap();
    let other_ca = dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, independent_ca_and_certificate().0).unwrap();
    let listen = free_port();
    let psa = start_https_reference_psa(listen, &other_ca);
    let target = write_target(dir.path(), psa.push_port, listen, "tls = \"self-signed\"");
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &["--strict"]);
    drop(psa);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let summary = summary_of(&out);
    assert_eq!(summary["verdict"], "not-conformant");
    assert_eq!(status_of(&summary, "CB-01"), "failed");
}

#[test]
fn tls_cert_and_key_given_as_files_serve_https() {
    let dir = tempfile::tempdir().unwrap();
    let (ca_pem, cert_pem, key_pem) = independent_ca_and_certificate();
    let (ca, cert, key) = (
        dir.path().join("ca.pem"),
        dir.path().join("cert.pem"),
        dir.path().join("key.pem"),
    );
    std::fs::write(&ca, ca_pem).unwrap();
    std::fs::write(&cert, cert_pem).unwrap();
    std::fs::write(&key, key_pem).unwrap();
    let listen = free_port();
    let psa = start_https_reference_psa(listen, &ca);
    let tls = format!(
        "tls_cert = \"{}\"\ntls_key = \"{}\"\npublic_url = \"https://127.0.0.1:{listen}\"",
        cert.display(),
        key.display()
    );
    let target = write_target(dir.path(), psa.push_port, listen, &tls);
    let out = dir.path().join("r");
    let o = run_psa(&target, &out, &["--strict"]);
    drop(psa);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(status_of(&summary_of(&out), "CB-01"), "passed");
    assert!(
        !out.join("ncentral-ca.pem").exists(),
        "no CA of its own to write"
    );
}

#[test]
fn bad_tls_inputs_are_exit_2_naming_the_key_before_the_port_is_bound() {
    let dir = tempfile::tempdir().unwrap();
    let (_, cert_pem, key_pem) = independent_ca_and_certificate();
    let (_, _, other_key_pem) = independent_ca_and_certificate();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let cert = write("cert.pem", &cert_pem);
    let key = write("key.pem", &key_pem);
    let other_key = write("other-key.pem", &other_key_pem);
    let junk = write("junk.pem", "this is not PEM");
    // The listen port is taken: had the harness bound it first, the error
    // would name [ncentral] listen instead.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = taken.local_addr().unwrap().port();
    for (tls_lines, says) in [
        (
            format!("tls_cert = \"{junk}\"\ntls_key = \"{key}\""),
            "ncentral.tls_cert",
        ),
        (
            format!("tls_cert = \"{cert}\"\ntls_key = \"{junk}\""),
            "ncentral.tls_key",
        ),
        (
            format!("tls_cert = \"{cert}\"\ntls_key = \"{other_key}\""),
            "ncentral.tls_key",
        ),
        (format!("tls_cert = \"{cert}\""), "ncentral.tls_key"),
        ("tls = \"yes\"".to_string(), "ncentral.tls"),
        (
            format!("tls = \"self-signed\"\npublic_url = \"http://127.0.0.1:{listen}\""),
            "ncentral.public_url",
        ),
        (format!("[tls]\nca_file = \"{junk}\""), "tls.ca_file"),
    ] {
        let target = write_target(dir.path(), 9, listen, &tls_lines);
        let out = dir.path().join("r");
        let o = run_psa(&target, &out, &["--strict"]);
        assert_eq!(o.status.code(), Some(2), "{tls_lines}: {}", text(&o));
        assert!(text(&o).contains(says), "{tls_lines}: {}", text(&o));
        assert!(!text(&o).contains("[ncentral] listen"), "{}", text(&o));
        assert!(!out.join("summary.json").exists(), "{tls_lines}: reports");
    }
    drop(taken);
}

#[test]
fn the_reference_psa_refuses_a_ca_file_that_is_not_pem() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let o = bin()
        .args([
            "mock",
            "--side",
            "psa",
            "--style",
            "callback",
            "--ncentral-url",
            "https://127.0.0.1:9",
            "--ncentral-ca",
        ])
        .arg(&junk)
        .env("NCENTRAL_USER_API_JWT", USER_API_JWT)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--ncentral-ca"), "{}", text(&o));
}
