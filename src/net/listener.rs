//! [`Endpoint`]: a bound TCP socket, with the TLS it serves if any, and the
//! one call that serves an axum router on it. Over TLS, handshakes run
//! beside the accept loop — at most [`HANDSHAKES_IN_FLIGHT`] at once, each
//! given [`HANDSHAKE_TIMEOUT`] — so a caller that opens a connection and
//! never finishes its handshake holds one slot for a few seconds, never the
//! listener. Either way each request carries `ConnectInfo<SocketAddr>`, the
//! caller's address.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::serve::{IncomingStream, Listener};
use axum::{Extension, Router};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use super::ServerTls;

/// TLS handshakes under way at once; further connections wait to be
/// accepted.
pub(super) const HANDSHAKES_IN_FLIGHT: usize = 128;
/// Longest a TLS handshake may take before its connection is closed.
pub(super) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A bound socket and how it serves: plain HTTP, or HTTPS.
pub(crate) struct Endpoint {
    listener: TcpListener,
    tls: Option<ServerTls>,
}

impl From<TcpListener> for Endpoint {
    fn from(listener: TcpListener) -> Self {
        Endpoint {
            listener,
            tls: None,
        }
    }
}

impl Endpoint {
    /// Serves HTTPS with `tls` when given, plain HTTP otherwise.
    pub(crate) fn new(listener: TcpListener, tls: Option<ServerTls>) -> Self {
        Endpoint { listener, tls }
    }

    /// Serves `app` until `shutdown` completes; calls in flight are
    /// answered first.
    pub(crate) async fn serve(
        self,
        app: Router,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) {
        match self.tls {
            None => serve_on(self.listener, app, shutdown).await,
            Some(tls) => match TlsListener::new(self.listener, tls) {
                Ok(listener) => serve_on(listener, app, shutdown).await,
                Err(_) => shutdown.await,
            },
        }
    }
}

async fn serve_on<L>(listener: L, app: Router, shutdown: impl Future<Output = ()> + Send + 'static)
where
    L: Listener<Addr = SocketAddr>,
{
    let make = tower::service_fn(move |incoming: IncomingStream<'_, L>| {
        let peer = *incoming.remote_addr();
        let app = app.clone().layer(Extension(ConnectInfo(peer)));
        async move { Ok::<_, Infallible>(app) }
    });
    let _ = axum::serve(listener, make)
        .with_graceful_shutdown(shutdown)
        .await;
}

/// A TCP listener whose connections come out of their TLS handshake.
struct TlsListener {
    handshaken: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    fn new(tcp: TcpListener, tls: ServerTls) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(tls.config());
        let (tx, handshaken) = mpsc::channel(HANDSHAKES_IN_FLIGHT);
        let slots = Arc::new(Semaphore::new(HANDSHAKES_IN_FLIGHT));
        let accepting = tokio::spawn(async move {
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    // Out of file descriptors and the like: wait, then go on.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if tx.is_closed() {
                    return;
                }
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let _slot = slot;
                    let handshake =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
                    if let Ok(Ok(stream)) = handshake.await {
                        let _ = tx.send((stream, peer)).await;
                    }
                });
            }
        });
        Ok(TlsListener {
            handshaken,
            local,
            accepting,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        // Frees the port.
        self.accepting.abort();
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.handshaken.recv().await {
            Some(accepted) => accepted,
            // The accept loop ended: no connection will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    /// Serves `/` (answering the caller's address) over TLS on a port of
    /// its own; the URL and the CA's PEM.
    async fn serve_tls() -> (String, String, tokio::sync::oneshot::Sender<()>) {
        let tls = ServerTls::self_signed("127.0.0.1").unwrap();
        let ca = tls.ca_pem().unwrap().to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "https://127.0.0.1:{}/",
            listener.local_addr().unwrap().port()
        );
        let app = Router::new().route(
            "/",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(Endpoint::new(listener, Some(tls)).serve(app, async {
            let _ = rx.await;
        }));
        (url, ca, tx)
    }

    fn trusting(ca: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
            .timeout(Duration::from_secs(20))
            .no_proxy()
            .build()
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_that_never_finish_a_handshake_do_not_lock_others_out() {
        let (url, ca, _stop) = serve_tls().await;
        let address = url
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_string();
        // More silent connections than there are handshake slots.
        let mut silent = Vec::new();
        for _ in 0..HANDSHAKES_IN_FLIGHT + 72 {
            silent.push(TcpStream::connect(&address).await.unwrap());
        }
        let answer = trusting(&ca).get(&url).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        // The caller's address reaches the handler over TLS too.
        assert_eq!(answer.text().await.unwrap(), "127.0.0.1");
        drop(silent);
    }

    #[tokio::test]
    async fn a_client_that_does_not_trust_the_ca_is_refused() {
        let (url, _, _stop) = serve_tls().await;
        let other = ServerTls::self_signed("127.0.0.1").unwrap();
        let refused = trusting(other.ca_pem().unwrap()).get(&url).send().await;
        assert!(refused.is_err(), "{refused:?}");
    }
}
