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
//! A batch takes its channels in ascending id order, so that two nodes'
//! batches wait for each other instead of deadlocking, and hands its new
//! messages to an [`Announce`] before it commits.

use app::{
    model::ChannelId,
    protocol::{Message, MessageId, Millis, Seq},
};

use super::{
    db::Tx, now_millis, Announce, Inserted, Isolation, MessageStore, NewMessage, SqlStore,
    StoreError, Stored,
};

/// Selects messages with their author's name (a macro, so that each query
/// that extends it is one string made at compile time).
macro_rules! select {
    () => {
        "SELECT m.id, m.channel_id, m.seq, m.sender_id, u.username AS sender_name,
                m.client_id, m.body AS text, m.created_at AS at
         FROM messages m JOIN users u ON u.id = m.sender_id"
    };
}

#[async_trait::async_trait]
impl MessageStore for SqlStore {
    #[tracing::instrument(level = "debug", name = "store.insert", skip_all, fields(messages = batch.len()))]
    async fn insert_batch(
        &self,
        batch: &[NewMessage],
        isolation: Isolation,
        announce: &dyn Announce,
    ) -> Result<Vec<Inserted>, StoreError> {
        let mut order: Vec<usize> = (0..batch.len()).collect();
        // Stable: one channel's messages keep the order they were sent in.
        order.sort_by_key(|&i| batch[i].channel);

        let mut tx = self.db.begin().await?;
        let mut results: Vec<Option<Inserted>> = (0..batch.len()).map(|_| None).collect();
        for &i in &order {
            let stored = isolation
                .run(&mut tx, async |tx| insert_one(tx, &batch[i]).await)
                .await?;
            results[i] = Some(stored);
        }
        // The new messages, in the order they were stored.
        let new: Vec<&Message> = order
            .iter()
            .filter_map(|&i| match &results[i] {
                Some(Ok(Stored::New(message))) => Some(message),
                _ => None,
            })
            .collect();
        announce.in_transaction(&mut tx, &new).await?;
        tx.commit().await?;
        Ok(results.into_iter().flatten().collect())
    }

    #[tracing::instrument(level = "debug", name = "store.history", skip(self))]
    async fn history(
        &self,
        channel: ChannelId,
        before: Option<Seq>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let sql = concat!(
            select!(),
            " WHERE m.channel_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3"
        );
        let mut messages: Vec<Message> = self
            .db
            .sql(sql)
            .bind(channel)
            .bind(before.unwrap_or(Seq(i64::MAX)))
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        messages.reverse();
        Ok(messages)
    }

    #[tracing::instrument(level = "debug", name = "store.after", skip(self))]
    async fn messages_after(
        &self,
        channel: ChannelId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let sql = concat!(
            select!(),
            " WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"
        );
        let messages = self
            .db
            .sql(sql)
            .bind(channel)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        Ok(messages)
    }
}

/// Stores one message inside the batch's transaction.
///
/// Two statements in the usual case. A resend of a message already stored
/// (the same client id) is rare, so it is not looked for up front: the
/// insert's conflict finds it, and the counter is given back.
async fn insert_one(tx: &mut Tx<'_>, message: &NewMessage) -> Result<Stored, StoreError> {
    // Bump the channel's counter, only if the sender is a member; the row
    // stays locked until commit.
    let seq: Option<Seq> = tx
        .sql(
            "UPDATE channels SET last_seq = last_seq + 1
             WHERE id = $1
               AND EXISTS (SELECT 1 FROM memberships WHERE channel_id = $1 AND user_id = $2)
             RETURNING last_seq",
        )
        .bind(message.channel)
        .bind(message.sender.id)
        .scalar_optional()
        .await?;
    let Some(seq) = seq else {
        // A resend of what they sent while still a member is answered with
        // that message, as it was stored.
        return Ok(match by_client_id(tx, message).await? {
            Some(existing) => Stored::Existing(existing),
            None => Stored::NotMember,
        });
    };
    let at = now_millis();
    let id: Option<MessageId> = tx
        .sql(
            "INSERT INTO messages (channel_id, seq, sender_id, client_id, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (sender_id, client_id) DO NOTHING
             RETURNING id",
        )
        .bind(message.channel)
        .bind(seq)
        .bind(message.sender.id)
        .bind(message.client_id)
        .bind(message.text.as_str())
        .bind(at)
        .scalar_optional()
        .await?;
    let Some(id) = id else {
        // Sent before (a resend after a lost answer, or the same send on
        // another node, committed while this transaction waited): give the
        // seq back (the row is still locked) and answer with that message.
        tx.sql("UPDATE channels SET last_seq = last_seq - 1 WHERE id = $1")
            .bind(message.channel)
            .execute()
            .await?;
        return match by_client_id(tx, message).await? {
            Some(existing) => Ok(Stored::Existing(existing)),
            None => Err(StoreError::NotFound),
        };
    };
    Ok(Stored::New(Message {
        id,
        channel: message.channel,
        seq,
        sender: message.sender.id,
        sender_name: message.sender.username.clone(),
        client_id: message.client_id,
        text: message.text.clone(),
        at: Millis(at),
    }))
}

/// The message this sender already stored under this client id.
async fn by_client_id(
    tx: &mut Tx<'_>,
    message: &NewMessage,
) -> Result<Option<Message>, StoreError> {
    let sql = concat!(select!(), " WHERE m.sender_id = $1 AND m.client_id = $2");
    let existing = tx
        .sql(sql)
        .bind(message.sender.id)
        .bind(message.client_id)
        .fetch_optional()
        .await?;
    Ok(existing)
}
