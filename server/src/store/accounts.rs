//! Accounts as their owners and administrators control them: whether a
//! session still stands, signing a user out everywhere (with a new
//! password, or deactivating them), the administrator role, and the list
//! administrators read (which leaves deleted accounts out: see
//! [`super::deletion`]).
//!
//! A session stands while it carries its user's `session_epoch` and the
//! account is active. Signing out everywhere bumps the epoch, so that every
//! session of the user falls at once (even one the session list never
//! knew), and deletes the sessions listed, with their push subscriptions,
//! in the same transaction.

use app::model::{User, UserId};

use super::{
    audit::{self, Audit},
    like_escape, now_millis, AccountStore, PasswordHash, SqlStore, StoreError,
};

/// What a user can sign in with (see `UserStore::credentials`).
#[derive(Debug)]
pub struct Credentials {
    pub user: User,
    pub hash: PasswordHash,
    /// What a session signed in now carries.
    pub epoch: i64,
    /// Whether the account is deactivated.
    pub deactivated: bool,
}

/// The user a session is signed in as, if the session still stands.
#[derive(Debug)]
pub struct SessionUser {
    pub user: User,
    /// When the session was last seen, if it is listed (`None` otherwise,
    /// and when it never was).
    pub last_seen: Option<i64>,
    /// Whether the session is listed.
    pub listed: bool,
}

/// An account, as administrators see it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: UserId,
    pub username: String,
    pub is_admin: bool,
    pub deactivated_at: Option<i64>,
    pub created_at: i64,
}

/// Signs every session of `user` out but `keep`, in one transaction with
/// what made it necessary.
#[derive(Debug)]
pub struct SignOut<'a> {
    pub user: UserId,
    /// The session that stays signed in (the one that asked), if any.
    pub keep: Option<&'a str>,
    /// A new password, set in the same transaction.
    pub password: Option<&'a PasswordHash>,
    /// Deactivates the account too.
    pub deactivate: bool,
    /// Records the sign-out in `sign_outs`, for every node to close the
    /// user's sockets: for a command run beside the servers, which has no
    /// bus to tell them on.
    pub tell_nodes: bool,
    /// What the audit log records of it, when an administrator did it.
    pub audit: Option<Audit>,
}

impl SignOut<'_> {
    /// Every session of `user` but `keep`, and nothing else.
    pub fn elsewhere(user: UserId, keep: Option<&str>) -> SignOut<'_> {
        SignOut {
            user,
            keep,
            password: None,
            deactivate: false,
            tell_nodes: false,
            audit: None,
        }
    }
}

/// How long `sign_outs` keeps a row: far longer than any node takes to
/// read it.
const SIGN_OUTS_KEPT_MS: i64 = 24 * 60 * 60 * 1000;

#[async_trait::async_trait]
impl AccountStore for SqlStore {
    async fn session_user(
        &self,
        user: UserId,
        epoch: i64,
        session: &str,
    ) -> Result<Option<SessionUser>, StoreError> {
        let row: Option<(UserId, String, String, Option<i64>, Option<i64>)> = self
            .db
            .sql(
                "SELECT u.id, u.username, u.display_name, s.id, s.last_seen_at FROM users u
                 LEFT JOIN user_sessions s ON s.session_id = $3 AND s.user_id = u.id
                 WHERE u.id = $1 AND u.session_epoch = $2 AND u.deactivated_at IS NULL
                   AND u.deleted_at IS NULL",
            )
            .bind(user)
            .bind(epoch)
            .bind(session)
            .fetch_optional()
            .await?;
        Ok(
            row.map(|(id, username, display, listed, last_seen)| SessionUser {
                user: User {
                    id,
                    username,
                    display,
                },
                last_seen,
                listed: listed.is_some(),
            }),
        )
    }

    async fn password_of(&self, user: UserId) -> Result<Option<PasswordHash>, StoreError> {
        let hash: Option<String> = self
            .db
            .sql("SELECT password_hash FROM users WHERE id = $1")
            .bind(user)
            .scalar_optional()
            .await?;
        Ok(hash.map(PasswordHash::new))
    }

