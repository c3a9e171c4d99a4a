//! Accounts on SQLite.

use app::model::{ChannelId, User, UserId, Username};

use super::SqliteStore;
use crate::{
    auth::password::PasswordHash,
    store::{is_unique_violation, like_escape, now_millis, StoreError, UserStore},
};

#[async_trait::async_trait]
impl UserStore for SqliteStore {
    async fn create_user(
        &self,
        username: &Username,
        hash: &PasswordHash,
    ) -> Result<User, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let id: Result<i64, _> = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, created_at, lookalike_key)
             VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(username.as_str())
        .bind(hash.as_str())
        .bind(now)
        .bind(username.lookalike_key())
        .fetch_one(&mut *tx)
        .await;
        let id = match id {
            Ok(id) => id,
            Err(error) if is_unique_violation(&error) => {
                drop(tx);
                return Err(self.why_taken(username).await);
            }
            Err(error) => return Err(error.into()),
        };
        // A newcomer starts with General read up to now, not with its whole
        // history unread.
        sqlx::query(
            "INSERT INTO memberships (user_id, channel_id, joined_at, last_read_seq)
             SELECT ?, id, ?, last_seq FROM channels WHERE id = ?",
        )
        .bind(id)
        .bind(now)
        .bind(ChannelId::GENERAL)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(User {
            id: UserId(id),
            username: username.as_str().to_owned(),
        })
    }

    async fn credentials(
        &self,
        username: &str,
    ) -> Result<Option<(User, PasswordHash)>, StoreError> {
        let row: Option<(UserId, String, String)> =
            sqlx::query_as("SELECT id, username, password_hash FROM users WHERE username = ?")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        Ok(
            row.map(|(id, username, hash)| {
                (User { id, username }, PasswordHash::from_stored(hash))
            }),
        )
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let user = sqlx::query_as("SELECT id, username FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(user)
    }

    async fn find_users(
        &self,
        prefix: &str,
        except: UserId,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        let pattern = format!("{}%", like_escape(prefix));
        let users = sqlx::query_as(
            "SELECT id, username FROM users
             WHERE username LIKE ? ESCAPE '\\' AND id <> ?
             ORDER BY username COLLATE NOCASE LIMIT ?",
        )
        .bind(pattern)
        .bind(except)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(users)
    }

    async fn users_without_lookalike_key(&self, limit: u32) -> Result<Vec<User>, StoreError> {
        let users = sqlx::query_as(
            "SELECT id, username FROM users WHERE lookalike_key IS NULL ORDER BY id LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(users)
    }

    async fn set_lookalike_key(&self, user: UserId, key: &str) -> Result<bool, StoreError> {
        let set = sqlx::query("UPDATE users SET lookalike_key = ? WHERE id = ?")
            .bind(key)
            .bind(user)
            .execute(&self.pool)
            .await;
        match set {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }
}

impl SqliteStore {
    /// Why a new user's name was refused by a unique index: the name itself
    /// (in any case), or one that looks like it.
    async fn why_taken(&self, username: &Username) -> StoreError {
        let same: Result<i64, _> =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = ?")
                .bind(username.as_str())
                .fetch_one(&self.pool)
                .await;
        match same {
            Ok(0) => StoreError::UsernameLooksLike,
            Ok(_) => StoreError::UsernameTaken,
            Err(error) => error.into(),
        }
    }
}
