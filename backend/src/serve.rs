//! The HTTP server under the app: accepts connections (plain or TLS) up to a cap and serves
//! each with hyper. A connection over the cap is answered 503 and closed; one whose request
//! head takes longer than the header-read timeout, or that sits idle between requests longer
//! than the keep-alive timeout, is closed. Shutdown stops accepting and drains the requests
//! in flight.

mod activity;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::config::ServerLimits as Limits;
use activity::{Activity, Tracked};

/// The address a request came from, over TCP or TLS (for login rate limits and the trusted
/// proxy), as `ConnectInfo<ClientAddr>`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub SocketAddr);

/// How long a refused client is given to take its 503.
const REFUSAL_WRITE_TIMEOUT: Duration = Duration::from_secs(1);

/// A source of accepted connections: plain TCP, or TLS after its handshake.
pub(crate) trait Accept: Send + 'static {
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    fn accept(&mut self) -> impl Future<Output = (Self::Io, SocketAddr)> + Send;
}

impl Accept for tokio::net::TcpListener {
    type Io = tokio::net::TcpStream;

    async fn accept(&mut self) -> (Self::Io, SocketAddr) {
        loop {
            match tokio::net::TcpListener::accept(self).await {
                Ok(accepted) => return accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// Serves `app` on the connections of `listener` until `shutdown` completes, then waits for
/// the requests in flight.
pub(crate) async fn serve<L: Accept>(
    mut listener: L,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    // Plugboard keeps the time itself ([`activity`]), with the keep-alive timeout apart.
    builder.http1().header_read_timeout(None);
    tokio::pin!(shutdown);
    loop {
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tokio::spawn(refuse(io, limits.max_connections));
            continue;
        };
        let activity = Activity::new();
        let io = TokioIo::new(Tracked::new(io, activity.clone()));
        let service = app_service(app.clone(), peer, activity.clone());
        let serving = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let serving = graceful.watch(serving);
        tokio::spawn(async move {
            tokio::select! {
                result = serving => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, "connection ended: {e}");
                    }
                }
                broken = activity.limit_broken(limits) => {
                    tracing::debug!(%peer, "connection closed: {broken}");
                }
            }
            drop(permit);
        });
    }
    graceful.shutdown().await;
}

/// The app as hyper's service for one connection: each request knows the peer, and counts as
/// in flight until its answer is ready.
fn app_service(
    app: Router,
    peer: SocketAddr,
    activity: Activity,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request: Request = request.map(axum::body::Body::new);
        request
            .extensions_mut()
            .insert(ConnectInfo(ClientAddr(peer)));
        let in_flight = activity.request_started();
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await;
            drop(in_flight);
            Ok::<_, Infallible>(response.unwrap_or_else(|never| match never {}))
        }
    })
}

/// Answers a connection over the cap with a 503 in the one error shape, and closes it.
async fn refuse<I: AsyncWrite + Unpin>(mut io: I, cap: usize) {
    let body = serde_json::json!({"error": {
        "code": "busy",
        "message": format!("Plugboard has {cap} connections open, its limit; try again in a moment"),
    }})
    .to_string();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_WRITE_TIMEOUT, async {
        io.write_all(answer.as_bytes()).await?;
        io.shutdown().await
    })
    .await;
}
