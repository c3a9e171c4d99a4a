//! A channel's settings and invitations as the WebSocket asks for them:
//! checked and made by the store (`store/channel_settings.rs`), then told to
//! every member at once, on every tab and node. Someone invited sees the
//! channel appear, as if they had joined it.

use app::{
    model::{ChannelId, ChannelName, GroupName, Topic, User, UserId},
    protocol::{ChannelChange, ProtocolError, Refused, ServerMsg, MAX_GROUP, MAX_INVITES},
};

use crate::{
    error::internal_ws,
    state::AppState,
    store::{
        channel_settings::{Configured, Setting, SettingsRefusal},
        StoreError,
    },
};

impl AppState {
    /// Makes `change` to `channel`'s settings, if `user` may.
    pub async fn configure(
        &self,
        user: &User,
        channel: ChannelId,
        change: ChannelChange,
    ) -> Result<(), ProtocolError> {
        self.take_write(user)?;
        let refused = |reason: String| ProtocolError::Refused { reason };
        if let ChannelChange::Rename { name } = &change {
            if self.is_group(channel).await? {
                let name = GroupName::parse(name).map_err(|e| refused(e.to_string()))?;
                let named = self.store.name_group(user.id, channel, &name).await;
                return self.configured(user, channel, named);
            }
        }
        let setting = match change {
            ChannelChange::Rename { name } => {
                Setting::Rename(ChannelName::parse(&name).map_err(|e| refused(e.to_string()))?)
            }
            ChannelChange::Topic { topic } => {
                Setting::Topic(Topic::parse(&topic).map_err(|e| refused(e.to_string()))?)
            }
            ChannelChange::Archive { archived } => Setting::Archive(archived),
        };
        let configured = self.store.configure(user.id, channel, setting).await;
        self.configured(user, channel, configured)
    }

    /// Tells every member of `channel` what a change made of it, or the
    /// asker why it was not made.
    fn configured(
        &self,
        user: &User,
        channel: ChannelId,
        configured: Result<Configured, StoreError>,
    ) -> Result<(), ProtocolError> {
        match configured {
            Ok(Configured::Done(kind)) => {
                tracing::info!(user = %user.id, %channel, "changed a channel's settings");
                self.bus
                    .to_channel(channel, &ServerMsg::ChannelUpdated { channel, kind });
                Ok(())
            }
            Ok(Configured::Already) => Ok(()),
            Ok(Configured::Refused(refusal)) => Err(wording(refusal)),
            Err(StoreError::NotFound) => Err(ProtocolError::NotMember),
            Err(error) => Err(internal_ws(error)),
        }
    }

    /// Adds `users` to `channel`, invited by `user`: each sees it at once,
    /// and its members hear the new count.
    pub async fn invite(
        &self,
        user: &User,
        channel: ChannelId,
        users: &[UserId],
    ) -> Result<(), ProtocolError> {
        if users.is_empty() || users.len() > MAX_INVITES {
            return Err(ProtocolError::Refused {
                reason: format!("invite between 1 and {MAX_INVITES} people at once"),
            });
        }
        self.take_write(user)?;
        // Nobody brings someone who blocked them, or whom they blocked, into
        // a group conversation; a channel has its own moderation.
        if self.is_group(channel).await? {
            self.not_blocked(user.id, users).await?;
        }
        let added = match self.store.invite(user.id, channel, users).await {
            Ok(Ok(added)) => added,
            Ok(Err(refusal)) => return Err(wording(refusal)),
            Err(StoreError::NotFound) => return Err(ProtocolError::NotMember),
            Err(error) => return Err(internal_ws(error)),
        };
        if added.is_empty() {
            return Ok(());
        }
        tracing::info!(user = %user.id, %channel, invited = added.len(), "invited people");
        for invited in added {
            self.added_to_channel(invited, channel).await?;
        }
        self.recount_members(channel).await
    }
}

/// What the asker is told.
fn wording(refusal: SettingsRefusal) -> ProtocolError {
    let reason = match refusal {
        SettingsRefusal::NotModerator => "only the channel's moderators can change that",
        SettingsRefusal::NotOwner => "only the channel's owner can archive or restore it",
        SettingsRefusal::GeneralStaysOpen => "General stays open",
        SettingsRefusal::NotInConversation => {
            "a conversation has no topic and is never archived, and only a group one has a name"
        }
        SettingsRefusal::NoInvitesHere => {
            "everyone is in General, and a conversation is between its two people"
        }
        SettingsRefusal::NameTaken => return Refused::ChannelNameTaken.into(),
        SettingsRefusal::Archived => return Refused::Archived.into(),
        SettingsRefusal::Banned(name) => {
            return ProtocolError::Refused {
                reason: format!("{name} is banned from this channel"),
            }
        }
        SettingsRefusal::NoSuchUser => return ProtocolError::UserNotFound,
        SettingsRefusal::GroupFull => {
            return ProtocolError::Refused {
                reason: format!("a group conversation holds at most {MAX_GROUP} people"),
            }
        }
    };
    ProtocolError::Refused {
        reason: reason.to_owned(),
    }
}
