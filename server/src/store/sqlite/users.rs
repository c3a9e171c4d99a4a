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
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?) RETURNING id",
        )
        .bind(username.as_str())
        .bind(hash.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::UsernameTaken
            } else {
                StoreError::Database(error)
            }
        })?;
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
}
