//! `cargo bench --bench board`: what `board` costs for a large program.
//!
//! The corpus is generated, not guessed: four real signed runs of the
//! release binary against the built-in mocks (both sides, conformant and
//! with a fault) give real `summary.json` files (≈ 52 KB N-central side,
//! ≈ 11 KB vendor side); each of 100 vendors (half per side, one Ed25519
//! key each) gets 100 nights, each a copy with its own `started_at`,
//! re-signed directly with the library (`Envelope::sign`, as `run
//! --sign-with` does) over `summary.json` and `summary.md`. Every
//! signature and digest is real and checked by `board`.
//!
//! Measured, whole-process (wall time and peak RSS from `wait4`):
//! 1. the first board over 10,000 submissions (goal ≤ 10 s, ≤ 256 MiB);
//! 2. a second board over the same folder plus 100 new submissions, its
//!    cache in SITE (goal ≤ 2 s), and a third with nothing new;
//! 3. how the first build grows: 1,000, 2,500, 5,000 and 10,000
//!    submissions (hard links into folders of fewer vendors).
//!
//! Times are wall-clock on a shared machine: compare runs made side by side.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use base64::Engine as _;
use psa_conformance::attest::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use psa_conformance::attest::keys::{self, PrivateKey};
use psa_conformance::attest::{sha256_hex, Statement};
use rayon::prelude::*;

const VENDORS: usize = 100;
const NIGHTS: usize = 100;
const MIB: f64 = 1024.0;

/// A real signed run: its summary, summary.md and statement.
struct Template {
    summary: String,
    started_at: String,
    markdown: Vec<u8>,
    statement: Statement,
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_psa-conformance"))
}

