//! Channels and conversations: creating, joining, leaving, finding, read
//! markers and notification settings. Each change is published so that
//! every tab of everyone concerned sees it at once.

use app::{
    model::{ChannelId, ChannelName, User, UserId},
    protocol::{
        ChannelKind, ChannelSummary, DirectoryEntry, NotifyLevel, ProtocolError, Refused, Seq,
        ServerMsg,
    },
};

use crate::{bus::Event, error::internal_ws, state::AppState, store::StoreError};

/// The most entries a directory or user search answers with.
const SEARCH_LIMIT: u32 = 50;

impl AppState {
    /// Creates a channel, public or private, owned by `user`.
    pub async fn create_channel(
        &self,
        user: &User,
        name: &str,
        private: bool,
    ) -> Result<ChannelSummary, ProtocolError> {
        let name = ChannelName::parse(name).map_err(|reason| ProtocolError::Refused {
            reason: reason.to_string(),
        })?;
        let id = match self.store.create_channel(user.id, &name, private).await {
            Ok(id) => id,
            Err(StoreError::ChannelNameTaken) => return Err(Refused::ChannelNameTaken.into()),
            Err(error) => return Err(internal_ws(error)),
        };
        tracing::info!(user = %user.id, channel = %id, private, "created a channel");
        self.added_to_channel(user.id, id).await
    }

    /// Adds `user` to a public channel.
    pub async fn join_channel(
        &self,
        user: &User,
        channel: ChannelId,
    ) -> Result<ChannelSummary, ProtocolError> {
        match self.store.join_channel(user.id, channel).await {
            Ok(true) => {
                let summary = self.added_to_channel(user.id, channel).await?;
                self.announce_members(channel, summary.members);
                Ok(summary)
            }
            Ok(false) => self.summary(user.id, channel).await,
            Err(StoreError::NotFound) => Err(ProtocolError::NotMember),
            Err(StoreError::Banned) => Err(Refused::BannedFromChannel.into()),
            Err(error) => Err(internal_ws(error)),
        }
    }

    /// Takes `user` out of a named channel other than General, or out of a
    /// group conversation; a one-to-one conversation they leave is only
    /// hidden from their sidebar (every tab of theirs drops it) until a new
    /// message arrives in it, which their tabs, still listening, then ask
    /// the list again for.
    pub async fn leave_channel(
        &self,
        user: &User,
        channel: ChannelId,
    ) -> Result<(), ProtocolError> {
        if channel == ChannelId::GENERAL {
            return Err(Refused::CannotLeaveGeneral.into());
        }
        let summary = self.summary(user.id, channel).await?;
        if matches!(summary.kind, ChannelKind::Direct { .. }) {
            self.store
                .hide_conversation(user.id, channel)
                .await
                .map_err(internal_ws)?;
            self.bus
                .to_user(user.id, &ServerMsg::ChannelRemoved { channel });
            return Ok(());
        }
        if self
            .store
            .leave_channel(user.id, channel)
            .await
            .map_err(internal_ws)?
        {
            self.removed_from_channel(user.id, channel).await?;
        }
        Ok(())
    }

    /// After `user` left `channel` (or was removed from it): their
    /// connections stop listening to it, their sidebars drop it, and its
    /// members hear the new count.
    pub(super) async fn removed_from_channel(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<(), ProtocolError> {
        self.bus.publish(Event::Unsubscribe { user, channel });
        self.bus
            .to_user(user, &ServerMsg::ChannelRemoved { channel });
        self.recount_members(channel).await
    }

    /// Counts a channel's members and tells them (see
    /// [`Self::announce_members`]), and who they are if it is a group.
    pub(crate) async fn recount_members(&self, channel: ChannelId) -> Result<(), ProtocolError> {
        let members = self
            .store
            .member_count(channel)
            .await
            .map_err(internal_ws)?;
        self.announce_members(channel, members);
        self.announce_group(channel).await
    }

    /// Public channels whose name contains `query`.
    pub async fn browse(
        &self,
        user: &User,
        query: &str,
    ) -> Result<Vec<DirectoryEntry>, ProtocolError> {
        self.store
            .directory(user.id, query, SEARCH_LIMIT)
            .await
            .map_err(internal_ws)
    }

    /// Other people whose name starts with `query`.
    pub async fn find_users(&self, user: &User, query: &str) -> Result<Vec<User>, ProtocolError> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        self.store
            .find_users(query, user.id, SEARCH_LIMIT)
            .await
            .map_err(internal_ws)
    }

