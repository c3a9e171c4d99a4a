//! Accounts.

use app::model::{ChannelId, DisplayName, User, UserId, Username};

use super::{
    accounts::Credentials, deletion, is_unique_violation, like_escape, now_millis, PasswordHash,
    SqlStore, StoreError, UserStore,
};

#[async_trait::async_trait]
impl UserStore for SqlStore {
    async fn create_user(
        &self,
        username: &Username,
        hash: &PasswordHash,
    ) -> Result<User, StoreError> {
        let now = now_millis();
        let mut tx = self.db.begin().await?;
        deletion::check_not_held(&mut tx, username).await?;
        let id = tx
            .sql(
                // The first account is an administrator.
                "INSERT INTO users (username, password_hash, created_at, lookalike_key, is_admin)
                 VALUES ($1, $2, $3, $4, NOT EXISTS (SELECT 1 FROM users)) RETURNING id",
            )
            .bind(username.as_str())
            .bind(hash.as_str())
            .bind(now)
            .bind(username.lookalike_key())
            .scalar::<UserId>()
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
        tx.sql(
            "INSERT INTO memberships (user_id, channel_id, joined_at, last_read_seq)
             SELECT $1, id, $2, last_seq FROM channels WHERE id = $3",
        )
        .bind(id)
        .bind(now)
        .bind(ChannelId::GENERAL)
        .execute()
        .await?;
        tx.commit().await?;
        Ok(User {
            id,
            username: username.as_str().to_owned(),
            display: String::new(),
        })
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        let sql = format!(
            "SELECT id, username, display_name, password_hash, session_epoch, deactivated_at
             FROM users WHERE {} AND deleted_at IS NULL",
            self.db.dialect().same_name("username", "$1")
        );
        let row: Option<(UserId, String, String, String, i64, Option<i64>)> =
            self.db.sql(&sql).bind(username).fetch_optional().await?;
        Ok(row.map(
            |(id, username, display, hash, epoch, deactivated)| Credentials {
                user: User {
                    id,
                    username,
                    display,
                },
                hash: PasswordHash::new(hash),
                epoch,
                deactivated: deactivated.is_some(),
            },
        ))
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let user = self
            .db
            .sql("SELECT id, username, display_name FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional()
            .await?;
        Ok(user)
    }

    async fn find_users(
        &self,
        prefix: &str,
        except: UserId,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        let dialect = self.db.dialect();
        let sql = format!(
            "SELECT id, username, display_name FROM users
             WHERE {} AND id <> $2 AND deleted_at IS NULL
             ORDER BY {} LIMIT $3",
            dialect.name_like("username", "$1"),
            dialect.name_order("username"),
        );
        let users = self
            .db
            .sql(&sql)
            .bind(format!("{}%", like_escape(prefix)))
            .bind(except)
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        Ok(users)
    }

    async fn set_display_name(&self, user: UserId, name: &DisplayName) -> Result<bool, StoreError> {
        let set = self
            .db
            .sql("UPDATE users SET display_name = $1 WHERE id = $2 AND deleted_at IS NULL")
            .bind(name.as_str())
            .bind(user)
            .execute()
            .await?;
        Ok(set == 1)
    }

    async fn users_without_lookalike_key(&self, limit: u32) -> Result<Vec<User>, StoreError> {
        let users = self
            .db
            .sql(
                "SELECT id, username, display_name FROM users WHERE lookalike_key IS NULL
                 ORDER BY id LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        Ok(users)
    }

    async fn set_lookalike_key(&self, user: UserId, key: &str) -> Result<bool, StoreError> {
        let set = self
            .db
            .sql("UPDATE users SET lookalike_key = $1 WHERE id = $2")
            .bind(key)
            .bind(user)
            .execute()
            .await;
        match set {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }
}

impl SqlStore {
    /// Why a new user's name was refused by a unique index: the name itself
    /// (in any case), or one that looks like it.
    async fn why_taken(&self, username: &Username) -> StoreError {
        let sql = format!(
            "SELECT COUNT(*) FROM users WHERE {}",
            self.db.dialect().same_name("username", "$1")
        );
        match self
            .db
            .sql(&sql)
            .bind(username.as_str())
            .scalar::<i64>()
            .await
        {
            Ok(0) => StoreError::UsernameLooksLike,
            Ok(_) => StoreError::UsernameTaken,
            Err(error) => error.into(),
        }
    }
}
