//! `evidence.har`: every exchange of the run as HAR 1.2 — one page per
//! scenario, one entry per request the harness sent or callback it
//! received, with its start time, duration, headers and bodies, redacted as
//! in every report. Custom fields (HAR allows `_`-prefixed ones) add the
//! scenario, the direction and the replay command.

use serde_json::{json, Value};

use crate::http::{ExchangeRecord, WireBody};

use super::model::RunReport;

/// The HAR document of a run, as pretty JSON.
pub(super) fn render(run: &RunReport) -> String {
    let mut pages = Vec::new();
    let mut entries = Vec::new();
    // Run-wide checks show copies of other scenarios' exchanges: each
    // exchange is written once, under the scenario that made it.
    for s in run
        .scenarios
        .iter()
        .filter(|s| !s.id.starts_with("run-wide:"))
    {
        if s.exchanges.is_empty() {
            continue;
        }
        pages.push(json!({
            "startedDateTime": timestamp(&s.exchanges[0]),
            "id": s.id,
            "title": format!("{} [{}] {}", s.requirements.join(","), s.id, s.name),
            "pageTimings": { "onContentLoad": -1, "onLoad": -1 },
            "_outcome": s.display_outcome(run.strict).name(),
        }));
        for e in &s.exchanges {
            entries.push(entry(&s.id, e));
        }
    }
    let mut comment = format!(
        "side {}, profile {}, target {}, started {}; secrets masked as ***",
        run.side(),
        run.profile,
        run.target,
        run.started_at
    );
    // The secrets ERR-03 could not check are named here too, by role.
    if let Some(line) = run.secrets_not_checked_line() {
        comment.push_str("; ");
        comment.push_str(&line);
    }
    let doc = json!({
        "log": {
            "version": "1.2",
            "creator": {
                "name": "psa-conformance",
                "version": env!("CARGO_PKG_VERSION"),
            },
            "pages": pages,
            "entries": entries,
            "comment": comment,
        }
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| unreachable!("{e}"))
}

fn timestamp(e: &ExchangeRecord) -> String {
    e.started_at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn headers(list: &[(String, String)]) -> Vec<Value> {
    list.iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

fn header<'a>(list: &'a [(String, String)], name: &str) -> Option<&'a str> {
    list.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn query(url: &str) -> Vec<Value> {
    url::Url::parse(url)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| json!({ "name": k, "value": v }))
                .collect()
        })
        .unwrap_or_default()
}

fn body_fields(body: &WireBody, into: &mut serde_json::Map<String, Value>) {
    into.insert("text".into(), Value::from(body.text.clone()));
    if body.base64 {
        into.insert("encoding".into(), Value::from("base64"));
    }
    if body.truncated {
        into.insert(
            "comment".into(),
            Value::from(format!(
                "only the first {} bytes of {} kept",
                crate::http::WIRE_BODY_CHARS,
                body.size
            )),
        );
    }
}

fn entry(scenario: &str, e: &ExchangeRecord) -> Value {
    let mut request = json!({
        "method": e.method,
        "url": e.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers(&e.request_headers),
        "queryString": query(&e.url),
        "headersSize": -1,
        "bodySize": e.wire.request.as_ref().map_or(0, |b| b.size),
    });
    if let Some(body) = &e.wire.request {
        let mut post = serde_json::Map::new();
        post.insert(
            "mimeType".into(),
            Value::from(header(&e.request_headers, "content-type").unwrap_or("")),
        );
        body_fields(body, &mut post);
        request["postData"] = Value::Object(post);
    }
    let mut content = serde_json::Map::new();
    let response_body = e.wire.response.as_ref();
    content.insert(
        "size".into(),
        Value::from(response_body.map_or(0, |b| b.size)),
    );
    content.insert(
        "mimeType".into(),
        Value::from(header(&e.response_headers, "content-type").unwrap_or("")),
    );
    if let Some(body) = response_body {
        body_fields(body, &mut content);
    }
    let status = e.status.unwrap_or(0);
    let mut response = json!({
        "status": status,
        "statusText": reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or(""),
        "httpVersion": if e.status.is_some() { "HTTP/1.1" } else { "" },
        "cookies": [],
        "headers": headers(&e.response_headers),
        "content": content,
        "redirectURL": header(&e.response_headers, "location").unwrap_or(""),
        "headersSize": -1,
        "bodySize": response_body.map_or(-1, |b| i64::try_from(b.size).unwrap_or(i64::MAX)),
    });
    if let Some(error) = &e.transport_error {
        // HAR's convention for a request that got no response: status 0.
        response["_error"] = Value::from(error.clone());
    }
    let mut entry = json!({
        "pageref": scenario,
        "startedDateTime": timestamp(e),
        "time": e.elapsed_ms,
        "request": request,
        "response": response,
        "cache": {},
        "timings": { "send": 0, "wait": e.elapsed_ms, "receive": 0 },
        "_direction": if e.inbound { "callback to the harness" } else { "sent by the harness" },
    });
    if let Some(replay) = &e.replay {
        entry["_replay"] = Value::from(replay.clone());
    }
    if !e.waited_out.is_empty() {
        entry["comment"] = Value::from(format!(
            "sent again after {} 429 answer(s) were waited out",
            e.waited_out.len()
        ));
    }
    entry
}
