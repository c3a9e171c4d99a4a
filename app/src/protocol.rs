//! The WebSocket protocol: the only thing both sides of the wire must agree
//! on.
//!
//! Frames are JSON text, one message each, tagged by `"type"`. The client
//! sends [`ClientMsg`]s; every request carries a [`ReqId`] and gets exactly one
//! answer, [`ServerMsg::Ok`] or [`ServerMsg::Error`]. The server also pushes
//! events ([`ServerMsg::Message`], …) that can all be recomputed from the
//! database, so a client that missed some can always catch up with
//! [`ClientMsg::Sync`].
//!
//! Ordering and catch-up use [`Seq`], a per-channel sequence assigned in the
//! transaction that stores a message: the messages of a channel are exactly
//! the seqs 1, 2, 3, … with no gaps, so "everything after seq n" is a complete
//! answer.

use serde::{Deserialize, Serialize};

use crate::model::{ChannelId, ChannelNameError, MessageTextError, User, UserId};

/// Bumped whenever a change would confuse an older client; the server refuses
/// other versions and the client reloads.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest frame the server accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The most messages one history page holds.
pub const MAX_PAGE: u32 = 100;

/// About the most bytes of messages one sync answers with; the rest
/// follows in another (see [`Reply::Synced`]).
pub const MAX_SYNC_BYTES: usize = 1 << 20;

/// The most cursors one sync may carry.
pub const MAX_CURSORS: usize = 1000;

/// The messages a channel page opens with.
pub const FIRST_PAGE: u32 = 50;

/// The path of the WebSocket endpoint.
pub const WS_PATH: &str = "/ws";

/// The WebSocket close code for "your session has ended: sign in again".
pub const CLOSE_SESSION_ENDED: u16 = 4001;
/// The WebSocket close code for "you fell too far behind: reconnect and sync".
pub const CLOSE_LAGGING: u16 = 4008;
/// The WebSocket close code for "protocol version not supported: reload".
pub const CLOSE_VERSION: u16 = 4010;

/// Identifies a request within one connection; chosen by the client.
pub type ReqId = u64;

/// A message's position in its channel: 1 for the first, then 2, 3, … ;
/// 0 stands for "before the first". Never negative on the wire.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Seq(pub i64);

impl TryFrom<i64> for Seq {
    type Error = NegativeSeq;

    fn try_from(seq: i64) -> Result<Self, Self::Error> {
        if seq >= 0 {
            Ok(Self(seq))
        } else {
            Err(NegativeSeq(seq))
        }
    }
}

impl From<Seq> for i64 {
    fn from(seq: Seq) -> i64 {
        seq.0
    }
}

/// A negative number read where a [`Seq`] was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a position: positions are 0 or more")]
pub struct NegativeSeq(pub i64);

crate::id_type!(
    /// A message's id: its identity, not its position.
    MessageId
);

/// The id a client gives a message before sending it. Sending again with the
/// same id stores nothing new and answers with the first result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct ClientId(pub uuid::Uuid);

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Millis(pub i64);

/// A stored message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Message {
    pub id: MessageId,
    #[cfg_attr(feature = "ssr", sqlx(rename = "channel_id"))]
    pub channel: ChannelId,
    pub seq: Seq,
    #[cfg_attr(feature = "ssr", sqlx(rename = "sender_id"))]
    pub sender: UserId,
    pub sender_name: String,
    pub client_id: ClientId,
    pub text: String,
    pub at: Millis,
}

/// What kind of channel, with what the sidebar shows for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChannelKind {
    /// A public channel anyone can find and join.
    Public { name: String },
    /// A private conversation; `peer` is the other person.
    Direct { peer: User },
}

