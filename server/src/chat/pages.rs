//! What the chat page needs without a WebSocket: its first paint, and
//! deleting and settings from plain forms (posting is `files/form.rs`).

use app::{
    chat::{ChatSnapshot, OpenChannel},
    error::AppError,
    model::{ChannelId, User},
    protocol::{MessageId, NotifyLevel, PageAt, FIRST_PAGE},
};
use http::request::Parts;

use crate::{error::internal, state::AppState};

impl AppState {
    /// The user of the request's session; refused if there is none.
    pub async fn signed_in(&self, request: &Parts) -> Result<User, AppError> {
        self.current_user(request)
            .await?
            .ok_or(AppError::NotSignedIn)
    }

    /// The signed-in user's sidebar and the open channel's page of messages.
    pub async fn chat_snapshot(
        &self,
        request: &Parts,
        channel: ChannelId,
        page: PageAt,
    ) -> Result<ChatSnapshot, AppError> {
        let me = self.signed_in(request).await?;
        let channels = self.store.channels_of(me.id).await.map_err(internal)?;
        let open = match channels.iter().any(|c| c.id == channel) {
            true => {
                let page = self
                    .history(&me, channel, page, FIRST_PAGE)
                    .await
                    .map_err(|_| AppError::Internal)?;
                Some(OpenChannel {
                    id: channel,
                    messages: page.messages,
                    has_older: page.has_older,
                    has_newer: page.has_newer,
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
            server_part: None,
        })
    }

    /// Sets a notification setting from the channel header's plain form.
    pub async fn notify_from_page(
        &self,
        request: &Parts,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        self.set_notify(&me, channel, notify)
            .await
            .map_err(AppError::Chat)
    }

    /// Deletes the user's own message from the confirmation page's form.
    pub async fn delete_from_page(
        &self,
        request: &Parts,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        self.delete_message(&me, channel, message)
            .await
            .map(|_| ())
            .map_err(AppError::Chat)
    }
}
