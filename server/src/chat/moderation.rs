//! Moderation as the WebSocket asks for it: a moderator's action on a member
//! of a channel, checked and recorded by the store (`store/moderation.rs`),
//! then told to whom it concerns. A member removed or banned loses the
//! channel at once, on every tab and node, as if they had left it; after
//! any other action the members' lists load again.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{ModAction, ProtocolError, Standing},
};

use crate::{
    error::internal_ws,
    state::AppState,
    store::{
        moderation::{ModRefusal, Moderated, Moderation},
        StoreError,
    },
};

impl AppState {
    /// Does `action` to `target` in `channel`, if `user` may.
    pub async fn moderate(
        &self,
        user: &User,
        channel: ChannelId,
        target: UserId,
        action: ModAction,
    ) -> Result<(), ProtocolError> {
        self.take_write(user)?;
        let asked = Moderation {
            by: user.id,
            channel,
            target,
            action,
        };
        match self.store.moderate(asked).await {
            Ok(Moderated::Done { left }) => {
                tracing::info!(user = %user.id, %channel, %target, ?action, "moderated");
                if left {
                    self.removed_from_channel(target, channel).await?;
                } else {
                    // The members' lists show roles and bans: they load
                    // again, and the one appointed learns what they may do.
                    self.recount_members(channel).await?;
                }
                Ok(())
            }
            Ok(Moderated::Already) => Ok(()),
            Ok(Moderated::Refused(refusal)) => Err(ProtocolError::Refused {
                reason: wording(refusal).to_owned(),
            }),
            Err(StoreError::NotFound) => Err(ProtocolError::NotMember),
            Err(error) => Err(internal_ws(error)),
        }
    }

    /// Where `user` stands in `channel` (a member, if neither a member nor
    /// an administrator: they are refused elsewhere).
    pub async fn standing(
        &self,
        user: &User,
        channel: ChannelId,
    ) -> Result<Standing, ProtocolError> {
        let standing = self
            .store
            .standing(user.id, channel)
            .await
            .map_err(internal_ws)?;
        Ok(standing.unwrap_or_default())
    }
}

/// What the asker is told.
fn wording(refusal: ModRefusal) -> &'static str {
    match refusal {
        ModRefusal::NotModerator => "only the channel's moderators can do that",
        ModRefusal::NotOwner => "only the channel's owner can appoint or dismiss moderators",
        ModRefusal::Outranked => "they stand as high as you in this channel",
        ModRefusal::NotMember => "they are not a member of this channel",
        ModRefusal::Yourself => "you cannot do that to yourself",
        ModRefusal::CannotRemoveHere => "nobody is removed from General or from a conversation",
        ModRefusal::TooLong => "a timeout lasts a week at most",
        ModRefusal::NoSuchUser => "no such user",
    }
}
