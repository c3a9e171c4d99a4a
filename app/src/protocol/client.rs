//! What a client sends: one request per frame, each with its id.

use serde::{Deserialize, Serialize};

use super::{
    ChannelChange, ClientId, Cursor, MessageId, ModAction, NotifyLevel, PageAt, ReqId, Seq,
};
use crate::model::{ChannelId, UserId};

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Sends a message.
    Send {
        req: ReqId,
        channel: ChannelId,
        client_id: ClientId,
        text: String,
        /// The message this one answers, in the same channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<MessageId>,
        /// Files uploaded to the channel for it, in order (at most
        /// [`MAX_FILES`](super::MAX_FILES)); the text may then be empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<super::FileId>,
    },
    /// Replaces the text of one's own message.
    Edit {
        req: ReqId,
        channel: ChannelId,
        message: MessageId,
        text: String,
    },
    /// Deletes one's own message: its text is gone for good.
    Delete {
        req: ReqId,
        channel: ChannelId,
        message: MessageId,
    },
    /// Adds (or takes back) one's reaction to a message.
    React {
        req: ReqId,
        channel: ChannelId,
        message: MessageId,
        emoji: String,
        add: bool,
    },
    /// A moderator's action on a member of a channel (see [`ModAction`]).
    Moderate {
        req: ReqId,
        channel: ChannelId,
        user: UserId,
        action: ModAction,
    },
    /// A page of up to `limit` messages, oldest first.
    History {
        req: ReqId,
        channel: ChannelId,
        page: PageAt,
        limit: u32,
    },
    /// The channel list, and every message changed after each cursor (at most
    /// [`MAX_SYNC_BYTES`](super::MAX_SYNC_BYTES) of them in one answer).
    Sync {
        req: ReqId,
        cursors: Vec<Cursor>,
    },
    /// Moves this user's read marker forward.
    MarkRead {
        req: ReqId,
        channel: ChannelId,
        seq: Seq,
    },
    /// Sets this user's notification setting for a channel, in every tab.
    SetNotify {
        req: ReqId,
        channel: ChannelId,
        notify: NotifyLevel,
    },
    /// Creates a channel, public or private (for good).
    CreateChannel {
        req: ReqId,
        name: String,
        #[serde(default)]
        private: bool,
    },
    /// Changes a channel's name, topic or archived state.
    Configure {
        req: ReqId,
        channel: ChannelId,
        change: ChannelChange,
    },
    /// Adds people to a channel (a private one's only way in). At most
    /// [`MAX_INVITES`](super::MAX_INVITES) at once.
    Invite {
        req: ReqId,
        channel: ChannelId,
        users: Vec<UserId>,
    },
    JoinChannel {
        req: ReqId,
        channel: ChannelId,
    },
    LeaveChannel {
        req: ReqId,
        channel: ChannelId,
    },
    /// Public channels whose name contains `query` (all if empty).
    BrowseChannels {
        req: ReqId,
        query: String,
    },
    /// People whose name starts with `query`.
    FindUsers {
        req: ReqId,
        query: String,
    },
    /// The conversation with `user`, created on first use.
    OpenDirect {
        req: ReqId,
        user: UserId,
    },
    /// The group conversation of the user with `users` (2 to 8 others),
    /// created unless one of exactly these people exists.
    OpenGroup {
        req: ReqId,
        users: Vec<UserId>,
    },
    /// The messages that mention the user, newest first, before the
    /// message `before` (from the newest if `None`).
    Mentions {
        req: ReqId,
        before: Option<MessageId>,
    },
    /// Keeps the link alive and measures it.
    Ping {
        req: ReqId,
    },
    /// Some members of a channel, online first, and its counts.
    Members {
        req: ReqId,
        channel: ChannelId,
    },
    /// The users whose presence this connection follows (replacing the last
    /// set): the people shown on screen. Only users who share a channel with
    /// the asker are followed.
    Watch {
        req: ReqId,
        users: Vec<UserId>,
    },
    /// The user is (or stopped) typing in a channel.
    Typing {
        req: ReqId,
        channel: ChannelId,
        typing: bool,
    },
}

impl ClientMsg {
    /// The request id, which every client message carries.
    pub fn req(&self) -> ReqId {
        match self {
            ClientMsg::Send { req, .. }
            | ClientMsg::Edit { req, .. }
            | ClientMsg::Delete { req, .. }
            | ClientMsg::React { req, .. }
            | ClientMsg::Moderate { req, .. }
            | ClientMsg::History { req, .. }
            | ClientMsg::Sync { req, .. }
            | ClientMsg::MarkRead { req, .. }
            | ClientMsg::SetNotify { req, .. }
            | ClientMsg::CreateChannel { req, .. }
            | ClientMsg::Configure { req, .. }
            | ClientMsg::Invite { req, .. }
            | ClientMsg::JoinChannel { req, .. }
            | ClientMsg::LeaveChannel { req, .. }
            | ClientMsg::BrowseChannels { req, .. }
            | ClientMsg::FindUsers { req, .. }
            | ClientMsg::OpenDirect { req, .. }
            | ClientMsg::OpenGroup { req, .. }
            | ClientMsg::Members { req, .. }
            | ClientMsg::Mentions { req, .. }
            | ClientMsg::Watch { req, .. }
            | ClientMsg::Typing { req, .. }
            | ClientMsg::Ping { req } => *req,
        }
    }
}
