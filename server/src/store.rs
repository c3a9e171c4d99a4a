//! All SQL lives behind this module: one storage interface for the rest of the
//! server, implemented once ([`SqlStore`]) over SQLite or PostgreSQL.
//!
//! The interface is split by feature ([`UserStore`], [`ChannelStore`],
//! [`MessageStore`], [`SearchStore`], [`PresenceStore`], [`PushStore`],
//! [`SessionListStore`], [`AccountStore`], [`AuditStore`], [`ModerationStore`],
//! [`ChannelSettingsStore`], [`DeletionStore`], [`GroupStore`],
//! [`BlockStore`], [`files::FileStore`]), each implemented in a file of its own; [`Store`] is all of them. Handlers hold an `Arc<dyn Store>` and never
//! see which database is behind it. Queries run through [`db`], which writes
//! each once for both databases; [`dialect`] holds what differs.

pub mod accounts;
mod attachments;
pub mod audit;
mod batch;
pub mod blocks;
mod changes;
pub mod channel_settings;
mod channels;
pub mod db;
pub mod deletion;
pub mod dialect;
pub mod files;
mod groups;
mod mentions;
mod message_rows;
mod messages;
mod model;
pub mod moderation;
mod presence;
pub mod push;
pub(crate) mod records;
pub mod search;
mod search_found;
mod search_sql;
pub mod sessions;
mod sql;
mod users;

pub use batch::{Announce, Isolation, Silent};
pub use model::{
    ChangeRequest, Changed, Inserted, MemberPage, NewChange, NewMessage, News, PasswordHash,
    PresenceChange, Refusal, Stored, Write, Written,
};
pub(crate) use records::{is_unique_violation, like_escape, DirectoryRow, MemberRow, SummaryRow};
pub use sql::SqlStore;

use app::{
    model::{ChannelId, ChannelName, DisplayName, GroupName, User, UserId, Username},
    protocol::{
        ChannelKind, ChannelSummary, DirectoryEntry, Message, MessageId, NotifyLevel, PageAt, Rev,
        Seq, Standing,
    },
};

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The username is in use, in any letter case.
    #[error("username taken")]
    UsernameTaken,
    /// The username looks like one in use (see `Username::lookalike_key`).
    #[error("username looks like another")]
    UsernameLooksLike,
    /// The username (or one like it) was a deleted account's, and is held
    /// for a while (see [`deletion::NAME_HELD_DAYS`]).
    #[error("username held after an account's deletion")]
    UsernameHeld,
    /// A public channel has this name, in any letter case.
    #[error("channel name taken")]
    ChannelNameTaken,
    /// The user is banned from the channel they would join.
    #[error("banned from the channel")]
    Banned,
    /// The channel or user named does not exist (or is not the right kind).
    #[error("not found")]
    NotFound,
    /// A read ran out of the time it was given (a search).
    #[error("took too long")]
    TimedOut,
    /// Anything the database reported; logged, never shown to users.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The blob storage failed while a file was recorded or collected.
    #[error("blob storage error: {0}")]
    Blob(std::io::Error),
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
    /// in use in any case, [`StoreError::UsernameLooksLike`] when it
    /// looks like one in use, and [`StoreError::UsernameHeld`] while a
    /// deleted account holds it.
    async fn create_user(
        &self,
        username: &Username,
        hash: &PasswordHash,
    ) -> Result<User, StoreError>;

    /// The user with this name (in any case), with what signing in needs.
    async fn credentials(
        &self,
        username: &str,
    ) -> Result<Option<accounts::Credentials>, StoreError>;

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

    /// Sets the display name of `user` ("" for none); `false` if there is
    /// no such user, or their account is deleted.
    async fn set_display_name(&self, user: UserId, name: &DisplayName) -> Result<bool, StoreError>;
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

    /// Creates a named channel, public or private (for good), with its
    /// creator as owner and first member.
    async fn create_channel(
        &self,
        creator: UserId,
        name: &ChannelName,
        private: bool,
    ) -> Result<ChannelId, StoreError>;

    /// Adds `user` to a public channel; `Ok(false)` if they were in it.
    async fn join_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError>;

    /// Removes `user` from a channel; `Ok(false)` if they were not in it.
    async fn leave_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError>;

    /// Hides a conversation from `user`'s channel list until it has a
    /// message after its newest now (or `user` opens it again); `Ok(false)`
    /// if they are not in it.
    async fn hide_conversation(&self, user: UserId, channel: ChannelId)
        -> Result<bool, StoreError>;

    /// Public channels whose name contains `query` (any case), by name.
    async fn directory(
        &self,
        user: UserId,
        query: &str,
        limit: u32,
    ) -> Result<Vec<DirectoryEntry>, StoreError>;

    /// The conversation of two different users, created with both as members
    /// on first use (and shown to `a` again if they had hidden it); `true`
    /// when it was created now.
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

    /// Sets `user`'s notification setting for `channel`; `Ok(false)` if
    /// they are not in it.
    async fn set_notify(
        &self,
        user: UserId,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<bool, StoreError>;

    /// How many members `channel` has.
    async fn member_count(&self, channel: ChannelId) -> Result<u32, StoreError>;
}

