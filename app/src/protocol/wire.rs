//! How the enums the browser decodes travel: each variant's fields as an
//! array (`{"ok":[7,"done"]}`), not as an object of named fields.
//!
//! The code keeps its enums with named fields, which read well where they
//! are built and matched; serde converts them to and from these twins
//! (`#[serde(from, into)]`). A decoder of an array is a fraction of the
//! size of one that matches field names, and the browser carries one per
//! variant (docs/performance.md has the bytes). The order of each variant's
//! fields here is the order on the wire; [`twins!`] writes each twin and both
//! conversions from one list, so they cannot disagree.

use serde::{Deserialize, Serialize};

use super::{
    CatchUp, Change, ChangeKind, ChannelChange, ChannelKind, ChannelSummary, DirectoryEntry,
    Member, Message, Millis, NotifyLevel, ProtocolError, Reply, ReqId, Rev, Seq, ServerMsg,
    Standing,
};
use crate::format::Body;
use crate::model::{ChannelId, User, UserId};

/// Declares `$wire`, the twin of the enum `$named` with named fields: the
/// same variants holding the same fields, in the order listed, as a tuple;
/// and `From` both ways between them.
macro_rules! twins {
    ($(#[$meta:meta])* $named:ident <=> $wire:ident {
        $($variant:ident $({ $($field:ident: $ty:ty),+ })?),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub(super) enum $wire {
            $($variant $(($($ty),+))?,)+
        }

        impl From<$named> for $wire {
            fn from(value: $named) -> Self {
                match value {
                    $($named::$variant $({ $($field),+ })? => Self::$variant $(($($field),+))?,)+
                }
            }
        }

        impl From<$wire> for $named {
            fn from(value: $wire) -> Self {
                match value {
                    $($wire::$variant $(($($field),+))? => Self::$variant $({ $($field),+ })?,)+
                }
            }
        }
    };
}

twins!(ServerMsg <=> ServerWire {
    Welcome { version: u32, user: User },
    Ok { req: ReqId, reply: Reply },
    Error { req: Option<ReqId>, error: ProtocolError },
    Message { message: Message },
    Changed { changes: Vec<Change> },
    ChannelAdded { channel: ChannelSummary },
    ChannelRemoved { channel: ChannelId },
    ChannelUpdated { channel: ChannelId, kind: ChannelKind },
    ReadMarker { channel: ChannelId, seq: Seq },
    Notify { channel: ChannelId, notify: NotifyLevel },
    MemberCount { channel: ChannelId, count: u32 },
    Presence { user: UserId, online: bool },
    Typing { channel: ChannelId, user: User, typing: bool },
});

twins!(Reply <=> ReplyWire {
    Sent { message: Message },
    History { channel: ChannelId, messages: Vec<Message>, has_older: bool, has_newer: bool, rev: Rev },
    Synced { channels: Vec<ChannelSummary>, catch_up: Vec<CatchUp>, more: bool },
    Channel { channel: ChannelSummary },
    Directory { channels: Vec<DirectoryEntry> },
    Users { users: Vec<User> },
    Members { channel: ChannelId, members: Vec<Member>, total: u32, online: u32, you: Standing, banned: Vec<User> },
    Mentions { messages: Vec<Message>, has_more: bool },
    Presence { online: Vec<UserId> },
    Revised { rev: Rev },
    Done,
    Pong,
});

twins!(
    /// A refusal with details carries them as its variant's value; one
    /// without is a plain string (`"not_member"`).
    ProtocolError <=> ErrorWire {
        BadRequest { detail: String },
        NotMember,
        RateLimited { retry_after_ms: u64 },
        TooManyRequests { retry_after_ms: u64 },
        UserNotFound,
        NoSuchMessage,
        Refused { reason: String },
        Internal,
    }
);

twins!(ChangeKind <=> ChangeKindWire {
    Edited { text: String, body: Option<Body>, at: Millis },
    Deleted,
    Removed,
    Reacted { emoji: String, user: User, added: bool },
});

twins!(ChannelKind <=> ChannelKindWire {
    Named { name: String, topic: String, private: bool, archived: bool },
    Direct { peer: User },
    Group { name: String, members: Vec<User> },
});

twins!(ChannelChange <=> ChannelChangeWire {
    Rename { name: String },
    Topic { topic: String },
    Archive { archived: bool },
});
