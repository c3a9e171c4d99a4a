//! Sending messages and reading history.

use std::time::Instant;

use app::{
    model::{ChannelId, MessageText, User},
    protocol::{
        ClientId, FileId, Message, MessageId, PageAt, ProtocolError, Refused, Rev, Seq, MAX_FILES,
        MAX_PAGE,
    },
};

use crate::{
    error::internal_ws,
    state::AppState,
    store::{NewMessage, Refusal, Stored},
};

/// A page of a channel's history.
#[derive(Debug)]
pub struct HistoryPage {
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Whether there are older ones.
    pub has_older: bool,
    /// Whether there are newer ones: the page is not the latest.
    pub has_newer: bool,
    /// The channel's revision, read before the messages.
    pub rev: Rev,
}

impl AppState {
    /// Stores a message from `user` and returns it as stored. A resend with
    /// the same client id returns the message stored the first time.
    pub async fn send_message(
        &self,
        user: &User,
        channel: ChannelId,
        client_id: ClientId,
        text: &str,
        reply_to: Option<MessageId>,
        files: Vec<FileId>,
    ) -> Result<Message, ProtocolError> {
        if files.len() > MAX_FILES {
            return Err(Refused::TooManyFiles.into());
        }
        // A message of files alone needs no text.
        let text = match files.is_empty() || !text.trim().is_empty() {
            true => message_text(text)?.into_string(),
            false => String::new(),
        };
        self.take_write(user)?;
        let message = NewMessage {
            sender: user.clone(),
            channel,
            client_id,
            text,
            reply_to,
            files: dedup(files),
        };
        match self.pipeline.store(message).await.map_err(internal_ws)? {
            Stored::New(message) | Stored::Existing(message) => Ok(message),
            Stored::Refused(refusal) => Err(refused(refusal)),
        }
    }

    /// Counts a write (a send or a change) against the user's limit.
    pub(super) fn take_write(&self, user: &User) -> Result<(), ProtocolError> {
        self.send_limits
            .take(&user.id, Instant::now())
            .map_err(|wait| ProtocolError::RateLimited {
                retry_after_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1),
            })
    }

    /// A page of history, oldest first, and whether there is more before
    /// and after it.
    pub async fn history(
        &self,
        user: &User,
        channel: ChannelId,
        page: PageAt,
        limit: u32,
    ) -> Result<HistoryPage, ProtocolError> {
        self.require_member(user, channel).await?;
        let limit = limit.clamp(1, MAX_PAGE);
        // Before the messages: they reflect every change up to it.
        let (rev, last_seq) = self
            .store
            .channel_head(channel)
            .await
            .map_err(internal_ws)?;
        let mut messages = self
            .store
            .history(channel, page, limit + 1, user.id)
            .await
            .map_err(internal_ws)?;
        let more = messages.len() > limit as usize;
        // One more than asked for says whether the page reaches the end it
        // was read towards; the seq of the channel's newest message (read
        // first, and seqs only grow) whether anything is past the other.
        let (has_older, has_newer) = match page {
            PageAt::Latest => (more, false),
            PageAt::Before(before) => (more, before <= last_seq),
            PageAt::After(after) => (after > Seq(0), more),
        };
        if more {
            match page {
                PageAt::After(_) => messages.truncate(limit as usize),
                _ => drop(messages.remove(0)),
            }
        }
        Ok(HistoryPage {
            messages,
            has_older,
            has_newer,
            rev,
        })
    }

    /// `NotMember` unless `user` is in `channel`.
    pub async fn require_member(
        &self,
        user: &User,
        channel: ChannelId,
    ) -> Result<(), ProtocolError> {
        match self
            .store
            .is_member(user.id, channel)
            .await
            .map_err(internal_ws)?
        {
            true => Ok(()),
            false => Err(ProtocolError::NotMember),
        }
    }
}

/// `text` as a message's text (trimmed, bounded, no control characters),
/// or why not: for a send and an edit alike.
pub(super) fn message_text(text: &str) -> Result<MessageText, ProtocolError> {
    MessageText::parse(text).map_err(|reason| ProtocolError::Refused {
        reason: reason.to_string(),
    })
}

/// `files` with each file once, in the order first named.
fn dedup(mut files: Vec<FileId>) -> Vec<FileId> {
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(*file));
    files
}

/// What the user is told when a write stored nothing.
pub(super) fn refused(refusal: Refusal) -> ProtocolError {
    match refusal {
        Refusal::NotMember => ProtocolError::NotMember,
        Refusal::NoSuchMessage => ProtocolError::NoSuchMessage,
        Refusal::NotAuthor => Refused::NotYourMessage.into(),
        Refusal::TooManyReactions => Refused::TooManyReactions.into(),
        Refusal::HereTooSoon => Refused::HereTooSoon.into(),
        Refusal::Archived => Refused::Archived.into(),
        Refusal::Blocked => Refused::Blocked.into(),
        Refusal::NoSuchFile => Refused::NoSuchFile.into(),
        Refusal::TimedOut { until } => {
            let minutes = ((until - crate::store::now_millis()).max(1) + 59_999) / 60_000;
            let unit = if minutes == 1 { "minute" } else { "minutes" };
            ProtocolError::Refused {
                reason: format!(
                    "a moderator has stopped you sending here for {minutes} more {unit}"
                ),
            }
        }
    }
}
