//! The chat page's data for its first paint. The server loads it while it
//! renders the page, so the sidebar and the open channel's messages are in
//! the HTML, and the browser hydrates from the same data without fetching it
//! again. It is also a server function, for clients other than the page.

use leptos::prelude::*;
use serde::Serialize;
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use super::MentionPage;
use crate::{
    error::AppError,
    model::{ChannelId, User},
    protocol::{ChannelSummary, Message, Rev, Seq},
};

/// Everything the chat page starts from (on the wire, an array of its
/// fields, like the protocol's structs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChatSnapshot {
    pub me: User,
    /// The user's channels and conversations.
    pub channels: Vec<ChannelSummary>,
    /// The channel asked for, unless it does not exist or the user is not in it.
    pub open: Option<OpenChannel>,
    /// On `/mentions`, its first page.
    pub mentions: Option<MentionPage>,
    /// On a page with a part only the server renders (`server_part.rs`:
    /// the sessions, the accounts), that part's data as JSON, which only the
    /// server's render reads, carried as text so that the page's decoder
    /// need not know it.
    pub server_part: Option<String>,
}

/// The open channel's page of messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct OpenChannel {
    pub id: ChannelId,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Whether older messages exist.
    pub has_older: bool,
    /// Whether newer messages exist: the page is further back than the
    /// latest (an address to a message far back).
    pub has_newer: bool,
    /// The channel's revision, read before the messages.
    pub rev: Rev,
}

/// Loads the chat page's data: `channel`'s latest messages, or those before
/// `before`.
#[server(endpoint = "chat")]
pub async fn load_chat(channel: ChannelId, before: Option<Seq>) -> Result<ChatSnapshot, AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            let page = before.map_or(
                crate::protocol::PageAt::Latest,
                crate::protocol::PageAt::Before,
            );
            backend.chat_snapshot(&request, channel, page).await
        }
        .await,
    )
}

/// How the snapshot travels in the page, from the server's render to the
/// browser's hydration: JSON, read with the same reader (from bytes) as the
/// socket's messages. serde_json's reader from a string would give every
/// type in the snapshot a second decoder in the WebAssembly.
pub struct SnapshotCodec;

impl<T: Serialize> leptos::server::codee::Encoder<T> for SnapshotCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server::codee::Decoder<T> for SnapshotCodec {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(json.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use leptos::server::codee::{Decoder, Encoder};

    use super::*;
    use crate::{
        model::UserId,
        protocol::{ClientId, Message, MessageId, Millis, Rev},
    };

    #[test]
    fn the_snapshot_codec_reads_back_what_it_wrote() {
        let me = User {
            id: UserId(7),
            username: "sakura".into(),
            display: String::new(),
        };
        let message = |seq: i64, text: &str| Message {
            id: MessageId(seq),
            channel: ChannelId::GENERAL,
            seq: Seq(seq),
            sender: me.id,
            sender_name: me.username.clone(),
            sender_display: String::new(),
            client_id: ClientId(uuid::Uuid::from_u128(seq as u128)),
            text: text.into(),
            body: None,
            at: Millis(1_795_341_600_000 + seq),
            rev: Rev(0),
            edited: None,
            deleted: crate::protocol::Deletion::Kept,
            reply_to: None,
            reactions: Vec::new(),
            files: Vec::new(),
        };
        let snapshot: Result<ChatSnapshot, AppError> = Ok(ChatSnapshot {
            me: me.clone(),
            channels: Vec::new(),
            open: Some(OpenChannel {
                id: ChannelId::GENERAL,
                messages: vec![
                    message(1, "日本語"),
                    message(2, "Привет, \"мир\"\n"),
                    message(3, "مرحبا 🦀 </script>"),
                ],
                has_older: true,
                has_newer: false,
                rev: Rev(3),
            }),
            mentions: None,
            server_part: None,
        });
        let json = SnapshotCodec::encode(&snapshot).unwrap();
        let read: Result<ChatSnapshot, AppError> = SnapshotCodec::decode(&json).unwrap();
        assert_eq!(read, snapshot);
        let refused: Result<ChatSnapshot, AppError> = Err(AppError::NotSignedIn);
        let json = SnapshotCodec::encode(&refused).unwrap();
        let read: Result<ChatSnapshot, AppError> = SnapshotCodec::decode(&json).unwrap();
        assert_eq!(read, refused);
    }
}
