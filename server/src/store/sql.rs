//! The one implementation of the storage traits, over SQLite or PostgreSQL.
//!
//! The database is picked by its URL. SQLite, Banter's default, is one file:
//! it runs in WAL mode (readers never wait for the writer), with a busy
//! timeout (a writer waits its turn instead of failing), foreign keys on, and
//! `synchronous = FULL`, which keeps every acknowledged commit across a power
//! cut. PostgreSQL serves several nodes sharing one database: writers run in
//! parallel there, so every read-modify-write either locks the row it depends
//! on or lets a unique index arbitrate (`ON CONFLICT`), which is harmless on
//! SQLite. Each database has its own migrations (the DDL differs; the tables
//! do not).

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::{db::Db, Store, StoreError};
use crate::error::StartError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// How many connections a node opens to PostgreSQL at most. Each costs the
/// database a process, so nodes stay frugal; queries are short.
const MAX_PG_CONNECTIONS: u32 = 16;

/// Banter's data in a SQL database.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pub(super) db: Db,
    /// Where presence and heartbeats are written: data rebuilt from live
    /// connections after a crash. On SQLite, one connection with
    /// `synchronous = OFF`, which spares a disk sync per connecting user (in
    /// WAL mode the next durable commit syncs its frames anyway); on
    /// PostgreSQL the same pool, writing to UNLOGGED tables.
    pub(super) ephemeral: Db,
}

/// Whether `url` names a PostgreSQL database.
fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl SqlStore {
    /// Opens the database at `url` and applies any pending migration. A
    /// SQLite file and its directory are created on first start; nodes
    /// starting together on PostgreSQL take turns (sqlx holds an advisory
    /// lock while it migrates).
    pub async fn open(url: &str) -> Result<Self, StartError> {
        if is_postgres(url) {
            open_postgres(url).await
        } else {
            open_sqlite(url).await
        }
    }

    /// The connection pool, shared with the session store and the bus.
    pub fn db(&self) -> &Db {
        &self.db
    }
}

fn bad_url(url: &str) -> impl FnOnce(sqlx::Error) -> StartError + '_ {
    move |source| StartError::DatabaseUrl {
        url: url.to_owned(),
        source,
    }
}

async fn open_sqlite(url: &str) -> Result<SqlStore, StartError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(bad_url(url))?
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
    SQLITE_MIGRATIONS.run(&pool).await?;
    let ephemeral = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.synchronous(SqliteSynchronous::Off))
        .await
        .map_err(StartError::Database)?;
    Ok(SqlStore {
        db: Db::Sqlite(pool),
        ephemeral: Db::Sqlite(ephemeral),
    })
}

async fn open_postgres(url: &str) -> Result<SqlStore, StartError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(bad_url(url))?
        .application_name("banter");
    let pool = PgPoolOptions::new()
        .max_connections(MAX_PG_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(StartError::Database)?;
    POSTGRES_MIGRATIONS.run(&pool).await?;
    let db = Db::Postgres(pool);
    Ok(SqlStore {
        ephemeral: db.clone(),
        db,
    })
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.db.sql("SELECT 1").execute().await?;
        Ok(())
    }

    fn pool(&self) -> super::db::PoolState {
        self.db.state()
    }

    async fn node_count(&self) -> Result<u64, StoreError> {
        let nodes: i64 = self.db.sql("SELECT COUNT(*) FROM nodes").scalar().await?;
        Ok(u64::try_from(nodes).unwrap_or(0))
    }
}
