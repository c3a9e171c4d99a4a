//! The values the storage traits take and give, beyond the shared model:
//! what a write of a message or a change is, what storing it did, presence
//! changes, member lists and password hashes.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{Change, ClientId, FileId, Member, Message, MessageId},
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
    /// The message it answers (checked to be in the same channel).
    pub reply_to: Option<MessageId>,
    /// The sender's uploads to the channel it carries, in order.
    pub files: Vec<FileId>,
}

/// A change to a stored message.
#[derive(Clone, Debug)]
pub struct NewChange {
    /// Who makes it.
    pub user: User,
    pub channel: ChannelId,
    pub message: MessageId,
    pub what: ChangeRequest,
}

/// What a change does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeRequest {
    /// New text, already validated and trimmed; the author's only.
    Edit(String),
    /// The author's, or a moderator's (a removal).
    Delete,
    /// A known emoji; any member's.
    React { emoji: String, add: bool },
}

/// One write of a batch: every write to a channel goes through the same
/// transaction and counter, so that a channel's changes are announced in
/// the order they were made.
#[derive(Clone, Debug)]
pub enum Write {
    Message(NewMessage),
    Change(NewChange),
}

impl Write {
    pub fn channel(&self) -> ChannelId {
        match self {
            Write::Message(message) => message.channel,
            Write::Change(change) => change.channel,
        }
    }
}

/// The outcome of storing one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, with the next seq of its channel.
    New(Message),
    /// The sender already sent this client id: the message stored then.
    Existing(Message),
    Refused(Refusal),
}

/// The outcome of one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    /// Made now, with the next revision of its channel.
    Now(Change),
    /// It was so already (the same text, a reaction already there, a
    /// message already deleted): nothing changed, as after a resend.
    Already,
    Refused(Refusal),
}

/// Why a write stored nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The writer is not a member of the channel.
    NotMember,
    /// The message named is not in the channel, or is deleted.
    NoSuchMessage,
    /// Only the author may edit or delete.
    NotAuthor,
    /// A new emoji on a message that has [`MAX_REACTIONS`] already.
    ///
    /// [`MAX_REACTIONS`]: app::protocol::MAX_REACTIONS
    TooManyReactions,
    /// `@here` in a channel that heard one less than a minute ago.
    HereTooSoon,
    /// A moderator timed the sender out of the channel until this time
    /// (Unix milliseconds).
    TimedOut { until: i64 },
    /// The channel is archived: read-only until restored.
    Archived,
    /// A one-to-one conversation one of whose two people blocked the other.
    Blocked,
    /// A file named is not the sender's upload to the channel, or another
    /// message carries it already.
    NoSuchFile,
}

/// What storing one write did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    Message(Stored),
    Change(Changed),
}

/// The outcome of storing one write of a batch.
pub type Inserted = Result<Written, StoreError>;

/// What a batch made, as the bus announces it.
#[derive(Clone, Copy, Debug)]
pub enum News<'a> {
    Message(&'a Message),
    Change(&'a Change),
}

impl Written {
    /// What there is to announce.
    pub fn news(&self) -> Option<News<'_>> {
        match self {
            Written::Message(Stored::New(message)) => Some(News::Message(message)),
            Written::Change(Changed::Now(change)) => Some(News::Change(change)),
            _ => None,
        }
    }
}

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
