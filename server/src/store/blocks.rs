//! Blocking: any user can block another, and unblock them. Someone
//! blocked cannot start a conversation (one-to-one or group) with the one
//! who blocked them, nor write in their one-to-one conversation, and their
//! mentions do not call them (no mention row, so no count, no entry on
//! `/mentions`, no push). The same holds the other way: one cannot start a
//! conversation with, or write to, someone one blocked, until unblocking
//! them. The checks sit in the statements that act (`messages.rs`,
//! `mentions.rs`, `push.rs`), so they hold on every node.

use app::model::{User, UserId};

use super::{now_millis, BlockStore, SqlStore, StoreError};

/// Which way a block runs between someone and the people they would talk
/// with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocking {
    /// The asker blocked one of them.
    ByYou,
    /// One of them blocked the asker.
    ByThem,
}

#[async_trait::async_trait]
impl BlockStore for SqlStore {
    async fn block(&self, by: UserId, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT id, username, display_name FROM users
             WHERE {} AND deleted_at IS NULL AND id <> $2",
            self.db.dialect().same_name("username", "$1")
        );
        let found: Option<User> = self
            .db
            .sql(&sql)
            .bind(username.trim())
            .bind(by)
            .fetch_optional()
            .await?;
        let Some(user) = found else {
            return Ok(None);
        };
        self.db
            .sql(
                "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
            )
            .bind(by)
            .bind(user.id)
            .bind(now_millis())
            .execute()
            .await?;
        Ok(Some(user))
    }

    async fn unblock(&self, by: UserId, user: UserId) -> Result<bool, StoreError> {
        let removed = self
            .db
            .sql("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
            .bind(by)
            .bind(user)
            .execute()
            .await?;
        Ok(removed == 1)
    }

    async fn blocked_by(&self, user: UserId) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT u.id, u.username, u.display_name
             FROM blocks b JOIN users u ON u.id = b.blocked_id
             WHERE b.blocker_id = $1 ORDER BY {}",
            self.db.dialect().name_order("u.username")
        );
        Ok(self.db.sql(&sql).bind(user).fetch_all().await?)
    }

    async fn blocking(
        &self,
        user: UserId,
        others: &[UserId],
    ) -> Result<Option<Blocking>, StoreError> {
        let dialect = self.db.dialect();
        let sql = format!(
            "SELECT SUM(CASE WHEN blocker_id = $2 THEN 1 ELSE 0 END),
                    SUM(CASE WHEN blocked_id = $2 THEN 1 ELSE 0 END)
             FROM blocks
             WHERE (blocker_id = $2 AND {}) OR (blocked_id = $2 AND {})",
            dialect.in_ids("blocked_id", "$1"),
            dialect.in_ids("blocker_id", "$1"),
        );
        let (by_you, by_them): (Option<i64>, Option<i64>) = self
            .db
            .sql(&sql)
            .bind_ids(others.iter().map(|u| u.0))
            .bind(user)
            .fetch_one()
            .await?;
        Ok(match (by_you.unwrap_or(0), by_them.unwrap_or(0)) {
            (0, 0) => None,
            (0, _) => Some(Blocking::ByThem),
            _ => Some(Blocking::ByYou),
        })
    }
}
