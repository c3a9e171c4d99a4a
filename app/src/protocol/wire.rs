//! How the enums the browser decodes travel: each variant's fields as an
//! array (`{"ok":[7,"done"]}`), not as an object of named fields.
//!
//! The code keeps its enums with named fields, which read well where they
//! are built and matched; serde converts them to and from these twins
//! (`#[serde(from, into)]`). A decoder of an array is a fraction of the
//! size of one that matches field names, and the browser carries one per
//! variant (docs/performance.md has the bytes). The order of each variant's
//! fields here is the order on the wire.

use serde::{Deserialize, Serialize};

use super::{
    CatchUp, Change, ChangeKind, ChannelKind, ChannelSummary, DirectoryEntry, Member, Message,
    ProtocolError, Reply, ReqId, Rev, Seq, ServerMsg,
};
use crate::model::{ChannelId, ChannelNameError, MessageTextError, User, UserId};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ServerWire {
    Welcome(u32, User),
    Ok(ReqId, Reply),
    Error(Option<ReqId>, ProtocolError),
    Message(Message),
    Changed(Change),
    ChannelAdded(ChannelSummary),
    ChannelRemoved(ChannelId),
    ReadMarker(ChannelId, Seq),
    MemberCount(ChannelId, u32),
    Presence(UserId, bool),
    Typing(ChannelId, User, bool),
}

impl From<ServerMsg> for ServerWire {
    fn from(message: ServerMsg) -> Self {
        match message {
            ServerMsg::Welcome { version, user } => Self::Welcome(version, user),
            ServerMsg::Ok { req, reply } => Self::Ok(req, reply),
            ServerMsg::Error { req, error } => Self::Error(req, error),
            ServerMsg::Message { message } => Self::Message(message),
            ServerMsg::Changed { change } => Self::Changed(change),
            ServerMsg::ChannelAdded { channel } => Self::ChannelAdded(channel),
            ServerMsg::ChannelRemoved { channel } => Self::ChannelRemoved(channel),
            ServerMsg::ReadMarker { channel, seq } => Self::ReadMarker(channel, seq),
            ServerMsg::MemberCount { channel, count } => Self::MemberCount(channel, count),
            ServerMsg::Presence { user, online } => Self::Presence(user, online),
            ServerMsg::Typing {
                channel,
                user,
                typing,
            } => Self::Typing(channel, user, typing),
        }
    }
}

