//! Messages on PostgreSQL.
//!
//! The per-channel sequence works as on SQLite (see the SQLite store's
//! messages module for why it exists): the transaction that stores a message
//! bumps `channels.last_seq` and holds that row's lock until it commits, so
//! concurrent writers of one channel, on any node, commit one after another
//! and seq n+1 never becomes visible before n. The same transaction sends the
//! message's NOTIFY, so every node hears the channel's messages in that
//! order.
//!
//! A batch locks its channels in ascending id order, so that two nodes'
//! batches wait for each other instead of deadlocking.

use app::{
    model::ChannelId,
    protocol::{Message, MessageId, Millis, Seq, ServerMsg},
};
use sqlx::PgConnection;

use super::{limit, PgStore};
use crate::{
    bus::{postgres::notify, Event},
    hub::encode,
    store::{now_millis, Inserted, Isolation, MessageStore, NewMessage, StoreError, Stored},
};

/// A message with its author's name.
const SELECT: &str = "
    SELECT m.id, m.channel_id, m.seq, m.sender_id, u.username AS sender_name,
           m.client_id, m.body AS text, m.created_at AS at
    FROM messages m JOIN users u ON u.id = m.sender_id";

#[async_trait::async_trait]
impl MessageStore for PgStore {
    async fn insert_batch(
        &self,
        batch: &[NewMessage],
        isolation: Isolation,
    ) -> Result<Vec<Inserted>, StoreError> {
        let mut order: Vec<usize> = (0..batch.len()).collect();
        // Stable: one channel's messages keep the order they were sent in.
        order.sort_by_key(|&i| batch[i].channel);

        let mut tx = self.pool.begin().await?;
        let mut results: Vec<Option<Inserted>> = (0..batch.len()).map(|_| None).collect();
        let mut announcements = Vec::new();
        for i in order {
            let stored = isolation
                .run(&mut tx, async |conn| insert_one(conn, &batch[i]).await)
                .await?;
            if let Ok(Stored::New(message)) = &stored {
                if let Some(frame) = encode(&ServerMsg::Message {
                    message: message.clone(),
                }) {
                    announcements.push(
                        (&Event::ToChannel {
                            channel: message.channel,
                            frame,
                        })
                            .into(),
                    );
                }
            }
            results[i] = Some(stored);
        }
        notify(&mut tx, None, &announcements).await?;
        tx.commit().await?;
        Ok(results.into_iter().flatten().collect())
    }

    async fn history(
        &self,
        channel: ChannelId,
        before: Option<Seq>,
        count: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let before = before.unwrap_or(Seq(i64::MAX));
        let mut messages: Vec<Message> = sqlx::query_as(&format!(
            "{SELECT} WHERE m.channel_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3"
        ))
        .bind(channel)
        .bind(before)
        .bind(limit(count))
        .fetch_all(&self.pool)
        .await?;
        messages.reverse();
        Ok(messages)
    }

    async fn messages_after(
        &self,
        channel: ChannelId,
        after: Seq,
        count: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let messages = sqlx::query_as(&format!(
            "{SELECT} WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"
        ))
        .bind(channel)
        .bind(after)
        .bind(limit(count))
        .fetch_all(&self.pool)
        .await?;
        Ok(messages)
    }
}

/// Stores one message inside the batch's transaction.
async fn insert_one(conn: &mut PgConnection, message: &NewMessage) -> Result<Stored, StoreError> {
    if let Some(existing) = by_client_id(conn, message).await? {
        return Ok(Stored::Existing(existing));
    }
    // Bump the channel's counter, only if the sender is a member; the row
    // stays locked until commit.
    let seq: Option<Seq> = sqlx::query_scalar(
        "UPDATE channels SET last_seq = last_seq + 1
         WHERE id = $1 AND EXISTS (SELECT 1 FROM memberships WHERE channel_id = $1 AND user_id = $2)
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
    let id: Option<MessageId> = sqlx::query_scalar(
        "INSERT INTO messages (channel_id, seq, sender_id, client_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (sender_id, client_id) DO NOTHING
         RETURNING id",
    )
    .bind(message.channel)
    .bind(seq)
    .bind(message.sender.id)
    .bind(message.client_id)
    .bind(&message.text)
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        // The same send reached another node, which committed it while this
        // transaction waited: give the seq back (the row is still locked)
        // and answer with that message.
        sqlx::query("UPDATE channels SET last_seq = last_seq - 1 WHERE id = $1")
            .bind(message.channel)
            .execute(&mut *conn)
            .await?;
        return match by_client_id(conn, message).await? {
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
    conn: &mut PgConnection,
    message: &NewMessage,
) -> Result<Option<Message>, StoreError> {
    let existing = sqlx::query_as(&format!(
        "{SELECT} WHERE m.sender_id = $1 AND m.client_id = $2"
    ))
    .bind(message.sender.id)
    .bind(message.client_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(existing)
}
