//! `report.html`: one self-contained page (inline CSS, no script, nothing
//! loaded from anywhere) for the person deciding acceptance and the engineer
//! fixing a failure — the verdict, the requirements, an endpoint × status
//! coverage matrix, and per scenario its steps and redacted evidence.
//!
//! Every text comes from the (already redacted) run model and is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{RequirementStatus, RunReport, ScenarioResult, ScenarioStatus, Verdict};
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

const STYLE: &str = r#"
:root{--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;
--mute:#57606a;--line:#d0d7de;--soft:#f6f8fa;--ink:#1f2328}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px 28px 64px}
h1{font-size:15px;font-weight:600;color:var(--mute);margin:0 0 12px;letter-spacing:.02em;text-transform:uppercase}
h2{font-size:18px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.banner{border-radius:10px;padding:22px 26px;border:1px solid}
.banner.conformant{background:var(--ok-bg);border-color:var(--ok)}
.banner.not-conformant{background:var(--bad-bg);border-color:var(--bad)}
.banner.inconclusive{background:var(--warn-bg);border-color:var(--warn)}
.verdict{font-size:32px;font-weight:700;letter-spacing:.01em;margin:0}
.conformant .verdict{color:var(--ok)}.not-conformant .verdict{color:var(--bad)}.inconclusive .verdict{color:var(--warn)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:14px 0 0}
dl.meta dt{color:var(--mute)}dl.meta dd{margin:0;word-break:break-all}
.notice{margin-top:14px;padding:10px 14px;border-radius:6px;background:#fff;border:1px solid var(--warn);color:var(--warn);font-weight:600}
.counts{display:flex;gap:12px;flex-wrap:wrap;margin:18px 0 0}
.count{flex:1;min-width:130px;border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--soft)}
.count b{display:block;font-size:24px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}
td.id{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.s-passed{background:var(--ok-bg);color:var(--ok)}.s-failed,.s-error{background:var(--bad-bg);color:var(--bad)}
.s-warned,.s-flaky{background:var(--warn-bg);color:var(--warn)}.s-skipped,.s-untested{background:var(--soft);color:var(--mute)}
.matrix td{text-align:center}.matrix td:first-child{text-align:left;font-family:ui-monospace,Menlo,monospace}
.cell-ok{color:var(--ok);font-weight:600}.cell-bad{color:var(--bad);font-weight:700}.cell-none{color:var(--mute)}
.scenario{border:1px solid var(--line);border-radius:8px;margin:10px 0;padding:10px 14px}
.scenario.failed{border-left:4px solid var(--bad)}.scenario.warned{border-left:4px solid var(--warn)}
.scenario header{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.scenario .sid{font-family:ui-monospace,Menlo,monospace;color:var(--mute);font-size:12px}
ol.steps{margin:6px 0;padding-left:22px}ol.steps li{margin:1px 0}
.kw{font-weight:600}.step-failed{color:var(--bad)}.step-skipped{color:var(--mute)}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow-x:auto;
font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-word;margin:6px 0}
pre.failure{background:var(--bad-bg);border-color:#ffcecb}
details{margin:6px 0}summary{cursor:pointer;color:var(--mute)}
.exchange{border-top:1px dashed var(--line);padding-top:6px;margin-top:6px}
.muted{color:var(--mute)}.reason{color:var(--bad);margin-top:2px}.small{font-size:12px}
footer{margin-top:40px;color:var(--mute);font-size:12px}
@media print{details>*{display:block}details:not([open])>summary~*{display:block}summary{display:none}
.banner,.count,pre,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}.scenario{break-inside:avoid}}
"#;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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

fn pill(label: &str) -> String {
    format!(r#"<span class="pill s-{0}">{0}</span>"#, escape(label))
}

fn scenario_label(s: &ScenarioResult, strict: bool) -> &'static str {
    if s.harness_error {
        "error"
    } else if s.is_warning(strict) {
        "warned"
    } else if s.is_flaky() {
        "flaky"
    } else {
        match s.status {
            ScenarioStatus::Passed => "passed",
            ScenarioStatus::Failed => "failed",
            ScenarioStatus::Skipped => "skipped",
        }
    }
}

fn status_label(s: RequirementStatus) -> &'static str {
    match s {
        RequirementStatus::Failed => "failed",
        RequirementStatus::Warned => "warned",
        RequirementStatus::Passed => "passed",
        RequirementStatus::Skipped => "skipped",
        RequirementStatus::Untested => "untested",
    }
}

/// The endpoint an exchange went to, if it is one of the five.
fn endpoint_of(e: &ExchangeRecord) -> Option<&'static str> {
    let method = reqwest::Method::from_bytes(e.method.as_bytes()).ok()?;
    let path = url::Url::parse(&e.url).ok()?.path().to_string();
    let key = endpoint_key(&method, &path);
    ENDPOINTS.iter().copied().find(|ep| *ep == key)
}

/// (endpoint, status) → (scenarios passed, scenarios not passed).
fn coverage(run: &RunReport) -> BTreeMap<(&'static str, u16), (usize, usize)> {
    let mut cells: BTreeMap<(&'static str, u16), (usize, usize)> = BTreeMap::new();
    for s in &run.scenarios {
        let ok = s.status == ScenarioStatus::Passed || s.is_warning(run.strict);
        let mut seen = std::collections::BTreeSet::new();
        for e in &s.exchanges {
            if let (Some(ep), Some(status)) = (endpoint_of(e), e.status) {
                if CODES.contains(&status) && seen.insert((ep, status)) {
                    let cell = cells.entry((ep, status)).or_default();
                    if ok {
                        cell.0 += 1;
                    } else {
                        cell.1 += 1;
                    }
                }
            }
        }
    }
    cells
}

/// The whole page.
pub fn render(run: &RunReport) -> String {
    let summary_json = run.summary().to_json();
    let digest: String = Sha256::digest(summary_json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let verdict_class = match run.verdict {
        Verdict::Conformant => "conformant",
        Verdict::NotConformant => "not-conformant",
        Verdict::Inconclusive => "inconclusive",
    };
    let mut h = String::with_capacity(64 * 1024 + run.scenarios.len() * 2048);
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>PSA conformance: {} — {}</title><style>{STYLE}</style></head><body><main>"#,
        run.verdict.label(),
        escape(&run.target)
    );
    h.push_str("<h1>N-central PSA integration API · conformance report</h1>");

    // Verdict banner.
    let _ = write!(
        h,
        r#"<section class="banner {verdict_class}"><p class="verdict">{}</p><dl class="meta">"#,
        run.verdict.label()
    );
    let meta = [
        ("Target", run.target.clone()),
        (
            "Profile",
            format!(
                "{}{}",
                run.profile,
                if run.strict {
                    " · strict (SHOULD counts as MUST)"
                } else {
                    ""
                }
            ),
        ),
        ("Suite version", env!("CARGO_PKG_VERSION").to_string()),
        ("Started", run.started_at.clone()),
        ("Duration", format!("{} ms", run.duration_ms)),
        ("summary.json SHA-256", digest),
    ];
    for (k, v) in meta {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    }
    h.push_str("</dl>");
    if run.tls_insecure {
        h.push_str(r#"<div class="notice">TLS certificate verification was skipped for this run (tls.insecure_skip_verify).</div>"#);
    }
    for reason in &run.inconclusive_reasons {
        let _ = write!(
            h,
            r#"<div class="notice">Inconclusive: {}</div>"#,
            escape(reason)
        );
    }
    let c = run.counts;
    h.push_str(r#"<div class="counts">"#);
    for (label, n) in [
        ("scenarios passed", c.passed),
        ("failed", c.failed),
        ("warned (SHOULD)", c.warned),
        ("skipped", c.skipped),
    ] {
        let _ = write!(h, r#"<div class="count"><b>{n}</b>{}</div>"#, escape(label));
    }
    h.push_str("</div></section>");

    // Regressions.
    if let Some(cmp) = &run.regressions {
        h.push_str("<h2>Against the baseline</h2><table><tbody>");
        for (label, items) in [
            ("New failures", &cmp.new_failures),
            ("Fixed", &cmp.fixed),
            ("Still failing", &cmp.still_failing),
            ("Added scenarios", &cmp.added_scenarios),
            ("Removed scenarios", &cmp.removed_scenarios),
        ] {
            let _ = write!(
                h,
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(label),
                if items.is_empty() {
                    "—".to_string()
                } else {
                    escape(&items.join(", "))
                }
            );
        }
        h.push_str("</tbody></table>");
    }

    // Requirements, failures first.
    let mut requirements: Vec<_> = run.requirements.iter().collect();
    requirements.sort_by_key(|r| r.status);
    h.push_str("<h2>Requirements</h2><table><thead><tr><th>ID</th><th>Level</th><th>Requirement</th><th>Status</th><th>Scenarios</th></tr></thead><tbody>");
    for r in requirements {
        let flagged = matches!(
            r.status,
            RequirementStatus::Failed | RequirementStatus::Warned
        );
        let reason = run
            .scenarios
            .iter()
            .filter(|_| flagged)
            .filter(|s| s.status == ScenarioStatus::Failed && r.scenarios.contains(&s.id))
            .find_map(|s| s.failure_title())
            .map(|t| format!(r#"<div class="small reason">{}</div>"#, escape(t)))
            .unwrap_or_default();
        let _ = write!(
            h,
            r#"<tr><td class="id">{}</td><td>{}</td><td>{}{reason}</td><td>{}</td><td class="small muted">{}</td></tr>"#,
            r.id,
            r.level,
            escape(r.title),
            pill(status_label(r.status)),
            grouped_ids(&r.scenarios)
        );
    }
    h.push_str("</tbody></table>");

    // Coverage matrix.
    let cells = coverage(run);
    h.push_str(r#"<h2>Endpoint × status coverage</h2><p class="muted small">Which answers each endpoint gave during the run, and whether the scenarios that saw them passed: ✓ n = n scenarios, all passed; ✗ n = n scenarios with a failure; — = not exercised.</p><table class="matrix"><thead><tr><th>Endpoint</th>"#);
    for code in CODES {
        let _ = write!(h, "<th>{code}</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for ep in ENDPOINTS {
        let _ = write!(h, "<tr><td>{}</td>", escape(ep));
        for code in CODES {
            match cells.get(&(ep, code)) {
                Some((ok, 0)) => {
                    let _ = write!(h, r#"<td class="cell-ok">✓ {ok}</td>"#);
                }
                Some((ok, bad)) => {
                    let _ = write!(
                        h,
                        r#"<td class="cell-bad">✗ {bad}<span class="muted small"> / {}</span></td>"#,
                        ok + bad
                    );
                }
                None => h.push_str(r#"<td class="cell-none">—</td>"#),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");

    // Scenarios: failures, warnings and errors first.
    let mut scenarios: Vec<&ScenarioResult> = run.scenarios.iter().collect();
    scenarios.sort_by_key(|s| match scenario_label(s, run.strict) {
        "failed" | "error" => 0,
        "warned" => 1,
        "flaky" => 2,
        "skipped" => 4,
        _ => 3,
    });
    h.push_str("<h2>Scenarios</h2>");
    for s in scenarios {
        scenario(&mut h, s, run.strict);
    }
    let _ = write!(
        h,
        "<footer>Generated by psa-conformance {}. Secrets (tokens, the integration key, PSA passwords) are shown as ***.</footer></main></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// `features/x.feature:10`, `…:12` → `x.feature: 10, 12`, one line a file.
fn grouped_ids(ids: &[String]) -> String {
    if ids.is_empty() {
        return "no scenario checked it".into();
    }
    let mut by_file: Vec<(String, Vec<String>)> = Vec::new();
    for id in ids {
        let (file, line) = id.rsplit_once(':').unwrap_or((id.as_str(), ""));
        let file = file.trim_start_matches("features/").to_string();
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, lines)) => lines.push(line.to_string()),
            None => by_file.push((file, vec![line.to_string()])),
        }
    }
    by_file
        .iter()
        .map(|(f, lines)| format!("{}: {}", escape(f), escape(&lines.join(", "))))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn scenario(h: &mut String, s: &ScenarioResult, strict: bool) {
    let label = scenario_label(s, strict);
    let class = match label {
        "failed" | "error" => "failed",
        "warned" => "warned",
        _ => "",
    };
    let _ = write!(
        h,
        r#"<article class="scenario {class}"><header>{} <b>{}</b><span class="sid">{}</span><span class="small muted">{} · {} · {} ms</span></header>"#,
        pill(label),
        escape(&s.name),
        escape(&s.id),
        escape(&s.requirements.join(", ")),
        s.level,
        s.duration_ms
    );
    if let Some(reason) = &s.skip_reason {
        let _ = write!(h, r#"<p class="muted">Skipped: {}</p>"#, escape(reason));
    }
    if let Some(failure) = &s.failure {
        let breaks = if s.harness_error {
            "Harness error — the suite could not check; not a finding about the target.".to_string()
        } else {
            format!("Breaks {} ({})", s.requirements.join(", "), s.level)
        };
        let _ = write!(
            h,
            r#"<p class="small"><b>{}</b></p><pre class="failure">{}</pre>"#,
            escape(&breaks),
            escape(failure)
        );
    }
    if !s.steps.is_empty() {
        h.push_str(r#"<ol class="steps">"#);
        for step in &s.steps {
            let class = match step.status {
                ScenarioStatus::Passed => "",
                ScenarioStatus::Failed => "step-failed",
                ScenarioStatus::Skipped => "step-skipped",
            };
            let mark = match step.status {
                ScenarioStatus::Passed => "✓",
                ScenarioStatus::Failed => "✗",
                ScenarioStatus::Skipped => "–",
            };
            let _ = write!(
                h,
                r#"<li class="{class}">{mark} <span class="kw">{}</span> {}</li>"#,
                escape(&step.keyword),
                escape(&step.text)
            );
        }
        h.push_str("</ol>");
    }
    for note in &s.notes {
        let _ = write!(h, r#"<p class="small muted">{}</p>"#, escape(note));
    }
    if !s.exchanges.is_empty() {
        let open = if class == "failed" { " open" } else { "" };
        let _ = write!(
            h,
            "<details{open}><summary>Evidence: {} exchange(s)</summary>",
            s.exchanges.len()
        );
        for e in &s.exchanges {
            exchange(h, e);
        }
        h.push_str("</details>");
    }
    h.push_str("</article>");
}

fn headers_text(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn exchange(h: &mut String, e: &ExchangeRecord) {
    let status = e
        .status
        .map_or_else(|| "no response".to_string(), |s| s.to_string());
    let _ = write!(
        h,
        r#"<div class="exchange"><b>{} {}</b> → <b>{}</b> <span class="small muted">{:.1} ms</span>"#,
        escape(&e.method),
        escape(&e.url),
        escape(&status),
        e.elapsed_ms
    );
    let mut request = headers_text(&e.request_headers);
    if let Some(body) = &e.request_body {
        request.push_str("\n\n");
        request.push_str(body);
    }
    let _ = write!(
        h,
        r#"<div class="small muted">Request</div><pre>{}</pre>"#,
        escape(&request)
    );
    if let Some(err) = &e.transport_error {
        let _ = write!(h, r#"<pre class="failure">{}</pre>"#, escape(err));
    }
    if e.status.is_some() {
        let mut response = headers_text(&e.response_headers);
        if let Some(body) = &e.response_body {
            response.push_str("\n\n");
            response.push_str(body);
        }
        let _ = write!(
            h,
            r#"<div class="small muted">Response</div><pre>{}</pre>"#,
            escape(&response)
        );
    }
    for w in &e.waited_out {
        let _ = write!(
            h,
            r#"<p class="small muted">Waited out a 429 for {} ms (Retry-After: {}) and retried — politeness, not a finding.</p>"#,
            w.waited_ms,
            escape(w.retry_after.as_deref().unwrap_or("none"))
        );
    }
    h.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_page_loads_nothing_from_anywhere() {
        for needle in ["<script", "<link", "@import", "url(", "src="] {
            assert!(!STYLE.contains(needle), "{needle}");
        }
    }
}
