//! Channel roles and moderation: where each person stands in a channel, and
//! what moderators do to members (remove, ban, time out) and owners to
//! moderators (appoint, dismiss).
//!
//! Every check is made inside the transaction that acts, against the
//! database as it is then (the channel's row locked on PostgreSQL), so it
//! holds on every node, and two moderators acting at once cannot both win
//! against each other. The action is recorded in the audit log in that same
//! transaction.

use app::{
    chat::Audited,
    model::{ChannelId, User, UserId},
    protocol::{ModAction, Standing, MAX_TIMEOUT_MINUTES},
};

use super::{
    audit::{self, Audit},
    db::Tx,
    now_millis, ModerationStore, SqlStore, StoreError,
};

/// A moderator's action, as asked.
#[derive(Clone, Copy, Debug)]
pub struct Moderation {
    pub by: UserId,
    pub channel: ChannelId,
    pub target: UserId,
    pub action: ModAction,
}

/// What a moderator's action did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderated {
    /// Done; `left` says the target is no longer a member of the channel.
    Done {
        left: bool,
    },
    /// It was so already: nothing changed, nothing recorded.
    Already,
    Refused(ModRefusal),
}

/// Why a moderator's action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModRefusal {
    /// The actor is not a moderator (or owner, or administrator) here.
    NotModerator,
    /// Appointing and dismissing moderators is for owners.
    NotOwner,
    /// The target stands as high as the actor, or higher.
    Outranked,
    /// The target is not a member of the channel.
    NotMember,
    /// One's own standing is not one's to change.
    Yourself,
    /// Nobody is removed from General or from a conversation.
    CannotRemoveHere,
    /// A timeout longer than [`MAX_TIMEOUT_MINUTES`].
    TooLong,
    /// There is no such user.
    NoSuchUser,
}

/// The role kept in `memberships.role` for a standing (an administrator's
/// standing is not kept there: it comes from the account).
fn role_of(standing: Standing) -> &'static str {
    match standing {
        Standing::Owner => "owner",
        Standing::Moderator => "moderator",
        Standing::Member | Standing::Admin => "member",
    }
}

/// The standing a kept role stands for, as [`STANDING`] reads it.
pub(crate) fn standing_of(kept: &str) -> Standing {
    match kept {
        "admin" => Standing::Admin,
        "owner" => Standing::Owner,
        "moderator" => Standing::Moderator,
        _ => Standing::Member,
    }
}

/// Where user `$1` stands in channel `$2` (`NULL` if they are neither a
/// member nor an administrator), and whether they are a member.
const STANDING: &str = "
    SELECT CASE WHEN u.is_admin THEN 'admin' ELSE m.role END AS standing,
           m.user_id IS NOT NULL AS member
    FROM users u
    LEFT JOIN memberships m ON m.user_id = u.id AND m.channel_id = $2
    WHERE u.id = $1";

/// Where `user` stands in `channel` (`None`: neither a member nor an
/// administrator), and whether they are a member of it; `None` if there is
/// no such user.
pub(crate) async fn standing_in(
    tx: &mut Tx<'_>,
    user: UserId,
    channel: ChannelId,
) -> Result<Option<(Option<Standing>, bool)>, StoreError> {
    let row: Option<(Option<String>, bool)> = tx
        .sql(STANDING)
        .bind(user)
        .bind(channel)
        .fetch_optional()
        .await?;
    Ok(row.map(|(kept, member)| (kept.as_deref().map(standing_of), member)))
}

#[async_trait::async_trait]
impl ModerationStore for SqlStore {
    async fn standing(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<Standing>, StoreError> {
        let row: Option<(Option<String>, bool)> = self
            .db
            .sql(STANDING)
            .bind(user)
            .bind(channel)
            .fetch_optional()
            .await?;
        Ok(row.and_then(|(kept, _)| kept).as_deref().map(standing_of))
    }

    async fn banned(&self, channel: ChannelId, limit: u32) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT u.id, u.username, u.display_name
             FROM channel_bans b JOIN users u ON u.id = b.user_id
             WHERE b.channel_id = $1 ORDER BY {} LIMIT $2",
            self.db.dialect().name_order("u.username"),
        );
        let banned = self
            .db
            .sql(&sql)
            .bind(channel)
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        Ok(banned)
    }

    async fn moderate(&self, asked: Moderation) -> Result<Moderated, StoreError> {
        let mut tx = self.db.begin().await?;
        let lock = match tx.dialect().locks_rows() {
            true => "SELECT kind FROM channels WHERE id = $1 FOR UPDATE",
            false => "SELECT kind FROM channels WHERE id = $1",
        };
        let kind: Option<String> = tx.sql(lock).bind(asked.channel).scalar_optional().await?;
        let Some(kind) = kind else {
            return Err(StoreError::NotFound);
        };
        let Some((Some(actor), _)) = standing_in(&mut tx, asked.by, asked.channel).await? else {
            return Ok(Moderated::Refused(ModRefusal::NotModerator));
        };
        let Some((target, member)) = standing_in(&mut tx, asked.target, asked.channel).await?
        else {
            return Ok(Moderated::Refused(ModRefusal::NoSuchUser));
        };
        // Someone who is neither a member nor an administrator (a banned
        // user, say) stands as a member would.
        let target = target.unwrap_or_default();
        if let Err(refusal) = allowed(&asked, actor, target, member, &kind) {
            return Ok(Moderated::Refused(refusal));
        }
        let outcome = act(&mut tx, &asked).await?;
        if let Moderated::Done { .. } = outcome {
            let audit = Audit {
                by: Some(asked.by),
                what: audited(asked.action),
                channel: Some(asked.channel),
            };
            audit::insert(&mut tx, audit, asked.target).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }
}

