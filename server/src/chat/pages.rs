//! What the chat page needs without a WebSocket: its first paint, and
//! posting and deleting from plain forms.

use app::{
    chat::{ChatSnapshot, OpenChannel},
    error::AppError,
    model::ChannelId,
    protocol::{ClientId, MessageId, Seq, FIRST_PAGE},
};
use http::request::Parts;

use crate::{error::internal, state::AppState};

impl AppState {
    /// The signed-in user's sidebar and the open channel's page of messages.
    pub async fn chat_snapshot(
        &self,
        request: &Parts,
        channel: ChannelId,
        before: Option<Seq>,
    ) -> Result<ChatSnapshot, AppError> {
        let me = self
            .current_user(request)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        let channels = self.store.channels_of(me.id).await.map_err(internal)?;
        let open = match channels.iter().any(|c| c.id == channel) {
            true => {
                let page = self
                    .history(&me, channel, before, FIRST_PAGE)
                    .await
                    .map_err(|_| AppError::Internal)?;
                Some(OpenChannel {
                    id: channel,
                    messages: page.messages,
                    has_older: page.has_older,
                    rev: page.rev,
                })
            }
            false => None,
        };
        Ok(ChatSnapshot {
            me,
            channels,
            open,
            mentions: None,
        })
    }

    /// Sends a message posted by a form (a reader without JavaScript).
    pub async fn post_message(
        &self,
        request: &Parts,
        channel: ChannelId,
        client_id: ClientId,
        text: String,
    ) -> Result<(), AppError> {
        let me = self
            .current_user(request)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        self.send_message(&me, channel, client_id, &text, None)
            .await
            .map_err(AppError::Chat)?;
        Ok(())
    }

    /// Deletes the user's own message from the confirmation page's form.
    pub async fn delete_from_page(
        &self,
        request: &Parts,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<(), AppError> {
        let me = self
            .current_user(request)
            .await?
            .ok_or(AppError::NotSignedIn)?;
        self.delete_message(&me, channel, message)
            .await
            .map(|_| ())
            .map_err(AppError::Chat)
    }
}
