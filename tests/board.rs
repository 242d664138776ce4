//! `board` (docs/BOARD.md) over real signed runs of the suite: the binary
//! runs the built-in mocks of both sides with `run --sign-with` (conformant,
//! and with `--mock-fault`), once per test process; each test then lays out
//! a program of vendors from copies of those runs — tampered after signing,
//! signed by an unknown key, waived, with an expired waiver, over several
//! nights — and reads the board through `board.json`, its published
//! schema, and the pages in Chromium with axe-core.
//!
//! Nights other than the real runs' own are copies whose `summary.json`
//! `started_at` was rewritten and then re-signed with the library (the same
//! `Envelope::sign` as `run --sign-with`); everything else is aged with
//! `--now`. Expected statuses and alarms are BOARD.md's rules worked out by
//! hand for this program, not read back from the code under test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use psa_conformance::attest::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use psa_conformance::attest::keys::PrivateKey;
use psa_conformance::attest::{sha256_hex, Statement};
use serde_json::Value;

use crate::common;
use common::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The real signed runs every test copies from.
struct Fixture {
    _dir: tempfile::TempDir,
    keys: PathBuf,
    psa_ok: PathBuf,
    /// `--side psa --mock-fault extra-keys-refused`: PUSH-05 fails.
    psa_fault: PathBuf,
    nc_ok: PathBuf,
    /// `--mock-fault any-bearer-accepted`: AUTH-03 fails.
    nc_fault: PathBuf,
    /// Signed by a key no KEYS.toml trusts.
    psa_unknown: PathBuf,
    /// The latest real run's start: `--now` is an hour later.
    now: jiff::Timestamp,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::create_dir(&keys).unwrap();
        for k in ["acme", "nc", "program", "stranger", "spare"] {
            let o = run(&["keygen", "--out", keys.join(k).to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        }
        let runs: [(&str, &str, &[&str]); 5] = [
            ("psa-ok", "acme", &["--side", "psa"]),
            (
                "psa-fault",
                "acme",
                &["--side", "psa", "--mock-fault", "extra-keys-refused"],
            ),
            ("nc-ok", "nc", &[]),
            ("nc-fault", "nc", &["--mock-fault", "any-bearer-accepted"]),
            ("psa-unknown", "stranger", &["--side", "psa"]),
        ];
        std::thread::scope(|s| {
            for (name, key, args) in runs {
                let out = dir.path().join(name);
                let key = keys.join(key);
                s.spawn(move || {
                    let o = bin()
                        .args(["run", "--quiet", "--sign-with"])
                        .arg(&key)
                        .arg("--out")
                        .arg(&out)
                        .args(args)
                        .output()
                        .unwrap();
                    assert!(
                        out.join("attestation.json").exists(),
                        "{name} was not signed: {}",
                        text(&o)
                    );
                });
            }
        });
        let d = |n: &str| dir.path().join(n);
        let now = ["psa-ok", "psa-fault", "nc-ok", "nc-fault", "psa-unknown"]
            .iter()
            .map(|n| started_at(&d(n)))
            .max()
            .unwrap()
            + jiff::SignedDuration::from_hours(1);
        Fixture {
            keys,
            psa_ok: d("psa-ok"),
            psa_fault: d("psa-fault"),
            nc_ok: d("nc-ok"),
            nc_fault: d("nc-fault"),
            psa_unknown: d("psa-unknown"),
            now,
            _dir: dir,
        }
    })
}