impl From<ServerWire> for ServerMsg {
    fn from(wire: ServerWire) -> Self {
        match wire {
            ServerWire::Welcome(version, user) => Self::Welcome { version, user },
            ServerWire::Ok(req, reply) => Self::Ok { req, reply },
            ServerWire::Error(req, error) => Self::Error { req, error },
            ServerWire::Message(message) => Self::Message { message },
            ServerWire::Changed(change) => Self::Changed { change },
            ServerWire::ChannelAdded(channel) => Self::ChannelAdded { channel },
            ServerWire::ChannelRemoved(channel) => Self::ChannelRemoved { channel },
            ServerWire::ReadMarker(channel, seq) => Self::ReadMarker { channel, seq },
            ServerWire::MemberCount(channel, count) => Self::MemberCount { channel, count },
            ServerWire::Presence(user, online) => Self::Presence { user, online },
            ServerWire::Typing(channel, user, typing) => Self::Typing {
                channel,
                user,
                typing,
            },
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ReplyWire {
    Sent(Message),
    History(ChannelId, Vec<Message>, bool, Rev),
    Synced(Vec<ChannelSummary>, Vec<CatchUp>, bool),
    Channel(ChannelSummary),
    Directory(Vec<DirectoryEntry>),
    Users(Vec<User>),
    Members(ChannelId, Vec<Member>, u32, u32),
    Presence(Vec<UserId>),
    Done,
    Pong,
}

impl From<Reply> for ReplyWire {
    fn from(reply: Reply) -> Self {
        match reply {
            Reply::Sent { message } => Self::Sent(message),
            Reply::History {
                channel,
                messages,
                has_older,
                rev,
            } => Self::History(channel, messages, has_older, rev),
            Reply::Synced {
                channels,
                catch_up,
                more,
            } => Self::Synced(channels, catch_up, more),
            Reply::Channel { channel } => Self::Channel(channel),
            Reply::Directory { channels } => Self::Directory(channels),
            Reply::Users { users } => Self::Users(users),
            Reply::Members {
                channel,
                members,
                total,
                online,
            } => Self::Members(channel, members, total, online),
            Reply::Presence { online } => Self::Presence(online),
            Reply::Done => Self::Done,
            Reply::Pong => Self::Pong,
        }
    }
}

impl From<ReplyWire> for Reply {
    fn from(wire: ReplyWire) -> Self {
        match wire {
            ReplyWire::Sent(message) => Self::Sent { message },
            ReplyWire::History(channel, messages, has_older, rev) => Self::History {
                channel,
                messages,
                has_older,
                rev,
            },
            ReplyWire::Synced(channels, catch_up, more) => Self::Synced {
                channels,
                catch_up,
                more,
            },
            ReplyWire::Channel(channel) => Self::Channel { channel },
            ReplyWire::Directory(channels) => Self::Directory { channels },
            ReplyWire::Users(users) => Self::Users { users },
            ReplyWire::Members(channel, members, total, online) => Self::Members {
                channel,
                members,
                total,
                online,
            },
            ReplyWire::Presence(online) => Self::Presence { online },
            ReplyWire::Done => Self::Done,
            ReplyWire::Pong => Self::Pong,
        }
    }
}

/// A refusal with details carries them as its variant's value; one without
/// is a plain string (`"not_member"`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ErrorWire {
    BadRequest(String),
    NotMember,
    InvalidMessage(MessageTextError),
    RateLimited(u64),
    TooManyRequests(u64),
    InvalidChannelName(ChannelNameError),
    ChannelNameTaken,
    CannotLeaveGeneral,
    CannotLeaveConversation,
    UserNotFound,
    CannotMessageYourself,
    NoSuchMessage,
    NotYourMessage,
    InvalidEmoji,
    TooManyReactions(u32),
    Internal,
}

impl From<ProtocolError> for ErrorWire {
    fn from(error: ProtocolError) -> Self {
        use ProtocolError as E;
        match error {
            E::BadRequest { detail } => Self::BadRequest(detail),
            E::NotMember => Self::NotMember,
            E::InvalidMessage { reason } => Self::InvalidMessage(reason),
            E::RateLimited { retry_after_ms } => Self::RateLimited(retry_after_ms),
            E::TooManyRequests { retry_after_ms } => Self::TooManyRequests(retry_after_ms),
            E::InvalidChannelName { reason } => Self::InvalidChannelName(reason),
            E::ChannelNameTaken => Self::ChannelNameTaken,
            E::CannotLeaveGeneral => Self::CannotLeaveGeneral,
            E::CannotLeaveConversation => Self::CannotLeaveConversation,
            E::UserNotFound => Self::UserNotFound,
            E::CannotMessageYourself => Self::CannotMessageYourself,
            E::NoSuchMessage => Self::NoSuchMessage,
            E::NotYourMessage => Self::NotYourMessage,
            E::InvalidEmoji => Self::InvalidEmoji,
            E::TooManyReactions { max } => Self::TooManyReactions(max),
            E::Internal => Self::Internal,
        }
    }
}

impl From<ErrorWire> for ProtocolError {
    fn from(wire: ErrorWire) -> Self {
        use ErrorWire as W;
        match wire {
            W::BadRequest(detail) => Self::BadRequest { detail },
            W::NotMember => Self::NotMember,
            W::InvalidMessage(reason) => Self::InvalidMessage { reason },
            W::RateLimited(retry_after_ms) => Self::RateLimited { retry_after_ms },
            W::TooManyRequests(retry_after_ms) => Self::TooManyRequests { retry_after_ms },
            W::InvalidChannelName(reason) => Self::InvalidChannelName { reason },
            W::ChannelNameTaken => Self::ChannelNameTaken,
            W::CannotLeaveGeneral => Self::CannotLeaveGeneral,
            W::CannotLeaveConversation => Self::CannotLeaveConversation,
            W::UserNotFound => Self::UserNotFound,
            W::CannotMessageYourself => Self::CannotMessageYourself,
            W::NoSuchMessage => Self::NoSuchMessage,
            W::NotYourMessage => Self::NotYourMessage,
            W::InvalidEmoji => Self::InvalidEmoji,
            W::TooManyReactions(max) => Self::TooManyReactions { max },
            W::Internal => Self::Internal,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ChangeKindWire {
    Edited(String, super::Millis),
    Deleted,
    Reacted(String, User, bool),
}

impl From<ChangeKind> for ChangeKindWire {
    fn from(kind: ChangeKind) -> Self {
        match kind {
            ChangeKind::Edited { text, at } => Self::Edited(text, at),
            ChangeKind::Deleted => Self::Deleted,
            ChangeKind::Reacted { emoji, user, added } => Self::Reacted(emoji, user, added),
        }
    }
}

impl From<ChangeKindWire> for ChangeKind {
    fn from(wire: ChangeKindWire) -> Self {
        match wire {
            ChangeKindWire::Edited(text, at) => Self::Edited { text, at },
            ChangeKindWire::Deleted => Self::Deleted,
            ChangeKindWire::Reacted(emoji, user, added) => Self::Reacted { emoji, user, added },
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ChannelKindWire {
    Public(String),
    Direct(User),
}

impl From<ChannelKind> for ChannelKindWire {
    fn from(kind: ChannelKind) -> Self {
        match kind {
            ChannelKind::Public { name } => Self::Public(name),
            ChannelKind::Direct { peer } => Self::Direct(peer),
        }
    }
}

impl From<ChannelKindWire> for ChannelKind {
    fn from(wire: ChannelKindWire) -> Self {
        match wire {
            ChannelKindWire::Public(name) => Self::Public { name },
            ChannelKindWire::Direct(peer) => Self::Direct { peer },
        }
    }
}
