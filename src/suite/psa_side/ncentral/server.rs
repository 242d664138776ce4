//! The harness's N-central as a server: started on a bound socket (plain or
//! HTTPS), stopped when the run ends.

use std::sync::Arc;
use std::time::Duration;

use super::serve::serve;
use super::state::NcentralState;
use crate::redact::{Redactor, Secret};
use crate::serve::Background;

/// The harness's N-central, serving until stopped.
pub(crate) struct HarnessNcentralServer {
    pub state: Arc<NcentralState>,
    server: Background,
}

impl HarnessNcentralServer {
    /// Serves on `listener` (a bound socket, or a [`crate::net::Endpoint`]
    /// serving HTTPS); `public_url` is the base URL the PSA calls.
    pub(crate) fn start(
        listener: impl Into<crate::net::Endpoint>,
        public_url: &str,
        user_api_jwt: Secret,
        redactor: Redactor,
    ) -> std::io::Result<Self> {
        let listener = listener.into();
        let state = Arc::new(NcentralState::new(public_url, user_api_jwt, redactor));
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(state.clone());
        let server = Background::spawn(|stop| async move { listener.serve(app, stop).await });
        Ok(HarnessNcentralServer { state, server })
    }

    /// Stops serving; calls in flight are answered first, for 2 s at most.
    pub(crate) async fn stop(self) {
        self.server.stop_within(Duration::from_secs(2)).await;
    }
}
