//! The values requests and events carry: positions, ids, times, messages,
//! channels and members.

use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use crate::{
    format::Body,
    model::{ChannelId, User, UserId},
};

/// Defines a position newtype: a counter that starts at 0 ("before the
/// first") and is never negative on the wire.
macro_rules! position_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(try_from = "i64", into = "i64")]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl TryFrom<i64> for $name {
            type Error = NegativePosition;

            fn try_from(position: i64) -> Result<Self, Self::Error> {
                if position >= 0 {
                    Ok(Self(position))
                } else {
                    Err(NegativePosition(position))
                }
            }
        }

        impl From<$name> for i64 {
            fn from(position: $name) -> i64 {
                position.0
            }
        }
    };
}

position_type!(
    /// A message's position in its channel: 1 for the first, then 2, 3, … ;
    /// 0 stands for "before the first". Gap-free: a deleted message keeps
    /// its seq.
    Seq
);

position_type!(
    /// A channel's revision: every change to a channel (a new message, an
    /// edit, a delete, a reaction added or removed) takes the next one, in
    /// the transaction that makes it, and a message carries the revision of
    /// its latest change. "Every message changed after revision r" is a
    /// complete catch-up. 0 stands for "before the first change".
    Rev
);

/// Which page of a channel's history a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageAt {
    /// The newest messages.
    Latest,
    /// The messages just before this seq (not including it).
    Before(Seq),
    /// The messages just after this seq (not including it): reading on
    /// from a message far back.
    After(Seq),
}

/// A negative number read where a [`Seq`] or [`Rev`] was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a position: positions are 0 or more")]
pub struct NegativePosition(pub i64);

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

/// A stored message, as of its revision `rev`.
///
/// A deleted message keeps its place (its seq) with no text, reactions or
/// quote: `deleted` says by whom and the rest is empty.
///
/// On the wire it is an array of its fields in this order, as are the other
/// structs the browser decodes (see `protocol.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Message {
    pub id: MessageId,
    pub channel: ChannelId,
    pub seq: Seq,
    pub sender: UserId,
    pub sender_name: String,
    /// The sender's display name as it is now ("" for none).
    pub sender_display: String,
    pub client_id: ClientId,
    pub text: String,
    /// The text's formatting; `None` when it is plain (see [`crate::format`]).
    pub body: Option<Body>,
    pub at: Millis,
    pub rev: Rev,
    /// When the text was last edited.
    pub edited: Option<Millis>,
    pub deleted: Deletion,
    /// The message this one answers.
    pub reply_to: Option<Quote>,
    /// In the order each emoji was first used.
    pub reactions: Vec<Reaction>,
    /// Its files, in the order they were attached.
    pub files: Vec<super::Attachment>,
}

/// Whether a message was deleted, and by whom: its author, or a moderator
/// (or an administrator) who removed it. On the wire, a number (the
/// browser reads numbers already).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "u32", into = "u32")]
pub enum Deletion {
    #[default]
    Kept,
    ByAuthor,
    ByModerator,
}

impl Deletion {
    pub fn is_deleted(self) -> bool {
        self != Deletion::Kept
    }
}

impl From<u32> for Deletion {
    fn from(code: u32) -> Self {
        match code {
            0 => Deletion::Kept,
            2 => Deletion::ByModerator,
            _ => Deletion::ByAuthor,
        }
    }
}

impl From<Deletion> for u32 {
    fn from(deletion: Deletion) -> u32 {
        deletion as u32
    }
}

/// Where someone stands in a channel, which says what they may do there.
/// Ordered: each may do what those before may, and moderates only those
/// before them. An instance administrator stands above every role of every
/// channel. On the wire, a number.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(from = "u32", into = "u32")]
pub enum Standing {
    #[default]
    Member,
    /// Appointed by an owner: removes messages, removes, bans and times
    /// out members.
    Moderator,
    /// The creator of a public channel: a moderator who appoints
    /// moderators.
    Owner,
    Admin,
}

