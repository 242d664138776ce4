//! The board's pages: `index.html` and `vendors/<vendor>.html`, the askama
//! templates `templates/board-index.html` and `templates/board-vendor.html`,
//! both in the one frame of `templates/board-page.html` (its CSS,
//! `templates/board.css`, included inline). Self-contained: no
//! script, nothing fetched; every status is a word beside its colour. This
//! module only turns a [`Board`] into the texts the templates show; askama
//! escapes every value.

use askama::Template;

use super::model::{Alarm, Board, RunView, VendorView};
use super::rules::url_path;
use crate::catalog;

/// How many of the latest runs' verdicts the index shows per vendor.
const GLANCE: usize = 10;

#[derive(Template)]
#[template(path = "board-index.html")]
struct Index<'a> {
    board: &'a Board,
    rows: Vec<Row<'a>>,
    alarms: Vec<AlarmView<'a>>,
    counts: Vec<(String, usize)>,
}

struct Row<'a> {
    v: &'a VendorView,
    href: String,
    status_text: String,
    latest: String,
    age: String,
    suite_version: String,
    waivers_in_force: Vec<&'a str>,
    glance: Vec<(&'static str, &'static str, String)>,
}

struct AlarmView<'a> {
    a: &'a Alarm,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "board-vendor.html")]
struct VendorPage<'a> {
    board: &'a Board,
    v: &'a VendorView,
    status_text: String,
    alarms: Vec<&'a Alarm>,
    runs: Vec<RunRow<'a>>,
    grid: Vec<GridRow>,
}

struct RunRow<'a> {
    r: &'a RunView,
    verdict: &'static str,
    verdict_class: &'static str,
    report: Option<String>,
}

struct GridRow {
    id: String,
    level: &'static str,
    cells: Vec<(&'static str, &'static str)>,
}

/// `accepted`, or `stale (accepted)`.
fn status_text(v: &VendorView) -> String {
    match (&v.latest_run_status, v.status.as_str()) {
        (Some(fresh), "stale") => format!("stale (latest run: {fresh})"),
        _ => v.status.clone(),
    }
}

fn verdict_word(verdict: &str) -> (&'static str, &'static str) {
    match verdict {
        "conformant" => ("conformant", "ok"),
        "not-conformant" => ("not conformant", "bad"),
        "partial" => ("partial", "warn"),
        _ => ("inconclusive", "warn"),
    }
}

/// A requirement's status in a grid cell: its word and colour class.
fn cell(status: Option<&str>, waived: bool) -> (&'static str, &'static str) {
    match status {
        Some("passed") => ("passed", "ok"),
        Some("failed") if waived => ("failed, waived", "waived"),
        Some("failed") => ("failed", "bad"),
        Some("warned") => ("warned", "warn"),
        Some("not-applicable") => ("n/a", "none"),
        Some("untested") => ("untested", "none"),
        Some("inconclusive") => ("inconclusive", "warn"),
        Some(_) => ("other", "none"),
        None => ("—", "none"),
    }
}

/// The vendor page's file name under `vendors/`.
pub(crate) fn vendor_href(id: &str) -> String {
    format!("vendors/{}.html", url_path(id))
}

pub(crate) fn index(board: &Board) -> String {
    let rows = board
        .vendors
        .iter()
        .map(|v| Row {
            v,
            href: vendor_href(&v.id),
            status_text: status_text(v),
            latest: v
                .latest_run
                .as_ref()
                .map_or("none".into(), |r| r.started_at.clone()),
            age: v
                .latest_run
                .as_ref()
                .map_or(String::new(), |r| days(r.age_days)),
            suite_version: v
                .latest_run
                .as_ref()
                .map_or(String::new(), |r| r.suite_version.clone()),
            waivers_in_force: v
                .waivers
                .iter()
                .filter(|w| w.in_force)
                .map(|w| w.requirement.as_str())
                .collect(),
            glance: v
                .runs
                .iter()
                .filter(|r| r.counted)
                .take(GLANCE)
                .map(|r| {
                    let (word, class) = verdict_word(&r.verdict);
                    (word, class, r.started_at.clone())
                })
                .collect(),
        })
        .collect();
    let alarms = board
        .alarms
        .iter()
        .map(|a| AlarmView {
            a,
            href: board
                .vendors
                .iter()
                .any(|v| v.id == a.vendor)
                .then(|| vendor_href(&a.vendor)),
        })
        .collect();
    let counts = board
        .statuses
        .iter()
        .map(|(k, n)| (k.clone(), *n))
        .collect();
    render(&Index {
        board,
        rows,
        alarms,
        counts,
    })
}

pub(crate) fn vendor(board: &Board, v: &VendorView) -> String {
    let runs = v
        .runs
        .iter()
        .map(|r| {
            let (verdict, verdict_class) = verdict_word(&r.verdict);
            RunRow {
                r,
                verdict,
                verdict_class,
                report: r.report.as_ref().map(|p| format!("../{p}")),
            }
        })
        .collect();
    let mut ids: Vec<&str> = v
        .runs
        .iter()
        .flat_map(|r| r.requirements.keys().map(String::as_str))
        .collect();
    ids.sort_by_key(|id| {
        (
            catalog::REQUIREMENTS
                .iter()
                .position(|r| r.id == *id)
                .unwrap_or(usize::MAX),
            id.to_string(),
        )
    });
    ids.dedup();
    let waived = |id: &str| v.waivers.iter().any(|w| w.in_force && w.requirement == id);
    let grid = ids
        .iter()
        .map(|id| GridRow {
            id: id.to_string(),
            level: catalog::find(id).map_or("", |r| match r.level {
                catalog::Level::Must => "MUST",
                _ => "SHOULD",
            }),
            cells: v
                .runs
                .iter()
                .map(|r| cell(r.requirements.get(*id).map(String::as_str), waived(id)))
                .collect(),
        })
        .collect();
    render(&VendorPage {
        board,
        v,
        status_text: status_text(v),
        alarms: board.alarms.iter().filter(|a| a.vendor == v.id).collect(),
        runs,
        grid,
    })
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Certification board</title></head><body><main><h1>Certification board</h1><p>The page could not be rendered: {}</p></main></body></html>\n",
            e.to_string().replace(['<', '>', '&', '"'], " ")
        )
    })
}
