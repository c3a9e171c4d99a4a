//! All SQL lives behind this module: one storage interface for the rest of the
//! server, with an implementation per database.
//!
//! The interface is split by feature ([`UserStore`], …) so that each backend
//! implements each feature in a file of its own; [`Store`] is all of them.
//! Handlers hold an `Arc<dyn Store>` and never see which database is behind it.

pub mod sqlite;

use app::model::{User, UserId, Username};

use crate::auth::password::PasswordHash;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The username is in use, in any letter case.
    #[error("username taken")]
    UsernameTaken,
    /// Anything the database reported; logged, never shown to users.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Unix time in milliseconds, the unit of every time Banter stores.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Accounts.
#[async_trait::async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user and makes them a member of `General`, in one
    /// transaction. Fails with [`StoreError::UsernameTaken`] when the name is
    /// in use in any case.
    async fn create_user(
        &self,
        username: &Username,
        hash: &PasswordHash,
    ) -> Result<User, StoreError>;

    /// The user with this name (in any case) and their password hash.
    async fn credentials(&self, username: &str)
        -> Result<Option<(User, PasswordHash)>, StoreError>;

    /// The user with this id.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;
}

/// Everything Banter stores.
#[async_trait::async_trait]
pub trait Store: UserStore + Send + Sync + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
}