    async fn sign_out(&self, out: &SignOut<'_>) -> Result<Option<i64>, StoreError> {
        let now = now_millis();
        let mut tx = self.db.begin().await?;
        let epoch: Option<i64> = tx
            .sql(
                "UPDATE users SET session_epoch = session_epoch + 1,
                     password_hash = COALESCE($2, password_hash),
                     deactivated_at = CASE WHEN $3 THEN COALESCE(deactivated_at, $4)
                                           ELSE deactivated_at END
                 WHERE id = $1 RETURNING session_epoch",
            )
            .bind(out.user)
            .bind(out.password.map(PasswordHash::as_str))
            .bind(out.deactivate)
            .bind(now)
            .scalar_optional()
            .await?;
        if epoch.is_none() {
            return Ok(None);
        }
        let keep = out.keep.unwrap_or("");
        for sql in [
            "DELETE FROM tower_sessions WHERE id IN
                 (SELECT session_id FROM user_sessions WHERE user_id = $1 AND session_id <> $2)",
            "DELETE FROM push_subscriptions WHERE user_id = $1 AND session_id <> $2",
            "DELETE FROM user_sessions WHERE user_id = $1 AND session_id <> $2",
        ] {
            tx.sql(sql).bind(out.user).bind(keep).execute().await?;
        }
        if let Some(audit) = out.audit {
            audit::insert(&mut tx, audit, out.user).await?;
        }
        if out.tell_nodes {
            tx.sql("INSERT INTO sign_outs (user_id, created_at) VALUES ($1, $2)")
                .bind(out.user)
                .bind(now)
                .execute()
                .await?;
        }
        tx.commit().await?;
        Ok(epoch)
    }

    async fn reactivate(&self, user: UserId, audit: Audit) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        let changed = tx
            .sql("UPDATE users SET deactivated_at = NULL WHERE id = $1 AND deactivated_at IS NOT NULL")
            .bind(user)
            .execute()
            .await?;
        if changed > 0 {
            audit::insert(&mut tx, audit, user).await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    async fn set_admin(&self, user: UserId, admin: bool, audit: Audit) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        let changed = tx
            .sql("UPDATE users SET is_admin = $2 WHERE id = $1 AND is_admin <> $2")
            .bind(user)
            .bind(admin)
            .execute()
            .await?;
        if changed > 0 {
            audit::insert(&mut tx, audit, user).await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    async fn is_admin(&self, user: UserId) -> Result<bool, StoreError> {
        let admin: Option<bool> = self
            .db
            .sql("SELECT is_admin FROM users WHERE id = $1 AND deactivated_at IS NULL")
            .bind(user)
            .scalar_optional()
            .await?;
        Ok(admin.unwrap_or(false))
    }

    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let sql = format!(
            "SELECT id, username, is_admin, deactivated_at, created_at FROM users
             WHERE {} AND deleted_at IS NULL",
            self.db.dialect().same_name("username", "$1")
        );
        Ok(self.db.sql(&sql).bind(username).fetch_optional().await?)
    }

    async fn accounts(&self, prefix: &str, limit: u32) -> Result<Vec<Account>, StoreError> {
        let dialect = self.db.dialect();
        let sql = format!(
            "SELECT id, username, is_admin, deactivated_at, created_at FROM users
             WHERE {} AND deleted_at IS NULL ORDER BY {} LIMIT $2",
            dialect.name_like("username", "$1"),
            dialect.name_order("username"),
        );
        Ok(self
            .db
            .sql(&sql)
            .bind(format!("{}%", like_escape(prefix)))
            .bind(i64::from(limit))
            .fetch_all()
            .await?)
    }

    async fn any_account(&self) -> Result<bool, StoreError> {
        let any: Option<i64> = self
            .db
            .sql("SELECT id FROM users LIMIT 1")
            .scalar_optional()
            .await?;
        Ok(any.is_some())
    }

    async fn sign_outs_after(&self, after: i64) -> Result<Vec<(i64, UserId)>, StoreError> {
        Ok(self
            .db
            .sql("SELECT id, user_id FROM sign_outs WHERE id > $1 ORDER BY id")
            .bind(after)
            .fetch_all()
            .await?)
    }

    async fn last_sign_out(&self) -> Result<i64, StoreError> {
        self.db
            .sql("DELETE FROM sign_outs WHERE created_at < $1")
            .bind(now_millis() - SIGN_OUTS_KEPT_MS)
            .execute()
            .await?;
        Ok(self
            .db
            .sql("SELECT COALESCE(MAX(id), 0) FROM sign_outs")
            .scalar()
            .await?)
    }
}
