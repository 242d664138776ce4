//! An axum router served in the background until it is stopped or its
//! handle dropped: the one way both reference implementations (`mock`,
//! `psa_mock`) run. A leaf: it imports nothing of the crate.

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
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
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
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
