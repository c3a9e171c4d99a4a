//! All SQL lives behind this module: one storage interface for the rest of the
//! server, with an implementation per database.
//!
//! The interface is split by feature ([`UserStore`], [`ChannelStore`],
//! [`MessageStore`], [`PresenceStore`]) so that each backend implements each feature in a file of
//! its own; [`Store`] is all of them. Handlers hold an `Arc<dyn Store>` and
//! never see which database is behind it.

pub mod postgres;
pub(crate) mod rows;
pub mod sqlite;

pub(crate) use rows::{is_unique_violation, like_escape, DirectoryRow, MemberRow, SummaryRow};

use app::{
    model::{ChannelId, ChannelName, User, UserId, Username},
    protocol::{ChannelSummary, ClientId, DirectoryEntry, Message, Seq},
};

use crate::auth::password::PasswordHash;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The username is in use, in any letter case.
    #[error("username taken")]
    UsernameTaken,
    /// The username looks like one in use (see `Username::lookalike_key`).
    #[error("username looks like another")]
    UsernameLooksLike,
    /// A public channel has this name, in any letter case.
    #[error("channel name taken")]
    ChannelNameTaken,
    /// The channel or user named does not exist (or is not the right kind).
    #[error("not found")]
    NotFound,
    /// Anything the database reported; logged, never shown to users.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Unix time in milliseconds, the unit of every time Banter stores.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Accounts.
#[async_trait::async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user and makes them a member of `General`, in one
    /// transaction. Fails with [`StoreError::UsernameTaken`] when the name is
    /// in use in any case, and [`StoreError::UsernameLooksLike`] when it
    /// looks like one in use.
    async fn create_user(
        &self,
        username: &Username,
        hash: &PasswordHash,
    ) -> Result<User, StoreError>;

    /// The user with this name (in any case) and their password hash.
    async fn credentials(&self, username: &str)
        -> Result<Option<(User, PasswordHash)>, StoreError>;

    /// The user with this id.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// Up to `limit` users from before look-alike keys, who have none yet.
    async fn users_without_lookalike_key(&self, limit: u32) -> Result<Vec<User>, StoreError>;

    /// Gives `user` their look-alike key; `false` if another user has it.
    async fn set_lookalike_key(&self, user: UserId, key: &str) -> Result<bool, StoreError>;

    /// Up to `limit` users whose name starts with `prefix` (any case), by
    /// name, leaving out `except`.
    async fn find_users(
        &self,
        prefix: &str,
        except: UserId,
        limit: u32,
    ) -> Result<Vec<User>, StoreError>;
}

/// Channels, conversations, memberships and read markers.
#[async_trait::async_trait]
pub trait ChannelStore: Send + Sync {
    /// Every channel `user` is in, as their sidebar shows it.
    async fn channels_of(&self, user: UserId) -> Result<Vec<ChannelSummary>, StoreError>;