fn template(work: &Path, name: &str, args: &[&str]) -> Template {
    let out = work.join(name);
    let key = work.join("template-key");
    let status = bin()
        .args(["run", "--quiet", "--sign-with"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("binary runs");
    assert!(
        out.join("attestation.json").exists(),
        "{name}: not signed ({status})"
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let envelope: Envelope =
        serde_json::from_slice(&std::fs::read(out.join("attestation.json")).unwrap()).unwrap();
    let body = base64::engine::general_purpose::STANDARD
        .decode(&envelope.payload)
        .unwrap();
    Template {
        started_at: value["started_at"].as_str().unwrap().to_string(),
        summary,
        markdown: std::fs::read(out.join("summary.md")).unwrap(),
        statement: serde_json::from_slice(&body).unwrap(),
    }
}

/// Writes one signed submission into `dir`: `t` started at `at`.
fn submission(dir: &Path, t: &Template, at: &str, key: &PrivateKey) {
    std::fs::create_dir_all(dir).unwrap();
    let summary = t.summary.replacen(
        &format!("\"started_at\": \"{}\"", t.started_at),
        &format!("\"started_at\": \"{at}\""),
        1,
    );
    let mut st = t.statement.clone();
    st.subject
        .retain(|s| s.name == "summary.json" || s.name == "summary.md");
    for s in &mut st.subject {
        let digest = match s.name.as_str() {
            "summary.json" => sha256_hex(summary.as_bytes()),
            _ => sha256_hex(&t.markdown),
        };
        s.digest.insert("sha256".into(), digest);
    }
    if let Some(run) = st
        .predicate
        .configuration
        .iter_mut()
        .find(|d| d.name == "run")
    {
        run.digest
            .insert("sha256".into(), sha256_hex(summary.as_bytes()));
        run.annotations.insert("startedAt".into(), at.into());
    }
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &serde_json::to_vec(&st).unwrap(), key);
    std::fs::write(dir.join("summary.json"), summary).unwrap();
    std::fs::write(dir.join("summary.md"), &t.markdown).unwrap();
    std::fs::write(
        dir.join("attestation.json"),
        serde_json::to_string_pretty(&envelope).unwrap(),
    )
    .unwrap();
}

fn base() -> jiff::Timestamp {
    "2026-01-01T02:00:00Z".parse().unwrap()
}

fn night_at(vendor: usize, night: usize) -> String {
    (base()
        + jiff::SignedDuration::from_hours(24 * night as i64)
        + jiff::SignedDuration::from_mins(vendor as i64))
    .to_string()
}

struct Corpus {
    templates: Vec<Template>,
    keys: Vec<PrivateKey>,
}

impl Corpus {
    /// Vendor `v`'s side: even vendors are PSAs.
    fn template(&self, v: usize, night: usize) -> &Template {
        let fault = (v + night).is_multiple_of(9);
        &self.templates[(v % 2) * 2 + usize::from(fault)]
    }

    fn write(&self, subs: &Path, v: usize, night: usize) {
        let at = night_at(v, night);
        let dir = subs
            .join(format!("v{v:03}"))
            .join(format!("night-{}", &at[..10]));
        submission(&dir, self.template(v, night), &at, &self.keys[v]);
    }
}

fn keys_toml(path: &Path, keys_dir: &Path, vendors: usize) {
    let mut text = String::new();
    for v in 0..vendors {
        text.push_str(&format!(
            "[vendors.v{v:03}]\nname = \"Vendor {v}\"\nside = \"{}\"\nkeys = [{:?}]\n\n",
            if v.is_multiple_of(2) {
                "psa"
            } else {
                "ncentral"
            },
            keys_dir.join(format!("v{v:03}.pub")).display().to_string()
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// One `board` process: (wall seconds, peak RSS in KiB).
fn board(subs: &Path, keys: &Path, site: &Path, now: &str) -> (f64, i64) {
    let started = Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "reaped below with wait4, which also gives its rusage"
    )]
    let child = bin()
        .arg("board")
        .arg("--submissions")
        .arg(subs)
        .arg("--keys")
        .arg(keys)
        .arg("--out")
        .arg(site)
        .args(["--now", now])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("binary starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped; the pointers are valid.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "board failed: {status}"
    );
    (started.elapsed().as_secs_f64(), usage.ru_maxrss)
}

/// Hard links of the first `vendors` vendors' submissions into `to`.
fn link_subset(from: &Path, to: &Path, vendors: usize) {
    for v in 0..vendors {
        let name = format!("v{v:03}");
        for night in std::fs::read_dir(from.join(&name)).unwrap() {
            let night = night.unwrap().path();
            let dest = to.join(&name).join(night.file_name().unwrap());
            std::fs::create_dir_all(&dest).unwrap();
            for f in std::fs::read_dir(&night).unwrap() {
                let f = f.unwrap().path();
                std::fs::hard_link(&f, dest.join(f.file_name().unwrap())).unwrap();
            }
        }
    }
}

fn du(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not.
    if !std::env::args().any(|a| a == "--bench") {
        println!("board bench: run with `cargo bench --bench board`");
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let w = work.path();
    keys::generate(&w.join("template-key")).unwrap();
    let started = Instant::now();
    let templates = vec![
        template(w, "psa-ok", &["--side", "psa"]),
        template(
            w,
            "psa-fault",
            &["--side", "psa", "--mock-fault", "extra-keys-refused"],
        ),
        template(w, "nc-ok", &[]),
        template(w, "nc-fault", &["--mock-fault", "any-bearer-accepted"]),
    ];
    let keys_dir = w.join("keys");
    std::fs::create_dir(&keys_dir).unwrap();
    let keys: Vec<PrivateKey> = (0..VENDORS)
        .map(|v| {
            let path = keys_dir.join(format!("v{v:03}"));
            keys::generate(&path).unwrap();
            PrivateKey::load(&path).unwrap()
        })
        .collect();
    let corpus = Corpus { templates, keys };
    let subs = w.join("subs");
    (0..VENDORS * NIGHTS)
        .into_par_iter()
        .for_each(|i| corpus.write(&subs, i / NIGHTS, i % NIGHTS));
    let keys_file = w.join("KEYS.toml");
    keys_toml(&keys_file, &keys_dir, VENDORS);
    println!(
        "corpus: {} submissions ({VENDORS} vendors × {NIGHTS} nights), {:.0} MiB, generated and signed in {:.1} s",
        VENDORS * NIGHTS,
        du(&subs) as f64 / MIB / MIB,
        started.elapsed().as_secs_f64()
    );
    let now = night_at(0, NIGHTS + 1);

    let site = w.join("site");
    let (first, rss) = board(&subs, &keys_file, &site, &now);
    println!(
        "first board, 10,000 submissions:        {first:6.2} s (goal ≤ 10 s), peak RSS {:5.1} MiB (goal ≤ 256 MiB)",
        rss as f64 / MIB
    );
    for v in 0..VENDORS {
        corpus.write(&subs, v, NIGHTS);
    }
    let (second, rss2) = board(&subs, &keys_file, &site, &now);
    println!(
        "second board, + 100 new submissions:    {second:6.2} s (goal ≤ 2 s), peak RSS {:5.1} MiB",
        rss2 as f64 / MIB
    );
    let (third, rss3) = board(&subs, &keys_file, &site, &now);
    println!(
        "third board, nothing new:               {third:6.2} s, peak RSS {:5.1} MiB",
        rss3 as f64 / MIB
    );

    println!("how the first board grows (fresh SITE each):");
    for vendors in [10, 25, 50, 100] {
        let dir = w.join(format!("subset-{vendors}"));
        let keys = w.join(format!("KEYS-{vendors}.toml"));
        link_subset(&subs, &dir, vendors);
        keys_toml(&keys, &keys_dir, vendors);
        let n = vendors * (NIGHTS + 1);
        let (t, rss) = board(&dir, &keys, &w.join(format!("site-{vendors}")), &now);
        println!(
            "  {n:6} submissions: {t:6.2} s ({:5.0} µs each), peak RSS {:5.1} MiB",
            t * 1e6 / n as f64,
            rss as f64 / MIB
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
