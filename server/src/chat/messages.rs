//! Sending messages, reading history, and catching up.

use std::{
    collections::{BTreeMap, HashSet},
    time::Instant,
};

use app::{
    model::{ChannelId, MessageText, User},
    protocol::{
        CatchUp, ClientId, Cursor, Message, ProtocolError, Reply, Seq, FIRST_PAGE, MAX_CURSORS,
        MAX_PAGE, MAX_SYNC_BYTES,
    },
};

use crate::{
    error::internal_ws,
    state::AppState,
    store::{NewMessage, Stored},
};

/// The most missed messages sent for one channel; past this the client gets
/// the latest page and starts that channel afresh.
pub const CATCH_UP_LIMIT: u32 = 500;

impl AppState {
    /// Stores a message from `user` and returns it as stored. A resend with
    /// the same client id returns the message stored the first time.
    pub async fn send_message(
        &self,
        user: &User,
        channel: ChannelId,
        client_id: ClientId,
        text: &str,
    ) -> Result<Message, ProtocolError> {
        let text =
            MessageText::parse(text).map_err(|reason| ProtocolError::InvalidMessage { reason })?;
        self.send_limits
            .take(&user.id, Instant::now())
            .map_err(|wait| ProtocolError::RateLimited {
                retry_after_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1),
            })?;
        let message = NewMessage {
            sender: user.clone(),
            channel,
            client_id,
            text: text.into_string(),
        };
        match self.pipeline.store(message).await.map_err(internal_ws)? {
            Stored::New(message) | Stored::Existing(message) => Ok(message),
            Stored::NotMember => Err(ProtocolError::NotMember),
        }
    }

    /// A page of history, oldest first, and whether there is more before it.
    pub async fn history(
        &self,
        user: &User,
        channel: ChannelId,
        before: Option<Seq>,
        limit: u32,
    ) -> Result<(Vec<Message>, bool), ProtocolError> {
        self.require_member(user, channel).await?;
        let limit = limit.clamp(1, MAX_PAGE);
        let mut messages = self
            .store
            .history(channel, before, limit + 1)
            .await
            .map_err(internal_ws)?;
        let has_older = messages.len() > limit as usize;
        if has_older {
            messages.remove(0);
        }
        Ok((messages, has_older))
    }

    /// The user's channels, and every message after each cursor: one
    /// cursor per channel (the lowest, if several name it), and at most
    /// about [`MAX_SYNC_BYTES`] of messages. Past that the answer says
    /// `more`, and each channel it covers holds the messages right after the
    /// cursor, so the next sync continues without a gap.
    pub async fn sync(&self, user: &User, cursors: &[Cursor]) -> Result<Reply, ProtocolError> {
        if cursors.len() > MAX_CURSORS {
            return Err(ProtocolError::BadRequest {
                detail: format!("at most {MAX_CURSORS} cursors"),
            });
        }
        let channels = self.store.channels_of(user.id).await.map_err(internal_ws)?;
        let mine: HashSet<ChannelId> = channels.iter().map(|c| c.id).collect();
        let mut wanted: BTreeMap<ChannelId, Seq> = BTreeMap::new();
        for cursor in cursors.iter().filter(|c| mine.contains(&c.channel)) {
            let seq = wanted.entry(cursor.channel).or_insert(cursor.seq);
            *seq = (*seq).min(cursor.seq);
        }

        let mut budget = Budget::new(MAX_SYNC_BYTES);
        let mut catch_up = Vec::new();
        let mut more = false;
        for (channel, seq) in wanted {
            if budget.spent() {
                more = true;
                break;
            }
            let (missed, complete) = self.catch_up(channel, seq, &mut budget).await?;
            catch_up.extend(missed);
            if !complete {
                more = true;
                break;
            }
        }
        Ok(Reply::Synced {
            channels,
            catch_up,
            more,
        })
    }

    /// What a client missed in one channel after `seq`, as much as
    /// `budget` allows (but never nothing, when it has not been touched);
    /// `false` when some was left for the next sync.
    async fn catch_up(
        &self,
        channel: ChannelId,
        seq: Seq,
        budget: &mut Budget,
    ) -> Result<(Option<CatchUp>, bool), ProtocolError> {
        let mut messages = self
            .store
            .messages_after(channel, seq, CATCH_UP_LIMIT + 1)
            .await
            .map_err(internal_ws)?;
        let reset = messages.len() > CATCH_UP_LIMIT as usize;
        if reset {
            // All or nothing: a reset page replaces what the client holds.
            let page = self
                .store
                .history(channel, None, FIRST_PAGE)
                .await
                .map_err(internal_ws)?;
            if !budget.take(page.iter().map(encoded_len).sum()) {
                return Ok((None, false));
            }
            messages = page;
        } else {
            let fits = messages
                .iter()
                .take_while(|message| budget.take(encoded_len(message)))
                .count();
            let complete = fits == messages.len();
            messages.truncate(fits);
            if !complete {
                let missed = (!messages.is_empty()).then_some(CatchUp {
                    channel,
                    messages,
                    reset: false,
                });
                return Ok((missed, false));
            }
        }
        let missed = (reset || !messages.is_empty()).then_some(CatchUp {
            channel,
            messages,
            reset,
        });
        Ok((missed, true))
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

/// The bytes one answer may still hold. The first thing taken always fits,
/// so that every answer makes progress, however large one message is.
#[derive(Debug)]
struct Budget {
    left: usize,
    untouched: bool,
}

impl Budget {
    fn new(bytes: usize) -> Self {
        Self {
            left: bytes,
            untouched: true,
        }
    }

    /// Takes `bytes` if they fit (or nothing was taken yet).
    fn take(&mut self, bytes: usize) -> bool {
        if bytes <= self.left || self.untouched {
            self.left = self.left.saturating_sub(bytes);
            self.untouched = false;
            true
        } else {
            false
        }
    }

    fn spent(&self) -> bool {
        !self.untouched && self.left == 0
    }
}

/// The length of a message as JSON, counted without building the text.
fn encoded_len(message: &Message) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail; a message always serialises.
    let _ = serde_json::to_writer(&mut count, message);
    count.0
}

#[cfg(test)]
mod tests {
    use super::Budget;

    #[test]
    fn a_budget_takes_what_fits_and_always_the_first() {
        let mut budget = Budget::new(10);
        assert!(budget.take(4));
        assert!(budget.take(6));
        assert!(budget.spent());
        assert!(!budget.take(1));

        let mut budget = Budget::new(10);
        assert!(budget.take(50), "the first item fits whatever its size");
        assert!(budget.spent());
        assert!(!budget.take(1));
    }
}
