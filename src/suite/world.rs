//! The World: one scenario's state — the request being built, the
//! exchanges so far, and the run it belongs to.
//!
//! Its `Debug` is hand-written and prints no secret: cucumber shows a failed
//! scenario's World, and that text reaches the terminal and the reports.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use reqwest::Method;

use crate::http::{Exchange, On429, ReceivedResponse, RequestSpec};
use crate::suite::context::RunContext;
use crate::suite::finding::Finding;

/// Which `Authorization` header a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthChoice {
    /// `Bearer <the run's access token>`.
    Valid,
    /// No header at all.
    Missing,
    /// This exact header value (malformed headers, forged tokens).
    Raw(String),
}

/// Which `INTEGRATION-KEY` header a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyChoice {
    /// The configured key on POST requests, none on GET (the seed's rule).
    Default,
    Missing,
    Wrong,
}

/// The body a request carries.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum BodyChoice {
    /// Valid PSA credentials on POST, nothing on other methods.
    Default,
    /// Exactly these bytes (may be empty).
    Raw(Vec<u8>),
}

impl fmt::Debug for BodyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyChoice::Default => f.write_str("Default"),
            BodyChoice::Raw(b) => write!(f, "Raw({} bytes)", b.len()),
        }
    }
}

/// The request under construction. `Given` steps change it; `When` sends it.
#[derive(Debug, Clone)]
pub(crate) struct RequestDraft {
    pub auth: AuthChoice,
    pub key: KeyChoice,
    pub body: BodyChoice,
    /// `Content-Type`; `None` means `application/json` when there is a body.
    pub content_type: Option<String>,
    /// Which PSA credentials a default body carries.
    pub credentials: CredentialsChoice,
}

/// Which PSA credentials a default body carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialsChoice {
    /// The configured credentials of the endpoint's section.
    Valid,
    /// The configured username with a wrong password.
    WrongPassword,
}

impl Default for RequestDraft {
    fn default() -> Self {
        RequestDraft {
            auth: AuthChoice::Valid,
            key: KeyChoice::Default,
            body: BodyChoice::Default,
            content_type: None,
            credentials: CredentialsChoice::Valid,
        }
    }
}

/// One scenario's state.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub(crate) struct PsaWorld {
    ctx: Option<Arc<RunContext>>,
    pub draft: RequestDraft,
    pub exchanges: Vec<Exchange>,
    /// Harness problems (no response): make the scenario an error, not a failure.
    pub harness_errors: Vec<String>,
    /// Free-form evidence lines (burst statistics and the like).
    pub notes: Vec<String>,
    pub started: Instant,
    /// In `@hostile-input` and `@rate-limit` scenarios a dropped connection
    /// is a finding about the target, not a harness error.
    pub dropped_connection_is_a_finding: bool,
    /// The last burst: each exchange with the time since the burst began.
    pub burst: Vec<(std::time::Duration, Exchange)>,
    /// Requests that still got 429 when their retry budget was spent: the
    /// scenario is then inconclusive (rate-limited), never failed.
    pub rate_limited: Vec<String>,
    /// Held by `@lifecycle` scenarios: the lifecycle tickets are theirs.
    pub lifecycle_guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// Tokens this scenario obtained for itself (TOKEN-*); secrets, masked
    /// from the moment they arrive.
    pub own_tokens: Option<OwnTokens>,
    /// The last access token a check found issued and working (TOKEN-01, -04).
    pub issued_access: Option<crate::redact::Secret>,
    /// A ticket's data noted before an operation that must change nothing.
    pub noted_ticket: Option<(String, serde_json::Value)>,
}

/// Access and refresh token of one exchange.
#[derive(Clone)]
pub(crate) struct OwnTokens {
    pub access: crate::redact::Secret,
    pub refresh: crate::redact::Secret,
}

impl fmt::Debug for PsaWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only what helps to read a failure; never a header or a body.
        let last: Vec<String> = self.exchanges.iter().map(Exchange::summary_line).collect();
        let text = format!(
            "PsaWorld {{ draft: {:?}, exchanges: {last:?} }}",
            self.draft
        );
        match &self.ctx {
            Some(ctx) => f.write_str(&ctx.redactor.redact(&text)),
            None => f.write_str(&text),
        }
    }
}