impl Standing {
    /// Whether one standing so may act on someone standing as `other`:
    /// only a moderator or above, and only on those below them.
    pub fn moderates(self, other: Standing) -> bool {
        self >= Standing::Moderator && other < self
    }

    /// The word shown beside a member's name; none for a plain member.
    pub fn label(self) -> Option<&'static str> {
        match self {
            Standing::Member => None,
            Standing::Moderator => Some("moderator"),
            Standing::Owner => Some("owner"),
            Standing::Admin => Some("admin"),
        }
    }
}

impl From<u32> for Standing {
    fn from(code: u32) -> Self {
        match code {
            1 => Standing::Moderator,
            2 => Standing::Owner,
            3 => Standing::Admin,
            _ => Standing::Member,
        }
    }
}

impl From<Standing> for u32 {
    fn from(standing: Standing) -> u32 {
        standing as u32
    }
}

/// What a moderator does to a member of their channel. On the wire, a
/// number (the browser writes numbers already): 0 remove, 1 ban, 2 unban,
/// 3 appoint, 4 dismiss, and 100 + n a timeout of n minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub enum ModAction {
    /// Takes them out of the channel; they may join again.
    Remove,
    /// Takes them out, and they cannot join again until unbanned.
    Ban,
    Unban,
    /// They cannot send in the channel for this many minutes (at most
    /// [`MAX_TIMEOUT_MINUTES`]); 0 ends a timeout.
    TimeOut(u32),
    /// Owners only: makes a member a moderator.
    Appoint,
    /// Owners only: makes a moderator a member again.
    Dismiss,
}

/// The longest timeout: a week.
pub const MAX_TIMEOUT_MINUTES: u32 = 7 * 24 * 60;

/// Where timeouts start among [`ModAction`]'s numbers.
const TIMEOUT_CODES: u32 = 100;

impl TryFrom<u32> for ModAction {
    type Error = String;

    fn try_from(code: u32) -> Result<Self, Self::Error> {
        Ok(match code {
            0 => ModAction::Remove,
            1 => ModAction::Ban,
            2 => ModAction::Unban,
            3 => ModAction::Appoint,
            4 => ModAction::Dismiss,
            TIMEOUT_CODES.. => ModAction::TimeOut(code - TIMEOUT_CODES),
            _ => return Err(format!("{code} is not a moderator's action")),
        })
    }
}

impl From<ModAction> for u32 {
    fn from(action: ModAction) -> u32 {
        match action {
            ModAction::Remove => 0,
            ModAction::Ban => 1,
            ModAction::Unban => 2,
            ModAction::Appoint => 3,
            ModAction::Dismiss => 4,
            ModAction::TimeOut(minutes) => TIMEOUT_CODES.saturating_add(minutes),
        }
    }
}

/// What a reply shows of the message it answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize_tuple, Deserialize_tuple)]
pub struct Quote {
    pub id: MessageId,
    /// Where to find it in the channel's history.
    pub seq: Seq,
    pub sender_name: String,
    /// The start of its first line ([`QUOTE_CHARS`] at most); empty once
    /// it is deleted.
    pub excerpt: String,
    pub deleted: bool,
}

/// The most characters of the original a quote shows.
pub const QUOTE_CHARS: usize = 120;

/// One emoji's reactions to a message, as one member sees them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize_tuple, Deserialize_tuple)]
pub struct Reaction {
    pub emoji: String,
    pub count: u32,
    /// Whether the member who asked is among them.
    pub me: bool,
    /// Who reacted, first come first ([`REACTION_NAMES`] at most).
    pub names: Vec<String>,
}

/// The most reactors' names a reaction carries; past them, a count.
pub const REACTION_NAMES: usize = 10;

/// The most distinct emoji one message may carry.
pub const MAX_REACTIONS: usize = 20;