fn started_at(run: &Path) -> jiff::Timestamp {
    summary_of(run)["started_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A copy of `from` as another night: `started_at` in `summary.json` set to
/// `at`, then the statement's digests and start time updated and re-signed
/// with `key`, as `run --sign-with` would have.
fn night(from: &Path, to: &Path, at: jiff::Timestamp, key: &str) {
    copy(from, to);
    let old = summary_of(from)["started_at"].as_str().unwrap().to_string();
    let summary = std::fs::read_to_string(to.join("summary.json")).unwrap();
    let rewritten = summary.replacen(
        &format!("\"started_at\": \"{old}\""),
        &format!("\"started_at\": \"{at}\""),
        1,
    );
    assert_ne!(summary, rewritten, "started_at found in summary.json");
    std::fs::write(to.join("summary.json"), &rewritten).unwrap();
    let envelope: Envelope =
        serde_json::from_slice(&std::fs::read(to.join("attestation.json")).unwrap()).unwrap();
    let body = base64::engine::general_purpose::STANDARD
        .decode(&envelope.payload)
        .unwrap();
    let mut statement: Statement = serde_json::from_slice(&body).unwrap();
    for s in &mut statement.subject {
        let bytes = std::fs::read(to.join(&s.name)).unwrap();
        s.digest.insert("sha256".into(), sha256_hex(&bytes));
    }
    let run = statement
        .predicate
        .configuration
        .iter_mut()
        .find(|d| d.name == "run")
        .unwrap();
    run.digest
        .insert("sha256".into(), sha256_hex(rewritten.as_bytes()));
    run.annotations
        .insert("startedAt".into(), at.to_string().into());
    let key = PrivateKey::load(&fixture().keys.join(key)).unwrap();
    let signed = Envelope::sign(
        IN_TOTO_PAYLOAD_TYPE,
        &serde_json::to_vec(&statement).unwrap(),
        &key,
    );
    std::fs::write(
        to.join("attestation.json"),
        serde_json::to_string_pretty(&signed).unwrap(),
    )
    .unwrap();
}

fn days_before(n: i64) -> jiff::Timestamp {
    fixture().now - jiff::SignedDuration::from_hours(24 * n)
}

/// A whole program in `root`: `subs/`, `KEYS.toml`, `WAIVERS.toml`.
struct Program {
    subs: PathBuf,
    keys: PathBuf,
    waivers: PathBuf,
}

fn program(root: &Path) -> Program {
    let f = fixture();
    let subs = root.join("subs");
    let s = |p: &str| subs.join(p);
    // good: three conformant nights, the latest the real run. Folder names
    // sort against time: the order must come from started_at.
    night(&f.psa_ok, &s("good/c-first"), days_before(3), "acme");
    night(&f.psa_ok, &s("good/b-second"), days_before(2), "acme");
    copy(&f.psa_ok, &s("good/a-latest"));
    // good's rejected submissions.
    copy(&f.psa_fault, &s("good/tampered"));
    let summary = std::fs::read_to_string(s("good/tampered/summary.json")).unwrap();
    std::fs::write(
        s("good/tampered/summary.json"),
        summary.replacen("\"not-conformant\"", "\"conformant\"", 1),
    )
    .unwrap();
    copy(&f.psa_ok, &s("good/added"));
    std::fs::write(s("good/added/notes.txt"), "added after signing").unwrap();
    copy(&f.psa_ok, &s("good/missing"));
    std::fs::remove_file(s("good/missing/report.html")).unwrap();
    copy(&f.psa_ok, &s("good/badsig"));
    let mut env: Value =
        serde_json::from_slice(&std::fs::read(s("good/badsig/attestation.json")).unwrap()).unwrap();
    let other: Value =
        serde_json::from_slice(&std::fs::read(f.psa_fault.join("attestation.json")).unwrap())
            .unwrap();
    env["signatures"][0]["sig"] = other["signatures"][0]["sig"].clone();
    std::fs::write(s("good/badsig/attestation.json"), env.to_string()).unwrap();
    copy(&f.psa_ok, &s("good/notset"));
    std::fs::write(s("good/notset/attestation.json"), "{\"hello\": 1}").unwrap();
    copy(&f.psa_unknown, &s("good/unknown"));
    // waived: passed two nights ago, fails PUSH-05 now; a waiver in force.
    night(&f.psa_ok, &s("waived/n1"), days_before(2), "acme");
    copy(&f.psa_fault, &s("waived/n2"));
    // expired: fails PUSH-05; its waiver ended ten days ago.
    copy(&f.psa_fault, &s("expired/n1"));
    copy(&f.nc_fault, &s("failing/n1"));
    copy(&f.nc_ok, &s("ncok/n1"));
    // flaky: PUSH-05 passed, failed, passed, failed.
    night(&f.psa_ok, &s("flaky/z1"), days_before(4), "acme");
    night(&f.psa_fault, &s("flaky/y2"), days_before(3), "acme");
    night(&f.psa_ok, &s("flaky/x3"), days_before(2), "acme");
    night(&f.psa_fault, &s("flaky/w4"), days_before(1), "acme");
    // crossed: registered for the PSA side, sends an N-central run.
    copy(&f.nc_ok, &s("crossed/n1"));
    // viaprogram: signed by the program's key, not its own.
    night(&f.psa_ok, &s("viaprogram/n1"), days_before(1), "program");
    copy(&f.psa_ok, &s("stranger/n1"));

    let keys = root.join("KEYS.toml");
    let k = |name: &str| f.keys.join(format!("{name}.pub")).display().to_string();
    let psa = |id: &str, key: &str| {
        format!(
            "[vendors.{id}]\nname = \"{id} PSA\"\nside = \"psa\"\nkeys = [{:?}]\n",
            k(key)
        )
    };
    let nc = |id: &str| {
        format!(
            "[vendors.{id}]\nname = \"{id} N-central\"\nside = \"ncentral\"\nkeys = [{:?}]\n",
            k("nc")
        )
    };
    let text = [
        format!("[program]\nkeys = [{:?}]\n", k("program")),
        psa("good", "acme"),
        psa("waived", "acme"),
        psa("expired", "acme"),
        nc("failing"),
        nc("ncok"),
        psa("flaky", "acme"),
        format!(
            "[vendors.crossed]\nname = \"Crossed\"\nside = \"psa\"\nkeys = [{:?}, {:?}]\n",
            k("acme"),
            k("nc")
        ),
        psa("nobody", "acme"),
        psa("viaprogram", "spare"),
    ]
    .join("\n");
    std::fs::write(&keys, text).unwrap();
    let waivers = root.join("WAIVERS.toml");
    let waiver = |vendor: &str, req: &str, expires: jiff::Timestamp| {
        format!(
            "[[waiver]]\nvendor = \"{vendor}\"\nrequirement = \"{req}\"\nreason = \"fix ships in 4.2\"\nexpires = \"{}\"\napproved_by = \"partner-program@example.com\"\n",
            expires.to_zoned(jiff::tz::TimeZone::UTC).date()
        )
    };
    std::fs::write(
        &waivers,
        [
            waiver("good", "PUSH-05", days_before(-30)),
            waiver("waived", "PUSH-05", days_before(-30)),
            waiver("expired", "PUSH-05", days_before(10)),
        ]
        .join("\n"),
    )
    .unwrap();
    Program {
        subs,
        keys,
        waivers,
    }
}

fn board(p: &Program, site: &Path, now: jiff::Timestamp) -> std::process::Output {
    bin()
        .args(["board", "--submissions"])
        .arg(&p.subs)
        .arg("--keys")
        .arg(&p.keys)
        .arg("--waivers")
        .arg(&p.waivers)
        .arg("--out")
        .arg(site)
        .args(["--now", &now.to_string()])
        .output()
        .unwrap()
}

fn board_json(site: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(site.join("board.json")).unwrap()).unwrap()
}

fn vendor<'a>(b: &'a Value, id: &str) -> &'a Value {
    b["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vendor {id}"))
}

