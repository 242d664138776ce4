//! `report.html`: one self-contained page (inline CSS, no script, nothing
//! loaded from anywhere) for the person deciding acceptance and the engineer
//! fixing a failure — the verdict, the requirements, an endpoint × status
//! coverage matrix, the changes against a baseline, and per scenario its
//! steps and redacted evidence. It opens offline and prints with every
//! collapsed section expanded.
//!
//! Every text comes from the (already redacted) run model and is escaped;
//! the only links are to anchors inside the page.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{
    RequirementResult, RequirementStatus, RunReport, ScenarioResult, ScenarioStatus, Verdict,
};
use crate::http::{endpoint_key, ExchangeRecord};

/// The five PSA endpoints, as rows of the coverage matrix.
const ENDPOINTS: [&str; 5] = [
    "GET /api/standard-psa",
    "GET /api/custom-psa",
    "GET /api/custom-psa/tickets",
    "POST /api/standard-psa/{psaType}/credential",
    "POST /api/custom-psa/tickets/{customPsaTicketId}",
];

/// The status codes of the coverage matrix.
const CODES: [u16; 6] = [200, 400, 401, 403, 404, 429];

/// The failing requirement ids the banner names before it says "and n more".
const HEADLINE_IDS: usize = 8;

const STYLE: &str = r#"
:root{--ok:#1a7f37;--ok-bg:#dafbe1;--ok-line:#aceebb;--bad:#c4201f;--bad-bg:#ffebe9;--bad-line:#ffcecb;
--warn:#8a5a00;--warn-bg:#fff8c5;--warn-line:#f2d66b;--mute:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--ink:#1f2328;
--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
*{box-sizing:border-box}
html{color-scheme:light}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1200px;margin:0 auto;padding:28px 32px 64px}
a{color:inherit;text-decoration-color:#8c959f;text-underline-offset:2px}
code,.mono{font-family:var(--mono);font-size:.92em}
.kicker{font-size:12px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;color:var(--mute);margin:0 0 10px}
h2{font-size:19px;margin:40px 0 4px;padding-bottom:6px;border-bottom:1px solid var(--line);display:flex;align-items:baseline;gap:10px}
h2 .n{font-size:13px;font-weight:500;color:var(--mute)}
.lede{color:var(--mute);font-size:13px;margin:6px 0 12px}
.banner{border-radius:12px;border:1px solid;padding:22px 26px 20px;display:grid;grid-template-columns:auto 1fr;gap:6px 20px;align-items:center}
.banner.conformant{background:var(--ok-bg);border-color:var(--ok-line)}
.banner.not-conformant{background:var(--bad-bg);border-color:var(--bad-line)}
.banner.inconclusive{background:var(--warn-bg);border-color:var(--warn-line)}
.mark{grid-row:span 2;width:58px;height:58px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:32px;font-weight:700;color:#fff}
.conformant .mark{background:var(--ok)}.not-conformant .mark{background:var(--bad)}.inconclusive .mark{background:var(--warn)}
.verdict{font-size:30px;font-weight:750;letter-spacing:.01em;margin:0;line-height:1.15}
.conformant .verdict{color:var(--ok)}.not-conformant .verdict{color:var(--bad)}.inconclusive .verdict{color:var(--warn)}
.headline{margin:0;font-size:15px}
dl.meta{grid-column:1/-1;display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:3px 18px;margin:14px 0 0;padding-top:14px;border-top:1px solid rgba(31,35,40,.12);font-size:13px}
dl.meta dt{color:var(--mute)}dl.meta dd{margin:0;overflow-wrap:anywhere}
dl.meta .wide{grid-column:2/-1}
.notice{grid-column:1/-1;margin:12px 0 0;padding:10px 14px;border-radius:8px;background:#fff;border:2px solid var(--warn);color:var(--ink)}
.notice b{color:var(--warn)}.notice ul{margin:4px 0 0;padding-left:20px}
.counts{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:16px 0 0}
.count{border:1px solid var(--line);border-radius:10px;padding:10px 16px}
.count b{display:block;font-size:26px;line-height:1.2;font-variant-numeric:tabular-nums}
.count span{color:var(--mute);font-size:13px}
.count.ok b{color:var(--ok)}.count.bad b{color:var(--bad)}.count.warn b{color:var(--warn)}
nav.toc{margin:14px 0 0;font-size:13px;color:var(--mute)}nav.toc a{margin-right:14px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:var(--soft);font-weight:600;font-size:12px;color:var(--mute);text-transform:uppercase;letter-spacing:.04em}
td.id{white-space:nowrap;font-family:var(--mono);font-weight:600}
tr.flag-failed td:first-child{box-shadow:inset 3px 0 var(--bad)}tr.flag-warned td:first-child{box-shadow:inset 3px 0 var(--warn)}
td.scen{font-size:12px;color:var(--mute);line-height:1.6}td.scen a{color:var(--mute);text-decoration:none}td.scen a:hover{text-decoration:underline}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid transparent;line-height:1.5}
.s-passed{background:var(--ok-bg);color:var(--ok);border-color:var(--ok-line)}
.s-failed,.s-error{background:var(--bad-bg);color:var(--bad);border-color:var(--bad-line)}
.s-warned,.s-flaky{background:var(--warn-bg);color:var(--warn);border-color:var(--warn-line)}
.s-skipped,.s-untested{background:var(--soft);color:var(--mute);border-color:var(--line)}
.reason{color:var(--bad);font-size:12px;margin-top:2px}.warned-reason{color:var(--warn)}
.matrix th,.matrix td{text-align:center;font-variant-numeric:tabular-nums;white-space:nowrap}
.matrix th:first-child,.matrix td:first-child{text-align:left;font-family:var(--mono);font-size:12px}
.matrix td.c-ok{background:#effaf1;color:var(--ok);font-weight:600}
.matrix td.c-bad{background:var(--bad-bg);color:var(--bad);font-weight:700}
.matrix td.c-warn{background:#fffbdd;color:var(--warn);font-weight:600}
.matrix td.c-none{color:#8c959f}
.matrix td{vertical-align:middle}.matrix td.other{font-size:12px;line-height:1.6}
.o-c-ok{color:var(--ok)}.o-c-bad{color:var(--bad)}.o-c-warn{color:var(--warn)}
.matrix .of{font-weight:400;color:var(--mute);font-size:11px}
.legend{font-size:12px;color:var(--mute);margin:8px 0 0}
.chips{display:flex;flex-wrap:wrap;gap:4px}
.chip{font-family:var(--mono);font-size:12px;padding:0 7px;border-radius:6px;background:var(--soft);border:1px solid var(--line)}
.chip.bad{background:var(--bad-bg);border-color:var(--bad-line);color:var(--bad)}.chip.ok{background:var(--ok-bg);border-color:var(--ok-line);color:var(--ok)}
.scenario{border:1px solid var(--line);border-radius:10px;margin:10px 0;background:#fff}
article.scenario{padding:12px 16px 10px}
article.scenario.failed{border-left:4px solid var(--bad)}article.scenario.warned{border-left:4px solid var(--warn)}
.shead{display:flex;gap:8px 10px;align-items:baseline;flex-wrap:wrap}
.shead .name{font-weight:600}
.sid{font-family:var(--mono);color:var(--mute);font-size:12px}
.smeta{font-size:12px;color:var(--mute)}
h3{font-size:14px;margin:22px 0 6px;color:var(--ink)}h3 .n{font-weight:400;color:var(--mute);font-size:12px}
.rows{border:1px solid var(--line);border-radius:10px;overflow:hidden}
.rows details.scenario{border:0;border-radius:0;margin:0;border-top:1px solid var(--line)}
.rows details.scenario:first-child{border-top:0}
.rows details.scenario[open]{background:#fcfcfd}
details.scenario>summary{padding:6px 12px;list-style:none;cursor:pointer;display:flex;align-items:baseline;gap:4px}
details.scenario>summary:hover{background:var(--soft)}
details.scenario>summary .shead{flex:1;display:grid;grid-template-columns:62px 1fr 264px 150px;gap:10px;align-items:baseline}
details.scenario>summary .pill{justify-self:start}
details.scenario>summary .name{font-weight:500}
details.scenario>summary .smeta,details.scenario>summary .sid{white-space:nowrap;text-align:right;overflow:hidden;text-overflow:ellipsis}
details.scenario>summary::-webkit-details-marker{display:none}
details.scenario>summary::before{content:"▸";color:var(--mute);display:inline-block;width:14px}
details.scenario[open]>summary::before{content:"▾"}
details.scenario .sbody{padding:0 16px 10px 30px}
.tags{margin:6px 0 0}
.breaks{margin:10px 0 4px;font-size:13px}
ol.steps{margin:8px 0;padding-left:0;list-style:none;font-size:13px}
ol.steps li{padding:1px 0}
ol.steps .m{display:inline-block;width:18px;font-weight:700}
.st-passed .m{color:var(--ok)}.st-failed{color:var(--bad)}.st-skipped{color:var(--mute)}
.kw{font-weight:600}
pre{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:8px 11px;margin:4px 0;
font:12px/1.5 var(--mono);white-space:pre-wrap;overflow-wrap:anywhere}
pre.failure{background:var(--bad-bg);border-color:var(--bad-line)}
pre.failure.warn{background:var(--warn-bg);border-color:var(--warn-line)}
ul.notes{margin:6px 0;padding-left:18px;font-size:13px;color:var(--mute)}
details.evidence{margin:8px 0 2px}
details.evidence>summary{cursor:pointer;font-size:13px;font-weight:600;color:var(--mute)}
.exchange{border-top:1px solid var(--line);padding:8px 0 4px;margin-top:8px}
.xline{font-family:var(--mono);font-size:12.5px;overflow-wrap:anywhere}
.code{font-family:var(--mono);font-weight:700;padding:0 6px;border-radius:5px;background:var(--soft);border:1px solid var(--line)}
.code.x5,.code.none{background:var(--bad-bg);border-color:var(--bad-line);color:var(--bad)}
.rr{display:grid;grid-template-columns:repeat(auto-fit,minmax(400px,1fr));gap:0 12px}
.lbl{font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;color:var(--mute);margin-top:6px}
.waited{font-size:12px;color:var(--warn);margin:4px 0}
footer{margin-top:44px;padding-top:12px;border-top:1px solid var(--line);color:var(--mute);font-size:12px}
@page{margin:14mm 12mm}
@media print{
body{font-size:11.5px}main{max-width:none;padding:0}nav.toc{display:none}
h2{break-after:avoid}.banner,.counts,tr,.exchange,.shead,pre.failure{break-inside:avoid}
details>summary::before{content:none!important}details.evidence>summary{display:none}
.banner,.pill,.count,.chip,.code,.matrix td,pre,thead th,article.scenario{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{text-decoration:none}
details.scenario>summary .shead{display:flex;flex-wrap:wrap;gap:2px 10px}
details.scenario>summary .sid,details.scenario>summary .smeta{text-align:left}
.rr{grid-template-columns:1fr}
}
@media print{details::details-content{content-visibility:visible;display:block}}
@media print{details:not([open])>:not(summary){display:block}}
@media screen and (max-width:760px){main{padding:16px}.counts{grid-template-columns:repeat(2,1fr)}dl.meta{grid-template-columns:max-content 1fr}dl.meta .wide{grid-column:auto}}
"#;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A status pill: colour and the word itself, so colour is never the only cue.
fn pill(label: &str) -> String {
    format!(r#"<span class="pill s-{0}">{0}</span>"#, escape(label))
}

/// The in-page anchor of a scenario.
fn anchor(scenario_id: &str) -> String {
    format!("s-{}", escape(scenario_id))
}

/// What a reader should make of a scenario: one word, also its CSS class.
fn scenario_label(s: &ScenarioResult, strict: bool) -> &'static str {
    if s.harness_error() {
        "error"
    } else if s.status == ScenarioStatus::Inconclusive {
        "inconclusive"
    } else if s.is_warning(strict) {
        "warned"
    } else if s.is_flaky() {
        "flaky"
    } else {
        match s.status {
            ScenarioStatus::Passed => "passed",
            ScenarioStatus::Failed => "failed",
            ScenarioStatus::Inconclusive => "inconclusive",
            ScenarioStatus::Skipped => "skipped",
        }
    }
}

/// Failures and harness errors first, then warnings, flaky passes, passes, skips.
fn scenario_rank(label: &str) -> u8 {
    match label {
        "failed" | "error" => 0,
        "inconclusive" | "warned" => 1,
        "flaky" => 2,
        "passed" => 3,
        _ => 4,
    }
}

fn requirement_label(status: RequirementStatus) -> &'static str {
    status.name()
}

fn duration_text(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.2} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The path part of the target URL when the API sits below the root
/// (`https://host/ncentral`), so exchange paths can be matched without it.
fn target_path_prefix(target: &str) -> String {
    url::Url::parse(target)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default()
}

/// The matrix row an exchange belongs to, if it went to one of the five endpoints.
fn endpoint_of(e: &ExchangeRecord, prefix: &str) -> Option<&'static str> {
    let method = reqwest::Method::from_bytes(e.method.as_bytes()).ok()?;
    let url = url::Url::parse(&e.url).ok()?;
    let path = url.path();
    let path = path
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(path);
    let key = endpoint_key(&method, path);
    ENDPOINTS.iter().copied().find(|endpoint| *endpoint == key)
}

/// How the scenarios that received one status from one endpoint ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Cell {
    passed: usize,
    warned: usize,
    failed: usize,
}

impl Cell {
    fn total(self) -> usize {
        self.passed + self.warned + self.failed
    }
}

/// (endpoint, status) → how the scenarios that saw it ended; each scenario
/// counts once per cell however many such exchanges it made. Statuses outside
/// [`CODES`] are kept for the matrix's "other" column.
fn coverage(run: &RunReport) -> BTreeMap<(&'static str, u16), Cell> {
    let prefix = target_path_prefix(&run.target);
    let mut cells: BTreeMap<(&'static str, u16), Cell> = BTreeMap::new();
    for s in &run.scenarios {
        let mut seen = BTreeSet::new();
        for e in &s.exchanges {
            let (Some(endpoint), Some(status)) = (endpoint_of(e, &prefix), e.status) else {
                continue;
            };
            if !seen.insert((endpoint, status)) {
                continue;
            }
            let cell = cells.entry((endpoint, status)).or_default();
            match scenario_label(s, run.strict) {
                "passed" | "flaky" => cell.passed += 1,
                "warned" => cell.warned += 1,
                _ => cell.failed += 1,
            }
        }
    }
    cells
}

/// The whole page.
pub fn render(run: &RunReport, summary_json: &str) -> String {
    let mut page = String::with_capacity(32 * 1024 + run.scenarios.len() * 3 * 1024);
    let _ = write!(
        page,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>PSA conformance: {} — {}</title><style>{STYLE}</style></head>
<body><main>
<p class="kicker">N-central PSA integration API · conformance report</p>
"#,
        run.verdict.label(),
        escape(&run.target)
    );
    banner(&mut page, run, summary_json);
    counts(&mut page, run);
    let attention = run
        .scenarios
        .iter()
        .filter(|s| scenario_rank(scenario_label(s, run.strict)) <= 1)
        .count();
    page.push_str(r##"<nav class="toc"><a href="#requirements">Requirements</a><a href="#coverage">Coverage</a>"##);
    if run.regressions.is_some() {
        page.push_str(r##"<a href="#baseline">Against the baseline</a>"##);
    }
    let _ = write!(
        page,
        r##"<a href="#attention">Needing attention ({attention})</a><a href="#others">Other scenarios</a></nav>"##
    );
    if let Some(comparison) = &run.regressions {
        baseline(&mut page, comparison);
    }
    requirements(&mut page, run);
    coverage_matrix(&mut page, run);
    scenarios(&mut page, run);
    let _ = write!(
        page,
        "<footer>Generated by psa-conformance {} from the run that produced summary.json (SHA-256 above). \
         Every text passed through the suite's redaction: tokens, the integration key and PSA passwords read ***. \
         This file loads nothing from the network.</footer>\n</main></body></html>\n",
        env!("CARGO_PKG_VERSION")
    );
    page
}

fn banner(page: &mut String, run: &RunReport, summary_json: &str) {
    let digest: String = Sha256::digest(summary_json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (class, mark) = match run.verdict {
        Verdict::Conformant => ("conformant", "✓"),
        Verdict::Partial => ("partial", "◐"),
        Verdict::NotConformant => ("not-conformant", "✗"),
        Verdict::Inconclusive => ("inconclusive", "?"),
    };
    let _ = write!(
        page,
        r#"<section class="banner {class}"><div class="mark" aria-hidden="true">{mark}</div><h1 class="verdict">{}</h1><p class="headline">{}</p><dl class="meta">"#,
        run.verdict.label(),
        headline(run)
    );
    let strict = if run.strict {
        "on — SHOULD failures count as failures"
    } else {
        "off — SHOULD failures are warnings"
    };
    let pairs = [
        ("Target", escape(&run.target)),
        ("Profile", escape(&run.profile.to_string())),
        ("Started", escape(&run.started_at)),
        ("Strict mode", strict.to_string()),
        ("Duration", duration_text(run.duration_ms)),
        ("Suite version", escape(env!("CARGO_PKG_VERSION"))),
    ];
    for (term, value) in pairs {
        let _ = write!(page, "<dt>{term}</dt><dd>{value}</dd>");
    }
    let _ = write!(
        page,
        r#"<dt>summary.json SHA-256</dt><dd class="wide mono">{digest}</dd>"#
    );
    if let Some(key) = &run.signed_by {
        let _ = write!(
            page,
            r#"<dt>Signed</dt><dd class="wide">by Ed25519 key <span class="mono">{}</span> — attestation.json beside this file; check it with <code>psa-conformance verify --key KEYFILE.pub DIR</code></dd>"#,
            escape(key)
        );
    }
    page.push_str("</dl>");
    if run.tls_insecure {
        page.push_str(r#"<div class="notice"><b>⚠ TLS certificate verification was skipped for this run</b> (<code>tls.insecure_skip_verify</code>): the suite did not verify whom it was talking to.</div>"#);
    }
    let _ = write!(
        page,
        r#"<p class="why"><b>Why:</b> {}</p>"#,
        escape(&run.verdict_explanation())
    );
    if !run.secrets_not_checked.is_empty() {
        let _ = write!(
            page,
            r#"<div class="notice"><b>ERR-03 could not check every secret</b>: too short to tell from ordinary words: {}.</div>"#,
            escape(&run.secrets_not_checked.join(", "))
        );
    }
    page.push_str("</section>\n");
}

/// One sentence under the verdict: how the requirements ended, naming the failed ones.
fn headline(run: &RunReport) -> String {
    let with = |status: RequirementStatus| -> Vec<&str> {
        run.requirements
            .iter()
            .filter(|r| r.status == status)
            .map(|r| r.id)
            .collect()
    };
    let failed = with(RequirementStatus::Failed);
    let warned = with(RequirementStatus::Warned);
    let total = run.requirements.len();
    let mut parts = Vec::new();
    if !failed.is_empty() {
        let mut ids = failed
            .iter()
            .take(HEADLINE_IDS)
            .map(|id| escape(id))
            .collect::<Vec<_>>()
            .join(", ");
        if failed.len() > HEADLINE_IDS {
            let _ = write!(ids, " and {} more", failed.len() - HEADLINE_IDS);
        }
        parts.push(format!("<b>{} failed</b>: {ids}", failed.len()));
    }
    if !warned.is_empty() {
        parts.push(format!(
            "{} warned: {}",
            warned.len(),
            escape(&warned.join(", "))
        ));
    }
    for (status, word) in [
        (RequirementStatus::Passed, "passed"),
        (RequirementStatus::Inconclusive, "inconclusive"),
        (RequirementStatus::Untested, "untested"),
        (RequirementStatus::NotApplicable, "not applicable"),
    ] {
        let n = with(status).len();
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    format!(
        "{} of profile {}: {}.",
        plural(total, "requirement", "requirements"),
        escape(&run.profile.to_string()),
        parts.join(" · ")
    )
}

fn counts(page: &mut String, run: &RunReport) {
    let c = run.counts;
    page.push_str(r#"<div class="counts">"#);
    for (n, label, tone) in [
        (c.passed, "scenarios passed", "ok"),
        (c.failed, "failed", "bad"),
        (c.warned, "warned (SHOULD)", "warn"),
        (c.skipped, "skipped", ""),
    ] {
        let tone = if n > 0 { tone } else { "" };
        let _ = write!(
            page,
            r#"<div class="count {tone}"><b>{n}</b><span>{label}</span></div>"#
        );
    }
    page.push_str("</div>\n");
}

fn baseline(page: &mut String, comparison: &super::compare::Comparison) {
    let _ = write!(
        page,
        r#"<h2 id="baseline">Against the baseline <span class="n">{}</span></h2><p class="lede">Requirements and scenarios compared with the <code>summary.json</code> given as <code>--baseline</code>.</p><table><tbody>"#,
        if comparison.regressed() {
            "regression"
        } else {
            "no regression"
        }
    );
    for (label, items, tone) in [
        ("New failures", &comparison.new_failures, "bad"),
        ("Fixed", &comparison.fixed, "ok"),
        ("Still failing", &comparison.still_failing, ""),
        ("Added scenarios", &comparison.added_scenarios, ""),
        ("Removed scenarios", &comparison.removed_scenarios, ""),
    ] {
        let _ = write!(
            page,
            r#"<tr><th style="width:210px">{label} <span class="n">({})</span></th><td>"#,
            items.len()
        );
        if items.is_empty() {
            page.push_str(r#"<span class="smeta">none</span>"#);
        } else {
            page.push_str(r#"<div class="chips">"#);
            for item in items {
                let _ = write!(page, r#"<span class="chip {tone}">{}</span>"#, escape(item));
            }
            page.push_str("</div>");
        }
        page.push_str("</td></tr>");
    }
    page.push_str("</tbody></table>\n");
}

fn requirements(page: &mut String, run: &RunReport) {
    let mut ordered: Vec<&RequirementResult> = run.requirements.iter().collect();
    // Stable: failed, then warned, then the rest in catalog order.
    ordered.sort_by_key(|r| match r.status {
        RequirementStatus::Failed => 0,
        RequirementStatus::Warned => 1,
        _ => 2,
    });
    let _ = write!(
        page,
        r#"<h2 id="requirements">Requirements <span class="n">{}</span></h2><p class="lede">A MUST failure makes the target not conformant; a SHOULD failure is a warning unless the run is strict. A requirement no scenario checked is untested, never passed.</p>
<table><thead><tr><th>ID</th><th>Level</th><th>Requirement</th><th>Status</th><th>Scenarios</th></tr></thead><tbody>"#,
        run.requirements.len()
    );
    for r in ordered {
        let label = requirement_label(r.status);
        let reason = if matches!(
            r.status,
            RequirementStatus::Failed | RequirementStatus::Warned
        ) {
            run.scenarios
                .iter()
                .filter(|s| s.status == ScenarioStatus::Failed && r.scenarios.contains(&s.id))
                .find_map(|s| s.failure_title())
                .map(|title| {
                    let class = if r.status == RequirementStatus::Warned {
                        "reason warned-reason"
                    } else {
                        "reason"
                    };
                    format!(r#"<div class="{class}">{}</div>"#, escape(title))
                })
                .unwrap_or_default()
        } else {
            String::new()
        };
        let _ = write!(
            page,
            r#"<tr class="flag-{label}"><td class="id">{}</td><td>{}</td><td>{}{reason}</td><td>{}</td><td class="scen">{}</td></tr>"#,
            escape(r.id),
            r.level,
            escape(r.title),
            pill(label),
            scenario_links(&r.scenarios)
        );
    }
    page.push_str("</tbody></table>\n");
}

/// `features/x.feature:10`, `…:12` → `x.feature: 10, 12`, each number a link
/// to the scenario; one line a file.
fn scenario_links(ids: &[String]) -> String {
    if ids.is_empty() {
        return "no scenario in this run".into();
    }
    let mut by_file: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for id in ids {
        let (file, line) = match id.rsplit_once(':') {
            Some((file, line)) if !file.starts_with("run-wide") => (file, line),
            _ => ("", id.as_str()),
        };
        let file = file.trim_start_matches("features/");
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, links)) => links.push((id, line)),
            None => by_file.push((file, vec![(id, line)])),
        }
    }
    by_file
        .iter()
        .map(|(file, links)| {
            let links = links
                .iter()
                .map(|(id, text)| format!(r##"<a href="#{}">{}</a>"##, anchor(id), escape(text)))
                .collect::<Vec<_>>()
                .join(", ");
            if file.is_empty() {
                links
            } else {
                format!("{}: {links}", escape(file))
            }
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn coverage_matrix(page: &mut String, run: &RunReport) {
    let cells = coverage(run);
    page.push_str(r#"<h2 id="coverage">Endpoint × status coverage</h2><p class="lede">Which answers each endpoint gave during the run, and how the scenarios that received them ended.</p><table class="matrix"><thead><tr><th>Endpoint</th>"#);
    for code in CODES {
        let _ = write!(page, "<th>{code}</th>");
    }
    page.push_str("<th>other</th></tr></thead><tbody>");
    for endpoint in ENDPOINTS {
        let _ = write!(page, "<tr><td>{}</td>", escape(endpoint));
        for code in CODES {
            match cells.get(&(endpoint, code)).copied() {
                None => page.push_str(r#"<td class="c-none">—</td>"#),
                Some(cell) => {
                    let _ = write!(
                        page,
                        r#"<td class="{}">{}</td>"#,
                        cell_class(cell),
                        cell_text(cell)
                    );
                }
            }
        }
        let others: Vec<(u16, Cell)> = cells
            .iter()
            .filter(|((e, code), _)| *e == endpoint && !CODES.contains(code))
            .map(|((_, code), cell)| (*code, *cell))
            .collect();
        if others.is_empty() {
            page.push_str(r#"<td class="c-none">—</td>"#);
        } else {
            let worst = others
                .iter()
                .map(|(_, cell)| *cell)
                .max_by_key(|cell| (cell.failed > 0, cell.warned > 0))
                .unwrap_or_default();
            let texts: Vec<String> = others
                .iter()
                .map(|(code, cell)| {
                    format!(
                        r#"<span class="o-{}">{code}: {}</span>"#,
                        cell_class(*cell),
                        cell_text(*cell)
                    )
                })
                .collect();
            let _ = write!(
                page,
                r#"<td class="{} other">{}</td>"#,
                cell_class(worst),
                texts.join("<br>")
            );
        }
        page.push_str("</tr>");
    }
    page.push_str(r#"</tbody></table><p class="legend">✓ n — n scenarios received this status and all passed · ✗ n of m — n of the m scenarios failed · ! n of m — n ended with a SHOULD warning · — not exercised · other — any further status, such as a 5xx</p>"#);
    page.push('\n');
}

fn cell_class(cell: Cell) -> &'static str {
    if cell.failed > 0 {
        "c-bad"
    } else if cell.warned > 0 {
        "c-warn"
    } else {
        "c-ok"
    }
}

fn cell_text(cell: Cell) -> String {
    if cell.failed > 0 {
        format!(
            r#"✗ {} <span class="of">of {}</span>"#,
            cell.failed,
            cell.total()
        )
    } else if cell.warned > 0 {
        format!(
            r#"! {} <span class="of">of {}</span>"#,
            cell.warned,
            cell.total()
        )
    } else {
        format!("✓ {}", cell.passed)
    }
}

fn scenarios(page: &mut String, run: &RunReport) {
    let mut ordered: Vec<(&ScenarioResult, &'static str)> = run
        .scenarios
        .iter()
        .map(|s| (s, scenario_label(s, run.strict)))
        .collect();
    ordered.sort_by_key(|(_, label)| scenario_rank(label));
    let (attention, others): (Vec<_>, Vec<_>) = ordered
        .into_iter()
        .partition(|(_, label)| scenario_rank(label) <= 1);
    let _ = write!(
        page,
        r#"<h2 id="attention">Needing attention <span class="n">{}</span></h2>"#,
        plural(attention.len(), "scenario", "scenarios")
    );
    if attention.is_empty() {
        page.push_str(r#"<p class="lede">None: no scenario failed, ended in a harness error or with a SHOULD warning.</p>"#);
    } else {
        page.push_str(r#"<p class="lede">Failures and harness errors, then SHOULD warnings — each with the failure as expected vs actual, and the exchanges that prove it.</p>"#);
    }
    for (s, label) in attention {
        let class = if label == "warned" {
            "warned"
        } else {
            "failed"
        };
        let _ = write!(
            page,
            r#"<article class="scenario {class}" id="{}"><div class="shead">"#,
            anchor(&s.id)
        );
        scenario_head(page, s, label);
        page.push_str("</div>");
        scenario_body(page, run, s, label);
        page.push_str("</article>\n");
    }
    let flaky = others.iter().filter(|(_, label)| *label == "flaky").count();
    let _ = write!(
        page,
        r#"<h2 id="others">Other scenarios <span class="n">{}{}</span></h2><p class="lede">Passed and skipped, by feature; flaky means passed only after a 429 was waited out. Open one for its steps and evidence.</p>"#,
        plural(others.len(), "scenario", "scenarios"),
        if flaky > 0 {
            format!(" · {flaky} flaky")
        } else {
            String::new()
        }
    );
    let mut features: Vec<(&str, Vec<(&ScenarioResult, &str)>)> = Vec::new();
    for (s, label) in others {
        match features.iter_mut().find(|(name, _)| *name == s.feature) {
            Some((_, members)) => members.push((s, label)),
            None => features.push((&s.feature, vec![(s, label)])),
        }
    }
    for (feature, members) in features {
        let _ = write!(
            page,
            r#"<h3>{} <span class="n">{}</span></h3><div class="rows">"#,
            escape(feature),
            members.len()
        );
        for (s, label) in members {
            let _ = write!(
                page,
                r#"<details class="scenario" id="{}"><summary><span class="shead">"#,
                anchor(&s.id)
            );
            scenario_head(page, s, label);
            page.push_str(r#"</span></summary><div class="sbody">"#);
            scenario_body(page, run, s, label);
            page.push_str("</div></details>\n");
        }
        page.push_str("</div>");
    }
}

fn scenario_head(page: &mut String, s: &ScenarioResult, label: &str) {
    let _ = write!(
        page,
        r#"{} <span class="name">{}</span> <span class="sid">{}</span> <span class="smeta">{} · {} · {}</span>"#,
        pill(label),
        escape(&s.name),
        escape(&s.id),
        escape(&s.requirements.join(", ")),
        s.level,
        duration_text(s.duration_ms)
    );
}

fn scenario_body(page: &mut String, run: &RunReport, s: &ScenarioResult, label: &str) {
    if !s.tags.is_empty() {
        page.push_str(r#"<div class="tags chips">"#);
        for tag in &s.tags {
            let _ = write!(page, r#"<span class="chip">{}</span>"#, escape(tag));
        }
        page.push_str("</div>");
    }
    if let Some(reason) = &s.skip_reason {
        let _ = write!(
            page,
            r#"<p class="breaks"><b>Skipped:</b> {}</p>"#,
            escape(reason)
        );
    }
    if let Some(failure) = &s.failure {
        let heading = match label {
            "error" => "Harness error — the suite could not make this check; not a finding about the target.".to_string(),
            "warned" => format!("SHOULD not met (a warning; a failure with --strict): {}", broken_requirements(run, s)),
            _ => format!("Breaks {}", broken_requirements(run, s)),
        };
        let class = if label == "warned" {
            "failure warn"
        } else {
            "failure"
        };
        let _ = write!(
            page,
            r#"<p class="breaks"><b>{heading}</b></p><pre class="{class}">{}</pre>"#,
            escape(failure)
        );
    }
    if !s.steps.is_empty() {
        page.push_str(r#"<ol class="steps">"#);
        for step in &s.steps {
            let (class, mark) = match step.status {
                ScenarioStatus::Passed => ("st-passed", "✓"),
                ScenarioStatus::Failed => ("st-failed", "✗"),
                ScenarioStatus::Inconclusive => ("st-skipped", "?"),
                ScenarioStatus::Skipped => ("st-skipped", "–"),
            };
            let _ = write!(
                page,
                r#"<li class="{class}"><span class="m">{mark}</span><span class="kw">{}</span> {}</li>"#,
                escape(step.keyword.trim()),
                escape(&step.text)
            );
        }
        page.push_str("</ol>");
    }
    if !s.notes.is_empty() {
        page.push_str(r#"<ul class="notes">"#);
        for note in &s.notes {
            let _ = write!(page, "<li>{}</li>", escape(note));
        }
        page.push_str("</ul>");
    }
    if !s.exchanges.is_empty() {
        let open = if matches!(label, "failed" | "error" | "warned") {
            " open"
        } else {
            ""
        };
        let _ = write!(
            page,
            r#"<details class="evidence"{open}><summary>Evidence: {}</summary>"#,
            plural(s.exchanges.len(), "exchange", "exchanges")
        );
        for e in &s.exchanges {
            exchange(page, e);
        }
        page.push_str("</details>");
    }
}

/// `ERR-03 (MUST) — no response echoes …`, for each requirement of a scenario.
fn broken_requirements(run: &RunReport, s: &ScenarioResult) -> String {
    s.requirements
        .iter()
        .map(|id| match run.requirements.iter().find(|r| r.id == id) {
            Some(r) => format!("{} ({}) — {}", escape(r.id), r.level, escape(r.title)),
            None => format!("{} ({})", escape(id), s.level),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn headers_text(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn message_text(headers: &[(String, String)], body: Option<&str>) -> String {
    let mut text = headers_text(headers);
    if let Some(body) = body {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(body);
    }
    text
}

fn exchange(page: &mut String, e: &ExchangeRecord) {
    let status = match e.status {
        Some(code) => format!(
            r#"<span class="code{}">{code}</span>"#,
            if code >= 500 { " x5" } else { "" }
        ),
        None => r#"<span class="code none">no response</span>"#.to_string(),
    };
    let _ = write!(
        page,
        r#"<div class="exchange"><div class="xline"><b>{}</b> {} → {status} <span class="smeta">{:.1} ms</span></div>"#,
        escape(&e.method),
        escape(&e.url),
        e.elapsed_ms
    );
    for waited in &e.waited_out {
        let _ = write!(
            page,
            r#"<p class="waited">Waited out a {} for {} ms (Retry-After: {}) and retried — politeness toward the server, not a finding.</p>"#,
            waited.status,
            waited.waited_ms,
            escape(waited.retry_after.as_deref().unwrap_or("none"))
        );
    }
    page.push_str(r#"<div class="rr"><div><div class="lbl">Request</div>"#);
    let _ = write!(
        page,
        "<pre>{}</pre></div>",
        escape(&message_text(&e.request_headers, e.request_body.as_deref()))
    );
    if let Some(error) = &e.transport_error {
        let _ = write!(
            page,
            r#"<div><div class="lbl">Transport error</div><pre class="failure">{}</pre></div>"#,
            escape(error)
        );
    }
    if e.status.is_some() {
        let _ = write!(
            page,
            r#"<div><div class="lbl">Response</div><pre>{}</pre></div>"#,
            escape(&message_text(
                &e.response_headers,
                e.response_body.as_deref()
            ))
        );
    }
    page.push_str("</div></div>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Level, Profile};
    use crate::http::WaitedOut;
    use crate::report::{Counts, StepResult};

    const TARGET: &str = "https://psa.example.test/ncentral";

    fn exchange_record(path: &str, status: Option<u16>, body: &str) -> ExchangeRecord {
        ExchangeRecord {
            method: "POST".into(),
            url: format!("{TARGET}{path}"),
            request_headers: vec![("Authorization".into(), "Bearer ***".into())],
            request_body: Some(r#"{"password": "***"}"#.into()),
            status,
            response_headers: vec![("content-type".into(), "application/json".into())],
            response_body: Some(body.into()),
            transport_error: None,
            elapsed_ms: 3.5,
            waited_out: Vec::new(),
        }
    }

    fn scenario(
        id: &str,
        status: ScenarioStatus,
        exchanges: Vec<ExchangeRecord>,
    ) -> ScenarioResult {
        ScenarioResult {
            id: id.into(),
            feature: "Tickets".into(),
            name: format!("scenario at {id}"),
            tags: vec!["@TCKT-05".into()],
            requirements: vec!["TCKT-05".into()],
            level: Level::Must,
            status,
            undecided: None,
            failure: (status == ScenarioStatus::Failed).then(|| {
                "status <b>200</b> & 'not' \"404\"\n  expected  404\n  actual    200".into()
            }),
            skip_reason: None,
            duration_ms: 12,
            steps: vec![StepResult {
                line: 9,
                keyword: "Then ".into(),
                text: "the response status is 404".into(),
                status,
                error: None,
            }],
            exchanges,
            notes: vec!["a note <i>".into()],
        }
    }

    fn sample_run() -> RunReport {
        let failing = scenario(
            "features/tickets.feature:34",
            ScenarioStatus::Failed,
            vec![exchange_record(
                "/api/custom-psa/tickets/999999937",
                Some(200),
                r#"{"message": "<script>alert(1)</script> see https://elsewhere.test/x"}"#,
            )],
        );
        let mut flaky_exchange =
            exchange_record("/api/custom-psa/tickets/1142285696", Some(404), "{}");
        flaky_exchange.waited_out.push(WaitedOut {
            status: 429,
            retry_after: Some("1".into()),
            waited_ms: 1000,
        });
        let flaky = scenario(
            "features/tickets.feature:40",
            ScenarioStatus::Passed,
            vec![flaky_exchange],
        );
        RunReport {
            verdict: Verdict::NotConformant,
            profile: Profile::Core,
            strict: false,
            target: TARGET.into(),
            started_at: "2026-11-28T06:00:00Z".into(),
            duration_ms: 1234,
            counts: Counts {
                passed: 1,
                failed: 1,
                warned: 0,
                skipped: 0,
                inconclusive: 0,
            },
            requirements: vec![RequirementResult {
                id: "TCKT-05",
                level: Level::Must,
                section: 5,
                title: "unknown well-formed ticket id → 404",
                status: RequirementStatus::Failed,
                scenarios: vec![
                    "features/tickets.feature:34".into(),
                    "features/tickets.feature:40".into(),
                ],
            }],
            scenarios: vec![flaky, failing],
            inconclusive_reasons: Vec::new(),
            secrets_not_checked: Vec::new(),
            tls_insecure: true,
            regressions: None,
            signed_by: None,
        }
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn model_text_is_escaped_and_the_failure_is_shown_first() {
        let page = {
            let run = sample_run();
            render(&run, &run.summary().to_json())
        };
        assert!(page.contains("NOT CONFORMANT"));
        assert!(page.contains("TLS certificate verification was skipped"));
        assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
        assert!(page.contains("status &lt;b&gt;200&lt;/b&gt; &amp; &#39;not&#39; &quot;404&quot;"));
        assert!(page.contains("a note &lt;i&gt;"));
        let failing = page
            .find(r#"id="s-features/tickets.feature:34""#)
            .expect("the failing scenario has its anchor");
        let flaky = page
            .find(r#"id="s-features/tickets.feature:40""#)
            .expect("the flaky scenario has its anchor");
        assert!(failing < flaky, "failures come before passes");
        assert!(page.contains(r#"<span class="pill s-flaky">flaky</span>"#));
        assert!(page.contains("Waited out a 429 for 1000 ms"));
    }

    #[test]
    fn the_coverage_matrix_places_exchanges_below_a_path_prefix() {
        let cells = coverage(&sample_run());
        let ticket = "POST /api/custom-psa/tickets/{customPsaTicketId}";
        assert_eq!(
            cells.get(&(ticket, 200)).copied(),
            Some(Cell {
                passed: 0,
                warned: 0,
                failed: 1
            })
        );
        assert_eq!(
            cells.get(&(ticket, 404)).copied(),
            Some(Cell {
                passed: 1,
                warned: 0,
                failed: 0
            })
        );
        assert_eq!(cells.len(), 2);
    }

    #[test]
    fn the_page_links_only_inside_itself_and_names_no_other_url() {
        let page = {
            let run = sample_run();
            render(&run, &run.summary().to_json())
        };
        for needle in [
            "<script", "<link", "@import", "url(", "src=", "<img", "<iframe",
        ] {
            assert!(!page.contains(needle), "{needle}");
        }
        for (at, _) in page.match_indices("href=\"") {
            assert!(
                page[at + 6..].starts_with('#'),
                "an outside link: {}",
                &page[at..at + 40]
            );
        }
        // Every URL in the page is text: the target's own, or one quoted in a body.
        for (at, _) in page.match_indices("http") {
            let rest = &page[at..];
            assert!(
                rest.starts_with(TARGET) || rest.starts_with("https://elsewhere.test/x"),
                "an unexpected URL: {}",
                &rest[..rest.len().min(60)]
            );
        }
    }
}
