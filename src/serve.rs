//! An axum router served in the background until it is stopped or its
//! handle dropped: the one way both reference implementations (`mock`,
//! `psa_mock`) run, and the harness's N-central. A leaf: it imports nothing
//! of the crate.

use std::future::Future;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A router being served on its own task. Dropping it asks the server to
/// shut down gracefully; [`Background::stop`] also waits until it has.
#[derive(Debug)]
pub(crate) struct Background {
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Background {
    /// Serves `app` on `listener` from a new task.
    pub(crate) fn serve(listener: TcpListener, app: axum::Router) -> Background {
        Background::spawn(|stop| async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await;
        })
    }

    /// Runs the server `run` makes on a new task; `run` is handed the
    /// future that completes when the server is to shut down gracefully.
    pub(crate) fn spawn<F, R>(run: F) -> Background
    where
        F: FnOnce(std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> R,
        R: Future<Output = ()> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(run(Box::pin(async {
            let _ = rx.await;
        })));
        Background {
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Stops serving and waits for the server task to end.
    pub(crate) async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// [`Background::stop`], waiting at most `bound` for calls in flight.
    pub(crate) async fn stop_within(mut self, bound: std::time::Duration) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(bound, task).await;
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
