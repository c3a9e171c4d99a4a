//! Changes to stored messages: edits, deletes, reactions.
//!
//! A message is edited by its author only, and deleted by its author or
//! removed by someone who moderates its author in the channel (see
//! `moderation.rs`); a removal is recorded in the audit log in the same
//! transaction.
//!
//! A change takes the next value of its channel's revision counter first,
//! which locks the channel row until commit (as a new message does; see
//! `messages.rs`), then checks what it may do against the message as it is
//! under that lock. A change that changes nothing (the same text, a reaction
//! already there, a message already deleted) or is refused gives the
//! revision back, so revisions stay exactly the changes made, and a resend
//! after a lost answer changes nothing.

use app::{
    chat::Audited,
    model::{ChannelId, UserId},
    protocol::{Change, ChangeKind, Millis, Rev, Seq, MAX_REACTIONS},
};

use super::{
    attachments,
    audit::{self, Audit},
    db::Tx,
    mentions::{self, Calling},
    moderation::standing_in,
    now_millis, search, ChangeRequest, Changed, NewChange, Refusal, StoreError,
};

/// Makes one change inside the batch's transaction.
pub(crate) async fn change_one(tx: &mut Tx<'_>, change: &NewChange) -> Result<Changed, StoreError> {
    let rev: Option<(Rev, Option<i64>)> = tx
        .sql(
            "UPDATE channels SET last_rev = last_rev + 1
             WHERE id = $1
               AND EXISTS (SELECT 1 FROM memberships WHERE channel_id = $1 AND user_id = $2)
             RETURNING last_rev, archived_at",
        )
        .bind(change.channel)
        .bind(change.user.id)
        .fetch_optional()
        .await?;
    let Some((rev, archived_at)) = rev else {
        return Ok(Changed::Refused(Refusal::NotMember));
    };
    // An archived channel is read-only: its messages stay as they are.
    let outcome = match archived_at {
        Some(_) => Changed::Refused(Refusal::Archived),
        None => apply(tx, change, rev).await?,
    };
    if !matches!(outcome, Changed::Now(_)) {
        tx.sql("UPDATE channels SET last_rev = last_rev - 1 WHERE id = $1")
            .bind(change.channel)
            .execute()
            .await?;
    }
    Ok(outcome)
}

