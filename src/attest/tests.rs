//! Unit tests of `attest`.

use super::*;

/// A report of the built-in mock's default run, with `verdict`.
fn report(verdict: Verdict, warned: usize) -> RunReport {
    let info = crate::report::RunInfo {
        profile: crate::catalog::Profile::Full,
        strict: false,
        target: "http://127.0.0.1:1".into(),
        tls_insecure: false,
        started_at: jiff::Timestamp::now(),
        elapsed: std::time::Duration::ZERO,
    };
    let mut r = RunReport::not_run(&info, "the target did not answer".into());
    r.verdict = verdict;
    r.counts.warned = warned;
    r
}

#[test]
fn only_a_complete_verdict_is_signed_and_its_result_follows_the_verdict() {
    assert_eq!(
        signable_result(&report(Verdict::Conformant, 0)),
        Ok("PASSED")
    );
    assert_eq!(
        signable_result(&report(Verdict::Conformant, 2)),
        Ok("WARNED")
    );
    assert_eq!(
        signable_result(&report(Verdict::NotConformant, 0)),
        Ok("FAILED")
    );
    let refused = signable_result(&report(Verdict::Inconclusive, 0)).unwrap_err();
    assert!(
        refused.contains("inconclusive") && refused.contains("the target did not answer"),
        "{refused}"
    );
    let refused = signable_result(&report(Verdict::Partial, 0)).unwrap_err();
    assert!(
        refused.contains("partial") && refused.contains("were not checked"),
        "{refused}"
    );
    let files = vec![("summary.json".to_string(), b"{}".to_vec())];
    assert!(statement(
        &RunFacts {
            report: &report(Verdict::Inconclusive, 0),
            side: "ncentral"
        },
        &files
    )
    .is_err());
}

#[test]
fn a_partial_or_inconclusive_report_is_not_marked_signed_and_an_old_attestation_goes() {
    let dir = tempfile::tempdir().unwrap();
    keys::generate(&dir.path().join("k")).unwrap();
    let key = PrivateKey::load(&dir.path().join("k")).unwrap();
    for verdict in [Verdict::Partial, Verdict::Inconclusive] {
        std::fs::write(dir.path().join(ATTESTATION_FILE), "old").unwrap();
        let mut r = report(verdict, 0);
        let reason = prepare_report(&mut r, &key, dir.path()).unwrap_err();
        assert!(reason.contains(verdict.name()), "{reason}");
        assert_eq!(r.signed_by, None, "{verdict:?}");
        assert!(!dir.path().join(ATTESTATION_FILE).exists(), "{verdict:?}");
    }
    for verdict in [Verdict::Conformant, Verdict::NotConformant] {
        let mut r = report(verdict, 0);
        assert_eq!(prepare_report(&mut r, &key, dir.path()), Ok(()));
        assert_eq!(r.signed_by, Some(key.fingerprint()), "{verdict:?}");
    }
}

#[test]
fn the_statement_names_every_file_and_the_whole_configuration() {
    let run = report(Verdict::Conformant, 0);
    let files = vec![
        ("summary.json".to_string(), b"{}".to_vec()),
        ("junit.xml".to_string(), b"<x/>".to_vec()),
    ];
    let st = statement(
        &RunFacts {
            report: &run,
            side: "ncentral",
        },
        &files,
    )
    .unwrap();
    assert_eq!(st.type_, STATEMENT_TYPE);
    assert_eq!(st.predicate_type, PREDICATE_TYPE);
    let subjects: Vec<(&str, &str)> = st
        .subject
        .iter()
        .map(|d| (d.name.as_str(), d.digest["sha256"].as_str()))
        .collect();
    let junit = sha256_hex(b"<x/>");
    let summary = sha256_hex(b"{}");
    assert_eq!(
        subjects,
        vec![
            ("junit.xml", junit.as_str()),
            ("summary.json", summary.as_str())
        ]
    );
    let names: Vec<&str> = st
        .predicate
        .configuration
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "psa-conformance",
            "features",
            "schemas",
            "side",
            "profile",
            "strict",
            "target",
            "run"
        ]
    );
    let (features, _) = files_digest(&feature_files());
    assert_eq!(st.predicate.configuration[1].digest["sha256"], features);
    for d in &st.predicate.configuration {
        assert!(
            d.uri.is_some() || !d.digest.is_empty() || d.content.is_some(),
            "{} has a uri, a digest or content, as a ResourceDescriptor must",
            d.name
        );
    }
    assert_eq!(st.predicate.configuration[7].digest["sha256"], summary);
}

#[test]
fn the_features_digest_is_the_digest_of_a_sha256sum_listing() {
    let files = vec![
        ("b.feature".to_string(), "two"),
        ("a.feature".to_string(), "one"),
    ];
    let (digest, each) = files_digest(&files);
    let listing = format!(
        "{}  a.feature\n{}  b.feature\n",
        sha256_hex(b"one"),
        sha256_hex(b"two")
    );
    assert_eq!(digest, sha256_hex(listing.as_bytes()));
    assert_eq!(each.len(), 2);
    // sha256sum of "one" (no newline), as coreutils prints it.
    assert_eq!(
        each["a.feature"],
        "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"
    );
}

#[test]
fn only_files_of_earlier_reports_may_share_a_signed_directory() {
    let dir = tempfile::tempdir().unwrap();
    assert!(foreign_files(&dir.path().join("absent")).is_empty());
    std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
    std::fs::write(dir.path().join(ATTESTATION_FILE), "{}").unwrap();
    assert!(foreign_files(dir.path()).is_empty());
    std::fs::write(dir.path().join("notes.txt"), "").unwrap();
    assert_eq!(foreign_files(dir.path()), vec!["notes.txt".to_string()]);
}

#[test]
fn a_file_past_the_read_cap_is_not_read_and_fails_its_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(ATTESTATION_FILE), b"{}").unwrap();
    std::fs::write(dir.path().join("summary.json"), vec![b'x'; 40]).unwrap();
    std::fs::write(dir.path().join("huge.bin"), vec![b'y'; 100]).unwrap();
    let (envelope, files) = read_bundle_capped(dir.path(), 64).unwrap();
    assert_eq!(envelope, b"{}");
    assert_eq!(files["summary.json"], vec![b'x'; 40]);
    // 100 bytes do not fit in the 22 left: not read, and no digest matches.
    assert!(files["huge.bin"].starts_with(b"(not read: over the 64 bytes"));
}
