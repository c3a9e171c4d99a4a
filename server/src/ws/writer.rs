//! The sending half of a WebSocket, whose every write has a deadline.
//!
//! A client that stops reading fills the socket's buffers, and a write to it
//! would wait forever, holding its task and file descriptor (and keeping the
//! connection's loop from noticing anything else). A write that cannot
//! complete within [`Config::write_timeout`] ends the connection instead.
//!
//! [`Config::write_timeout`]: crate::config::Config::write_timeout

use std::{task::Poll, time::Duration};

use app::protocol::ServerMsg;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures::{Sink, SinkExt};

use crate::frame::encode;

/// The sending half of a socket, whose every write has a deadline.
pub struct Writer<S> {
    sink: S,
    timeout: Duration,
}

impl<S: Sink<Message> + Unpin> Writer<S> {
    pub fn new(sink: S, timeout: Duration) -> Self {
        Self { sink, timeout }
    }

    /// Writes one frame; `false` once the socket is gone or stuck.
    pub async fn write(&mut self, message: Message) -> bool {
        let mut send = self.sink.send(message);
        // Nearly every write completes at once (the socket's buffer has
        // room); only one that has to wait gets a deadline, which spares
        // the timer a registration per frame on the delivery path.
        if let Poll::Ready(sent) = futures::poll!(&mut send) {
            return sent.is_ok();
        }
        match tokio::time::timeout(self.timeout, send).await {
            Ok(sent) => sent.is_ok(),
            Err(_) => {
                tracing::info!("closing a connection whose client stopped reading");
                false
            }
        }
    }

    /// Sends one server message; `false` once the socket is gone or stuck.
    pub async fn message(&mut self, message: &ServerMsg) -> bool {
        match encode(message) {
            Some(frame) => self.write(Message::Text(frame)).await,
            None => true,
        }
    }

    pub async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(reason),
        };
        // The peer may already be gone (or stuck); there is nothing more to
        // do then.
        self.write(Message::Close(Some(frame))).await;
    }
}