/// Messages and the changes to them.
#[async_trait::async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a batch of writes (new messages and changes to messages) in
    /// one transaction (one disk flush for all of them): each new message
    /// with the next seq of its channel, each new message and change with
    /// the next revision. Answers for each in order. A write the database
    /// refuses fails alone (nothing of it is stored), and the rest of the
    /// batch is stored (see [`Isolation`]). The outer error means nothing
    /// was stored. `announce` hears of what was made inside the transaction.
    async fn write(
        &self,
        batch: &[Write],
        announce: &dyn Announce,
    ) -> Result<Vec<Inserted>, StoreError> {
        match self.write_batch(batch, Isolation::Together, announce).await {
            Ok(results) => Ok(results),
            Err(error) => {
                tracing::warn!(%error, "a batch of writes failed; storing each on its own");
                self.write_batch(batch, Isolation::Each, announce).await
            }
        }
    }

    /// Stores a batch in one transaction; with [`Isolation::Together`], the
    /// first failing write fails it all.
    async fn write_batch(
        &self,
        batch: &[Write],
        isolation: Isolation,
        announce: &dyn Announce,
    ) -> Result<Vec<Inserted>, StoreError>;

    /// Up to `limit` messages of `channel` at `page` (the newest, those
    /// just before a seq, or those just after one), oldest first, with
    /// reactions as `viewer` sees them.
    async fn history(
        &self,
        channel: ChannelId,
        page: PageAt,
        limit: u32,
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError>;

    /// Up to `limit` messages of `channel` changed after revision `after`
    /// (new ones included), as they are now, in revision order.
    async fn changed_after(
        &self,
        channel: ChannelId,
        after: Rev,
        limit: u32,
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError>;

    /// The revision of `channel`'s latest change and the seq of its newest
    /// message (0 and 0 if there is none, or no such channel).
    async fn channel_head(&self, channel: ChannelId) -> Result<(Rev, Seq), StoreError>;
}

/// Mentions of a member.
#[async_trait::async_trait]
pub trait MentionStore: Send + Sync {
    /// Up to `limit` messages that mention `user`, in the channels they are
    /// in, newest first, before the message `before` (from the newest if
    /// `None`).
    async fn mentions_of(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;
}

/// Searching messages (see [`search`]).
#[async_trait::async_trait]
pub trait SearchStore: Send + Sync {
    /// A page of the messages `search.viewer` may read that match
    /// `search`; [`StoreError::TimedOut`] if finding them takes longer
    /// than `within`.
    async fn search(
        &self,
        search: &search::Search,
        within: std::time::Duration,
    ) -> Result<search::Found, StoreError>;

    /// Indexes a batch of the messages stored before the index existed;
    /// how many messages it went through (0: none are left).
    async fn index_backlog(&self) -> Result<u64, StoreError>;

    /// Puts every message in the backlog (after `migrate-to` copied them in
    /// without their index).
    async fn reindex(&self) -> Result<(), StoreError>;
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
    ) -> Result<MemberPage, StoreError>;
}

/// Web Push subscriptions (see [`push`]).
#[async_trait::async_trait]
pub trait PushStore: Send + Sync {
    /// Saves a subscription, or moves the one with its endpoint to this
    /// user and session; a user's oldest past [`push::MAX_PER_USER`] go.
    async fn save_subscription(&self, new: &push::NewSubscription) -> Result<(), StoreError>;

    /// Whether anyone has subscribed at all.
    async fn any_subscriptions(&self) -> Result<bool, StoreError>;

    /// Forgets one subscription (its push service said it is gone).
    async fn forget_subscription(&self, id: i64) -> Result<(), StoreError>;

    /// The pushes `messages` (just stored) call for, by message.
    async fn push_targets(
        &self,
        messages: &[MessageId],
    ) -> Result<Vec<push::PushTarget>, StoreError>;
}

/// Each user's sessions, listed (see [`sessions`]).
#[async_trait::async_trait]
pub trait SessionListStore: Send + Sync {
    /// Lists `session` (a tower-sessions id) as `user`'s, signed in from
    /// `agent` (a User-Agent) at `address`; a session listed already stays
    /// as it was.
    async fn list_session(
        &self,
        user: UserId,
        session: &str,
        agent: &str,
        address: &str,
    ) -> Result<(), StoreError>;

    /// Records that `session` was used now, from `address`.
    async fn seen_session(&self, session: &str, address: &str) -> Result<(), StoreError>;

    /// `user`'s sessions that still exist, newest first.
    async fn sessions_of(&self, user: UserId) -> Result<Vec<sessions::ListedSession>, StoreError>;

    /// The tower-sessions id of `user`'s listed session `id`, if it is theirs.
    async fn listed_session(&self, user: UserId, id: i64) -> Result<Option<String>, StoreError>;

    /// Forgets a session that ended: its listing and push subscriptions.
    async fn forget_session(&self, session: &str) -> Result<(), StoreError>;

    /// Forgets what belonged to sessions that no longer exist (expired);
    /// how many rows.
    async fn forget_ended_sessions(&self) -> Result<u64, StoreError>;
}

/// Accounts as their owners and administrators control them (see
/// [`accounts`]).
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// The user a session carrying `epoch` is signed in as, if it still
    /// stands: the account is active and was not signed out everywhere
    /// since. `session` is the session's id, to say when it was last seen.
    async fn session_user(
        &self,
        user: UserId,
        epoch: i64,
        session: &str,
    ) -> Result<Option<accounts::SessionUser>, StoreError>;

    /// The user's password hash.
    async fn password_of(&self, user: UserId) -> Result<Option<PasswordHash>, StoreError>;

    /// Signs the user out of every session but the one kept (see
    /// [`accounts::SignOut`]); the epoch a session kept must now carry, or
    /// `None` if there is no such user.
    async fn sign_out(&self, out: &accounts::SignOut<'_>) -> Result<Option<i64>, StoreError>;

    /// Lets a deactivated account sign in again, recording `audit`;
    /// `false` (and nothing recorded) if it was active.
    async fn reactivate(&self, user: UserId, audit: audit::Audit) -> Result<bool, StoreError>;

    /// Grants or revokes the administrator role, recording `audit`; `false`
    /// (and nothing recorded) if it was so.
    async fn set_admin(
        &self,
        user: UserId,
        admin: bool,
        audit: audit::Audit,
    ) -> Result<bool, StoreError>;

    /// Whether `user` is an active administrator.
    async fn is_admin(&self, user: UserId) -> Result<bool, StoreError>;

    /// The account with this name (in any case).
    async fn account(&self, username: &str) -> Result<Option<accounts::Account>, StoreError>;

    /// Up to `limit` accounts whose name starts with `prefix`, by name.
    async fn accounts(
        &self,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<accounts::Account>, StoreError>;

    /// Whether any account exists.
    async fn any_account(&self) -> Result<bool, StoreError>;

    /// The users signed out by commands after sign-out `after`, with their
    /// sign-outs' ids, in order.
    async fn sign_outs_after(&self, after: i64) -> Result<Vec<(i64, UserId)>, StoreError>;

    /// The newest sign-out's id (0 if none), after forgetting old ones.
    async fn last_sign_out(&self) -> Result<i64, StoreError>;
}

/// The audit log (see [`audit`]).
#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    /// Records `audit`, done to `target`, on its own (what it records was
    /// stored already, such as a new account).
    async fn record(&self, audit: audit::Audit, target: UserId) -> Result<(), StoreError>;

    /// Up to `limit` entries older than the entry `before`, newest first.
    async fn audit_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<app::chat::AuditRow>, StoreError>;
}

/// Channel roles and moderation (see [`moderation`]).
#[async_trait::async_trait]
pub trait ModerationStore: Send + Sync {
    /// Where `user` stands in `channel`: their role if they are a member,
    /// `Admin` if they are an administrator, `None` if neither.
    async fn standing(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<Standing>, StoreError>;

    /// Up to `limit` users banned from `channel`, by name.
    async fn banned(&self, channel: ChannelId, limit: u32) -> Result<Vec<User>, StoreError>;

    /// Checks and does a moderator's action, and records it in the audit
    /// log, in one transaction. [`StoreError::NotFound`] if there is no such
    /// channel.
    async fn moderate(
        &self,
        asked: moderation::Moderation,
    ) -> Result<moderation::Moderated, StoreError>;
}

/// A channel's settings, and invitations (see [`channel_settings`]).
#[async_trait::async_trait]
pub trait ChannelSettingsStore: Send + Sync {
    /// Checks and makes a change to `channel`'s settings by `by`, recording
    /// it in the audit log if it is a moderator's, in one transaction.
    /// [`StoreError::NotFound`] if there is no such channel, or `by` is
    /// neither in it nor an administrator.
    async fn configure(
        &self,
        by: UserId,
        channel: ChannelId,
        setting: channel_settings::Setting,
    ) -> Result<channel_settings::Configured, StoreError>;

    /// Adds `users` to `channel`, invited by `by` (all of them, or none
    /// and why not): those added now, not those in it already.
    /// [`StoreError::NotFound`] as for [`Self::configure`].
    async fn invite(
        &self,
        by: UserId,
        channel: ChannelId,
        users: &[UserId],
    ) -> Result<channel_settings::Invited, StoreError>;
}

/// Deleting one's account (see [`deletion`]).
#[async_trait::async_trait]
pub trait DeletionStore: Send + Sync {
    /// Deletes `user`'s account: their sessions, memberships and what else
    /// is theirs alone go, their messages stay under a placeholder name,
    /// and their username is held for a while. The channels they were in,
    /// or `None` if there is no such account (or it is deleted already).
    async fn delete_account(&self, user: UserId) -> Result<Option<Vec<ChannelId>>, StoreError>;
}

/// Group conversations (see [`groups`]).
#[async_trait::async_trait]
pub trait GroupStore: Send + Sync {
    /// The group conversation of `by` with `others` (who exist and are not
    /// deleted, or [`StoreError::NotFound`]), created with all of them as
    /// members unless a group of exactly these people exists; `true` when
    /// it was created now. The caller checks its size.
    async fn open_group(
        &self,
        by: UserId,
        others: &[UserId],
    ) -> Result<(ChannelId, bool), StoreError>;

    /// Names the group conversation `channel`, as `by`, one of its members
    /// ([`StoreError::NotFound`] if it is not a group or they are not in it).
    async fn name_group(
        &self,
        by: UserId,
        channel: ChannelId,
        name: &GroupName,
    ) -> Result<channel_settings::Configured, StoreError>;

    /// What a group conversation is now (its name and members), or `None`
    /// if `channel` is not one.
    async fn group_kind(&self, channel: ChannelId) -> Result<Option<ChannelKind>, StoreError>;
}

/// Who blocked whom (see [`blocks`]).
#[async_trait::async_trait]
pub trait BlockStore: Send + Sync {
    /// `by` blocks the user named `username` (any case); who that is, or
    /// `None` if there is no such user (or it is `by`). Blocking twice
    /// changes nothing.
    async fn block(&self, by: UserId, username: &str) -> Result<Option<User>, StoreError>;

    /// `by` unblocks `user`; `false` if they had not blocked them.
    async fn unblock(&self, by: UserId, user: UserId) -> Result<bool, StoreError>;

    /// The people `user` blocked, by name.
    async fn blocked_by(&self, user: UserId) -> Result<Vec<User>, StoreError>;

    /// Whether `user` blocked any of `others`, or any of them blocked
    /// `user` (the first, if both).
    async fn blocking(
        &self,
        user: UserId,
        others: &[UserId],
    ) -> Result<Option<blocks::Blocking>, StoreError>;
}

/// Everything Banter stores.
#[async_trait::async_trait]
pub trait Store:
    UserStore
    + ChannelStore
    + MessageStore
    + MentionStore
    + SearchStore
    + PresenceStore
    + PushStore
    + SessionListStore
    + AccountStore
    + AuditStore
    + ModerationStore
    + ChannelSettingsStore
    + DeletionStore
    + GroupStore
    + BlockStore
    + files::FileStore
    + Send
    + Sync
    + 'static
{
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The main connection pool, as of now.
    fn pool(&self) -> db::PoolState;

    /// How many nodes share the database, by their heartbeats.
    async fn node_count(&self) -> Result<u64, StoreError>;
}
