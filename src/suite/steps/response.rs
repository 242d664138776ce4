//! Generic checks on the last response: status, content type, schema,
//! values at JSON pointers, link relations, and JSON inclusion.

use assert_json_diff::{assert_json_matches_no_panic, CompareMode, Config};
use cucumber::gherkin::Step;
use cucumber::then;
use serde_json::Value;

use super::{body_preview, last_json, last_line};
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::PsaWorld;

fn status_is(w: &PsaWorld, accept: impl Fn(u16) -> bool, expected: &str) -> Result<(), Finding> {
    let r = w.last_response()?;
    if accept(r.status) {
        return Ok(());
    }
    let mut f = Finding::failure(format!("unexpected status {}", r.status))
        .expected(expected)
        .actual(body_preview(w))
        .exchange(last_line(w));
    if (300..400).contains(&r.status) {
        f = f.hint(format!(
            "redirects are not followed; Location: {}",
            r.header("location").unwrap_or("(none)")
        ));
    }
    Err(f)
}

#[then(regex = r"^the response status is (\d{3})$")]
async fn status_exact(w: &mut PsaWorld, code: u16) -> StepOutcome {
    StepOutcome::of(async { status_is(w, |s| s == code, &code.to_string()) }).await
}

#[then(regex = r"^the response status is (\d{3}) or (\d{3})$")]
async fn status_either(w: &mut PsaWorld, a: u16, b: u16) -> StepOutcome {
    StepOutcome::of(async { status_is(w, |s| s == a || s == b, &format!("{a} or {b}")) }).await
}

#[then(regex = r"^the response status is not (2|5)xx$")]
async fn status_not_class(w: &mut PsaWorld, class: u16) -> StepOutcome {
    StepOutcome::of(async {
        status_is(w, |s| s / 100 != class, &format!("anything but {class}xx"))
    })
    .await
}

#[then(regex = r"^the response status is (4)xx$")]
async fn status_class(w: &mut PsaWorld, class: u16) -> StepOutcome {
    StepOutcome::of(async { status_is(w, |s| s / 100 == class, &format!("{class}xx")) }).await
}

#[then("the response is JSON")]
async fn is_json(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let r = w.last_response()?;
        match r.media_type().as_deref() {
            Some("application/json") => {}
            other => {
                return Err(
                    Finding::failure("the response is not labelled application/json")
                        .expected("Content-Type: application/json (any charset)")
                        .actual(format!(
                            "Content-Type: {}; body starts {}",
                            other
                                .map(|_| r.header("content-type").unwrap_or_default())
                                .unwrap_or("(none)"),
                            r.body_preview(120)
                        ))
                        .at("Content-Type")
                        .exchange(last_line(w)),
                )
            }
        }
        last_json(w).map(|_| ())
    })
    .await
}

#[then(regex = r#"^the response body matches the "([a-z-]+)" schema$"#)]
async fn matches_schema(w: &mut PsaWorld, name: String) -> StepOutcome {
    StepOutcome::of(async {
        let ctx = w.ctx()?.clone();
        let body = last_json(w)?;
        let violations = ctx
            .schemas
            .validate(&name, &body)
            .ok_or_else(|| Finding::harness(format!("no schema named {name:?}")))?;
        if violations.is_empty() {
            return Ok(());
        }
        let first = &violations[0];
        let listed: Vec<String> = violations.iter().take(5).map(ToString::to_string).collect();
        Err(
            Finding::failure(format!("the body breaks the {name} schema"))
                .expected(format!("a body valid against schemas/{name}.json"))
                .actual(listed.join("\n"))
                .at(if first.instance_path.is_empty() {
                    "(root)".into()
                } else {
                    first.instance_path.clone()
                })
                .exchange(last_line(w)),
        )
    })
    .await
}

/// Reads a JSON literal from a step (`true`, `401`, `"text"`), expanding
/// `{customPsaTicketId}` and friends inside strings.
fn expected_literal(w: &PsaWorld, literal: &str) -> Result<Value, Finding> {
    let expanded = w.expand_path(literal)?;
    serde_json::from_str(&expanded).map_err(|e| {
        Finding::harness(format!(
            "the step's expected value {literal} is not a JSON literal: {e}"
        ))
    })
}

#[then(regex = r#"^the response JSON at "([^"]*)" is (.+)$"#)]
async fn value_at(w: &mut PsaWorld, pointer: String, literal: String) -> StepOutcome {
    StepOutcome::of(async {
        let expected = expected_literal(w, &literal)?;
        let body = last_json(w)?;
        match body.pointer(&pointer) {
            Some(actual) if *actual == expected => Ok(()),
            Some(actual) => Err(Finding::failure(format!("wrong value at {pointer}"))
                .expected(format!("{expected} ({})", type_name(&expected)))
                .actual(format!("{actual} ({})", type_name(actual)))
                .at(pointer)
                .exchange(last_line(w))),
            None => Err(Finding::failure(format!("nothing at {pointer}"))
                .expected(format!("{expected} ({})", type_name(&expected)))
                .actual(format!("no such member; body: {}", compact(&body, 300)))
                .at(pointer)
                .exchange(last_line(w))),
        }
    })
    .await
}

#[then(regex = r#"^the link "([^"]+)" is "([^"]*)"$"#)]
async fn link_is(w: &mut PsaWorld, relation: String, template: String) -> StepOutcome {
    StepOutcome::of(async {
        let body = last_json(w)?;
        let pointer = format!("/_links/{}", relation.replace('~', "~0").replace('/', "~1"));
        match body.pointer(&pointer) {
            Some(Value::String(s)) if *s == template => Ok(()),
            Some(Value::String(s)) => Err(Finding::failure(format!(
                "link {relation} points elsewhere"
            ))
            .expected(format!("{template:?}"))
            .actual(format!("{s:?}"))
            .at(pointer)
            .exchange(last_line(w))),
            Some(other) => Err(Finding::failure(format!("link {relation} is not a string"))
                .expected(format!("the string {template:?}"))
                .actual(format!("{} {}", type_name(other), compact(other, 200)))
                .at(pointer)
                .exchange(last_line(w))
                .hint("link values are plain path templates, not HAL {\"href\": …} objects")),
            None => {
                let present: Vec<String> = body
                    .pointer("/_links")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                Err(Finding::failure(format!("link {relation} is missing"))
                    .expected(format!("_links.{relation} = {template:?}"))
                    .actual(format!("relations present: {present:?}"))
                    .at(pointer)
                    .exchange(last_line(w)))
            }
        }
    })
    .await
}

#[then("the response body includes:")]
async fn body_includes(w: &mut PsaWorld, step: &Step) -> StepOutcome {
    StepOutcome::of(async {
        let text = step.docstring.as_deref().ok_or_else(|| {
            Finding::harness("the step `the response body includes:` needs a doc string")
        })?;
        let expected = expected_literal(w, text.trim())?;
        let actual = last_json(w)?;
        assert_json_matches_no_panic(&actual, &expected, Config::new(CompareMode::Inclusive))
            .map_err(|diff| {
                Finding::failure("the body lacks expected JSON")
                    .expected(compact(&expected, 300))
                    .actual(diff)
                    .exchange(last_line(w))
            })
    })
    .await
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub(crate) fn compact(v: &Value, max: usize) -> String {
    let s = v.to_string();
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
