//! The messages that mention a user, for `/mentions` and the WebSocket.

use app::{
    model::User,
    protocol::{Message, MessageId, ProtocolError},
};

use crate::{error::internal_ws, state::AppState};

/// How many mentions one page lists.
pub const MENTIONS_PAGE: u32 = 30;

impl AppState {
    /// A page of the messages that mention `user` in the channels they are
    /// in, newest first, before the message `before`; and whether older
    /// ones exist.
    pub async fn mentions(
        &self,
        user: &User,
        before: Option<MessageId>,
    ) -> Result<(Vec<Message>, bool), ProtocolError> {
        let mut messages = self
            .store
            .mentions_of(user.id, before, MENTIONS_PAGE + 1)
            .await
            .map_err(internal_ws)?;
        let has_more = messages.len() > MENTIONS_PAGE as usize;
        messages.truncate(MENTIONS_PAGE as usize);
        Ok((messages, has_more))
    }
}
