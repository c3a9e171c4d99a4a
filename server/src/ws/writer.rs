//! The sending half of a WebSocket, whose every write has a deadline.
//!
//! A client that stops reading fills the socket's buffers, and a write to it
//! would wait forever, holding its task and file descriptor (and keeping the
//! connection's loop from noticing anything else). A write that cannot
//! complete within [`Config::write_timeout`] ends the connection instead.
//!
//! Each frame written counts as a delivery, and how long after its making it
//! went out feeds the fan-out latency histogram (see [`crate::observe`]).
//!
//! The hub's frames are written in batches: every frame waiting in the
//! connection's queue goes out in one flush, so a connection that has fallen
//! a little behind costs one system call (and one TCP segment) for all of
//! them rather than one each. The busier the server, the larger the
//! batches, and the less each delivery costs.
//!
//! [`Config::write_timeout`]: crate::config::Config::write_timeout

use std::{
    future::Future,
    task::Poll,
    time::{Duration, Instant},
};

use app::protocol::ServerMsg;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures::{Sink, SinkExt};
use metrics::{counter, histogram, Counter, Histogram};
use tokio::sync::mpsc;

use crate::{
    frame::{encode_text, Frame},
    observe::{DELIVERIES, FANOUT_SECONDS},
};

/// At most this many queued frames go out in one flush, so that one batch
/// stays well inside the socket's send buffer and the write deadline.
const BATCH_FRAMES: usize = 64;

/// The sending half of a socket, whose every write has a deadline.
pub struct Writer<S> {
    sink: S,
    timeout: Duration,
    /// Frames written, and how long after they were made: looked up once
    /// per connection, not once per frame.
    deliveries: Counter,
    fanout: Histogram,
}

impl<S: Sink<Message> + Unpin> Writer<S> {
    pub fn new(sink: S, timeout: Duration) -> Self {
        Self {
            sink,
            timeout,
            deliveries: counter!(DELIVERIES),
            fanout: histogram!(FANOUT_SECONDS),
        }
    }

    /// Writes one frame; `false` once the socket is gone or stuck.
    pub async fn write(&mut self, message: Message) -> bool {
        within(self.timeout, self.sink.send(message)).await
    }

    /// Writes `first` and every frame queued behind it (up to a batch) in
    /// one flush; `false` once the socket is gone or stuck.
    pub async fn frames(&mut self, first: Frame, queue: &mut mpsc::Receiver<Frame>) -> bool {
        let timeout = self.timeout;
        let Self {
            sink,
            deliveries,
            fanout,
            ..
        } = self;
        let now = Instant::now();
        let batch = async move {
            let mut write = async |frame: Frame| {
                fanout.record(now.saturating_duration_since(frame.made_at()));
                deliveries.increment(1);
                sink.feed(Message::Text(frame.text())).await
            };
            write(first).await?;
            for _ in 1..BATCH_FRAMES {
                match queue.try_recv() {
                    Ok(frame) => write(frame).await?,
                    Err(_) => break,
                }
            }
            sink.flush().await
        };
        within(timeout, batch).await
    }

    /// Sends one server message; `false` once the socket is gone or stuck.
    pub async fn message(&mut self, message: &ServerMsg) -> bool {
        match encode_text(message) {
            Some(text) => self.write(Message::Text(text)).await,
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

/// Runs a write to its end, or gives up after `timeout`; `false` once the
/// socket is gone or stuck.
async fn within<E>(timeout: Duration, write: impl Future<Output = Result<(), E>>) -> bool {
    let mut write = std::pin::pin!(write);
    // Nearly every write completes at once (the socket's buffer has room);
    // only one that has to wait gets a deadline, which spares the timer a
    // registration per frame on the delivery path.
    if let Poll::Ready(written) = futures::poll!(&mut write) {
        return written.is_ok();
    }
    match tokio::time::timeout(timeout, write).await {
        Ok(written) => written.is_ok(),
        Err(_) => {
            tracing::info!("closing a connection whose client stopped reading");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::channel::mpsc as sink_channel;

    use super::*;

    #[tokio::test]
    async fn queued_frames_go_out_in_order_one_batch_at_a_time() {
        let (sink, mut written) = sink_channel::unbounded::<Message>();
        let mut writer = Writer::new(sink, Duration::from_secs(1));
        let (tx, mut queue) = mpsc::channel(256);
        for n in 1..=100 {
            tx.try_send(Frame::from(n.to_string()))
                .expect("room in the queue");
        }

        let first = queue.try_recv().expect("a frame");
        assert!(writer.frames(first, &mut queue).await);
        let mut texts = Vec::new();
        while let Ok(Message::Text(text)) = written.try_recv() {
            texts.push(text.as_str().to_owned());
        }
        let expected: Vec<String> = (1..=BATCH_FRAMES).map(|n| n.to_string()).collect();
        assert_eq!(texts, expected, "one batch, in order");
        assert_eq!(queue.len(), 100 - BATCH_FRAMES, "the rest wait their turn");

        drop(written);
        let next = queue.try_recv().expect("a frame");
        assert!(
            !writer.frames(next, &mut queue).await,
            "a gone socket is reported"
        );
    }
}
