//! The harness's N-central as a server: started on a bound socket (plain or
//! HTTPS), stopped when the run ends.

use std::sync::Arc;
use std::time::Duration;

use super::serve::serve;
use super::state::NcentralState;
use crate::redact::{Redactor, Secret};

/// The harness's N-central, serving until stopped.
pub(crate) struct HarnessNcentralServer {
    pub state: Arc<NcentralState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
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
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            listener
                .serve(app, async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(HarnessNcentralServer {
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// Stops serving; calls in flight are answered first.
    pub(crate) async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
    }
}

impl Drop for HarnessNcentralServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
