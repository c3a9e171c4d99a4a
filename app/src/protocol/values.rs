//! The values requests and events carry: positions, ids, times, messages,
//! channels and members.

use serde::{Deserialize, Serialize};

use crate::model::{ChannelId, User, UserId};

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
#[serde(rename_all = "snake_case")]
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
