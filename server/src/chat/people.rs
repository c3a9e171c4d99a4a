//! The people around a user: who is in a channel, who of those they see is
//! online, and who is typing.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{ProtocolError, Reply, ServerMsg, Standing, MAX_WATCHED, MEMBER_LIST_LIMIT},
};

use crate::{error::internal_ws, hub::ConnId, state::AppState};

impl AppState {
    /// Some members of a channel the user is in, online first.
    pub async fn members(&self, user: &User, channel: ChannelId) -> Result<Reply, ProtocolError> {
        self.require_member(user, channel).await?;
        let list = self
            .store
            .channel_members(channel, MEMBER_LIST_LIMIT)
            .await
            .map_err(internal_ws)?;
        let you = self.standing(user, channel).await?;
        let banned = match you >= Standing::Moderator {
            true => self
                .store
                .banned(channel, MEMBER_LIST_LIMIT)
                .await
                .map_err(internal_ws)?,
            false => Vec::new(),
        };
        Ok(Reply::Members {
            channel,
            members: list.members,
            total: list.total,
            online: list.online,
            you,
            banned,
        })
    }

    /// Makes a connection follow the presence of `users` (those who share a
    /// channel with its user) and says which of them are online.
    pub async fn watch(
        &self,
        user: &User,
        conn: ConnId,
        users: &[UserId],
    ) -> Result<Vec<UserId>, ProtocolError> {
        if users.len() > MAX_WATCHED {
            return Err(ProtocolError::BadRequest {
                detail: format!("at most {MAX_WATCHED} users"),
            });
        }
        let visible = self
            .store
            .visible_presence(user.id, users)
            .await
            .map_err(internal_ws)?;
        let followed: Vec<UserId> = visible.iter().map(|(id, _)| *id).collect();
        self.hub.watch(conn, &followed);
        Ok(visible
            .into_iter()
            .filter(|(_, online)| *online)
            .map(|(id, _)| id)
            .collect())
    }

    /// Tells a channel's members that `user` is (or stopped) typing there.
    pub fn announce_typing(&self, user: &User, channel: ChannelId, typing: bool) {
        let message = ServerMsg::Typing {
            channel,
            user: user.clone(),
            typing,
        };
        self.bus.to_channel(channel, &message);
    }
}
