//! The chat page's data for its first paint. The server loads it while it
//! renders the page, so the sidebar and the open channel's messages are in
//! the HTML, and the browser hydrates from the same data without fetching it
//! again. It is also a server function, for clients other than the page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    model::{ChannelId, User},
    protocol::{ChannelSummary, Message, Seq},
};

/// Everything the chat page starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSnapshot {
    pub me: User,
    /// The user's channels and conversations.
    pub channels: Vec<ChannelSummary>,
    /// The channel asked for, unless it does not exist or the user is not in it.
    pub open: Option<OpenChannel>,
}

/// The open channel's page of messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenChannel {
    pub id: ChannelId,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Whether older messages exist.
    pub has_older: bool,
}

/// Loads the chat page's data: `channel`'s latest messages, or those before
/// `before`.
#[server(endpoint = "chat")]
pub async fn load_chat(channel: ChannelId, before: Option<Seq>) -> Result<ChatSnapshot, AppError> {
    let (backend, request) = crate::backend::request_context()?;
    backend.chat_snapshot(&request, channel, before).await
}
