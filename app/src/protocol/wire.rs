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

/// What changed in a message, as one array whatever the change (as
/// [`ChannelKindWire`], and for the same reason): `[kind, text, body, at,
/// people, added]`, with `kind` 0 for an edit (its text, body and time), 1
/// for a delete, 2 for a removal and 3 for a reaction (`text` is the
/// emoji, `people` who reacted, `added` whether it was added).
#[derive(Serialize, Deserialize)]
pub(super) struct ChangeKindWire(u8, String, Option<Body>, Millis, Vec<User>, bool);

impl From<ChangeKind> for ChangeKindWire {
    fn from(kind: ChangeKind) -> Self {
        let none = |kind| Self(kind, String::new(), None, Millis(0), Vec::new(), false);
        match kind {
            ChangeKind::Edited { text, body, at } => Self(0, text, body, at, Vec::new(), false),
            ChangeKind::Deleted => none(1),
            ChangeKind::Removed => none(2),
            ChangeKind::Reacted { emoji, user, added } => {
                Self(3, emoji, None, Millis(0), vec![user], added)
            }
        }
    }
}

impl TryFrom<ChangeKindWire> for ChangeKind {
    type Error = &'static str;

    fn try_from(wire: ChangeKindWire) -> Result<Self, Self::Error> {
        let ChangeKindWire(kind, text, body, at, people, added) = wire;
        match (kind, <[User; 1]>::try_from(people)) {
            (0, _) => Ok(ChangeKind::Edited { text, body, at }),
            (1, _) => Ok(ChangeKind::Deleted),
            (2, _) => Ok(ChangeKind::Removed),
            (3, Ok([user])) => Ok(ChangeKind::Reacted {
                emoji: text,
                user,
                added,
            }),
            _ => Err("not a change"),
        }
    }
}

/// A channel's kind, as one array whatever the kind: `[kind, name, topic,
/// private, archived, people]`, with `kind` 0 for a named channel, 1 for a
/// one-to-one conversation (`people` is the peer) and 2 for a group
/// (`people` are its members). One decoder, where an enum's variants
/// would bring one each; the unused fields cost a few bytes a channel.
#[derive(Serialize, Deserialize)]
pub(super) struct ChannelKindWire(u8, String, String, bool, bool, Vec<User>);

impl From<ChannelKind> for ChannelKindWire {
    fn from(kind: ChannelKind) -> Self {
        match kind {
            ChannelKind::Named {
                name,
                topic,
                private,
                archived,
            } => Self(0, name, topic, private, archived, Vec::new()),
            ChannelKind::Direct { peer } => {
                Self(1, String::new(), String::new(), false, false, vec![peer])
            }
            ChannelKind::Group { name, members } => {
                Self(2, name, String::new(), false, false, members)
            }
        }
    }
}

impl TryFrom<ChannelKindWire> for ChannelKind {
    type Error = &'static str;

    fn try_from(wire: ChannelKindWire) -> Result<Self, Self::Error> {
        let ChannelKindWire(kind, name, topic, private, archived, people) = wire;
        match (kind, <[User; 1]>::try_from(people)) {
            (0, _) => Ok(ChannelKind::Named {
                name,
                topic,
                private,
                archived,
            }),
            (1, Ok([peer])) => Ok(ChannelKind::Direct { peer }),
            (2, Ok(one)) => Ok(ChannelKind::Group {
                name,
                members: one.into(),
            }),
            (2, Err(members)) => Ok(ChannelKind::Group { name, members }),
            _ => Err("not a channel kind"),
        }
    }
}

twins!(ChannelChange <=> ChannelChangeWire {
    Rename { name: String },
    Topic { topic: String },
    Archive { archived: bool },
});