/// Checks and makes `change` as revision `rev`.
async fn apply(tx: &mut Tx<'_>, change: &NewChange, rev: Rev) -> Result<Changed, StoreError> {
    let target: Option<(UserId, String, Option<i64>, Seq)> = tx
        .sql(
            "SELECT sender_id, body, deleted_at, seq FROM messages
             WHERE id = $1 AND channel_id = $2",
        )
        .bind(change.message)
        .bind(change.channel)
        .fetch_optional()
        .await?;
    let Some((author, body, deleted_at, seq)) = target else {
        return Ok(Changed::Refused(Refusal::NoSuchMessage));
    };
    let deleted = deleted_at.is_some();
    let mine = author == change.user.id;
    let removing = change.what == ChangeRequest::Delete && !mine && !deleted;
    if removing && !moderates(tx, change.user.id, author, change.channel).await? {
        return Ok(Changed::Refused(Refusal::NotAuthor));
    }
    let at = now_millis();
    let what = match &change.what {
        ChangeRequest::Edit(_) if !mine => return Ok(Changed::Refused(Refusal::NotAuthor)),
        ChangeRequest::Delete if deleted => return Ok(Changed::Already),
        _ if deleted => return Ok(Changed::Refused(Refusal::NoSuchMessage)),
        ChangeRequest::Edit(text) if *text == body => return Ok(Changed::Already),
        ChangeRequest::Edit(text) => {
            tx.sql("UPDATE messages SET body = $1, edited_at = $2, rev = $3 WHERE id = $4")
                .bind(text.as_str())
                .bind(at)
                .bind(rev)
                .bind(change.message)
                .execute()
                .await?;
            let body = app::format::parse(text.as_str());
            search::index(tx, change.message, text, body.as_ref(), true).await?;
            if let Some(body) = &body {
                // Names added are called now; `@here` is not: it calls
                // only as the message is sent.
                let calling = Calling {
                    message: change.message,
                    channel: change.channel,
                    seq,
                    sender: author,
                    body,
                };
                mentions::record(tx, &calling, false).await?;
            }
            ChangeKind::Edited {
                text: text.clone(),
                body,
                at: Millis(at),
            }
        }
        ChangeRequest::Delete => {
            // The text goes from the database, not only from view.
            tx.sql(
                "UPDATE messages SET body = '', edited_at = NULL, reply_to = NULL,
                                     deleted_at = $1, rev = $2, removed = $3
                 WHERE id = $4",
            )
            .bind(at)
            .bind(rev)
            .bind(removing)
            .bind(change.message)
            .execute()
            .await?;
            tx.sql("DELETE FROM reactions WHERE message_id = $1")
                .bind(change.message)
                .execute()
                .await?;
            mentions::forget(tx, change.message).await?;
            search::unindex(tx, change.message).await?;
            attachments::detach(tx, change.message).await?;
            if removing {
                let audit = Audit {
                    by: Some(change.user.id),
                    what: Audited::RemovedMessage,
                    channel: Some(change.channel),
                };
                audit::insert(tx, audit, author).await?;
            }
            match removing {
                true => ChangeKind::Removed,
                false => ChangeKind::Deleted,
            }
        }
        ChangeRequest::React { emoji, add } => {
            match react(tx, change, emoji, *add, at).await? {
                Reacted::Done => {}
                Reacted::Already => return Ok(Changed::Already),
                Reacted::Full => return Ok(Changed::Refused(Refusal::TooManyReactions)),
            }
            tx.sql("UPDATE messages SET rev = $1 WHERE id = $2")
                .bind(rev)
                .bind(change.message)
                .execute()
                .await?;
            ChangeKind::Reacted {
                emoji: emoji.clone(),
                user: change.user.clone(),
                added: *add,
            }
        }
    };
    Ok(Changed::Now(Change {
        channel: change.channel,
        message: change.message,
        rev,
        what,
    }))
}

/// Whether `user` moderates `author` in `channel`, and so may remove their
/// messages there.
async fn moderates(
    tx: &mut Tx<'_>,
    user: UserId,
    author: UserId,
    channel: ChannelId,
) -> Result<bool, StoreError> {
    let Some((Some(actor), _)) = standing_in(tx, user, channel).await? else {
        return Ok(false);
    };
    let author = standing_in(tx, author, channel).await?;
    Ok(actor.moderates(
        author
            .and_then(|(standing, _)| standing)
            .unwrap_or_default(),
    ))
}

/// What adding or removing one reaction did.
enum Reacted {
    Done,
    /// It was so already.
    Already,
    /// A new emoji on a message that has [`MAX_REACTIONS`] already.
    Full,
}

/// Adds or removes one reaction.
async fn react(
    tx: &mut Tx<'_>,
    change: &NewChange,
    emoji: &str,
    add: bool,
    at: i64,
) -> Result<Reacted, StoreError> {
    if !add {
        let removed = tx
            .sql("DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3")
            .bind(change.message)
            .bind(emoji)
            .bind(change.user.id)
            .execute()
            .await?;
        return Ok(if removed > 0 {
            Reacted::Done
        } else {
            Reacted::Already
        });
    }
    let others: i64 = tx
        .sql("SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = $1 AND emoji <> $2")
        .bind(change.message)
        .bind(emoji)
        .scalar()
        .await?;
    if others >= MAX_REACTIONS as i64 {
        return Ok(Reacted::Full);
    }
    let added = tx
        .sql(
            "INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (message_id, emoji, user_id) DO NOTHING",
        )
        .bind(change.message)
        .bind(emoji)
        .bind(change.user.id)
        .bind(at)
        .execute()
        .await?;
    Ok(if added > 0 {
        Reacted::Done
    } else {
        Reacted::Already
    })
}
