//! Group conversations as the WebSocket asks for them: starting one (or
//! opening the one of exactly those people), and telling its members who
//! is in it whenever that changes. Adding people, naming and leaving go
//! through invitations, channel settings and leaving, as for channels.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{ChannelSummary, ProtocolError, Refused, ServerMsg, MAX_GROUP, MIN_GROUP},
};

use crate::{error::internal_ws, state::AppState, store::StoreError};

impl AppState {
    /// The group conversation of `user` with `others`, created unless one
    /// of exactly these people exists; when created, it appears at once for
    /// every one of them.
    pub async fn open_group(
        &self,
        user: &User,
        others: &[UserId],
    ) -> Result<ChannelSummary, ProtocolError> {
        let mut people: Vec<UserId> = others.to_vec();
        people.sort_unstable();
        people.dedup();
        if people.contains(&user.id) {
            return Err(Refused::CannotMessageYourself.into());
        }
        if !(MIN_GROUP - 1..MAX_GROUP).contains(&people.len()) {
            return Err(ProtocolError::Refused {
                reason: format!(
                    "a group conversation is of {MIN_GROUP} to {MAX_GROUP} people, you included"
                ),
            });
        }
        self.not_blocked(user.id, &people).await?;
        let (channel, created) = match self.store.open_group(user.id, &people).await {
            Ok(opened) => opened,
            Err(StoreError::NotFound) => return Err(ProtocolError::UserNotFound),
            Err(error) => return Err(internal_ws(error)),
        };
        if created {
            tracing::info!(user = %user.id, %channel, people = people.len() + 1, "started a group conversation");
            for other in people {
                self.added_to_channel(other, channel).await?;
            }
            return self.added_to_channel(user.id, channel).await;
        }
        self.summary(user.id, channel).await
    }

    /// Whether `channel` is a group conversation.
    pub(super) async fn is_group(&self, channel: ChannelId) -> Result<bool, ProtocolError> {
        let kind = self.store.group_kind(channel).await.map_err(internal_ws)?;
        Ok(kind.is_some())
    }

    /// After someone came into or left `channel`: if it is a group
    /// conversation, its members hear who is in it now (the sidebar names
    /// it by them).
    pub(super) async fn announce_group(&self, channel: ChannelId) -> Result<(), ProtocolError> {
        if let Some(kind) = self.store.group_kind(channel).await.map_err(internal_ws)? {
            self.bus
                .to_channel(channel, &ServerMsg::ChannelUpdated { channel, kind });
        }
        Ok(())
    }
}
