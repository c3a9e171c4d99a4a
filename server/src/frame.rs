//! Frames: server messages serialised once, then shared by every connection
//! and node they go to.

use std::{sync::Arc, time::Instant};

use app::protocol::ServerMsg;
use axum::extract::ws::Utf8Bytes;

/// One serialised server message, shared by every connection it goes to,
/// with when it was made (for the fan-out latency).
///
/// A thin pointer on purpose: each connection's queue sets aside room for
/// 32 frames from the start, and at 8 bytes a frame rather than the 32 of
/// the text itself, that room costs a connection 256 bytes, not 1 KiB.
#[derive(Clone, Debug)]
pub struct Frame(Arc<Made>);

#[derive(Debug)]
struct Made {
    text: Utf8Bytes,
    at: Instant,
}

impl Frame {
    fn new(text: Utf8Bytes) -> Self {
        Self(Arc::new(Made {
            text,
            at: Instant::now(),
        }))
    }

    /// The text, to write to a socket (sharing, not copying, its bytes).
    pub fn text(&self) -> Utf8Bytes {
        Utf8Bytes::clone(&self.0.text)
    }

    pub fn as_str(&self) -> &str {
        self.0.text.as_str()
    }

    /// When the frame was made: after its event was committed, or when it
    /// arrived from another node.
    pub fn made_at(&self) -> Instant {
        self.0.at
    }

    /// One frame holding `first`'s message, then `then`'s: an array, which
    /// clients read in order (`app::protocol::read_frame`). Made as early
    /// as the earlier of the two.
    pub fn joined(first: &Frame, then: &Frame) -> Frame {
        let text = format!("[{},{}]", first.as_str(), then.as_str());
        Self(Arc::new(Made {
            text: Utf8Bytes::from(text),
            at: first.made_at().min(then.made_at()),
        }))
    }
}

/// Frames are equal when their texts are.
impl PartialEq for Frame {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Frame {}

impl From<String> for Frame {
    fn from(text: String) -> Self {
        Self::new(Utf8Bytes::from(text))
    }
}

impl From<&'static str> for Frame {
    fn from(text: &'static str) -> Self {
        Self::new(Utf8Bytes::from_static(text))
    }
}

/// Serialises a server message into a frame, to share.
pub fn encode(message: &ServerMsg) -> Option<Frame> {
    encode_text(message).map(Frame::new)
}

/// Serialises a server message for one socket only (an answer, say).
pub fn encode_text(message: &ServerMsg) -> Option<Utf8Bytes> {
    match serde_json::to_string(message) {
        Ok(json) => Some(Utf8Bytes::from(json)),
        Err(error) => {
            // Unreachable for Banter's types, which have no non-string keys.
            tracing::error!(%error, "cannot serialise a server message");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Frame;

    #[test]
    fn a_frame_is_one_pointer_wide() {
        assert_eq!(size_of::<Frame>(), size_of::<usize>());
    }
}
