//! Messages.
//!
//! # Why a per-channel sequence
//! Catch-up asks for "every message of this channel after the last one I
//! hold". That cursor is only safe if positions become visible in order: a
//! reader must never see message n+1 while n is still uncommitted, or it would
//! move its cursor past n and never fetch it. Row ids do not promise that on
//! every database (PostgreSQL assigns sequence values before commit, so
//! commits can land out of order). So each channel keeps its own counter,
//! `channels.last_seq`, bumped by the transaction that inserts the message:
//! the bump locks the channel row until commit, so the writers of one
//! channel, on any node, commit one after another and seq n+1 cannot exist
//! before n. (On SQLite all writes are serialised anyway.)
//!
//! The same lock orders the channel's other changes (edits, deletes,
//! reactions; see `changes.rs`): each takes the next value of the channel's
//! revision counter, `channels.last_rev`, which a new message bumps too, so
//! revisions become visible in order just as seqs do.
//!
//! A batch takes its channels in ascending id order, so that two nodes'
//! batches wait for each other instead of deadlocking, and hands what it
//! made to an [`Announce`] before it commits.

use app::{
    model::{ChannelId, UserId},
    protocol::{Deletion, Message, MessageId, Millis, PageAt, Quote, Rev, Seq},
};

use super::{
    attachments,
    changes::change_one,
    db::Tx,
    mentions::{self, Calling},
    message_rows::{quote, read_messages, select_messages, MessageRow},
    now_millis, Announce, Inserted, Isolation, MessageStore, NewMessage, News, Refusal, SqlStore,
    StoreError, Stored, Write, Written,
};

#[async_trait::async_trait]
impl MessageStore for SqlStore {
    #[tracing::instrument(level = "debug", name = "store.write", skip_all, fields(writes = batch.len()))]
    async fn write_batch(
        &self,
        batch: &[Write],
        isolation: Isolation,
        announce: &dyn Announce,
    ) -> Result<Vec<Inserted>, StoreError> {
        let mut order: Vec<usize> = (0..batch.len()).collect();
        // Stable: one channel's writes keep the order they were made in.
        order.sort_by_key(|&i| batch[i].channel());

        let mut tx = self.db.begin().await?;
        let mut results: Vec<Option<Inserted>> = (0..batch.len()).map(|_| None).collect();
        for &i in &order {
            let written = isolation
                .run(&mut tx, async |tx| match &batch[i] {
                    Write::Message(message) => Ok(Written::Message(insert_one(tx, message).await?)),
                    Write::Change(change) => Ok(Written::Change(change_one(tx, change).await?)),
                })
                .await?;
            results[i] = Some(written);
        }
        // What was made, in the order it was made.
        let news: Vec<News<'_>> = order
            .iter()
            .filter_map(|&i| match &results[i] {
                Some(Ok(written)) => written.news(),
                _ => None,
            })
            .collect();
        announce.in_transaction(&mut tx, &news).await?;
        tx.commit().await?;
        Ok(results.into_iter().flatten().collect())
    }

