//! The commands that replay a failed or warned scenario's decisive
//! exchanges: the `curl` of each request the harness sent (built, secrets
//! as `$`-variables, when the exchange was recorded), the last ones first
//! cut to a handful, repeats folded, and the variables a reader sets first.
//! Part of the run model: the writers only print it.

use serde::Serialize;

use crate::http::{ExchangeRecord, ACCESS_TOKEN_VAR, FORGED_TOKEN_VAR, REFRESH_TOKEN_VAR};

/// At most this many distinct requests are replayed: the last ones, which
/// decided the outcome.
pub(super) const MAX_COMMANDS: usize = 8;

/// How to send a scenario's decisive requests again.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reproduce {
    /// The environment variables the commands read, each once, in order.
    pub variables: Vec<String>,
    /// Comment lines (`# …`) and commands, in the order to run them.
    pub lines: Vec<String>,
}

impl Reproduce {
    /// The replay of these exchanges, or none when the harness sent none
    /// (a run-wide check over callbacks, a scenario that sent nothing).
    pub fn of(exchanges: &[ExchangeRecord]) -> Option<Reproduce> {
        // Consecutive identical commands (a burst) fold into one.
        let mut distinct: Vec<(&str, usize)> = Vec::new();
        for command in exchanges.iter().filter_map(|e| e.replay.as_deref()) {
            match distinct.last_mut() {
                Some((last, n)) if *last == command => *n += 1,
                _ => distinct.push((command, 1)),
            }
        }
        if distinct.is_empty() {
            return None;
        }
        let skipped = distinct.len().saturating_sub(MAX_COMMANDS);
        let kept = &distinct[skipped..];
        let mut variables: Vec<String> = Vec::new();
        for (command, _) in kept {
            for var in variables_in(command) {
                if !variables.contains(&var) {
                    variables.push(var);
                }
            }
        }
        let mut lines = Vec::new();
        // A token the target issued during the run: a fresh one first.
        let fetch = variables
            .iter()
            .any(|v| v == ACCESS_TOKEN_VAR)
            .then(|| token_exchange(exchanges))
            .flatten();
        if fetch.is_some() {
            variables.retain(|v| v != ACCESS_TOKEN_VAR);
            variables.insert(0, USER_API_JWT_VAR.to_string());
        }
        let forged = variables.iter().any(|v| v == FORGED_TOKEN_VAR);
        variables.retain(|v| v != FORGED_TOKEN_VAR);
        if !variables.is_empty() {
            lines.push(format!(
                "# set first: {} (the variables your target file names; the built-in mock's come from `psa-conformance mock`)",
                variables
                    .iter()
                    .map(|v| format!("${v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(fetch) = fetch {
            lines.push(format!(
                "# {ACCESS_TOKEN_VAR}: the run used a token the target issued; this takes a fresh one"
            ));
            lines.push(fetch);
        }
        if forged {
            lines.push(format!(
                "# {FORGED_TOKEN_VAR}: the run sent a JWT the harness forged (or altered); any JWT-shaped string the target never issued does"
            ));
            lines.push(format!(
                "{FORGED_TOKEN_VAR}=\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.$(printf '{{\"sub\":\"forged-%s\"}}' \"$RANDOM\" | base64 | tr -d '=\\n' | tr '+/' '-_').c2lnbmF0dXJlLW5vdC12YWxpZA\""
            ));
        }
        if variables.iter().any(|v| v == REFRESH_TOKEN_VAR) {
            lines.push(format!(
                "# {REFRESH_TOKEN_VAR}: a refresh token the target issued during the run (tokens.refresh.token of POST /api/auth/authenticate)"
            ));
        }
        if skipped > 0 {
            lines.push(format!(
                "# {skipped} earlier request(s) of the scenario left out; the last {} decided it",
                kept.len()
            ));
        }
        for (command, n) in kept {
            if *n > 1 {
                lines.push(format!(
                    "# sent {n} times in a row (concurrently in a burst)"
                ));
            }
            lines.push((*command).to_string());
        }
        Some(Reproduce { variables, lines })
    }

    /// The lines as one shell-ready text.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// The variable the User-API JWT is read from when a replay needs a fresh
/// access token (CLI.md's example target file names it so).
pub(super) const USER_API_JWT_VAR: &str = "NCENTRAL_USER_API_JWT";

/// `NCENTRAL_ACCESS_TOKEN=$(curl … /api/auth/authenticate …)` toward the
/// origin the exchanges went to.
fn token_exchange(exchanges: &[ExchangeRecord]) -> Option<String> {
    let url = exchanges.iter().find(|e| e.replay.is_some())?;
    let url = url::Url::parse(&url.url).ok()?;
    let origin = url.origin().ascii_serialization();
    Some(format!(
        "{ACCESS_TOKEN_VAR}=$(curl -sS -X POST -H 'Accept: application/json' -H \"Authorization: Bearer ${{{USER_API_JWT_VAR}}}\" '{origin}/api/auth/authenticate' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tokens\"][\"access\"][\"token\"])')"
    ))
}

/// The `${NAME}` variables a command reads.
fn variables_in(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = command;
    while let Some(at) = rest.find("\"${") {
        let after = &rest[at + 3..];
        match after.find("}\"") {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(replay: Option<&str>) -> ExchangeRecord {
        ExchangeRecord {
            method: "GET".into(),
            url: "http://127.0.0.1:9/x".into(),
            request_headers: vec![],
            request_body: None,
            status: Some(200),
            response_headers: vec![],
            response_body: None,
            transport_error: None,
            elapsed_ms: 1.0,
            waited_out: vec![],
            started_at: jiff::Timestamp::UNIX_EPOCH,
            inbound: replay.is_none(),
            replay: replay.map(str::to_string),
            wire: Default::default(),
        }
    }

    #[test]
    fn bursts_fold_callbacks_drop_and_only_the_last_requests_stay() {
        let mut ex = vec![record(None)];
        for i in 0..12 {
            ex.push(record(Some(&format!(
                "curl 'u/{i}' -H 'X: '\"${{PSA_A}}\""
            ))));
        }
        for _ in 0..5 {
            ex.push(record(Some(
                "curl 'u/burst' -H 'A: '\"${NCENTRAL_ACCESS_TOKEN}\"",
            )));
        }
        let r = Reproduce::of(&ex).unwrap();
        assert_eq!(r.variables, ["NCENTRAL_USER_API_JWT", "PSA_A"]);
        let commands: Vec<&String> = r.lines.iter().filter(|l| l.starts_with("curl")).collect();
        assert_eq!(commands.len(), MAX_COMMANDS);
        assert_eq!(commands[0], "curl 'u/5' -H 'X: '\"${PSA_A}\"");
        assert!(r.text().contains("# sent 5 times"), "{}", r.text());
        assert!(
            r.text()
                .contains("NCENTRAL_ACCESS_TOKEN=$(curl -sS -X POST"),
            "{}",
            r.text()
        );
        assert!(r.text().contains("# 5 earlier request(s)"), "{}", r.text());
        assert!(Reproduce::of(&[record(None)]).is_none());
    }
}
