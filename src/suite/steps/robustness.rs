//! Hostile bodies (SEC-01, SEC-03) and the check that the target survived
//! them. Hostile path parameters use the request steps' percent-encoding.

use cucumber::{given, then};
use reqwest::Method;

use super::evidence::last_line;
use crate::suite::finding::{Finding, StepOutcome};
use crate::suite::world::{BodyChoice, PsaWorld};

/// One mebibyte.
pub(crate) const MIB: usize = 1024 * 1024;

#[given("the body is a 1 MiB JSON document with a huge username")]
async fn huge_body(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let template = r#"{"username": "", "password": "{password}"}"#;
        let body = w.expand_body(template)?;
        let filler = MIB.saturating_sub(body.len());
        let body = body.replacen(
            r#""username": """#,
            &format!(r#""username": "{}""#, "a".repeat(filler)),
            1,
        );
        w.notes
            .push(format!("request body: {} bytes of JSON", body.len()));
        w.draft.body = BodyChoice::Raw(body.into_bytes());
        Ok(())
    })
    .await
}

#[given(regex = r"^the body is JSON nested (\d+) levels deep$")]
fn deep_body(w: &mut PsaWorld, depth: usize) {
    let mut body = String::with_capacity(depth * 2 + 40);
    body.push_str(r#"{"username": "#);
    body.push_str(&"[".repeat(depth));
    body.push_str(&"]".repeat(depth));
    body.push_str(r#", "password": "x"}"#);
    w.notes.push(format!(
        "request body: arrays nested {depth} levels deep ({} bytes)",
        body.len()
    ));
    w.draft.body = BodyChoice::Raw(body.into_bytes());
}

#[then("the target still answers GET /api/standard-psa with 200")]
async fn still_answers(w: &mut PsaWorld) -> StepOutcome {
    StepOutcome::of(async {
        let before = last_line(w);
        let spec = w.build_request(Method::GET, "/api/standard-psa")?;
        w.send(spec).await?;
        let r = w.last_response().map_err(|f| {
            Finding::failure("the target stopped answering after a hostile request")
                .expected("200 from GET /api/standard-psa")
                .actual(f.title.clone())
                .exchange(format!("after {before}"))
        })?;
        if r.status == 200 {
            return Ok(());
        }
        Err(
            Finding::failure("the target stopped answering normally after a hostile request")
                .expected("200 from GET /api/standard-psa")
                .actual(format!("{}: {}", r.status, r.body_preview(200)))
                .exchange(format!("after {before}")),
        )
    })
    .await
}