/// A channel as one member sees it in their sidebar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSummary {
    pub id: ChannelId,
    #[serde(flatten)]
    pub kind: ChannelKind,
    /// The seq of the newest message.
    pub last_seq: Seq,
    /// This member's read marker.
    pub last_read: Seq,
    /// Messages from others after the read marker (at most [`MAX_UNREAD`]).
    pub unread: u32,
    pub members: u32,
}

/// Unread counts stop at this (shown as "99+").
pub const MAX_UNREAD: u32 = 100;

/// A public channel in the directory.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]

pub struct DirectoryEntry {
    pub id: ChannelId,
    pub name: String,
    pub members: u32,
    /// Whether the asking user is in it.
    pub joined: bool,
}

/// A member of a channel, and whether they are online.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Member {
    pub user: User,
    pub online: bool,
}

/// The most members a member list holds.
pub const MEMBER_LIST_LIMIT: u32 = 200;

/// The most users one watch may name.
pub const MAX_WATCHED: usize = 500;

/// Where a client is in one channel: it holds every message up to `seq`.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub channel: ChannelId,
    pub seq: Seq,
}

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
    },
    /// Older messages: up to `limit` before `before` (the latest if `None`).
    History {
        req: ReqId,
        channel: ChannelId,
        before: Option<Seq>,
        limit: u32,
    },
    /// The channel list, and every message after each cursor (at most
    /// [`MAX_SYNC_BYTES`] of them in one answer).
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
    CreateChannel {
        req: ReqId,
        name: String,
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
            | ClientMsg::History { req, .. }
            | ClientMsg::Sync { req, .. }
            | ClientMsg::MarkRead { req, .. }
            | ClientMsg::CreateChannel { req, .. }
            | ClientMsg::JoinChannel { req, .. }
            | ClientMsg::LeaveChannel { req, .. }
            | ClientMsg::BrowseChannels { req, .. }
            | ClientMsg::FindUsers { req, .. }
            | ClientMsg::OpenDirect { req, .. }
            | ClientMsg::Members { req, .. }
            | ClientMsg::Watch { req, .. }
            | ClientMsg::Typing { req, .. }
            | ClientMsg::Ping { req } => *req,
        }
    }
}

/// The answer to a successful request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// The stored message (the first one, for a resend).
    Sent {
        message: Message,
    },
    History {
        channel: ChannelId,
        messages: Vec<Message>,
        has_older: bool,
    },
    Synced {
        channels: Vec<ChannelSummary>,
        catch_up: Vec<CatchUp>,
        /// The catch-up stopped at the size limit of one answer: sync again
        /// from the cursors it leaves, for the rest. Each channel's messages
        /// start right after its cursor, so nothing is skipped.
        #[serde(default)]
        more: bool,
    },
    Channel {
        channel: ChannelSummary,
    },
    Directory {
        channels: Vec<DirectoryEntry>,
    },
    Users {
        users: Vec<User>,
    },
    Members {
        channel: ChannelId,
        members: Vec<Member>,
        /// How many members the channel has, and how many are online.
        total: u32,
        online: u32,
    },
    /// Which of the watched users are online now.
    Presence {
        online: Vec<UserId>,
    },
    Done,
    Pong,
}

/// The messages a client missed in one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatchUp {
    pub channel: ChannelId,
    /// The messages after the cursor, oldest first.
    pub messages: Vec<Message>,
    /// Too many were missed: `messages` is the latest page only, and the
    /// client should drop what it holds for this channel.
    pub reset: bool,
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The first frame of every connection.
    Welcome {
        version: u32,
        user: User,
    },
    Ok {
        req: ReqId,
        reply: Reply,
    },
    /// A refused request; `req` is absent when the frame could not be read.
    Error {
        req: Option<ReqId>,
        error: ProtocolError,
    },
    /// A new message in one of your channels.
    Message {
        message: Message,
    },
    /// You are now in this channel (you joined or created it, or someone
    /// opened a conversation with you).
    ChannelAdded {
        channel: ChannelSummary,
    },
    /// You are no longer in this channel.
    ChannelRemoved {
        channel: ChannelId,
    },
    /// Your read marker moved (on another tab, perhaps).
    ReadMarker {
        channel: ChannelId,
        seq: Seq,
    },
    /// The number of members of one of your channels changed.
    MemberCount {
        channel: ChannelId,
        count: u32,
    },
    /// A watched user came online or went offline.
    Presence {
        user: UserId,
        online: bool,
    },
    /// Someone is typing in one of your channels, or stopped.
    Typing {
        channel: ChannelId,
        user: User,
        typing: bool,
    },
}

