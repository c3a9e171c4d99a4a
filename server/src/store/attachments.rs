//! A message's files as the message carries them: checking that a send's
//! files may go with it, attaching them in the send's transaction,
//! forgetting them with a deleted message, and reading them with every
//! message read (`message_rows.rs`). What a file is, and who may download
//! it, is `files.rs`.

use app::{
    model::{ChannelId, UserId},
    protocol::{Attachment, FileId, MessageId},
};

use super::{db::Tx, dialect::Dialect, now_millis, StoreError};

/// One row of a file as a message shows it.
pub(crate) type AttachmentRow = (i64, String, i64, String, i64, i64);

pub(crate) fn attachment((id, name, size, media, width, height): AttachmentRow) -> Attachment {
    let pixels = |n: i64| u32::try_from(n).unwrap_or(0);
    Attachment {
        id: FileId(id),
        name,
        size: u64::try_from(size).unwrap_or(0),
        media,
        width: pixels(width),
        height: pixels(height),
    }
}

/// Whether every one of `files` is `sender`'s upload to `channel` that no
/// message carries yet (inside a send's transaction, the channel locked).
pub(crate) async fn attachable(
    tx: &mut Tx<'_>,
    channel: ChannelId,
    sender: UserId,
    files: &[FileId],
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM files
         WHERE {} AND channel_id = $2 AND uploader_id = $3 AND message_id IS NULL",
        tx.dialect().in_ids("id", "$1")
    );
    let found: i64 = tx
        .sql(&sql)
        .bind_ids(files.iter().map(|f| f.0))
        .bind(channel)
        .bind(sender)
        .scalar()
        .await?;
    Ok(usize::try_from(found).is_ok_and(|found| found == files.len()))
}

/// Attaches `files` (checked by [`attachable`]) to `message`, in their
/// order, and returns them as it carries them.
pub(crate) async fn attach(
    tx: &mut Tx<'_>,
    message: MessageId,
    files: &[FileId],
) -> Result<Vec<Attachment>, StoreError> {
    for (position, file) in files.iter().enumerate() {
        tx.sql("UPDATE files SET message_id = $1, position = $2 WHERE id = $3")
            .bind(message)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(*file)
            .execute()
            .await?;
    }
    let mut attached = attachments_of(tx, &[message]).await?;
    Ok(attached.pop().map(|(_, files)| files).unwrap_or_default())
}

/// Forgets the files of a deleted message; their blobs go to the
/// collector.
pub(crate) async fn detach(tx: &mut Tx<'_>, message: MessageId) -> Result<(), StoreError> {
    tx.sql(
        "INSERT INTO orphan_blobs (hash, since)
         SELECT DISTINCT hash, $2 FROM files WHERE message_id = $1
         ON CONFLICT (hash) DO NOTHING",
    )
    .bind(message)
    .bind(now_millis())
    .execute()
    .await?;
    tx.sql("DELETE FROM files WHERE message_id = $1")
        .bind(message)
        .execute()
        .await?;
    Ok(())
}

/// The files of `messages`, per message that has any, in order.
pub(crate) async fn attachments_of(
    tx: &mut Tx<'_>,
    messages: &[MessageId],
) -> Result<Vec<(MessageId, Vec<Attachment>)>, StoreError> {
    let sql = attachments_sql(tx.dialect());
    let rows: Vec<(i64, i64, String, i64, String, i64, i64)> = tx
        .sql(&sql)
        .bind_ids(messages.iter().map(|m| m.0))
        .fetch_all()
        .await?;
    Ok(group(rows))
}

/// The files of the messages `$1`, by message and position.
pub(crate) fn attachments_sql(dialect: Dialect) -> String {
    format!(
        "SELECT message_id, id, name, size, media, width, height FROM files
         WHERE {} ORDER BY message_id, position",
        dialect.in_ids("message_id", "$1")
    )
}

/// Rows of [`attachments_sql`], grouped by message.
pub(crate) fn group(
    rows: Vec<(i64, i64, String, i64, String, i64, i64)>,
) -> Vec<(MessageId, Vec<Attachment>)> {
    let mut grouped: Vec<(MessageId, Vec<Attachment>)> = Vec::new();
    for (message, id, name, size, media, width, height) in rows {
        let file = attachment((id, name, size, media, width, height));
        match grouped.last_mut() {
            Some((last, files)) if last.0 == message => files.push(file),
            _ => grouped.push((MessageId(message), vec![file])),
        }
    }
    grouped
}
