//! Why a request was refused.

use serde::{Deserialize, Serialize};

/// Why a request was refused; each says what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
// Tagged from outside like every server message (see `server.rs`): a code
// with no details is a plain string, `"not_member"`, and one with details
// holds them (`{"rate_limited":250}`; see `wire.rs`).
#[serde(into = "super::wire::ErrorWire", from = "super::wire::ErrorWire")]
pub enum ProtocolError {
    #[error("the request could not be read: {detail}")]
    BadRequest { detail: String },
    #[error("that channel does not exist or you are not in it")]
    NotMember,
    #[error("you are sending too fast; wait a moment")]
    RateLimited { retry_after_ms: u64 },
    #[error("too many requests; wait a moment and try again")]
    TooManyRequests { retry_after_ms: u64 },
    #[error("no such user")]
    UserNotFound,
    #[error("that message does not exist, or was deleted")]
    NoSuchMessage,
    /// Refused for a reason the server words, which the browser only shows
    /// ([`Refused`] lists them): one variant for all, so that a new one
    /// costs the WebAssembly nothing.
    #[error("{reason}")]
    Refused { reason: String },
    #[error("something went wrong on the server; try again")]
    Internal,
}

/// The refusals the server words itself, sent as [`ProtocolError::Refused`]
/// (the server's only).
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    ChannelNameTaken,
    CannotLeaveGeneral,
    CannotMessageYourself,
    NotYourMessage,
    InvalidEmoji,
    TooManyReactions,
    HereTooSoon,
    BannedFromChannel,
    Archived,
    /// The asker blocked someone they would talk with.
    YouBlocked,
    /// Someone the asker would talk with blocked them.
    BlockedYou,
    /// One of a one-to-one conversation's two people blocked the other.
    Blocked,
    /// A file of a send is not the sender's upload to the channel, or is
    /// sent already.
    NoSuchFile,
    /// A send with more than [`MAX_FILES`](super::MAX_FILES) files.
    TooManyFiles,
}

#[cfg(feature = "ssr")]
impl Refused {
    /// What the user is told.
    pub fn wording(self) -> &'static str {
        match self {
            Refused::ChannelNameTaken => "a channel with that name already exists",
            Refused::CannotLeaveGeneral => "everyone stays in General",
            Refused::CannotMessageYourself => "you cannot start a conversation with yourself",
            Refused::NotYourMessage => "only its author or a moderator can change a message",
            Refused::InvalidEmoji => "that is not an emoji",
            Refused::TooManyReactions => "a message can have at most 20 different reactions",
            Refused::HereTooSoon => {
                "@here was used in this channel less than a minute ago; wait, or write without it"
            }
            Refused::BannedFromChannel => "you are banned from this channel",
            Refused::Archived => {
                "this channel is archived: nothing in it can change until it is restored"
            }
            Refused::YouBlocked => {
                "you blocked someone you picked: unblock them first (Settings, Blocked people)"
            }
            Refused::BlockedYou => "you cannot start a conversation with someone who blocked you",
            Refused::Blocked => "one of you blocked the other: nothing more can be written here",
            Refused::NoSuchFile => "a file of this message is gone: attach it again",
            Refused::TooManyFiles => "a message can carry at most 10 files",
        }
    }
}

#[cfg(feature = "ssr")]
impl From<Refused> for ProtocolError {
    fn from(refused: Refused) -> Self {
        ProtocolError::Refused {
            reason: refused.wording().to_owned(),
        }
    }
}
