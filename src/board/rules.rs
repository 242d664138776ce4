//! The board's decisions (docs/BOARD.md, "Statuses" and "Alarms"): from the
//! verified runs, the waivers and `--now` to each vendor's status and the
//! alarms. Pure: no file is read or written here.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::config::{Vendor, Waiver};
use super::model::RequirementStatus::{Failed, NotApplicable, Passed};
use super::model::{
    Alarm, Board, Generator, Level, Rejected, RunRecord, RunView, VendorView, WaiverView,
};

/// What a board is computed for.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub now: Timestamp,
    pub max_age_days: u32,
    pub history: u32,
    /// The submissions folder as a URL relative to the site's root, ending
    /// in `/` (or empty).
    pub report_base: String,
}

/// Runs that change status this often within the shown history are flaky.
const FLAKY_CHANGES: usize = 3;
/// A waiver whose requirement passed in this many latest runs is unneeded.
const UNNEEDED_AFTER: usize = 3;

fn started(run: &RunRecord) -> Timestamp {
    run.started_at.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The whole board.
pub(crate) fn decide(
    vendors: &BTreeMap<String, Vendor>,
    mut runs: Vec<&RunRecord>,
    rejected: Vec<Rejected>,
    waivers: &[Waiver],
    s: &Settings,
) -> Board {
    runs.sort_by_cached_key(|r| (r.vendor.clone(), started(r), r.id.clone()));
    let mut by_vendor: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
    for r in runs {
        by_vendor.entry(r.vendor.as_str()).or_default().push(r);
    }
    let mut alarms = Vec::new();
    for r in &rejected {
        alarms.push(Alarm {
            kind: "rejected-submission",
            vendor: r.vendor.clone(),
            requirement: None,
            run: Some(r.path.clone()),
            detail: format!("{}: {}", r.reason, r.detail),
        });
    }
    let mut views = Vec::new();
    for v in vendors.values() {
        let all = by_vendor.get(v.id.as_str()).cloned().unwrap_or_default();
        let mine: Vec<&Waiver> = waivers.iter().filter(|w| w.vendor == v.id).collect();
        views.push(vendor_view(v, &all, &mine, s, &mut alarms));
    }
    alarms.sort_by(|a, b| {
        (&a.vendor, kind_rank(a.kind), &a.requirement, &a.run).cmp(&(
            &b.vendor,
            kind_rank(b.kind),
            &b.requirement,
            &b.run,
        ))
    });
    let mut statuses: BTreeMap<String, usize> =
        STATUSES.iter().map(|s| (s.to_string(), 0)).collect();
    for v in &views {
        *statuses.entry(v.status.clone()).or_default() += 1;
    }
    Board {
        generated_at: s.now.to_string(),
        generator: Generator {
            name: "psa-conformance",
            version: env!("CARGO_PKG_VERSION"),
        },
        max_age_days: s.max_age_days,
        history: s.history,
        statuses,
        vendors: views,
        alarms,
        rejected,
    }
}

/// Every status, best first.
pub(crate) const STATUSES: [&str; 5] = [
    "accepted",
    "accepted-with-waivers",
    "not-accepted",
    "stale",
    "no-submission",
];

/// Every alarm kind, in the order a vendor's alarms are listed.
pub(crate) const ALARM_KINDS: [&str; 6] = [
    "rejected-submission",
    "wrong-side",
    "regression",
    "waiver-expired",
    "flaky",
    "waiver-unneeded",
];

fn kind_rank(kind: &str) -> usize {
    ALARM_KINDS.iter().position(|k| *k == kind).unwrap_or(99)
}

fn vendor_view(
    v: &Vendor,
    all: &[&RunRecord],
    waivers: &[&Waiver],
    s: &Settings,
    alarms: &mut Vec<Alarm>,
) -> VendorView {
    let alarm = |kind, requirement: Option<&str>, run: Option<&str>, detail: String| Alarm {
        kind,
        vendor: v.id.clone(),
        requirement: requirement.map(str::to_string),
        run: run.map(str::to_string),
        detail,
    };
    for r in all.iter().filter(|r| r.side != v.side.name()) {
        alarms.push(alarm(
            "wrong-side",
            None,
            Some(&r.id),
            format!(
                "the run certifies the {} side; the vendor is registered for the {} side: not counted",
                r.side,
                v.side.name()
            ),
        ));
    }
    let counted: Vec<&RunRecord> = all
        .iter()
        .copied()
        .filter(|r| r.side == v.side.name())
        .collect();
    let in_force = |id: &str| {
        waivers
            .iter()
            .any(|w| w.requirement == id && w.in_force(s.now))
    };
    let latest = counted.last().copied();
    let (status, latest_status) = match latest {
        None => ("no-submission".to_string(), None),
        Some(run) => {
            let fresh = fresh_status(run, &in_force);
            let age = s.now.duration_since(started(run));
            let max = jiff::SignedDuration::from_hours(24 * i64::from(s.max_age_days));
            let status = if age > max { "stale" } else { fresh };
            (status.to_string(), Some(fresh.to_string()))
        }
    };
    if let Some(run) = latest {
        if let Some(previous) = counted.len().checked_sub(2).map(|i| counted[i]) {
            for id in run.failing() {
                if previous.status_of(&id) == Some(Passed) {
                    alarms.push(alarm(
                        "regression",
                        Some(&id),
                        Some(&run.id),
                        format!(
                            "passed in {} ({}), fails in {} ({})",
                            previous.id, previous.started_at, run.id, run.started_at
                        ),
                    ));
                }
            }
        }
        for w in waivers.iter().filter(|w| !w.in_force(s.now)) {
            if run.status_of(&w.requirement) == Some(Failed) {
                alarms.push(alarm(
                    "waiver-expired",
                    Some(&w.requirement),
                    Some(&run.id),
                    format!(
                        "the waiver expired after {} and {} still fails in the latest run",
                        w.expires, w.requirement
                    ),
                ));
            }
        }
        let last3 = &counted[counted.len().saturating_sub(UNNEEDED_AFTER)..];
        for w in waivers.iter().filter(|w| w.in_force(s.now)) {
            if last3.len() == UNNEEDED_AFTER
                && last3
                    .iter()
                    .all(|r| r.status_of(&w.requirement) == Some(Passed))
            {
                alarms.push(alarm(
                    "waiver-unneeded",
                    Some(&w.requirement),
                    Some(&run.id),
                    format!("{} passed in each of the last {UNNEEDED_AFTER} runs: the waiver (through {}) can go", w.requirement, w.expires),
                ));
            }
        }
    }
    let shown = &counted[counted.len().saturating_sub(s.history as usize)..];
    for (id, trail) in flaky(shown) {
        alarms.push(alarm(
            "flaky",
            Some(&id),
            latest.map(|r| r.id.as_str()),
            format!(
                "changed status {} times over the last {} runs: {}",
                trail.windows(2).filter(|w| w[0] != w[1]).count(),
                shown.len(),
                trail.join(" → ")
            ),
        ));
    }
    let failing = latest.map(|r| r.failing()).unwrap_or_default();
    let waived = failing.iter().filter(|id| in_force(id)).cloned().collect();
    let history: Vec<RunView> = all
        .iter()
        .rev()
        .take(s.history as usize)
        .map(|r| run_view(r, r.side == v.side.name(), s))
        .collect();
    VendorView {
        id: v.id.clone(),
        name: v.name.clone(),
        side: v.side.name().into(),
        status,
        latest_run_status: latest_status,
        latest_run: latest.map(|r| run_view(r, true, s)),
        failing,
        waived,
        waivers: waivers
            .iter()
            .map(|w| WaiverView {
                requirement: w.requirement.clone(),
                reason: w.reason.clone(),
                expires: w.expires.to_string(),
                approved_by: w.approved_by.clone(),
                in_force: w.in_force(s.now),
            })
            .collect(),
        run_count: counted.len(),
        runs: history,
    }
}

/// The status the latest run gives, age aside.
fn fresh_status(run: &RunRecord, in_force: &dyn Fn(&str) -> bool) -> &'static str {
    if run.verdict == "conformant" {
        return "accepted";
    }
    let failing = run.failing();
    if run.verdict != "not-conformant" || failing.is_empty() {
        return "not-accepted";
    }
    let waived_all = failing.iter().all(|id| in_force(id));
    let musts_fine = run.requirements.iter().all(|r| {
        r.level != Level::Must
            || matches!(r.status, Passed | NotApplicable)
            || (r.status == Failed && in_force(&r.id))
    });
    if waived_all && musts_fine {
        "accepted-with-waivers"
    } else {
        "not-accepted"
    }
}