    #[tracing::instrument(level = "debug", name = "store.history", skip(self))]
    async fn history(
        &self,
        channel: ChannelId,
        page: PageAt,
        limit: u32,
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError> {
        let newest_first = concat!(
            select_messages!(),
            " WHERE m.channel_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3"
        );
        let oldest_first = concat!(
            select_messages!(),
            " WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"
        );
        let (sql, from) = match page {
            PageAt::Latest => (newest_first, Seq(i64::MAX)),
            PageAt::Before(before) => (newest_first, before),
            PageAt::After(after) => (oldest_first, after),
        };
        let mut rows: Vec<MessageRow> = self
            .db
            .sql(sql)
            .bind(channel)
            .bind(from)
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        if !matches!(page, PageAt::After(_)) {
            rows.reverse();
        }
        read_messages(&self.db, rows, viewer).await
    }

    #[tracing::instrument(level = "debug", name = "store.changed", skip(self))]
    async fn changed_after(
        &self,
        channel: ChannelId,
        after: Rev,
        limit: u32,
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError> {
        let sql = concat!(
            select_messages!(),
            " WHERE m.channel_id = $1 AND m.rev > $2 ORDER BY m.rev LIMIT $3"
        );
        let rows: Vec<MessageRow> = self
            .db
            .sql(sql)
            .bind(channel)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        read_messages(&self.db, rows, viewer).await
    }

    async fn channel_head(&self, channel: ChannelId) -> Result<(Rev, Seq), StoreError> {
        let head: Option<(Rev, Seq)> = self
            .db
            .sql("SELECT last_rev, last_seq FROM channels WHERE id = $1")
            .bind(channel)
            .fetch_optional()
            .await?;
        Ok(head.unwrap_or_default())
    }
}

/// Stores one message inside the batch's transaction.
///
/// Two statements in the usual case. A resend of a message already stored
/// (the same client id) is rare, so it is not looked for up front: the
/// insert's conflict finds it, and the counter is given back.
async fn insert_one(tx: &mut Tx<'_>, message: &NewMessage) -> Result<Stored, StoreError> {
    // Bump the channel's counters, only if the sender is a member who is
    // not timed out, and it is not a one-to-one conversation one of whose
    // people blocked the other (`blocks.rs`; in any other channel the pair
    // is NULL); the row stays locked until commit.
    let at = now_millis();
    let counters: Option<(Seq, Rev)> = tx
        .sql(
            "UPDATE channels SET last_seq = last_seq + 1, last_rev = last_rev + 1
             WHERE id = $1 AND archived_at IS NULL
               AND EXISTS (SELECT 1 FROM memberships
                           WHERE channel_id = $1 AND user_id = $2
                             AND (muted_until IS NULL OR muted_until <= $3))
               AND NOT EXISTS (SELECT 1 FROM blocks bl
                               WHERE (bl.blocker_id = direct_low AND bl.blocked_id = direct_high)
                                  OR (bl.blocker_id = direct_high AND bl.blocked_id = direct_low))
             RETURNING last_seq, last_rev",
        )
        .bind(message.channel)
        .bind(message.sender.id)
        .bind(at)
        .fetch_optional()
        .await?;
    let Some((seq, rev)) = counters else {
        let refusal = why_not_member(tx, message, at).await?;
        return refused(tx, message, refusal).await;
    };
    let quote = match message.reply_to {
        None => None,
        Some(original) => match quote_of(tx, message.channel, original).await? {
            Some(quote) => Some(quote),
            None => {
                give_back(tx, message.channel).await?;
                // A resend is answered as stored, even if the original has
                // gone since.
                return refused(tx, message, Refusal::NoSuchMessage).await;
            }
        },
    };
    if !message.files.is_empty()
        && !attachments::attachable(tx, message.channel, message.sender.id, &message.files).await?
    {
        give_back(tx, message.channel).await?;
        return refused(tx, message, Refusal::NoSuchFile).await;
    }
    // `@here` is taken last, once nothing else can refuse the message.
    let body = app::format::parse(&message.text);
    let here = body.as_ref().is_some_and(mentions::calls_here);
    if here && !mentions::take_here(tx, message.channel, at).await? {
        give_back(tx, message.channel).await?;
        return refused(tx, message, Refusal::HereTooSoon).await;
    }
    // The sender's display name is read here, as it is now: the
    // connection's copy may be older than a change made in another tab.
    let stored: Option<(MessageId, String)> = tx
        .sql(
            "INSERT INTO messages (channel_id, seq, sender_id, client_id, body, created_at, rev,
                                   reply_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (sender_id, client_id) DO NOTHING
             RETURNING id, (SELECT display_name FROM users WHERE id = $3)",
        )
        .bind(message.channel)
        .bind(seq)
        .bind(message.sender.id)
        .bind(message.client_id)
        .bind(message.text.as_str())
        .bind(at)
        .bind(rev)
        .bind(message.reply_to)
        .fetch_optional()
        .await?;
    let Some((id, sender_display)) = stored else {
        // Sent before (a resend after a lost answer, or the same send on
        // another node, committed while this transaction waited): give the
        // counters back (the row is still locked) and answer with that
        // message.
        give_back(tx, message.channel).await?;
        return match by_client_id(tx, message).await? {
            Some(existing) => Ok(Stored::Existing(existing)),
            None => Err(StoreError::NotFound),
        };
    };
    let carried = match message.files.is_empty() {
        true => Vec::new(),
        false => attachments::attach(tx, id, &message.files).await?,
    };
    super::search::index(tx, id, &message.text, body.as_ref(), false).await?;
    if let Some(body) = &body {
        let calling = Calling {
            message: id,
            channel: message.channel,
            seq,
            sender: message.sender.id,
            body,
        };
        mentions::record(tx, &calling, here).await?;
    }
    Ok(Stored::New(Message {
        id,
        channel: message.channel,
        seq,
        sender: message.sender.id,
        sender_name: message.sender.username.clone(),
        sender_display,
        client_id: message.client_id,
        text: message.text.clone(),
        body,
        at: Millis(at),
        rev,
        edited: None,
        deleted: Deletion::Kept,
        reply_to: quote,
        reactions: Vec::new(),
        files: carried,
    }))
}

/// Why the sender of `message` may not send to its channel now: they are
/// not a member, a moderator timed them out, or one of a conversation's
/// two people blocked the other.
async fn why_not_member(
    tx: &mut Tx<'_>,
    message: &NewMessage,
    now: i64,
) -> Result<Refusal, StoreError> {
    let row: Option<(Option<i64>, Option<i64>, bool)> = tx
        .sql(
            "SELECT m.muted_until, c.archived_at,
                    EXISTS (SELECT 1 FROM blocks bl
                            WHERE (bl.blocker_id = c.direct_low AND bl.blocked_id = c.direct_high)
                               OR (bl.blocker_id = c.direct_high AND bl.blocked_id = c.direct_low))
             FROM memberships m JOIN channels c ON c.id = m.channel_id
             WHERE m.channel_id = $1 AND m.user_id = $2",
        )
        .bind(message.channel)
        .bind(message.sender.id)
        .fetch_optional()
        .await?;
    Ok(match row {
        Some((_, Some(_), _)) => Refusal::Archived,
        Some((Some(until), None, _)) if until > now => Refusal::TimedOut { until },
        Some((_, None, true)) => Refusal::Blocked,
        _ => Refusal::NotMember,
    })
}

/// Gives back the seq and revision just taken (the channel row is still
/// locked by this transaction, so nobody else took the next ones).
async fn give_back(tx: &mut Tx<'_>, channel: ChannelId) -> Result<(), StoreError> {
    tx.sql("UPDATE channels SET last_seq = last_seq - 1, last_rev = last_rev - 1 WHERE id = $1")
        .bind(channel)
        .execute()
        .await?;
    Ok(())
}

/// Nothing is stored for `message`; but a resend of what the sender stored
/// before (while still a member, while the original still stood) is
/// answered with that message, as it was stored.
async fn refused(
    tx: &mut Tx<'_>,
    message: &NewMessage,
    refusal: Refusal,
) -> Result<Stored, StoreError> {
    Ok(match by_client_id(tx, message).await? {
        Some(existing) => Stored::Existing(existing),
        None => Stored::Refused(refusal),
    })
}

/// What a reply to `original` shows of it, if it is a message of `channel`
/// that still stands.
async fn quote_of(
    tx: &mut Tx<'_>,
    channel: ChannelId,
    original: MessageId,
) -> Result<Option<Quote>, StoreError> {
    let row: Option<(Seq, String, String)> = tx
        .sql(
            "SELECT m.seq, u.username, m.body FROM messages m JOIN users u ON u.id = m.sender_id
             WHERE m.id = $1 AND m.channel_id = $2 AND m.deleted_at IS NULL",
        )
        .bind(original)
        .bind(channel)
        .fetch_optional()
        .await?;
    Ok(row.map(|(seq, sender_name, text)| quote(original, seq, sender_name, &text, false)))
}

/// The message this sender already stored under this client id.
async fn by_client_id(
    tx: &mut Tx<'_>,
    message: &NewMessage,
) -> Result<Option<Message>, StoreError> {
    let sql = concat!(
        select_messages!(),
        " WHERE m.sender_id = $1 AND m.client_id = $2"
    );
    let existing: Option<MessageRow> = tx
        .sql(sql)
        .bind(message.sender.id)
        .bind(message.client_id)
        .fetch_optional()
        .await?;
    // Its reactions are not read: whoever resends learns of them by events
    // and catch-up, like every change after a send. Its files are part of
    // it, as sent.
    let Some(mut message) = existing.map(MessageRow::into_message) else {
        return Ok(None);
    };
    if let Some((_, attached)) = attachments::attachments_of(tx, &[message.id]).await?.pop() {
        message.files = attached;
    }
    Ok(Some(message))
}
