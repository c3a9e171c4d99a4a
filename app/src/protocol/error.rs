//! Why a request was refused.

use serde::{Deserialize, Serialize};

use crate::model::{ChannelNameError, MessageTextError};

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
    #[error("that message does not exist, or was deleted")]
    NoSuchMessage,
    #[error("only its author can change a message")]
    NotYourMessage,
    #[error("that is not an emoji")]
    InvalidEmoji,
    #[error("a message can have at most {max} different reactions")]
    TooManyReactions { max: u32 },
    #[error("@here was used in this channel less than a minute ago; wait, or write without it")]
    HereTooSoon,
    #[error("something went wrong on the server; try again")]
    Internal,
}
