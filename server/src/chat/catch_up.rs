//! Catching up: what a client missed while it was away, by revision.
//!
//! A client syncs with a cursor per channel, the revision up to which what
//! it holds reflects every change. The answer is every message of the
//! channel changed after it (new, edited, deleted, reacted to), as it is
//! now, in revision order: merged by id, keeping the newer revision, that
//! makes what the client holds current. Past [`CATCH_UP_LIMIT`] changes the
//! channel is reset to its latest page instead: nothing is silently skipped.

use std::collections::{BTreeMap, HashSet};

use app::{
    model::{ChannelId, User},
    protocol::{
        CatchUp, Cursor, Message, PageAt, ProtocolError, Reply, Rev, FIRST_PAGE, MAX_CURSORS,
        MAX_SYNC_BYTES,
    },
};

use crate::{error::internal_ws, state::AppState};

/// The most missed changes sent for one channel; past this the client gets
/// the latest page and starts that channel afresh.
pub const CATCH_UP_LIMIT: u32 = 500;

impl AppState {
    /// The user's channels, and every message changed after each cursor: one
    /// cursor per channel (the lowest, if several name it), and at most
    /// about [`MAX_SYNC_BYTES`] of messages. Past that the answer says
    /// `more`, and each channel it covers holds the changes right after the
    /// cursor, so the next sync continues without a gap.
    pub async fn sync(&self, user: &User, cursors: &[Cursor]) -> Result<Reply, ProtocolError> {
        if cursors.len() > MAX_CURSORS {
            return Err(ProtocolError::BadRequest {
                detail: format!("at most {MAX_CURSORS} cursors"),
            });
        }
        let channels = self.store.channels_of(user.id).await.map_err(internal_ws)?;
        let mine: HashSet<ChannelId> = channels.iter().map(|c| c.id).collect();
        let mut wanted: BTreeMap<ChannelId, Rev> = BTreeMap::new();
        for cursor in cursors.iter().filter(|c| mine.contains(&c.channel)) {
            let rev = wanted.entry(cursor.channel).or_insert(cursor.rev);
            *rev = (*rev).min(cursor.rev);
        }

        let mut budget = Budget::new(MAX_SYNC_BYTES);
        let mut catch_up = Vec::new();
        let mut more = false;
        for (channel, rev) in wanted {
            if budget.spent() {
                more = true;
                break;
            }
            let (missed, complete) = self.catch_up(user, channel, rev, &mut budget).await?;
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

    /// What a client missed in one channel after `rev`, as much as `budget`
    /// allows (but never nothing, when it has not been touched); `false`
    /// when some was left for the next sync.
    async fn catch_up(
        &self,
        user: &User,
        channel: ChannelId,
        rev: Rev,
        budget: &mut Budget,
    ) -> Result<(Option<CatchUp>, bool), ProtocolError> {
        let changed = self
            .store
            .changed_after(channel, rev, CATCH_UP_LIMIT + 1, user.id)
            .await
            .map_err(internal_ws)?;
        if changed.len() > CATCH_UP_LIMIT as usize {
            // All or nothing: a reset page replaces what the client holds.
            let page = self
                .history(user, channel, PageAt::Latest, FIRST_PAGE)
                .await?;
            if !budget.take(page.messages.iter().map(encoded_len).sum()) {
                return Ok((None, false));
            }
            let missed = CatchUp {
                channel,
                messages: page.messages,
                reset: true,
                rev: page.rev,
            };
            return Ok((Some(missed), true));
        }
        let fits = changed
            .iter()
            .take_while(|message| budget.take(encoded_len(message)))
            .count();
        let complete = fits == changed.len();
        let mut messages = changed;
        messages.truncate(fits);
        // In revision order: the last one sent is where the client is now.
        let missed = messages.last().map(|last| last.rev).map(|now| CatchUp {
            channel,
            messages,
            reset: false,
            rev: now,
        });
        Ok((missed, complete))
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