/// The schema `schemas --out` ships for board.json.
fn shipped_schema() -> jsonschema::Validator {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["schemas", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let schema: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("board.json")).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the board's schema compiles")
}

#[test]
fn every_status_and_alarm_from_real_signed_runs() {
    let dir = tempfile::tempdir().unwrap();
    let p = program(dir.path());
    let site = dir.path().join("site");
    let o = board(&p, &site, fixture().now);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let b = board_json(&site);
    let errors: Vec<String> = shipped_schema()
        .iter_errors(&b)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "board.json against its schema: {errors:#?}"
    );
    assert_eq!(b["generated_at"], fixture().now.to_string());

    for (id, status) in [
        ("good", "accepted"),
        ("waived", "accepted-with-waivers"),
        ("expired", "not-accepted"),
        ("failing", "not-accepted"),
        ("ncok", "accepted"),
        ("flaky", "not-accepted"),
        ("crossed", "no-submission"),
        ("nobody", "no-submission"),
        ("viaprogram", "accepted"),
    ] {
        assert_eq!(
            vendor(&b, id)["status"],
            status,
            "{id}: {:#}",
            vendor(&b, id)
        );
    }
    assert_eq!(
        vendor(&b, "waived")["failing"],
        serde_json::json!(["PUSH-05"])
    );
    assert_eq!(
        vendor(&b, "waived")["waived"],
        serde_json::json!(["PUSH-05"])
    );
    assert_eq!(
        vendor(&b, "failing")["failing"],
        serde_json::json!(["AUTH-03"])
    );
    assert_eq!(vendor(&b, "expired")["waived"], serde_json::json!([]));
    // The run's own verdict is not changed by its waiver.
    assert_eq!(
        vendor(&b, "waived")["latest_run"]["verdict"],
        "not-conformant"
    );

    // Runs by signed start time, newest first; folder names sort the other way.
    let ids = |v: &str| -> Vec<String> {
        vendor(&b, v)["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("good"),
        ["good/a-latest", "good/b-second", "good/c-first"]
    );
    assert_eq!(
        ids("flaky"),
        ["flaky/w4", "flaky/x3", "flaky/y2", "flaky/z1"]
    );
    let latest = &vendor(&b, "good")["latest_run"];
    assert_eq!(
        latest["summary_sha256"],
        sha256_hex(&std::fs::read(fixture().psa_ok.join("summary.json")).unwrap())
    );
    let acme = std::fs::read_to_string(fixture().keys.join("acme.pub")).unwrap();
    assert_eq!(latest["key"].as_str().unwrap().len(), 64);
    assert!(!acme.is_empty());
    let report = site.join(latest["report"].as_str().unwrap());
    assert!(
        report.is_file(),
        "{} links an existing report",
        report.display()
    );

    let rejected: BTreeSet<(String, String)> = b["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("good/tampered", "digest-mismatch"),
        ("good/added", "file-added"),
        ("good/missing", "file-missing"),
        ("good/badsig", "bad-signature"),
        ("good/notset", "not-a-report-set"),
        ("good/unknown", "unknown-key"),
        ("stranger/n1", "unknown-vendor"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(rejected, expected);

    let alarms: BTreeSet<(String, String, String)> = b["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["vendor"].as_str().unwrap().to_string(),
                a["requirement"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut expected: BTreeSet<(String, String, String)> = [
        ("regression", "waived", "PUSH-05"),
        ("regression", "flaky", "PUSH-05"),
        ("flaky", "flaky", "PUSH-05"),
        ("waiver-expired", "expired", "PUSH-05"),
        ("waiver-unneeded", "good", "PUSH-05"),
        ("wrong-side", "crossed", ""),
        ("rejected-submission", "stranger", ""),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    expected.insert(("rejected-submission".into(), "good".into(), String::new()));
    assert_eq!(alarms, expected);
    assert_eq!(
        b["alarms"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "rejected-submission")
            .count(),
        7,
        "one alarm per rejected submission"
    );

    // Ten days on, every latest run is stale; its status is shown beside.
    let later = dir.path().join("later");
    let o = board(
        &p,
        &later,
        fixture().now + jiff::SignedDuration::from_hours(24 * 10),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let b = board_json(&later);
    assert_eq!(vendor(&b, "ncok")["status"], "stale");
    assert_eq!(vendor(&b, "ncok")["latest_run_status"], "accepted");
    assert_eq!(vendor(&b, "failing")["latest_run_status"], "not-accepted");
    assert_eq!(vendor(&b, "nobody")["status"], "no-submission");
    assert_eq!(vendor(&b, "nobody")["latest_run_status"], Value::Null);
    // Seven days exactly is not older than max-age.
    let edge = dir.path().join("edge");
    let seven = started_at(&fixture().nc_ok) + jiff::SignedDuration::from_hours(24 * 7);
    assert_eq!(board(&p, &edge, seven).status.code(), Some(0));
    assert_eq!(vendor(&board_json(&edge), "ncok")["status"], "accepted");
    assert!(text(&o).contains("site:"), "{}", text(&o));
}

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_inputs_give_the_same_bytes_and_the_cache_never_hides_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let p = program(dir.path());
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let now = fixture().now;
    assert_eq!(board(&p, &one, now).status.code(), Some(0));
    assert_eq!(board(&p, &two, now).status.code(), Some(0));
    let first = files(&one);
    assert!(first.iter().any(|(n, _)| n == "badges/good.svg"));
    assert!(first.iter().any(|(n, _)| n == "vendors/flaky.html"));
    assert_eq!(first, files(&two), "two boards of the same inputs differ");

    // Again into the same site: every verified run comes from the cache.
    let o = board(&p, &one, now);
    assert!(
        text(&o).contains("14 run(s) verified (14 unchanged"),
        "{}",
        text(&o)
    );
    assert_eq!(first, files(&one), "a cached board differs");

    // Tampered after the cached board, size and mtime kept: caught.
    let target = p.subs.join("good/a-latest/summary.json");
    let mtime = std::fs::metadata(&target).unwrap().modified().unwrap();
    let summary = std::fs::read_to_string(&target).unwrap();
    let forged = summary.replacen("\"passed\"", "\"PASSED\"", 1);
    assert_eq!(forged.len(), summary.len());
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&target, forged).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&target)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let o = board(&p, &one, now);
    assert!(
        text(&o).contains("13 run(s) verified (13 unchanged"),
        "{}",
        text(&o)
    );
    let b = board_json(&one);
    assert!(
        b["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["path"] == "good/a-latest" && r["reason"] == "digest-mismatch"),
        "{:#}",
        b["rejected"]
    );
    // The vendor's latest verified run is now the one before.
    assert_eq!(vendor(&b, "good")["latest_run"]["id"], "good/b-second");
}

#[test]
fn a_bad_keys_or_waivers_file_names_file_line_and_key_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = program(dir.path());
    let keys = std::fs::read_to_string(&p.keys).unwrap();
    let waivers = std::fs::read_to_string(&p.waivers).unwrap();
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let cases: Vec<(&str, String, String, usize, &str)> = vec![
        (
            "KEYS.toml",
            keys.replacen("side = \"ncentral\"", "side = \"both\"", 1),
            waivers.clone(),
            line_of(&keys, "side = \"ncentral\""),
            "vendors.failing.side",
        ),
        (
            "KEYS.toml",
            keys.replacen("spare.pub", "absent.pub", 1),
            waivers.clone(),
            line_of(&keys, "spare.pub"),
            "vendors.viaprogram.keys",
        ),
        (
            "KEYS.toml",
            keys.replacen("[vendors.nobody]", "[vendors.No_Body]", 1),
            waivers.clone(),
            line_of(&keys, "[vendors.nobody]"),
            "vendors.No_Body",
        ),
        (
            "WAIVERS.toml",
            keys.clone(),
            waivers.replacen("\"expired\"", "\"ghost\"", 1),
            line_of(&waivers, "\"expired\""),
            "waiver[2].vendor",
        ),
        (
            "WAIVERS.toml",
            keys.clone(),
            waivers.replacen("PUSH-05", "PUSH-99", 1),
            line_of(&waivers, "PUSH-05"),
            "waiver[0].requirement",
        ),
        (
            "WAIVERS.toml",
            keys.clone(),
            waivers.replacen("expires = \"", "expires = \"soon ", 1),
            line_of(&waivers, "expires"),
            "waiver[0].expires",
        ),
    ];
    for (file, k, w, line, key) in cases {
        std::fs::write(&p.keys, &k).unwrap();
        std::fs::write(&p.waivers, &w).unwrap();
        let site = dir.path().join("site");
        let o = board(&p, &site, fixture().now);
        let message = text(&o);
        assert_eq!(o.status.code(), Some(2), "{message}");
        assert!(
            message.contains(file)
                && message.contains(&format!("line {line}"))
                && message.contains(key),
            "{file} line {line} key {key}: {message}"
        );
        assert_eq!(message.matches("error:").count(), 1, "{message}");
        assert!(!site.exists(), "nothing is written: {message}");
    }
    std::fs::write(&p.keys, &keys).unwrap();
    std::fs::write(&p.waivers, &waivers).unwrap();
    // An unreadable submissions folder, an unwritable site.
    let site = dir.path().join("site");
    let mut missing = Program {
        subs: dir.path().join("absent"),
        keys: p.keys.clone(),
        waivers: p.waivers.clone(),
    };
    let o = board(&missing, &site, fixture().now);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--submissions"), "{}", text(&o));
    assert!(!site.exists());
    missing.subs = p.subs.clone();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let o = board(&missing, &file, fixture().now);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--out"), "{}", text(&o));
}

#[test]
fn the_pages_are_self_contained_say_each_status_in_words_and_are_axe_clean() {
    let dir = tempfile::tempdir().unwrap();
    let p = program(dir.path());
    let site = dir.path().join("site");
    assert_eq!(board(&p, &site, fixture().now).status.code(), Some(0));
    let b = board_json(&site);
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let mut pages = vec![site.join("index.html")];
    for v in b["vendors"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let status = v["status"].as_str().unwrap();
        assert!(
            index.contains(&format!("<span class=\"status st-{status}\">{status}")),
            "{id}: the index says {status} in words"
        );
        let page = site.join(format!("vendors/{id}.html"));
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains(&format!(">{status}")),
            "{id}: its page says {status}"
        );
        let badge = std::fs::read_to_string(site.join(format!("badges/{id}.svg"))).unwrap();
        assert!(
            badge.contains("<title>") && badge.contains(&format!(">{status}</text>")),
            "{badge}"
        );
        // Every report link leads to the run's report.html.
        for href in html
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            if href.ends_with("report.html") {
                let target = page.parent().unwrap().join(href.replace("%20", " "));
                assert!(target.is_file(), "{id}: {href} leads nowhere");
            }
        }
        pages.push(page);
    }
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for fetched in [
            "<script", "<link", " src=", "url(", "@import", "http://", "https://",
        ] {
            assert!(
                !html.contains(fetched),
                "{}: {fetched} — pages fetch nothing",
                page.display()
            );
        }
    }
    let Some(axe) = axe_core() else {
        return;
    };
    for page in [
        "index.html",
        "vendors/flaky.html",
        "vendors/waived.html",
        "vendors/nobody.html",
    ] {
        let violations = axe_violations(&site.join(page), &axe);
        assert_eq!(violations, "[]", "{page}: axe-core violations");
    }
}