/// A change to a stored message, pushed to every member as it happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Change {
    pub channel: ChannelId,
    pub message: MessageId,
    /// The channel's revision this change took.
    pub rev: Rev,
    pub what: ChangeKind,
}

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "super::wire::ChangeKindWire",
    try_from = "super::wire::ChangeKindWire"
)]
pub enum ChangeKind {
    Edited {
        text: String,
        body: Option<Body>,
        at: Millis,
    },
    /// Deleted by its author.
    Deleted,
    /// Deleted by a moderator (or an administrator).
    Removed,
    Reacted {
        emoji: String,
        user: User,
        added: bool,
    },
}

/// What kind of channel, with what the sidebar shows for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "super::wire::ChannelKindWire",
    try_from = "super::wire::ChannelKindWire"
)]
pub enum ChannelKind {
    /// A channel with a name. A public one anyone can find and join; a
    /// private one only its members see, and people join it when a member
    /// invites them (it was created so, and stays so). An archived one is
    /// read-only until restored.
    Named {
        name: String,
        topic: String,
        private: bool,
        archived: bool,
    },
    /// A private conversation; `peer` is the other person.
    Direct { peer: User },
    /// A private conversation of [`MIN_GROUP`] to [`MAX_GROUP`] people
    /// (fewer, once some have left): every member, by name, and the name
    /// someone gave it ("" for none: it is then named by its members).
    Group { name: String, members: Vec<User> },
}

impl ChannelKind {
    /// Whether the channel is archived: read-only.
    pub fn is_archived(&self) -> bool {
        matches!(self, ChannelKind::Named { archived: true, .. })
    }
}

/// The fewest people a group conversation starts with, its starter
/// included (two make a one-to-one conversation).
pub const MIN_GROUP: usize = 3;

/// The most people a group conversation holds.
pub const MAX_GROUP: usize = 9;

/// A change to a channel's settings, by one who may make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    into = "super::wire::ChannelChangeWire",
    from = "super::wire::ChannelChangeWire"
)]
pub enum ChannelChange {
    /// A new name (moderators, owners and administrators; in a group
    /// conversation, any member).
    Rename { name: String },
    /// A new topic, or none if empty (the same).
    Topic { topic: String },
    /// Makes it read-only, or writable again (owners and administrators).
    Archive { archived: bool },
}

/// A channel as one member sees it in their sidebar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChannelSummary {
    pub id: ChannelId,
    pub kind: ChannelKind,
    /// The seq of the newest message.
    pub last_seq: Seq,
    /// This member's read marker.
    pub last_read: Seq,
    /// Messages from others after the read marker (at most [`MAX_UNREAD`]).
    pub unread: u32,
    /// Of those, the ones that call this member (by name or `@here`; in a
    /// conversation, all of them), at most [`MAX_UNREAD`].
    pub mentions: u32,
    pub members: u32,
    /// This member's notification setting (the default, if they never
    /// chose one).
    pub notify: super::NotifyLevel,
}

/// Unread counts stop at this (shown as "99+").
pub const MAX_UNREAD: u32 = 100;

/// A public channel in the directory.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize_tuple, Deserialize_tuple)]
pub struct DirectoryEntry {
    pub id: ChannelId,
    pub name: String,
    pub topic: String,
    pub members: u32,
    /// Whether the asking user is in it.
    pub joined: bool,
}

/// A member of a channel, and whether they are online.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize_tuple, Deserialize_tuple)]
pub struct Member {
    pub user: User,
    pub online: bool,
    /// Their role in the channel, or `Admin` for an administrator.
    pub standing: Standing,
}

/// The most people one invitation adds.
pub const MAX_INVITES: usize = 50;

/// The most members a member list holds.
pub const MEMBER_LIST_LIMIT: u32 = 200;

/// The most users one watch may name.
pub const MAX_WATCHED: usize = 500;

/// Where a client is in one channel: what it holds reflects every change
/// up to `rev`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub channel: ChannelId,
    pub rev: Rev,
}
