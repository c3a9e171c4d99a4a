//! Accepting a WebSocket: authentication, origin, how many sockets the user
//! and the address hold already, and socket limits.

use app::protocol::MAX_FRAME_BYTES;
use axum::{
    extract::{ws::WebSocketUpgrade, State},
    http::{Extensions, HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;
use tracing::Instrument;

use super::connection;
use crate::{
    auth::{client_addr::client_addr_of, origin::is_same_site},
    observe::{self, Limit},
    state::AppState,
};

/// Bytes read from the socket at a time. Frames larger than this still
/// arrive whole (the buffer grows for them); a small buffer keeps an idle
/// connection small.
const READ_BUFFER: usize = 1024;

/// Frames are gathered up to this many bytes before they are written, or
/// until the writer flushes, which it does after each batch of queued
/// frames ([`super::writer`]): a batch is one system call, not one per
/// frame. (At 0, tungstenite writes every frame the moment it is fed.)
/// Only a connection that has had frames queued grows its buffer.
const WRITE_BUFFER: usize = 64 * 1024;

/// `GET /ws`: upgrades a signed-in, same-site request to a WebSocket, if
/// the user and the address are under their limits of open sockets (429
/// otherwise).
pub async fn upgrade(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    extensions: Extensions,
    uri: Uri,
    socket: WebSocketUpgrade,
) -> Response {
    if !is_same_site(&headers, state.config.public_origin().as_deref()) {
        return (
            StatusCode::FORBIDDEN,
            "refused: the WebSocket was not opened by this site",
        )
            .into_response();
    }
    let address = client_addr_of(&headers, &extensions, state.config.trust_forwarded_for);
    let user = match state.session_user(&session, address).await {
        Ok(user) => user,
        Err(error) => {
            tracing::warn!(%error, "cannot read the session of a WebSocket request");
            None
        }
    };
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    let ticket = match state.admission.admit(user.id, address) {
        Ok(ticket) => ticket,
        Err(refused) => {
            observe::rate_limited(Limit::Connections);
            tracing::info!(user = %user.id, %address, %refused, "refused a WebSocket");
            return (StatusCode::TOO_MANY_REQUESTS, refused.to_string()).into_response();
        }
    };
    let version = client_version(&uri);
    let session_id = session.id();
    // The socket's life is logged under its upgrade request (and its id).
    let span = tracing::info_span!("ws", user = %user.id);
    socket
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| async move {
            // The socket keeps its place until the connection ends.
            let _ticket = ticket;
            connection::run(state, user, session_id, version, socket)
                .instrument(span)
                .await;
        })
}

/// The protocol version the client asked for with `?v=`, if any.
fn client_version(uri: &Uri) -> Option<u32> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(key, _)| key == "v")
        .and_then(|(_, value)| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use std::{
        io,
        pin::Pin,
        sync::{
            atomic::{AtomicUsize, Ordering},
            Arc,
        },
        task::{Context, Poll},
    };

    use futures::SinkExt;
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
    use tokio_tungstenite::{
        tungstenite::{protocol::Role, protocol::WebSocketConfig, Message},
        WebSocketStream,
    };

    use super::WRITE_BUFFER;

    /// A socket that takes every write whole and counts them.
    struct Counted(Arc<AtomicUsize>);

    impl AsyncRead for Counted {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Pending
        }
    }

    impl AsyncWrite for Counted {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            bytes: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Poll::Ready(Ok(bytes.len()))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn frames_fed_before_a_flush_are_written_together() {
        let writes = Arc::new(AtomicUsize::new(0));
        let config = WebSocketConfig::default().write_buffer_size(WRITE_BUFFER);
        let mut socket =
            WebSocketStream::from_raw_socket(Counted(writes.clone()), Role::Server, Some(config))
                .await;
        for text in ["日本語", "Привет", "العربية", "🦀"] {
            socket.feed(Message::text(text)).await.expect("fed");
        }
        assert_eq!(writes.load(Ordering::Relaxed), 0, "nothing written yet");
        socket.flush().await.expect("flushed");
        assert_eq!(writes.load(Ordering::Relaxed), 1, "one write for the batch");
    }
}
