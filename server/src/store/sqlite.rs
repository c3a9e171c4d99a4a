//! The SQLite store: Banter's default, an embedded database in one file.
//!
//! SQLite runs in WAL mode (readers never wait for the writer), with a busy
//! timeout (a writer waits its turn instead of failing) and foreign keys on.
//! `synchronous = FULL` keeps every acknowledged commit across a power cut.

mod channels;
mod messages;
mod presence;
mod users;

use std::{str::FromStr, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use super::{Store, StoreError};
use crate::error::StartError;

/// Migrations for SQLite, embedded in the binary.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// Banter's data in a SQLite database.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// One connection with `synchronous = OFF`, for presence and heartbeats:
    /// data rebuilt from live connections after a crash, not worth a disk
    /// sync per change. (In WAL mode the next durable commit syncs its frames
    /// anyway.)
    ephemeral: SqlitePool,
}

impl SqliteStore {
    /// Opens the database at `url`, creating its file and directory on first
    /// start, and applies any pending migration.
    pub async fn open(url: &str) -> Result<Self, StartError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| StartError::DatabaseUrl {
                url: url.to_owned(),
                source,
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);

        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|source| StartError::DataDir {
                    dir: dir.to_owned(),
                    source,
                })?;
            }
        }

        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await
            .map_err(StartError::Database)?;
        MIGRATIONS.run(&pool).await?;
        let ephemeral = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.synchronous(SqliteSynchronous::Off))
            .await
            .map_err(StartError::Database)?;
        Ok(Self { pool, ephemeral })
    }

    /// The connection pool, shared with the session store.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
