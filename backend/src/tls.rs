//! Serving HTTPS with rustls (the ring provider reqwest already brings). Handshakes run in
//! tasks of their own with a time limit, so a slow or broken client never holds up others, and
//! no more of them at once than connections may be open.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::TlsFiles;
use crate::serve::Accept;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections whose TLS handshake has completed.
pub(crate) struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// Accepts on `listener`, with at most `max_handshakes` handshakes under way.
    pub(crate) fn new(
        listener: TcpListener,
        files: &TlsFiles,
        max_handshakes: usize,
    ) -> anyhow::Result<Self> {
        let acceptor = TlsAcceptor::from(Arc::new(server_config(files)?));
        let (sender, ready) = mpsc::channel(64);
        let handshakes = Arc::new(Semaphore::new(max_handshakes.max(1)));
        tokio::spawn(accept_forever(listener, acceptor, sender, handshakes));
        Ok(Self { ready })
    }
}

async fn accept_forever(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
    handshakes: Arc<Semaphore>,
) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!("cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = handshakes.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "too many TLS handshakes under way: connection closed");
            continue;
        };
        let (acceptor, ready) = (acceptor.clone(), ready.clone());
        tokio::spawn(async move {
            let _permit = permit;
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        });
    }
}

impl Accept for TlsListener {
    type Io = TlsStream<TcpStream>;

    async fn accept(&mut self) -> (Self::Io, SocketAddr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            None => std::future::pending().await,
        }
    }
}

fn server_config(files: &TlsFiles) -> anyhow::Result<rustls::ServerConfig> {
    let cert_file = &files.cert_file;
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_file)
        .with_context(|| format!("cannot read [tls] cert_file {}", cert_file.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("[tls] cert_file {} is not PEM", cert_file.display()))?;
    if certificates.is_empty() {
        anyhow::bail!(
            "[tls] cert_file {} holds no certificate",
            cert_file.display()
        );
    }
    let key = PrivateKeyDer::from_pem_file(&files.key_file).with_context(|| {
        format!(
            "[tls] key_file {} is not a PEM private key",
            files.key_file.display()
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .context("[tls] the certificate and key do not belong together")
}
