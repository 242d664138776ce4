//! Serving HTTP on a bound socket, plain or over TLS: the certificate the
//! harness's N-central serves with ([`ServerTls`]: PEM files or a
//! certificate generated for the run) and the one place an axum router is
//! put on a listener ([`Endpoint::serve`]). Imports nothing of the crate.

mod listener;
mod server_tls;

pub(crate) use listener::Endpoint;
pub(crate) use server_tls::{ServerTls, TlsSource, SELF_SIGNED_CA_FILE};