    /// The conversation of `user` with `other`, created on first use; when
    /// created, it appears at once for both of them.
    pub async fn open_direct(
        &self,
        user: &User,
        other: UserId,
    ) -> Result<ChannelSummary, ProtocolError> {
        if other == user.id {
            return Err(Refused::CannotMessageYourself.into());
        }
        self.not_blocked(user.id, &[other]).await?;
        let (channel, created) = match self.store.open_direct(user.id, other).await {
            Ok(opened) => opened,
            Err(StoreError::NotFound) => return Err(ProtocolError::UserNotFound),
            Err(error) => return Err(internal_ws(error)),
        };
        if !created {
            return self.summary(user.id, channel).await;
        }
        tracing::info!(user = %user.id, %channel, "opened a conversation");
        self.added_to_channel(other, channel).await?;
        self.added_to_channel(user.id, channel).await
    }

    /// Moves `user`'s read marker forward and tells their other tabs.
    pub async fn mark_read(
        &self,
        user: &User,
        channel: ChannelId,
        seq: Seq,
    ) -> Result<Seq, ProtocolError> {
        let marker = self
            .store
            .mark_read(user.id, channel, seq)
            .await
            .map_err(internal_ws)?;
        let marker = marker.ok_or(ProtocolError::NotMember)?;
        self.bus.to_user(
            user.id,
            &ServerMsg::ReadMarker {
                channel,
                seq: marker,
            },
        );
        Ok(marker)
    }

    /// Sets `user`'s notification setting for `channel` and tells their
    /// other tabs.
    pub async fn set_notify(
        &self,
        user: &User,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<(), ProtocolError> {
        let member = self
            .store
            .set_notify(user.id, channel, notify)
            .await
            .map_err(internal_ws)?;
        if !member {
            return Err(ProtocolError::NotMember);
        }
        self.bus
            .to_user(user.id, &ServerMsg::Notify { channel, notify });
        Ok(())
    }

    /// `channel` as `user` sees it, if they are in it.
    pub(super) async fn summary(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<ChannelSummary, ProtocolError> {
        self.store
            .channel_of(user, channel)
            .await
            .map_err(internal_ws)?
            .ok_or(ProtocolError::NotMember)
    }

    /// After `user` became a member: their connections listen to the channel
    /// and their sidebars show it.
    pub(super) async fn added_to_channel(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<ChannelSummary, ProtocolError> {
        self.bus.publish(Event::Subscribe { user, channel });
        let summary = self.summary(user, channel).await?;
        self.bus.to_user(
            user,
            &ServerMsg::ChannelAdded {
                channel: summary.clone(),
            },
        );
        Ok(summary)
    }

    /// After sign-up: the newcomer is in General, whose members hear of it.
    pub async fn announce_new_member(&self) {
        match self.store.member_count(ChannelId::GENERAL).await {
            Ok(members) => self.announce_members(ChannelId::GENERAL, members),
            Err(error) => tracing::warn!(%error, "cannot count General's members"),
        }
    }

    /// Tells a channel's members how many they are: their tabs load the
    /// member list again (it changed, or someone's role in it did).
    pub(super) fn announce_members(&self, channel: ChannelId, members: u32) {
        self.bus.to_channel(
            channel,
            &ServerMsg::MemberCount {
                channel,
                count: members,
            },
        );
    }
}
