//! What the server sends: answers to requests, and events.
//!
//! Every enum here is tagged from outside, `{"message":[…]}`, not by a field
//! inside (`{"type":"message",…}`): the browser decodes these, and serde reads
//! an outer tag straight into the variant, where a tag inside makes it buffer
//! the whole object first and compiles that buffering into the WebAssembly
//! for every type (docs/performance.md has the bytes). Each variant's fields
//! travel as an array, through the twins in `wire.rs`.
//!
//! A frame holds one server message, or several in an array, to apply in
//! order ([`read_frame`]): a channel's changes held for its window go out
//! in the same frame as the channel's next event, `[{"changed":…},
//! {"message":…}]`, one frame and one write to each member rather than two.

use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use super::{
    wire::{ReplyWire, ServerWire},
    Change, ChannelKind, ChannelSummary, DirectoryEntry, Member, Message, NotifyLevel,
    ProtocolError, ReqId, Rev, Seq, Standing,
};
use crate::model::{ChannelId, User, UserId};

/// The answer to a successful request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ReplyWire", from = "ReplyWire")]
pub enum Reply {
    /// The stored message (the first one, for a resend).
    Sent {
        message: Message,
    },
    History {
        channel: ChannelId,
        messages: Vec<Message>,
        has_older: bool,
        /// Newer messages exist after the page: it is not the latest.
        has_newer: bool,
        /// The channel's revision, read before the messages: the latest
        /// page reflects every change up to it (and perhaps some after).
        rev: Rev,
    },
    Synced {
        channels: Vec<ChannelSummary>,
        catch_up: Vec<CatchUp>,
        /// The catch-up stopped at the size limit of one answer: sync again
        /// from the cursors it leaves, for the rest. Each channel's messages
        /// start right after its cursor, so nothing is skipped.
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
        /// Where the asker stands in the channel.
        you: Standing,
        /// Who is banned from it, for those who moderate it (empty for
        /// others).
        banned: Vec<User>,
    },
    /// Messages that mention the user, newest first.
    Mentions {
        messages: Vec<Message>,
        /// Whether older ones exist.
        has_more: bool,
    },
    /// Which of the watched users are online now.
    Presence {
        online: Vec<UserId>,
    },
    /// The change asked for was made, and took this revision of its
    /// channel (a change that was made already answers `Done`).
    Revised {
        rev: Rev,
    },
    Done,
    Pong,
}

/// What a client missed in one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CatchUp {
    pub channel: ChannelId,
    /// Every message changed after the cursor (new, edited, deleted or
    /// reacted to), as it is now, in revision order.
    pub messages: Vec<Message>,
    /// Too many changes were missed: `messages` is the latest page only,
    /// and the client should drop what it holds for this channel.
    pub reset: bool,
    /// The client now holds every change up to this revision: the cursor
    /// for the next sync.
    pub rev: Rev,
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ServerWire", from = "ServerWire")]
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
    /// Messages of one of your channels were edited, deleted or reacted
    /// to: one change, or several of one channel in revision order (a busy
    /// channel's changes are sent together, a few times a second).
    Changed {
        changes: Vec<Change>,
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
    /// One of your channels was renamed, given a topic, archived or
    /// restored: what it is now.
    ChannelUpdated {
        channel: ChannelId,
        kind: ChannelKind,
    },
    /// Your read marker moved (on another tab, perhaps).
    ReadMarker {
        channel: ChannelId,
        seq: Seq,
    },
    /// Your notification setting for a channel changed (on another tab,
    /// perhaps).
    Notify {
        channel: ChannelId,
        notify: NotifyLevel,
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

/// The server messages in one frame, in order: one, or several in an
/// array.
pub fn read_frame(text: &[u8]) -> Result<Vec<ServerMsg>, serde_json::Error> {
    match text.first() {
        Some(b'[') => serde_json::from_slice(text),
        _ => serde_json::from_slice(text).map(|message| vec![message]),
    }
}
