//! Mentions: recording whom a message calls, in the transaction that
//! stores or edits it, and listing a member's mentions.
//!
//! A name calls the member of the channel with that username (in any
//! letter case), never the sender; `@here` calls the members online as the
//! message is stored, at most once a minute per channel (the channel row,
//! locked by the message's seq, holds when it last did, so the limit holds
//! across nodes). What was recorded stays when the text is edited, and the
//! names an edit adds are recorded then; a delete forgets them all.

use std::collections::BTreeSet;

use app::{
    format::{Body, Mentioned},
    model::{ChannelId, UserId},
    protocol::{Message, MessageId, Seq},
};

use super::{
    db::Tx,
    message_rows::{read_messages, select_messages, MessageRow},
    MentionStore, SqlStore, StoreError,
};

/// How long after an `@here` the channel's next one waits.
pub const HERE_EVERY_MS: i64 = 60_000;

/// The most names of one message looked up: past them, names are text.
pub const MAX_NAMES: usize = 20;

/// A message just stored or edited, as mentions need it.
pub(crate) struct Calling<'a> {
    pub message: MessageId,
    pub channel: ChannelId,
    pub seq: Seq,
    pub sender: UserId,
    pub body: &'a Body,
}

/// The distinct names `body` mentions, in lower case, at most
/// [`MAX_NAMES`].
fn names(body: &Body) -> Vec<String> {
    let names: BTreeSet<String> = body
        .mentions()
        .filter_map(|who| match who {
            Mentioned::User(name) => Some(name.to_ascii_lowercase()),
            Mentioned::Here => None,
        })
        .collect();
    names.into_iter().take(MAX_NAMES).collect()
}

/// Whether `body` calls everyone online.
pub(crate) fn calls_here(body: &Body) -> bool {
    body.mentions().any(|who| *who == Mentioned::Here)
}

/// Takes the channel's `@here` for this minute: `false` if it was taken
/// less than [`HERE_EVERY_MS`] ago. Its row must be locked already.
pub(crate) async fn take_here(
    tx: &mut Tx<'_>,
    channel: ChannelId,
    now: i64,
) -> Result<bool, StoreError> {
    let taken = tx
        .sql(
            "UPDATE channels SET here_at = $2 WHERE id = $1 AND (here_at IS NULL OR here_at <= $3)",
        )
        .bind(channel)
        .bind(now)
        .bind(now - HERE_EVERY_MS)
        .execute()
        .await?;
    Ok(taken == 1)
}

/// Records whom `calling` calls by name, and with `here`, the members
/// online, except those who blocked its sender. Mentions recorded before
/// stay.
pub(crate) async fn record(
    tx: &mut Tx<'_>,
    calling: &Calling<'_>,
    here: bool,
) -> Result<(), StoreError> {
    let names = names(calling.body);
    if !names.is_empty() {
        let sql = format!(
            "INSERT INTO mentions (user_id, message_id, channel_id, seq)
             SELECT u.id, $1, $2, $3 FROM users u
             JOIN memberships m ON m.user_id = u.id AND m.channel_id = $2
             WHERE u.id <> $4 AND {}
               AND NOT EXISTS (SELECT 1 FROM blocks bl
                               WHERE bl.blocker_id = u.id AND bl.blocked_id = $4)
             ON CONFLICT DO NOTHING",
            tx.dialect().in_names("u.username", "$5")
        );
        bind(tx.sql(&sql), calling)
            .bind_names(names)
            .execute()
            .await?;
    }
    if here {
        let sql = "INSERT INTO mentions (user_id, message_id, channel_id, seq)
             SELECT m.user_id, $1, $2, $3 FROM memberships m
             WHERE m.channel_id = $2 AND m.user_id <> $4
               AND EXISTS (SELECT 1 FROM presence p WHERE p.user_id = m.user_id)
               AND NOT EXISTS (SELECT 1 FROM blocks bl
                               WHERE bl.blocker_id = m.user_id AND bl.blocked_id = $4)
             ON CONFLICT DO NOTHING";
        bind(tx.sql(sql), calling).execute().await?;
    }
    Ok(())
}

fn bind<'a, 'q>(
    query: super::db::Query<'a, 'q>,
    calling: &Calling<'_>,
) -> super::db::Query<'a, 'q> {
    query
        .bind(calling.message)
        .bind(calling.channel)
        .bind(calling.seq)
        .bind(calling.sender)
}

/// Forgets whom a deleted message called.
pub(crate) async fn forget(tx: &mut Tx<'_>, message: MessageId) -> Result<(), StoreError> {
    tx.sql("DELETE FROM mentions WHERE message_id = $1")
        .bind(message)
        .execute()
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MentionStore for SqlStore {
    #[tracing::instrument(level = "debug", name = "store.mentions", skip(self))]
    async fn mentions_of(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let sql = concat!(
            select_messages!(),
            " JOIN mentions n ON n.message_id = m.id AND n.user_id = $1
              JOIN memberships s ON s.channel_id = m.channel_id AND s.user_id = $1
              WHERE n.message_id < $2 ORDER BY n.message_id DESC LIMIT $3"
        );
        let rows: Vec<MessageRow> = self
            .db
            .sql(sql)
            .bind(user)
            .bind(before.map_or(i64::MAX, i64::from))
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        read_messages(&self.db, rows, user).await
    }
}