/// The demo of docs/BOARD.md, its commands run as written (in a scratch
/// folder holding a copy of examples/board/), gives the board it promises.
#[test]
fn the_documented_demo_makes_the_documented_board() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/BOARD.md")).unwrap();
    let section = doc
        .split("## A demo board in two steps")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("docs/BOARD.md has its demo");
    let scratch = tempfile::tempdir().unwrap();
    let examples = scratch.path().join("examples/board");
    std::fs::create_dir_all(examples.join("keys")).unwrap();
    for f in [
        "KEYS.toml",
        "WAIVERS.toml",
        "keys/acme.pub",
        "keys/globex.pub",
    ] {
        std::fs::copy(
            Path::new(ROOT).join("examples/board").join(f),
            examples.join(f),
        )
        .unwrap();
    }
    let d = section
        .lines()
        .find_map(|l| l.strip_prefix("d="))
        .expect("the demo sets d=");
    assert!(section.contains("\nmkdir -p $d\n"), "{section}");
    std::fs::create_dir_all(scratch.path().join(d)).unwrap();
    let commands: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("psa-conformance "))
        .collect();
    assert_eq!(commands.len(), 5, "{section}");
    for c in commands {
        let args: Vec<String> = c
            .replace("$d", d)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let o = bin()
            .args(&args)
            .current_dir(scratch.path())
            .output()
            .unwrap();
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "psa-conformance {c}: {}",
            text(&o)
        );
    }
    let b = board_json(&scratch.path().join("target/board-demo/site"));
    for (id, status) in [
        ("acme", "accepted"),
        ("globex", "accepted-with-waivers"),
        ("initech", "not-accepted"),
        ("umbrella", "no-submission"),
    ] {
        assert_eq!(vendor(&b, id)["status"], status, "{id}");
    }
    assert_eq!(
        vendor(&b, "initech")["failing"],
        serde_json::json!(["AUTH-03"])
    );
    assert_eq!(b["rejected"], serde_json::json!([]));
}