    /// One channel as `user` sees it; `None` unless they are a member. This
    /// is the membership check: it reveals nothing about other channels.
    async fn channel_of(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<ChannelSummary>, StoreError>;

    /// Whether `user` is a member of `channel`.
    async fn is_member(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError>;

    /// The ids of every channel `user` is in.
    async fn channel_ids_of(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError>;

    /// Creates a public channel with its creator as first member.
    async fn create_channel(
        &self,
        creator: UserId,
        name: &ChannelName,
    ) -> Result<ChannelId, StoreError>;

    /// Adds `user` to a public channel; `Ok(false)` if they were in it.
    async fn join_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError>;

    /// Removes `user` from a channel; `Ok(false)` if they were not in it.
    async fn leave_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError>;

    /// Public channels whose name contains `query` (any case), by name.
    async fn directory(
        &self,
        user: UserId,
        query: &str,
        limit: u32,
    ) -> Result<Vec<DirectoryEntry>, StoreError>;

    /// The conversation of two different users, created with both as members
    /// on first use; `true` when it was created now.
    async fn open_direct(&self, a: UserId, b: UserId) -> Result<(ChannelId, bool), StoreError>;

    /// Moves `user`'s read marker in `channel` forward to `seq` (never past
    /// the newest message, never backwards). The marker after the call, or
    /// `None` if `user` is not a member.
    async fn mark_read(
        &self,
        user: UserId,
        channel: ChannelId,
        seq: Seq,
    ) -> Result<Option<Seq>, StoreError>;

    /// How many members `channel` has.
    async fn member_count(&self, channel: ChannelId) -> Result<u32, StoreError>;
}

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

/// How a store writes a batch of messages: all in one go, as it normally
/// does, or (once a row has failed that) each under a savepoint of its own,
/// so that the row the database refuses fails alone. Savepoints cost two
/// statements a message, so they are only paid for when needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    Together,
    Each,
}

impl Isolation {
    /// Runs one message's `step` in `tx`: as it is when `Together` (its
    /// failure fails the batch), or under a savepoint of its own when
    /// `Each` (its failure is rolled back and returned as its result).
    pub(crate) async fn run<DB, T>(
        self,
        tx: &mut sqlx::Transaction<'_, DB>,
        step: impl AsyncFnOnce(&mut DB::Connection) -> Result<T, StoreError>,
    ) -> Result<Result<T, StoreError>, StoreError>
    where
        DB: sqlx::Database,
    {
        if self == Isolation::Together {
            return Ok(Ok(step(&mut **tx).await?));
        }
        let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
        let result = step(&mut *savepoint).await;
        match &result {
            Ok(_) => savepoint.commit().await?,
            Err(error) => {
                tracing::warn!(%error, "a message was refused");
                savepoint.rollback().await?;
            }
        }
        Ok(result)
    }
}

/// Messages.
#[async_trait::async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a batch of messages in one transaction (one disk flush for all
    /// of them), each with the next seq of its channel, and answers for each
    /// in order. A message the database refuses fails alone (its seq is not
    /// used), and the rest of the batch is stored (see [`Isolation`]). The
    /// outer error means nothing was stored.
    async fn insert_messages(&self, batch: &[NewMessage]) -> Result<Vec<Inserted>, StoreError> {
        match self.insert_batch(batch, Isolation::Together).await {
            Ok(results) => Ok(results),
            Err(error) => {
                tracing::warn!(%error, "a batch of messages failed; storing each on its own");
                self.insert_batch(batch, Isolation::Each).await
            }
        }
    }

    /// Stores a batch in one transaction; with [`Isolation::Together`], the
    /// first failing message fails it all.
    async fn insert_batch(
        &self,
        batch: &[NewMessage],
        isolation: Isolation,
    ) -> Result<Vec<Inserted>, StoreError>;

    /// Up to `limit` messages of `channel` before `before` (the newest if
    /// `None`), oldest first.
    async fn history(
        &self,
        channel: ChannelId,
        before: Option<Seq>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;

    /// Up to `limit` messages of `channel` after `after`, oldest first.
    async fn messages_after(
        &self,
        channel: ChannelId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;
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
pub struct MemberList {
    pub members: Vec<app::protocol::Member>,
    pub total: u32,
    pub online: u32,
}

/// Who is connected where: a row per user and node while the user has a
/// connection on that node, and a heartbeat per node. A user is online while
/// any row of theirs exists.
#[async_trait::async_trait]
pub trait PresenceStore: Send + Sync {
    /// Registers `node`, or records that it is still alive.
    async fn heartbeat(&self, node: &str) -> Result<(), StoreError>;

    /// `user` has a connection on `node`; the change if they were offline.
    async fn presence_join(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError>;

    /// `user` has no connection left on `node`; the change if they are now
    /// offline everywhere.
    async fn presence_leave(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError>;

    /// Forgets the nodes (other than `keep`) whose last heartbeat is older
    /// than `stale_before` (Unix ms), and their rows; the users now offline.
    async fn reap_nodes(
        &self,
        stale_before: i64,
        keep: &str,
    ) -> Result<Vec<PresenceChange>, StoreError>;

    /// Forgets `node` and its rows (it is shutting down).
    async fn remove_node(&self, node: &str) -> Result<Vec<PresenceChange>, StoreError>;

    /// Of `users`, those who share a channel with `viewer` (the only ones
    /// whose presence `viewer` may see), with whether each is online.
    async fn visible_presence(
        &self,
        viewer: UserId,
        users: &[UserId],
    ) -> Result<Vec<(UserId, bool)>, StoreError>;

    /// Up to `limit` members of `channel`, online first then by name.
    async fn channel_members(
        &self,
        channel: ChannelId,
        limit: u32,
    ) -> Result<MemberList, StoreError>;
}

/// Everything Banter stores.
#[async_trait::async_trait]
pub trait Store:
    UserStore + ChannelStore + MessageStore + PresenceStore + Send + Sync + 'static
{
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Whether storing a message also announces it to every node (in the
    /// same transaction, so in commit order); if not, the pipeline publishes
    /// it on the bus after the commit.
    fn announces_messages(&self) -> bool {
        false
    }
}
