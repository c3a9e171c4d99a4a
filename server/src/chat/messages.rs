//! Sending messages, reading history, and catching up.

use std::{collections::HashSet, time::Instant};

use app::{
    model::{ChannelId, MessageText, User},
    protocol::{
        CatchUp, ClientId, Cursor, Message, ProtocolError, Reply, Seq, FIRST_PAGE, MAX_PAGE,
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

/// The most cursors one sync may carry.
const MAX_CURSORS: usize = 1000;

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

    /// The user's channels, and every message after each cursor.
    pub async fn sync(&self, user: &User, cursors: &[Cursor]) -> Result<Reply, ProtocolError> {
        if cursors.len() > MAX_CURSORS {
            return Err(ProtocolError::BadRequest {
                detail: format!("at most {MAX_CURSORS} cursors"),
            });
        }
        let channels = self.store.channels_of(user.id).await.map_err(internal_ws)?;
        let mine: HashSet<ChannelId> = channels.iter().map(|c| c.id).collect();
        let mut catch_up = Vec::new();
        for cursor in cursors.iter().filter(|c| mine.contains(&c.channel)) {
            let mut messages = self
                .store
                .messages_after(cursor.channel, cursor.seq, CATCH_UP_LIMIT + 1)
                .await
                .map_err(internal_ws)?;
            let reset = messages.len() > CATCH_UP_LIMIT as usize;
            if reset {
                messages = self
                    .store
                    .history(cursor.channel, None, FIRST_PAGE)
                    .await
                    .map_err(internal_ws)?;
            }
            if reset || !messages.is_empty() {
                catch_up.push(CatchUp {
                    channel: cursor.channel,
                    messages,
                    reset,
                });
            }
        }
        Ok(Reply::Synced { channels, catch_up })
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
