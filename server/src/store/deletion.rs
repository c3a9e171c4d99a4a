//! Deleting an account, in one transaction: what was the user's alone goes
//! (password, display name, sessions, memberships, push subscriptions,
//! mentions, bans), and what others read stays. The row itself stays, so
//! that the user's messages and reactions keep a sender: it is renamed
//! `deleted user <id>`, which no username can be (usernames hold no
//! spaces), and for [`NAME_HELD_DAYS`] it keeps its look-alike key and its
//! former name, so that no one signs up as the departed user (in any case,
//! or as a name like theirs) while others still remember them. After that,
//! a sign-up asking for the name releases it ([`check_not_held`]).

use app::model::{ChannelId, UserId, Username};

use super::{db::Tx, now_millis, DeletionStore, SqlStore, StoreError};

pub use app::error::DELETED_NAME_HELD_DAYS as NAME_HELD_DAYS;

/// [`NAME_HELD_DAYS`] in milliseconds.
const NAME_HELD_MS: i64 = NAME_HELD_DAYS * 24 * 60 * 60 * 1000;

#[async_trait::async_trait]
impl DeletionStore for SqlStore {
    async fn delete_account(&self, user: UserId) -> Result<Option<Vec<ChannelId>>, StoreError> {
        let mut tx = self.db.begin().await?;
        // Bumping the epoch makes every session of the user fall, listed
        // or not; the empty hash matches no password.
        let deleted = tx
            .sql(
                "UPDATE users SET held_name = lower(username), username = 'deleted user ' || id,
                     password_hash = '', display_name = '',
                     is_admin = FALSE, session_epoch = session_epoch + 1, deleted_at = $2
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(user)
            .bind(now_millis())
            .execute()
            .await?;
        if deleted == 0 {
            return Ok(None);
        }
        let channels: Vec<ChannelId> = tx
            .sql("DELETE FROM memberships WHERE user_id = $1 RETURNING channel_id")
            .bind(user)
            .scalars()
            .await?;
        for sql in [
            "DELETE FROM tower_sessions WHERE id IN
                 (SELECT session_id FROM user_sessions WHERE user_id = $1)",
            "DELETE FROM user_sessions WHERE user_id = $1",
            "DELETE FROM push_subscriptions WHERE user_id = $1",
            "DELETE FROM mentions WHERE user_id = $1",
            "DELETE FROM channel_bans WHERE user_id = $1",
            "DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1",
        ] {
            tx.sql(sql).bind(user).execute().await?;
        }
        tx.commit().await?;
        Ok(Some(channels))
    }
}

/// Refuses a sign-up as `name` while a deleted account holds it: its former name in any case, or a name that looks
/// like it. A hold older than [`NAME_HELD_DAYS`] is released first: the
/// account's key becomes one no name can have (`#` is in no username).
pub(super) async fn check_not_held(tx: &mut Tx<'_>, name: &Username) -> Result<(), StoreError> {
    let key = name.lookalike_key();
    let lower = name.as_str().to_ascii_lowercase();
    tx.sql(
        "UPDATE users SET lookalike_key = '#' || id, held_name = NULL
         WHERE (lookalike_key = $1 OR held_name = $2) AND deleted_at <= $3",
    )
    .bind(key.as_str())
    .bind(lower.as_str())
    .bind(now_millis() - NAME_HELD_MS)
    .execute()
    .await?;
    let held: Option<i64> = tx
        .sql(
            "SELECT id FROM users
             WHERE deleted_at IS NOT NULL AND (lookalike_key = $1 OR held_name = $2)",
        )
        .bind(key.as_str())
        .bind(lower.as_str())
        .scalar_optional()
        .await?;
    match held {
        Some(_) => Err(StoreError::UsernameHeld),
        None => Ok(()),
    }
}
