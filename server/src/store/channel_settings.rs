//! A channel's settings and who is let in: renaming it, its topic,
//! archiving and restoring it, and members inviting people in (the only way
//! into a private channel, or a group conversation, which its members also
//! name).
//!
//! As with moderation (`moderation.rs`), every check is made inside the
//! transaction that acts, with the channel's row locked on PostgreSQL, so it
//! holds on every node. Renaming, archiving and restoring are written to the
//! audit log in that transaction.

use app::{
    chat::Audited,
    model::{ChannelId, ChannelName, Topic, UserId},
    protocol::{ChannelKind, Standing},
};

use super::{
    audit, db::Tx, groups, is_unique_violation, moderation::standing_in, now_millis,
    ChannelSettingsStore, SqlStore, StoreError,
};

/// A change to a channel's settings, checked for shape already.
#[derive(Clone, Debug)]
pub enum Setting {
    Rename(ChannelName),
    Topic(Topic),
    Archive(bool),
}

/// What a change to a channel's settings did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Configured {
    /// Made: the channel as it is now.
    Done(ChannelKind),
    /// It was so already.
    Already,
    Refused(SettingsRefusal),
}

/// Why a change of settings or an invitation was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsRefusal {
    /// Renaming and the topic are for the channel's moderators.
    NotModerator,
    /// Archiving and restoring are for its owner.
    NotOwner,
    /// General stays open.
    GeneralStaysOpen,
    /// A conversation has no topic or archive, and only a group one a name.
    NotInConversation,
    /// Everyone is in General; a conversation is its two people's.
    NoInvitesHere,
    /// Another channel has the name.
    NameTaken,
    /// The channel is archived: restore it first.
    Archived,
    /// This user (named) is banned from the channel.
    Banned(String),
    /// No such user.
    NoSuchUser,
    /// A group conversation holds at most `MAX_GROUP` people.
    GroupFull,
}

/// Who invitations added.
pub type Invited = Result<Vec<UserId>, SettingsRefusal>;

/// The channel as the database has it, read under the lock.
#[derive(sqlx::FromRow)]
struct Current {
    kind: String,
    name: Option<String>,
    topic: String,
    is_private: bool,
    archived: bool,
}

impl Current {
    /// A channel with a name (not a conversation).
    fn named(&self) -> bool {
        self.kind == "public"
    }

    fn group(&self) -> bool {
        self.kind == "group"
    }
}

/// Locks `channel`'s row (on PostgreSQL) and reads it, with where `by`
/// stands in it; [`StoreError::NotFound`] if there is no such channel or
/// `by` is neither in it nor an administrator (so an outsider learns
/// nothing of a private channel), or if it is a group conversation and `by`
/// is not in it (administrators have no say there).
async fn lock(
    tx: &mut Tx<'_>,
    by: UserId,
    channel: ChannelId,
) -> Result<(Current, Standing), StoreError> {
    let lock = match tx.dialect().locks_rows() {
        true => " FOR UPDATE",
        false => "",
    };
    let sql = format!(
        "SELECT kind, name, topic, is_private, archived_at IS NOT NULL AS archived
         FROM channels WHERE id = $1{lock}"
    );
    let row: Option<Current> = tx.sql(&sql).bind(channel).fetch_optional().await?;
    match (row, standing_in(tx, by, channel).await?) {
        (Some(row), Some((_, false))) if row.group() => Err(StoreError::NotFound),
        (Some(row), Some((Some(standing), _))) => Ok((row, standing)),
        _ => Err(StoreError::NotFound),
    }
}

/// The channel as it is once `setting` is made.
fn after(now: Current, setting: &Setting) -> ChannelKind {
    let (mut name, mut topic, mut archived) =
        (now.name.unwrap_or_default(), now.topic, now.archived);
    match setting {
        Setting::Rename(new) => name = new.as_str().to_owned(),
        Setting::Topic(new) => topic = new.as_str().to_owned(),
        Setting::Archive(wanted) => archived = *wanted,
    }
    ChannelKind::Named {
        name,
        topic,
        private: now.is_private,
        archived,
    }
}

/// Whether someone standing as `actor` may make `setting` in `channel`,
/// archived or not.
fn allowed(
    actor: Standing,
    channel: ChannelId,
    setting: &Setting,
    archived: bool,
) -> Result<(), SettingsRefusal> {
    match setting {
        Setting::Archive(_) if channel == ChannelId::GENERAL => {
            Err(SettingsRefusal::GeneralStaysOpen)
        }
        Setting::Archive(_) if actor < Standing::Owner => Err(SettingsRefusal::NotOwner),
        Setting::Archive(_) => Ok(()),
        _ if actor < Standing::Moderator => Err(SettingsRefusal::NotModerator),
        _ if archived => Err(SettingsRefusal::Archived),
        _ => Ok(()),
    }
}

