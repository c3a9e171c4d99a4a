//! Frames: server messages serialised once, then shared by every connection
//! and node they go to.

use app::protocol::ServerMsg;
use axum::extract::ws::Utf8Bytes;

/// One serialised server message, shared by every connection it goes to.
pub type Frame = Utf8Bytes;

/// Serialises a server message into a frame.
pub fn encode(message: &ServerMsg) -> Option<Frame> {
    match serde_json::to_string(message) {
        Ok(json) => Some(Frame::from(json)),
        Err(error) => {
            // Unreachable for Banter's types, which have no non-string keys.
            tracing::error!(%error, "cannot serialise a server message");
            None
        }
    }
}
