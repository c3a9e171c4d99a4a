//! A search's results as the searcher sees them: the messages found, in
//! the order found, and the channels they are in, named for the searcher
//! (`search.rs` finds the ids).

use app::{
    model::{ChannelId, UserId},
    protocol::{Message, MessageId},
};

use super::{
    message_rows::{read_messages, select_messages, MessageRow},
    search::FoundChannel,
    SqlStore, StoreError,
};

/// A channel of the results: id, kind, name, the other person's name (in a
/// conversation), and whether the searcher is in it.
type ChannelRow = (ChannelId, String, Option<String>, Option<String>, bool);

impl SqlStore {
    /// The messages `ids`, in that order.
    pub(super) async fn messages_by_id(
        &self,
        ids: &[MessageId],
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{} WHERE {}",
            select_messages!(),
            self.db.dialect().in_ids("m.id", "$1")
        );
        let rows: Vec<MessageRow> = self
            .db
            .sql(&sql)
            .bind_ids(ids.iter().map(|id| id.0))
            .fetch_all()
            .await?;
        let mut messages = read_messages(&self.db, rows, viewer).await?;
        messages.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
        Ok(messages)
    }

    /// The channels of `messages`, as `viewer` sees them.
    pub(super) async fn found_channels(
        &self,
        messages: &[Message],
        viewer: UserId,
    ) -> Result<Vec<FoundChannel>, StoreError> {
        let mut ids: Vec<i64> = messages.iter().map(|m| m.channel.0).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT c.id, c.kind, c.name, p.username,
                    EXISTS (SELECT 1 FROM memberships mb
                            WHERE mb.channel_id = c.id AND mb.user_id = $2) AS member
             FROM channels c
             LEFT JOIN users p
               ON p.id = CASE WHEN c.direct_low = $2 THEN c.direct_high ELSE c.direct_low END
             WHERE {}",
            self.db.dialect().in_ids("c.id", "$1")
        );
        let rows: Vec<ChannelRow> = self
            .db
            .sql(&sql)
            .bind_ids(ids)
            .bind(viewer)
            .fetch_all()
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, kind, name, peer, member)| {
                // A conversation is named by the other person, or a group by
                // its name if it has one.
                let name = match kind.as_str() {
                    "direct" => peer,
                    "group" => name.or_else(|| Some("group conversation".to_owned())),
                    _ => name,
                };
                FoundChannel {
                    id,
                    name: name.unwrap_or_default(),
                    direct: kind != "public",
                    member,
                }
            })
            .collect())
    }
}
