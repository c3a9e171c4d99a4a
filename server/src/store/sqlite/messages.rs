//! Messages on SQLite.
//!
//! # Why a per-channel sequence
//! Catch-up asks for "every message of this channel after the last one I
//! hold". That cursor is only safe if positions become visible in order: a
//! reader must never see message n+1 while n is still uncommitted, or it would
//! move its cursor past n and never fetch it. Row ids do not promise that on
//! every database (PostgreSQL assigns sequence values before commit, so
//! commits can land out of order). So each channel keeps its own counter,
//! `channels.last_seq`, bumped by the transaction that inserts the message:
//! the bump locks the channel row until commit, so the writers of one channel
//! commit one after another and seq n+1 cannot exist before n. On SQLite all
//! writes are serialised anyway; the same scheme keeps both databases alike.

use app::{
    model::ChannelId,
    protocol::{Message, Millis, Seq},
};
use sqlx::SqliteConnection;

use super::SqliteStore;
use crate::store::{now_millis, Inserted, Isolation, MessageStore, NewMessage, StoreError, Stored};

/// A message with its author's name.
const SELECT: &str = "
    SELECT m.id, m.channel_id, m.seq, m.sender_id, u.username AS sender_name,
           m.client_id, m.body AS text, m.created_at AS at
    FROM messages m JOIN users u ON u.id = m.sender_id";

#[async_trait::async_trait]
impl MessageStore for SqliteStore {
    async fn insert_batch(
        &self,
        batch: &[NewMessage],
        isolation: Isolation,
    ) -> Result<Vec<Inserted>, StoreError> {
        // IMMEDIATE takes the write lock up front, so the transaction never
        // has to upgrade a read lock (which SQLite may refuse outright).
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut results = Vec::with_capacity(batch.len());
        for message in batch {
            results.push(
                isolation
                    .run(&mut tx, async |conn| insert_one(conn, message).await)
                    .await?,
            );
        }
        tx.commit().await?;
        Ok(results)
    }

    async fn history(
        &self,
        channel: ChannelId,
        before: Option<Seq>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let before = before.unwrap_or(Seq(i64::MAX));
        let mut messages: Vec<Message> = sqlx::query_as(&format!(
            "{SELECT} WHERE m.channel_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?"
        ))
        .bind(channel)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        messages.reverse();
        Ok(messages)
    }

    async fn messages_after(
        &self,
        channel: ChannelId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let messages = sqlx::query_as(&format!(
            "{SELECT} WHERE m.channel_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?"
        ))
        .bind(channel)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(messages)
    }
}

/// Stores one message inside the batch's transaction.
async fn insert_one(
    conn: &mut SqliteConnection,
    message: &NewMessage,
) -> Result<Stored, StoreError> {
    if let Some(existing) = by_client_id(conn, message).await? {
        return Ok(Stored::Existing(existing));
    }
    // Bump the channel's counter, only if the sender is a member.
    let seq: Option<Seq> = sqlx::query_scalar(
        "UPDATE channels SET last_seq = last_seq + 1
         WHERE id = ?1 AND EXISTS (SELECT 1 FROM memberships WHERE channel_id = ?1 AND user_id = ?2)
         RETURNING last_seq",
    )
    .bind(message.channel)
    .bind(message.sender.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(seq) = seq else {
        return Ok(Stored::NotMember);
    };
    let at = now_millis();
    let id = sqlx::query_scalar(
        "INSERT INTO messages (channel_id, seq, sender_id, client_id, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(message.channel)
    .bind(seq)
    .bind(message.sender.id)
    .bind(message.client_id)
    .bind(&message.text)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
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
    conn: &mut SqliteConnection,
    message: &NewMessage,
) -> Result<Option<Message>, StoreError> {
    let existing = sqlx::query_as(&format!(
        "{SELECT} WHERE m.sender_id = ? AND m.client_id = ?"
    ))
    .bind(message.sender.id)
    .bind(message.client_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(existing)
}