impl PsaWorld {
    fn new() -> Self {
        PsaWorld {
            ctx: None,
            draft: RequestDraft::default(),
            exchanges: Vec::new(),
            harness_errors: Vec::new(),
            notes: Vec::new(),
            started: Instant::now(),
            dropped_connection_is_a_finding: false,
            burst: Vec::new(),
            rate_limited: Vec::new(),
            lifecycle_guard: None,
            own_tokens: None,
            issued_access: None,
            noted_ticket: None,
        }
    }

    /// Joins the world to its run (the `before` hook does this), with the
    /// tags of its feature and scenario.
    pub(crate) fn attach<'a>(
        &mut self,
        ctx: Arc<RunContext>,
        tags: impl IntoIterator<Item = &'a String>,
    ) {
        self.ctx = Some(ctx);
        self.started = Instant::now();
        self.dropped_connection_is_a_finding = tags
            .into_iter()
            .any(|t| t == "hostile-input" || t == "rate-limit");
    }

    /// The run this scenario belongs to.
    pub(crate) fn ctx(&self) -> Result<&Arc<RunContext>, Finding> {
        self.ctx
            .as_ref()
            .ok_or_else(|| Finding::harness("the scenario was not attached to a run"))
    }

    /// Replaces `{psaType}`, `{customPsaTicketId}`/`{ticketId}`,
    /// `{unknownTicketId}`, `{pendingTicketId}` and `{resolvableTicketId}`
    /// in a path template with the target's values.
    pub(crate) fn expand_path(&self, template: &str) -> Result<String, Finding> {
        let t = &self.ctx()?.target;
        let lifecycle = |name: &str, id: &Option<String>, reason: &str| {
            if template.contains(name) {
                id.clone()
                    .ok_or_else(|| Finding::harness(reason.to_string()))
            } else {
                Ok(String::new())
            }
        };
        let pending = lifecycle(
            "{pendingTicketId}",
            &t.lifecycle.pending_ticket_id,
            crate::features::NO_PENDING_TICKET,
        )?;
        let resolvable = lifecycle(
            "{resolvableTicketId}",
            &t.lifecycle.resolvable_ticket_id,
            crate::features::NO_RESOLVABLE_TICKET,
        )?;
        Ok(template
            .replace("{pendingTicketId}", &pending)
            .replace("{resolvableTicketId}", &resolvable)
            .replace("{psaType}", &t.psa_type)
            .replace("{customPsaTicketId}", &t.ticket_id)
            .replace("{ticketId}", &t.ticket_id)
            .replace("{unknownTicketId}", &t.unknown_ticket_id)
            .replace("{4KiB}", &"9".repeat(4096)))
    }

    /// Builds the request the draft describes.
    pub(crate) fn build_request(&self, method: Method, path: &str) -> Result<RequestSpec, Finding> {
        let ctx = self.ctx()?;
        let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
        match &self.draft.auth {
            AuthChoice::Valid => headers.push((
                "Authorization".into(),
                format!("Bearer {}", ctx.access_token.expose()),
            )),
            AuthChoice::Missing => {}
            AuthChoice::Raw(v) => headers.push(("Authorization".into(), v.clone())),
        }
        // What the endpoint's request carries (api.rs); a request to no known
        // endpoint (a wrong-method probe) carries what a POST endpoint's does.
        let endpoint = crate::api::find(method.as_str(), path);
        let sends_key = endpoint.map_or(method != Method::GET, |e| e.integration_key);
        let sends_credentials = endpoint.map_or(method != Method::GET, |e| e.psa_credentials);
        let key = match self.draft.key {
            // The seed sends the key on the POST endpoints only; wrong-method
            // probes of those endpoints carry it too.
            KeyChoice::Default if sends_key => {
                Some(ctx.target.integration_key.expose().to_string())
            }
            KeyChoice::Wrong => Some(ctx.wrong_key.expose().to_string()),
            KeyChoice::Default | KeyChoice::Missing => None,
        };
        if let Some(k) = key {
            headers.push(("INTEGRATION-KEY".into(), k));
        }
        let body = match &self.draft.body {
            BodyChoice::Raw(b) => Some(b.clone()),
            BodyChoice::Default if !sends_credentials => None,
            BodyChoice::Default => Some(self.credentials_body(path)?.into_bytes()),
        };
        if body.is_some() {
            let ct = self
                .draft
                .content_type
                .clone()
                .unwrap_or_else(|| "application/json".into());
            if !ct.is_empty() {
                headers.push(("Content-Type".into(), ct));
            }
        }
        Ok(RequestSpec {
            method,
            path: path.to_string(),
            headers,
            body,
            on_429: On429::WaitAndRetry,
        })
    }

    /// `{"username": …, "password": …}` for the endpoint the path names.
    pub(crate) fn credentials_body(&self, path: &str) -> Result<String, Finding> {
        let ctx = self.ctx()?;
        let creds = if path.starts_with("/api/custom-psa") {
            &ctx.target.custom_psa
        } else {
            &ctx.target.standard_psa
        };
        let password = match self.draft.credentials {
            CredentialsChoice::Valid => creds.password.expose(),
            CredentialsChoice::WrongPassword => ctx.wrong_password.expose(),
        };
        Ok(serde_json::json!({ "username": creds.username, "password": password }).to_string())
    }

    /// Replaces `{username}` and `{password}` in a body text; the password
    /// JSON-escaped, since it lands inside a JSON string.
    pub(crate) fn expand_body(&self, text: &str) -> Result<String, Finding> {
        let ctx = self.ctx()?;
        let escaped = serde_json::to_string(ctx.target.standard_psa.password.expose())
            .map_err(|e| Finding::harness(e.to_string()))?;
        let escaped = &escaped[1..escaped.len() - 1];
        let user = serde_json::to_string(&ctx.target.standard_psa.username)
            .map_err(|e| Finding::harness(e.to_string()))?;
        Ok(text
            .replace("{username}", &user[1..user.len() - 1])
            .replace("{password}", escaped))
    }

    /// Sends a request, keeps the exchange, and feeds the run-wide monitors
    /// (ERR-02: no 5xx; ERR-03: no echoed secret).
    pub(crate) async fn send(&mut self, spec: RequestSpec) -> Result<(), Finding> {
        let ctx = self.ctx()?.clone();
        let exchange = ctx.client.send(&spec).await;
        crate::suite::context::learn_issued_tokens(&exchange, &ctx.redactor);
        ctx.monitor.observe(&exchange);
        if spec.on_429 == On429::WaitAndRetry
            && exchange.response().is_some_and(|r| r.status == 429)
        {
            let waited: u128 = exchange.waited_out.iter().map(|w| w.waited_ms).sum();
            self.rate_limited.push(format!(
                "{} after {} retries over {waited} ms",
                exchange.summary_line(),
                exchange.waited_out.len()
            ));
        }
        if let (Err(e), false) = (&exchange.outcome, self.dropped_connection_is_a_finding) {
            self.harness_errors.push(
                ctx.redactor
                    .redact(&format!("{}: {}", exchange.summary_line(), e.message))
                    .into_owned(),
            );
        }
        self.exchanges.push(exchange);
        self.draft = RequestDraft::default();
        Ok(())
    }

    /// The last exchange, which must have a response.
    pub(crate) fn last_response(&self) -> Result<&ReceivedResponse, Finding> {
        let exchange = self
            .exchanges
            .last()
            .ok_or_else(|| Finding::harness("no request was sent before this check"))?;
        match &exchange.outcome {
            Ok(r) => Ok(r),
            Err(e) if self.dropped_connection_is_a_finding => {
                Err(Finding::failure("the target sent no answer")
                    .expected("an HTTP answer on a connection that stays up")
                    .actual(e.message.clone())
                    .exchange(exchange.summary_line()))
            }
            Err(e) => Err(Finding::harness(format!(
                "no response to {}: {}",
                exchange.summary_line(),
                e.message
            ))),
        }
    }

    /// The last exchange.
    pub(crate) fn last_exchange(&self) -> Result<&Exchange, Finding> {
        self.exchanges
            .last()
            .ok_or_else(|| Finding::harness("no request was sent before this check"))
    }
}

impl crate::suite::collect::ScenarioRecord for PsaWorld {
    fn started(&self) -> Instant {
        self.started
    }
    fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }
    fn harness_errors(&self) -> &[String] {
        &self.harness_errors
    }
    fn notes(&self) -> &[String] {
        &self.notes
    }
    fn rate_limited(&self) -> &[String] {
        &self.rate_limited
    }
    fn replay_defaults(&self) -> crate::http::ClientDefaults {
        match &self.ctx {
            Some(ctx) => ctx.client.replay_defaults(),
            None => crate::suite::collect::default_replay(),
        }
    }
}