#[async_trait::async_trait]
impl ChannelSettingsStore for SqlStore {
    async fn configure(
        &self,
        by: UserId,
        channel: ChannelId,
        setting: Setting,
    ) -> Result<Configured, StoreError> {
        let mut tx = self.db.begin().await?;
        let (now, actor) = lock(&mut tx, by, channel).await?;
        if !now.named() {
            return Ok(Configured::Refused(SettingsRefusal::NotInConversation));
        }
        if let Err(refusal) = allowed(actor, channel, &setting, now.archived) {
            return Ok(Configured::Refused(refusal));
        }
        let old_name = now.name.clone().unwrap_or_default();
        let unchanged = match &setting {
            Setting::Rename(name) => name.as_str() == old_name,
            Setting::Topic(topic) => topic.as_str() == now.topic,
            Setting::Archive(archived) => *archived == now.archived,
        };
        if unchanged {
            return Ok(Configured::Already);
        }
        let update = match &setting {
            Setting::Rename(name) => tx
                .sql("UPDATE channels SET name = $2 WHERE id = $1")
                .bind(channel)
                .bind(name.as_str()),
            Setting::Topic(topic) => tx
                .sql("UPDATE channels SET topic = $2 WHERE id = $1")
                .bind(channel)
                .bind(topic.as_str()),
            Setting::Archive(true) => tx
                .sql("UPDATE channels SET archived_at = $2 WHERE id = $1")
                .bind(channel)
                .bind(now_millis()),
            Setting::Archive(false) => tx
                .sql("UPDATE channels SET archived_at = NULL WHERE id = $1")
                .bind(channel),
        };
        match update.execute().await {
            Err(error) if is_unique_violation(&error) => {
                return Ok(Configured::Refused(SettingsRefusal::NameTaken));
            }
            done => done?,
        };
        let audited = match &setting {
            Setting::Rename(_) => Some(Audited::RenamedChannel),
            Setting::Topic(_) => None,
            Setting::Archive(true) => Some(Audited::ArchivedChannel),
            Setting::Archive(false) => Some(Audited::RestoredChannel),
        };
        if let Some(what) = audited {
            audit::insert_on_channel(&mut tx, by, what, channel, &old_name).await?;
        }
        tx.commit().await?;
        Ok(Configured::Done(after(now, &setting)))
    }

    async fn invite(
        &self,
        by: UserId,
        channel: ChannelId,
        users: &[UserId],
    ) -> Result<Invited, StoreError> {
        let mut tx = self.db.begin().await?;
        // Members (and administrators) invite: `lock` let no one else by.
        let (now, _) = lock(&mut tx, by, channel).await?;
        if !(now.named() || now.group()) || channel == ChannelId::GENERAL {
            return Ok(Err(SettingsRefusal::NoInvitesHere));
        }
        if now.archived {
            return Ok(Err(SettingsRefusal::Archived));
        }
        if now.group() && !groups::has_room(&mut tx, channel, users).await? {
            return Ok(Err(SettingsRefusal::GroupFull));
        }
        let now = now_millis();
        let mut added = Vec::new();
        for &user in users {
            let found: Option<(String, bool)> = tx
                .sql(
                    "SELECT username,
                            EXISTS (SELECT 1 FROM channel_bans WHERE channel_id = $2 AND user_id = $1)
                     FROM users WHERE id = $1 AND deleted_at IS NULL",
                )
                .bind(user)
                .bind(channel)
                .fetch_optional()
                .await?;
            match found {
                None => return Ok(Err(SettingsRefusal::NoSuchUser)),
                Some((name, true)) => return Ok(Err(SettingsRefusal::Banned(name))),
                Some(_) => {}
            }
            // Invited people start with the history read, as those joining.
            let inserted = tx
                .sql(
                    "INSERT INTO memberships (user_id, channel_id, joined_at, last_read_seq)
                     SELECT $1, id, $2, last_seq FROM channels WHERE id = $3
                     ON CONFLICT (user_id, channel_id) DO NOTHING",
                )
                .bind(user)
                .bind(now)
                .bind(channel)
                .execute()
                .await?;
            if inserted == 1 {
                added.push(user);
            }
        }
        tx.commit().await?;
        Ok(Ok(added))
    }
}
