//! The certification board (`psa-conformance board`, docs/BOARD.md): a
//! folder of signed report sets, many vendors and nights, turned into a
//! static site and `board.json`.
//!
//! Data flows one way: [`config`] reads KEYS.toml and WAIVERS.toml (every
//! problem stops the board before anything is written); [`scan`] finds the
//! submissions; [`verify`] checks each with the code of `verify`, reusing
//! [`cache`] for unchanged ones; [`rules`] decides statuses and alarms into
//! the [`model`]; [`pages`] and [`badge`] only format it; [`site`] writes
//! the files.

pub(crate) mod badge;
pub(crate) mod cache;
pub(crate) mod config;
mod error;
pub(crate) mod model;
pub(crate) mod pages;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod site;
pub(crate) mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

pub(crate) use error::BoardError;
use model::Board;

/// The board's JSON Schema, shipped by `schemas --out` as `board.json`.
pub(crate) const BOARD_SCHEMA: &str = include_str!("../../schemas/board.json");

/// What `board` was asked for, validated.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub submissions: PathBuf,
    pub keys: PathBuf,
    pub waivers: Option<PathBuf>,
    pub out: PathBuf,
    pub now: jiff::Timestamp,
    pub max_age_days: u32,
    pub history: u32,
}

/// What a build did.
#[derive(Debug)]
pub(crate) struct Built {
    pub board: Board,
    /// Verified runs taken from the cache, not re-hashed.
    pub cached: usize,
    pub verified: usize,
}

/// Builds the board and writes the site. Every input is checked before
/// the first file is written.
pub(crate) fn build(o: &Options) -> Result<Built, BoardError> {
    let vendors = config::load_keys(&o.keys)?;
    let waivers = match &o.waivers {
        Some(path) => config::load_waivers(path, &vendors)?,
        None => Vec::new(),
    };
    let candidates = scan::submissions(&o.submissions).map_err(|e| BoardError::Folder {
        flag: "--submissions",
        path: o.submissions.display().to_string(),
        message: format!("cannot read the folder: {e}"),
        hint: "give the folder holding one sub-folder per vendor",
    })?;
    site::check_writable(&o.out)?;
    let report_base = site::relative_url(&o.out, &o.submissions);
    let old = cache::Cache::load(&o.out);
    let checked: Vec<verify::Checked> = candidates
        .par_iter()
        .map(|c| verify::check(c, &vendors, &old))
        .collect();
    drop(old);
    let (mut rejected, mut entries) = (Vec::new(), BTreeMap::new());
    let mut cached = 0;
    for c in checked {
        match c {
            verify::Checked::Verified(entry, hit) => {
                cached += usize::from(hit);
                entries.insert(entry.run.id.clone(), *entry);
            }
            verify::Checked::Rejected(r) => rejected.push(r),
        }
    }
    let runs: Vec<&model::RunRecord> = entries.values().map(|e: &cache::Entry| &e.run).collect();
    let verified = runs.len();
    let settings = rules::Settings {
        now: o.now,
        max_age_days: o.max_age_days,
        history: o.history,
        report_base,
    };
    let board = rules::decide(&vendors, runs, rejected, &waivers, &settings);
    let new_cache = cache::Cache::new(entries);
    site::write(&o.out, &board, &new_cache)?;
    Ok(Built {
        board,
        cached,
        verified,
    })
}

impl Built {
    /// What the command prints: the statuses, the counts, where the site is.
    pub(crate) fn summary(&self, out: &std::path::Path) -> String {
        let b = &self.board;
        let statuses: Vec<String> = b
            .statuses
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        format!(
            "board: {} vendor(s): {}\n  {} run(s) verified ({} unchanged since the last board, from its cache), {} rejected, {} alarm(s)\n  site: {}\n",
            b.vendors.len(),
            if statuses.is_empty() { "none".into() } else { statuses.join(", ") },
            self.verified,
            self.cached,
            b.rejected.len(),
            b.alarms.len(),
            out.join("index.html").display()
        )
    }
}
