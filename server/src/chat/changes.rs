//! Changing messages: edits and deletes by their author, reactions by any
//! member. Each is checked here (the text, the emoji) and in the store (who
//! may, against the message as it is), rate-limited like a send, and made
//! through the pipeline, which announces it in revision order.

use app::{
    model::{ChannelId, User},
    protocol::{MessageId, ProtocolError, Refused, Rev},
};

use super::messages::{message_text, refused};
use crate::{
    error::internal_ws,
    state::AppState,
    store::{ChangeRequest, Changed, NewChange},
};

impl AppState {
    /// Replaces the text of `user`'s own message.
    pub async fn edit_message(
        &self,
        user: &User,
        channel: ChannelId,
        message: MessageId,
        text: &str,
    ) -> Result<Option<Rev>, ProtocolError> {
        let edit = ChangeRequest::Edit(message_text(text)?.into_string());
        self.change(user, channel, message, edit).await
    }

    /// Deletes `user`'s own message: its text leaves the database.
    pub async fn delete_message(
        &self,
        user: &User,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<Option<Rev>, ProtocolError> {
        self.change(user, channel, message, ChangeRequest::Delete)
            .await
    }

    /// Adds or takes back `user`'s reaction `emoji` to a message.
    pub async fn react(
        &self,
        user: &User,
        channel: ChannelId,
        message: MessageId,
        emoji: &str,
        add: bool,
    ) -> Result<Option<Rev>, ProtocolError> {
        let emoji = emojis::get(emoji).ok_or(Refused::InvalidEmoji)?;
        let react = ChangeRequest::React {
            emoji: emoji.as_str().to_owned(),
            add,
        };
        self.change(user, channel, message, react).await
    }

    /// Makes a change, and returns the revision it took. One that changes
    /// nothing (a resend) succeeds too, taking none.
    async fn change(
        &self,
        user: &User,
        channel: ChannelId,
        message: MessageId,
        what: ChangeRequest,
    ) -> Result<Option<Rev>, ProtocolError> {
        self.take_write(user)?;
        let change = NewChange {
            user: user.clone(),
            channel,
            message,
            what,
        };
        match self.pipeline.change(change).await.map_err(internal_ws)? {
            Changed::Now(change) => Ok(Some(change.rev)),
            Changed::Already => Ok(None),
            Changed::Refused(refusal) => Err(refused(refusal)),
        }
    }
}
