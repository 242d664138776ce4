//! `report.html` against a faulty mock: it names the verdict and the broken
//! requirement, loads nothing from anywhere, and renders in Chromium (found
//! on `PATH`) to a page that is not blank. Without Chromium the render alone
//! is skipped, visibly; under `CI=true` a missing Chromium fails the test.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use psa_conformance::{catalog::Profile, launch, mock::Fault, selftest::mock_config};

use crate::common;

/// Chromium on `PATH`, under the names distributions give it.
fn chromium() -> Option<std::path::PathBuf> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .into_iter()
    .find_map(common::on_path)
}

/// Renders `html` to `png` in headless Chromium and returns the PNG's size.
/// Panics if Chromium produces no PNG within a minute.
fn render_png(chromium: &Path, html: &Path, png: &Path) -> u64 {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &format!("file://{}", html.display()),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut exited = false;
    for _ in 0..600 {
        if let Ok(Some(_)) = child.try_wait() {
            exited = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !exited {
        let _ = child.kill();
        let _ = child.wait();
    }
    match std::fs::metadata(png) {
        Ok(meta) => meta.len(),
        Err(e) => panic!("chromium produced no screenshot (exited: {exited}): {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_report_names_the_verdict_and_the_failure_and_loads_nothing() {
    let report = launch::execute(&mock_config(
        vec![Fault::PasswordEchoed],
        Profile::Core,
        false,
    ))
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    report.write_all(dir.path()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("NOT CONFORMANT"));
    assert!(
        html.contains(r#"<tr class="flag-failed"><td class="id">ERR-03</td>"#),
        "ERR-03 is a failed row of the requirement table"
    );
    assert!(html.contains("the response echoes a secret"));
    assert!(html.contains("Endpoint × status coverage"));
    let failing = report
        .scenarios
        .iter()
        .find(|s| s.failure.is_some())
        .expect("the fault fails a scenario");
    assert!(html.contains(&format!(r#"id="s-{}""#, failing.id)));
    for external in [
        "<script", "<link", "@import", "url(", "src=", "<img", "<iframe",
    ] {
        assert!(
            !html.contains(external),
            "the page would load something: {external}"
        );
    }
    for (at, _) in html.match_indices("href=\"") {
        assert!(
            html[at + 6..].starts_with('#'),
            "a link out of the page: {}",
            &html[at..(at + 60).min(html.len())]
        );
    }
    let summary = std::fs::read(dir.path().join("summary.json")).unwrap();
    let digest: String = {
        use sha2::Digest as _;
        sha2::Sha256::digest(&summary)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert!(
        html.contains(&digest),
        "the banner carries the SHA-256 of summary.json"
    );

    let found = chromium();
    if !common::tool_available(found.is_some(), "chromium (on PATH)") {
        return;
    }
    let png = dir.path().join("report.png");
    let bytes = render_png(&found.unwrap(), &dir.path().join("report.html"), &png);
    let head = std::fs::read(&png).unwrap();
    assert!(head.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1280×2000 page compresses to a few KiB; this one has content.
    assert!(
        bytes > 40_000,
        "the rendered page looks blank ({bytes} bytes)"
    );
}
