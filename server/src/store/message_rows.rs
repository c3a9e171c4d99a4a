//! How a message is read back: its row (with the quote of the message it
//! answers), the reactions to it as one member sees them, and its files. Every query
//! that returns messages starts from [`select_messages!`] and ends in
//! [`read_messages`], so a message reads the same from history, catch-up
//! and the answer to a send.

use std::collections::HashMap;

use app::{
    model::{ChannelId, UserId},
    protocol::{
        Attachment, ClientId, Deletion, Message, MessageId, Millis, Quote, Reaction, Rev, Seq,
        QUOTE_CHARS, REACTION_NAMES,
    },
    text::excerpt,
};

use super::{attachments, db::Db, dialect::Dialect, StoreError};

/// Selects messages with their author's names and what their quote shows (a
/// macro, so that each query that extends it is one string made at compile
/// time).
macro_rules! select_messages {
    () => {
        "SELECT m.id, m.channel_id, m.seq, m.sender_id, u.username AS sender_name,
                u.display_name AS sender_display, m.client_id, m.body AS text, m.created_at AS at, m.rev, m.edited_at,
                m.deleted_at, m.removed, m.reply_to, q.seq AS quote_seq, qu.username AS quote_sender,
                q.body AS quote_text, q.deleted_at AS quote_deleted
         FROM messages m JOIN users u ON u.id = m.sender_id
         LEFT JOIN messages q ON q.id = m.reply_to
         LEFT JOIN users qu ON qu.id = q.sender_id"
    };
}
pub(crate) use select_messages;

/// One row of [`select_messages!`].
#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: MessageId,
    channel_id: ChannelId,
    seq: Seq,
    sender_id: UserId,
    sender_name: String,
    sender_display: String,
    client_id: ClientId,
    text: String,
    at: Millis,
    rev: Rev,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
    removed: bool,
    reply_to: Option<MessageId>,
    quote_seq: Option<Seq>,
    quote_sender: Option<String>,
    quote_text: Option<String>,
    quote_deleted: Option<i64>,
}

impl MessageRow {
    /// The message, without its reactions.
    pub(crate) fn into_message(self) -> Message {
        let reply_to = match (self.reply_to, self.quote_seq, self.quote_sender) {
            (Some(id), Some(seq), Some(sender_name)) => Some(quote(
                id,
                seq,
                sender_name,
                self.quote_text.as_deref().unwrap_or(""),
                self.quote_deleted.is_some(),
            )),
            _ => None,
        };
        Message {
            id: self.id,
            channel: self.channel_id,
            seq: self.seq,
            sender: self.sender_id,
            sender_name: self.sender_name,
            sender_display: self.sender_display,
            client_id: self.client_id,
            body: app::format::parse(&self.text),
            text: self.text,
            at: self.at,
            rev: self.rev,
            edited: self.edited_at.map(Millis),
            deleted: match (self.deleted_at, self.removed) {
                (None, _) => Deletion::Kept,
                (Some(_), false) => Deletion::ByAuthor,
                (Some(_), true) => Deletion::ByModerator,
            },
            reply_to,
            reactions: Vec::new(),
            files: Vec::new(),
        }
    }
}

/// What a reply shows of the message `id`: the start of its first line,
/// without its formatting.
pub(crate) fn quote(
    id: MessageId,
    seq: Seq,
    sender_name: String,
    text: &str,
    deleted: bool,
) -> Quote {
    Quote {
        id,
        seq,
        sender_name,
        excerpt: if deleted {
            String::new()
        } else {
            let plain = app::format::parse(text).map(|body| body.plain());
            excerpt(plain.as_deref().unwrap_or(text), QUOTE_CHARS)
        },
        deleted,
    }
}

/// One row of a message's reactions: the message, the emoji, one of the
/// first reactors' names, how many reacted with it, and whether the viewer
/// did.
type ReactionRow = (MessageId, String, String, i64, i64);

/// The messages of `rows` with their reactions as `viewer` sees them.
pub(crate) async fn read_messages(
    db: &Db,
    rows: Vec<MessageRow>,
    viewer: UserId,
) -> Result<Vec<Message>, StoreError> {
    let mut messages: Vec<Message> = rows.into_iter().map(MessageRow::into_message).collect();
    if messages.is_empty() {
        return Ok(messages);
    }
    let sql = reactions_sql(db.dialect());
    let rows: Vec<ReactionRow> = db
        .sql(&sql)
        .bind_ids(messages.iter().map(|m| m.id.0))
        .bind(viewer)
        .bind(REACTION_NAMES as i64)
        .fetch_all()
        .await?;
    let mut by_message: HashMap<MessageId, Vec<Reaction>> = HashMap::new();
    for (message, emoji, name, count, mine) in rows {
        let reactions = by_message.entry(message).or_default();
        match reactions.last_mut() {
            Some(last) if last.emoji == emoji => last.names.push(name),
            _ => reactions.push(Reaction {
                emoji,
                count: u32::try_from(count).unwrap_or(u32::MAX),
                me: mine > 0,
                names: vec![name],
            }),
        }
    }
    for message in &mut messages {
        if let Some(reactions) = by_message.remove(&message.id) {
            message.reactions = reactions;
        }
    }
    let rows = db
        .sql(&attachments::attachments_sql(db.dialect()))
        .bind_ids(messages.iter().map(|m| m.id.0))
        .fetch_all()
        .await?;
    let mut by_message: HashMap<MessageId, Vec<Attachment>> =
        attachments::group(rows).into_iter().collect();
    for message in &mut messages {
        if let Some(files) = by_message.remove(&message.id) {
            message.files = files;
        }
    }
    Ok(messages)
}

/// The reactions to the messages `$1`, `$2` being the viewer and `$3` how
/// many names each emoji brings: per message, emoji in the order each was
/// first used, reactors first come first.
fn reactions_sql(dialect: Dialect) -> String {
    format!(
        "SELECT r.message_id, r.emoji, u.username, r.total, r.mine
         FROM (SELECT message_id, emoji, user_id,
                      ROW_NUMBER() OVER (PARTITION BY message_id, emoji
                                         ORDER BY created_at, user_id) AS n,
                      COUNT(*) OVER (PARTITION BY message_id, emoji) AS total,
                      MAX(CASE WHEN user_id = $2 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END)
                          OVER (PARTITION BY message_id, emoji) AS mine,
                      MIN(created_at) OVER (PARTITION BY message_id, emoji) AS first
               FROM reactions WHERE {}) r
         JOIN users u ON u.id = r.user_id
         WHERE r.n <= $3
         ORDER BY r.message_id, r.first, r.emoji, r.n",
        dialect.in_ids("message_id", "$1")
    )
}
