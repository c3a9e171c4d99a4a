//! Frames: server messages serialised once, then shared by every connection
//! and node they go to.

use std::sync::Arc;

use app::protocol::ServerMsg;
use axum::extract::ws::Utf8Bytes;

/// One serialised server message, shared by every connection it goes to.
///
/// A thin pointer on purpose: each connection's queue sets aside room for
/// 32 frames from the start, and at 8 bytes a frame rather than the 32 of
/// the text itself, that room costs a connection 256 bytes, not 1 KiB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame(Arc<Utf8Bytes>);

impl Frame {
    /// The text, to write to a socket (sharing, not copying, its bytes).
    pub fn text(&self) -> Utf8Bytes {
        Utf8Bytes::clone(&self.0)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl From<String> for Frame {
    fn from(text: String) -> Self {
        Self(Arc::new(Utf8Bytes::from(text)))
    }
}

impl From<&'static str> for Frame {
    fn from(text: &'static str) -> Self {
        Self(Arc::new(Utf8Bytes::from_static(text)))
    }
}

/// Serialises a server message into a frame, to share.
pub fn encode(message: &ServerMsg) -> Option<Frame> {
    encode_text(message).map(|text| Frame(Arc::new(text)))
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