/// Whether someone standing as `actor` may do `asked` to someone standing
/// as `target` (a `member` of the channel, or not), in a channel of `kind`.
fn allowed(
    asked: &Moderation,
    actor: Standing,
    target: Standing,
    member: bool,
    kind: &str,
) -> Result<(), ModRefusal> {
    if actor < Standing::Moderator {
        return Err(ModRefusal::NotModerator);
    }
    if asked.by == asked.target {
        return Err(ModRefusal::Yourself);
    }
    if !actor.moderates(target) {
        return Err(ModRefusal::Outranked);
    }
    let removable = kind == "public" && asked.channel != ChannelId::GENERAL;
    match asked.action {
        ModAction::Remove | ModAction::Ban if !removable => Err(ModRefusal::CannotRemoveHere),
        ModAction::Appoint | ModAction::Dismiss if actor < Standing::Owner => {
            Err(ModRefusal::NotOwner)
        }
        ModAction::TimeOut(minutes) if minutes > MAX_TIMEOUT_MINUTES => Err(ModRefusal::TooLong),
        ModAction::Remove | ModAction::TimeOut(_) | ModAction::Appoint | ModAction::Dismiss
            if !member =>
        {
            Err(ModRefusal::NotMember)
        }
        _ => Ok(()),
    }
}

/// Does what was asked, once it is allowed.
async fn act(tx: &mut Tx<'_>, asked: &Moderation) -> Result<Moderated, StoreError> {
    let changed = match asked.action {
        ModAction::Remove => leave(tx, asked).await?,
        ModAction::Ban => {
            let banned = tx
                .sql(
                    "INSERT INTO channel_bans (channel_id, user_id, banned_at) VALUES ($1, $2, $3)
                     ON CONFLICT (channel_id, user_id) DO NOTHING",
                )
                .bind(asked.channel)
                .bind(asked.target)
                .bind(now_millis())
                .execute()
                .await?;
            let left = leave(tx, asked).await?;
            if banned == 0 && !left {
                return Ok(Moderated::Already);
            }
            return Ok(Moderated::Done { left });
        }
        ModAction::Unban => {
            tx.sql("DELETE FROM channel_bans WHERE channel_id = $1 AND user_id = $2")
                .bind(asked.channel)
                .bind(asked.target)
                .execute()
                .await?
                > 0
        }
        ModAction::TimeOut(minutes) => {
            let until = (minutes > 0).then(|| now_millis() + i64::from(minutes) * 60_000);
            tx.sql(
                "UPDATE memberships SET muted_until = $1 WHERE channel_id = $2 AND user_id = $3",
            )
            .bind(until)
            .bind(asked.channel)
            .bind(asked.target)
            .execute()
            .await?;
            true
        }
        ModAction::Appoint => set_role(tx, asked, Standing::Member, Standing::Moderator).await?,
        ModAction::Dismiss => set_role(tx, asked, Standing::Moderator, Standing::Member).await?,
    };
    Ok(match changed {
        true => Moderated::Done {
            left: matches!(asked.action, ModAction::Remove | ModAction::Ban),
        },
        false => Moderated::Already,
    })
}

/// Takes the target out of the channel; whether they were in it.
async fn leave(tx: &mut Tx<'_>, asked: &Moderation) -> Result<bool, StoreError> {
    let left = tx
        .sql("DELETE FROM memberships WHERE channel_id = $1 AND user_id = $2")
        .bind(asked.channel)
        .bind(asked.target)
        .execute()
        .await?;
    Ok(left > 0)
}

/// Changes the target's role from `from` to `to`; whether it was `from`.
async fn set_role(
    tx: &mut Tx<'_>,
    asked: &Moderation,
    from: Standing,
    to: Standing,
) -> Result<bool, StoreError> {
    let changed = tx
        .sql(
            "UPDATE memberships SET role = $1
             WHERE channel_id = $2 AND user_id = $3 AND role = $4",
        )
        .bind(role_of(to))
        .bind(asked.channel)
        .bind(asked.target)
        .bind(role_of(from))
        .execute()
        .await?;
    Ok(changed > 0)
}

/// How the audit log names an action.
fn audited(action: ModAction) -> Audited {
    match action {
        ModAction::Remove => Audited::RemovedMember,
        ModAction::Ban => Audited::Banned,
        ModAction::Unban => Audited::Unbanned,
        ModAction::TimeOut(0) => Audited::TimeOutEnded,
        ModAction::TimeOut(_) => Audited::TimedOut,
        ModAction::Appoint => Audited::MadeModerator,
        ModAction::Dismiss => Audited::RemovedModerator,
    }
}
