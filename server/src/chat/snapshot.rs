//! The chat page's first paint: everything the server renders before any
//! WebSocket exists.

use app::{
    chat::{ChatSnapshot, OpenChannel},
    error::AppError,
    model::ChannelId,
    protocol::{Seq, FIRST_PAGE},
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
                let (messages, has_older) = self
                    .history(&me, channel, before, FIRST_PAGE)
                    .await
                    .map_err(|_| AppError::Internal)?;
                Some(OpenChannel {
                    id: channel,
                    messages,
                    has_older,
                })
            }
            false => None,
        };
        Ok(ChatSnapshot { me, channels, open })
    }
}