/// The requirements whose status changed [`FLAKY_CHANGES`] times or more
/// over `runs` (oldest first), with their statuses in order.
fn flaky(runs: &[&RunRecord]) -> Vec<(String, Vec<String>)> {
    let mut trails: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in runs {
        for q in &r.requirements {
            trails
                .entry(q.id.as_str())
                .or_default()
                .push(q.status.name());
        }
    }
    trails
        .into_iter()
        .filter(|(_, t)| t.windows(2).filter(|w| w[0] != w[1]).count() >= FLAKY_CHANGES)
        .map(|(id, t)| (id.to_string(), t.iter().map(|s| s.to_string()).collect()))
        .collect()
}

fn run_view(r: &RunRecord, counted: bool, s: &Settings) -> RunView {
    let age = s.now.duration_since(started(r)).as_secs().max(0) / 86_400;
    RunView {
        id: r.id.clone(),
        started_at: r.started_at.clone(),
        age_days: age,
        verdict: r.verdict.clone(),
        result: r.result.clone(),
        side: r.side.clone(),
        profile: r.profile.clone(),
        strict: r.strict,
        suite_version: r.suite_version.clone(),
        key: r.key.clone(),
        summary_sha256: r.summary_sha256.clone(),
        report: r
            .has_report
            .then(|| format!("{}{}/report.html", s.report_base, url_path(&r.id))),
        counted,
        failing: r.failing(),
        requirements: r
            .requirements
            .iter()
            .map(|q| (q.id.clone(), q.status.name().to_string()))
            .collect(),
    }
}

/// A `/`-separated path with each segment percent-encoded for a URL.
pub(crate) fn url_path(path: &str) -> String {
    path.split('/')
        .map(|seg| percent_encoding::utf8_percent_encode(seg, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
