//! Accepting TCP connections and serving HTTP/1.1 on them, with the
//! timeouts a public server needs.
//!
//! `axum::serve` offers no way to bound how long a client may take to send
//! its request headers, so a client that sends one byte a minute holds a
//! connection (and a file descriptor) forever. Banter serves each connection
//! with hyper itself: the headers must arrive within
//! [`Config::header_timeout`]; the whole request (body included) must be
//! answered within [`Config::request_timeout`], else it gets `408`.
//! WebSocket upgrades pass through without the request deadline, and live on
//! after their request; so do file uploads, which may take minutes on a
//! slow link, and bound the wait for each part of their body instead.
//!
//! On shutdown the listener stops accepting, every connection finishes the
//! request it is serving, and `serve` returns once all of them have closed.
//!
//! [`Config::header_timeout`]: crate::config::Config::header_timeout
//! [`Config::request_timeout`]: crate::config::Config::request_timeout

use std::{future::Future, net::SocketAddr, time::Duration};

use axum::{body::Body, extract::ConnectInfo, Router};
use http::StatusCode;
use hyper::{body::Incoming, server::conn::http1, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::{TcpListener, TcpSocket},
    sync::watch,
};
use tower::ServiceExt;
use tower_http::timeout::TimeoutLayer;

/// How many connections may wait to be accepted. The default (1024) drops
/// the SYNs of a crowd reconnecting at once, which then retry a second or
/// more later; the kernel caps this at `net.core.somaxconn`.
const LISTEN_BACKLOG: u32 = 8192;

/// How long to wait before accepting again after the accept failed (out of
/// file descriptors, say), so that the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Binds `addr` with a deep accept queue.
pub fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// The time limits of one HTTP connection.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// For the request headers to arrive.
    pub headers: Duration,
    /// For a whole request to be answered.
    pub request: Duration,
}

/// The application, with and without the request deadline.
#[derive(Clone)]
struct Apps {
    timed: Router,
    plain: Router,
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets every
/// connection finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    // A WebSocket upgrade is answered at once and lives on outside its
    // request, so only the other requests get the deadline (the timer it
    // costs stays off the sockets' path).
    let timed = app.clone().layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        timeouts.request,
    ));
    let app = Apps { timed, plain: app };
    // Each connection holds a receiver: when all are dropped, all are done.
    let (stopping, stop) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(
            stream,
            remote,
            app.clone(),
            timeouts,
            stop.clone(),
        ));
    }
    drop(listener);
    let _ = stopping.send(true);
    drop(stop);
    stopping.closed().await;
}

/// Serves one connection until it closes, or finishes its request once
/// `stop` says so.
async fn connection(
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
    app: Apps,
    timeouts: Timeouts,
    mut stop: watch::Receiver<bool>,
) {
    // Nagle's algorithm stays on (as with axum::serve): a socket's burst of
    // small frames leaves in fewer segments, which is most of the CPU a
    // delivery costs.
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(remote));
        // An upload may take longer; it bounds the wait for each part of
        // its body instead (`files/upload.rs`).
        let untimed = is_websocket(&request)
            || crate::files::is_upload(request.method(), request.uri().path());
        let app = match untimed {
            true => app.plain.clone(),
            false => app.timed.clone(),
        };
        app.oneshot(request)
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    let served = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(served);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    served.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Whether `request` asks to open the WebSocket.
fn is_websocket<B>(request: &Request<B>) -> bool {
    request.method() == http::Method::GET
        && request.uri().path() == app::protocol::WS_PATH
        && request.headers().contains_key(http::header::UPGRADE)
}
