//! Unit tests of `report::html`.

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
        started_at: jiff::Timestamp::UNIX_EPOCH,
        inbound: false,
        replay: Some(format!("curl -sS -X POST '{TARGET}{path}'")),
        wire: Default::default(),
    }
}

fn scenario(id: &str, status: ScenarioStatus, exchanges: Vec<ExchangeRecord>) -> ScenarioResult {
    ScenarioResult {
        id: id.into(),
        feature: "Tickets".into(),
        name: format!("scenario at {id}"),
        tags: vec!["@TCKT-05".into()],
        requirements: vec!["TCKT-05".into()],
        level: Level::Must,
        status,
        undecided: None,
        failure: (status == ScenarioStatus::Failed)
            .then(|| "status <b>200</b> & 'not' \"404\"\n  expected  404\n  actual    200".into()),
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
        reproduce: None,
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
    let mut flaky_exchange = exchange_record("/api/custom-psa/tickets/1142285696", Some(404), "{}");
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
        listener: None,
        additional: Vec::new(),
    }
}

/// What a hostile target controls — a response body and header, the
/// failure text quoting it, the URL path it is asked about — comes out
/// as text: askama escapes it, and no call site can forget to.
#[test]
fn target_controlled_text_comes_out_escaped() {
    let hostile =
        r#"</pre><script>alert("pwned")</script> & "quoted" <img src=x onerror=alert(1)>"#;
    let mut run = sample_run();
    let s = &mut run.scenarios[1];
    s.failure = Some(format!("unexpected body\n  actual    {hostile}"));
    s.notes.push(hostile.into());
    let e = &mut s.exchanges[0];
    e.response_body = Some(hostile.into());
    e.response_headers.push(("x-evil".into(), hostile.into()));
    e.url.push_str("?q=\"><script>x</script>");
    e.waited_out.push(WaitedOut {
        status: 429,
        retry_after: Some(hostile.into()),
        waited_ms: 5,
    });
    let page = render(&run, &run.summary().to_json());
    for needle in ["<script", "<img", "onerror=alert(1)>", "\"quoted\""] {
        assert!(!page.contains(needle), "unescaped: {needle}");
    }
    let escaped = "&#60;/pre&#62;&#60;script&#62;alert(&#34;pwned&#34;)&#60;/script&#62; &#38; &#34;quoted&#34; &#60;img src=x onerror=alert(1)&#62;";
    // The failure, the note, the body, the header, the Retry-After.
    assert!(
        page.matches(escaped).count() >= 5,
        "{}",
        page.matches(escaped).count()
    );
    assert!(page.contains("?q=&#34;&#62;&#60;script&#62;x&#60;/script&#62;"));
    // Every <pre> the page opens it closes: the body could not end one early.
    assert_eq!(page.matches("<pre").count(), page.matches("</pre>").count());
}

#[test]
fn model_text_is_escaped_and_the_failure_is_shown_first() {
    let page = {
        let run = sample_run();
        render(&run, &run.summary().to_json())
    };
    assert!(page.contains("NOT CONFORMANT"));
    assert!(page.contains("TLS certificate verification was skipped"));
    assert!(!page.contains("<script>") && page.contains("&#60;script&#62;"));
    assert!(page.contains("status &#60;b&#62;200&#60;/b&#62; &#38; &#39;not&#39; &#34;404&#34;"));
    assert!(page.contains("a note &#60;i&#62;"));
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
    let ticket = api::TICKET_INFO.operation_id;
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
