//! The values the storage traits take and give, beyond the shared model:
//! what a message to store is, what storing it did, presence changes, member
//! lists and password hashes.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{ClientId, Member, Message},
};

use super::StoreError;

/// A message to store.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub sender: User,
    pub channel: ChannelId,
    pub client_id: ClientId,
    /// Already validated and trimmed.
    pub text: String,
}

/// The outcome of storing one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, with the next seq of its channel.
    New(Message),
    /// The sender already sent this client id: the message stored then.
    Existing(Message),
    /// The sender is not a member of the channel; nothing was stored.
    NotMember,
}

/// The outcome of storing one message of a batch.
pub type Inserted = Result<Stored, StoreError>;

/// A change of a user's online state. Versions increase with every change of
/// a user, in the order the database made them, so a node that hears of
/// changes out of order keeps the newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresenceChange {
    pub user: UserId,
    pub online: bool,
    pub version: i64,
}

/// Some members of a channel (online first) and how many there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberPage {
    pub members: Vec<Member>,
    pub total: u32,
    pub online: u32,
}

/// A password hash in PHC string format, as stored. It is never serialised,
/// and its `Debug` does not show it.
#[derive(Clone)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// A hash in PHC string format, as made or as read back.
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}