/// Why a request was refused; each says what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProtocolError {
    #[error("the request could not be read: {detail}")]
    BadRequest { detail: String },
    #[error("that channel does not exist or you are not in it")]
    NotMember,
    #[error("{reason}")]
    InvalidMessage { reason: MessageTextError },
    #[error("you are sending too fast; wait a moment")]
    RateLimited { retry_after_ms: u64 },
    #[error("too many requests; wait a moment and try again")]
    TooManyRequests { retry_after_ms: u64 },
    #[error("{reason}")]
    InvalidChannelName { reason: ChannelNameError },
    #[error("a channel with that name already exists")]
    ChannelNameTaken,
    #[error("everyone stays in General")]
    CannotLeaveGeneral,
    #[error("a conversation cannot be left")]
    CannotLeaveConversation,
    #[error("no such user")]
    UserNotFound,
    #[error("you cannot start a conversation with yourself")]
    CannotMessageYourself,
    #[error("something went wrong on the server; try again")]
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_are_tagged_snake_case_json() {
        let msg = ClientMsg::Send {
            req: 7,
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::nil()),
            text: "hi".into(),
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            json,
            r#"{"type":"send","req":7,"channel":1,"client_id":"00000000-0000-0000-0000-000000000000","text":"hi"}"#
        );
        assert_eq!(serde_json::from_str::<ClientMsg>(&json).unwrap(), msg);
        assert_eq!(msg.req(), 7);
    }

    #[test]
    fn ids_are_positive_and_positions_never_negative() {
        let read = |json: &str| serde_json::from_str::<ClientMsg>(json);
        assert!(read(r#"{"type":"join_channel","req":1,"channel":3}"#).is_ok());
        for json in [
            r#"{"type":"join_channel","req":1,"channel":0}"#,
            r#"{"type":"join_channel","req":1,"channel":-4}"#,
            r#"{"type":"open_direct","req":1,"user":-1}"#,
            r#"{"type":"mark_read","req":1,"channel":1,"seq":-1}"#,
        ] {
            let error = read(json).unwrap_err().to_string();
            assert!(
                error.contains("positive") || error.contains("0 or more"),
                "{error}"
            );
        }
        assert!(read(r#"{"type":"mark_read","req":1,"channel":1,"seq":0}"#).is_ok());
        assert_eq!(serde_json::to_string(&Seq(7)).unwrap(), "7");
        assert_eq!(serde_json::to_string(&ChannelId(7)).unwrap(), "7");
    }

    #[test]
    fn errors_carry_a_code() {
        let msg = ServerMsg::Error {
            req: Some(3),
            error: ProtocolError::NotMember,
        };
        assert_eq!(
            serde_json::to_string(&msg).unwrap(),
            r#"{"type":"error","req":3,"error":{"code":"not_member"}}"#
        );
    }

    #[test]
    fn a_channel_summary_flattens_its_kind() {
        let summary = ChannelSummary {
            id: ChannelId(2),
            kind: ChannelKind::Public {
                name: "rust".into(),
            },
            last_seq: Seq(5),
            last_read: Seq(3),
            unread: 2,
            members: 4,
        };
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["kind"], "public");
        assert_eq!(json["name"], "rust");
        assert_eq!(
            serde_json::from_value::<ChannelSummary>(json).unwrap(),
            summary
        );
    }
}
