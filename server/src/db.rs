//! Opening the database and bringing its schema up to date.
//!
//! SQLite runs in WAL mode (readers never wait for the writer), with a busy
//! timeout (a writer waits its turn instead of failing) and foreign keys on.
//! `synchronous = FULL` keeps every acknowledged commit across a power cut.

use std::{str::FromStr, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use crate::{config::Config, error::StartError};

/// Migrations for SQLite, embedded in the binary.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// Opens the configured database, creating its file and directory on first
/// start, and applies any pending migration.
pub async fn open(config: &Config) -> Result<SqlitePool, StartError> {
    let url = config.database_url();
    let options = SqliteConnectOptions::from_str(&url)
        .map_err(|source| StartError::DatabaseUrl {
            url: url.clone(),
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
        .connect_with(options)
        .await
        .map_err(StartError::Database)?;
    SQLITE_MIGRATIONS.run(&pool).await?;
    Ok(pool)
}

/// Checks that the database answers.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
