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
    ConnectOptions, Connection,
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
    migrate_sqlite(&options, &SQLITE_MIGRATIONS).await?;
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options.clone())
        .await
        .map_err(StartError::Database)?;
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

/// Applies `migrator`'s pending migrations on a connection of its own with
/// foreign keys off, then checks every key. SQLite changes a table's
/// constraints by rebuilding it (a new table, the rows copied, the old one
/// dropped), and dropping a table with foreign keys on deletes every row
/// that refers to it first; with them off nothing cascades, and the check
/// after (each migration runs in a transaction of its own, so a crash
/// leaves the last one undone, never half done) makes sure the rows still
/// refer to rows that exist.
async fn migrate_sqlite(
    options: &SqliteConnectOptions,
    migrator: &sqlx::migrate::Migrator,
) -> Result<(), StartError> {
    let mut conn = options
        .clone()
        .foreign_keys(false)
        .connect()
        .await
        .map_err(StartError::Database)?;
    migrator.run(&mut conn).await?;
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .map_err(StartError::Database)?;
    if let Some((table,)) = broken.first() {
        return Err(StartError::BrokenKeys(table.clone()));
    }
    conn.close().await.map_err(StartError::Database)
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    /// The migration that lets channels be group conversations rebuilds the
    /// channels table (SQLite cannot change a CHECK constraint): a database
    /// made before it keeps every channel, membership and message, and its
    /// foreign keys still hold afterwards.
    #[tokio::test]
    async fn rebuilding_the_channels_table_keeps_what_hangs_off_it() {
        let dir = tempfile::tempdir().expect("a directory");
        let url = format!("sqlite://{}", dir.path().join("banter.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .expect("a URL")
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .expect("a database");
        let rebuild = SQLITE_MIGRATIONS
            .iter()
            .position(|m| m.description == "group conversations")
            .expect("the rebuild");
        let mut before = sqlx::migrate::Migrator::DEFAULT;
        before.migrations = Cow::Owned(SQLITE_MIGRATIONS.migrations[..rebuild].to_vec());
        migrate_sqlite(&options, &before)
            .await
            .expect("the migrations before");
        for sql in [
            "INSERT INTO users (id, username, password_hash, created_at, lookalike_key)
             VALUES (2, 'alice', '', 0, 'alice'), (3, 'bob', '', 0, 'bob')",
            "INSERT INTO channels (id, kind, name, created_at, topic, is_private)
             VALUES (7, 'public', 'Café', 0, '日本語', 1)",
            "INSERT INTO channels (id, kind, created_at, direct_low, direct_high, last_seq)
             VALUES (8, 'direct', 0, 2, 3, 1)",
            "INSERT INTO memberships (user_id, channel_id, joined_at, role)
             VALUES (2, 7, 0, 'owner'), (2, 8, 0, 'member'), (3, 8, 0, 'member')",
            "INSERT INTO messages (channel_id, seq, sender_id, client_id, body, created_at)
             VALUES (8, 1, 2, x'01', 'Привет', 0)",
        ] {
            sqlx::query(sql).execute(&pool).await.expect(sql);
        }

        migrate_sqlite(&options, &SQLITE_MIGRATIONS)
            .await
            .expect("the rebuild");
        let count = |table: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&pool)
                    .await
                    .expect("a count")
            }
        };
        assert_eq!(count("channels").await, 3, "General and the two");
        assert_eq!(count("memberships").await, 3);
        assert_eq!(count("messages").await, 1);
        let kept: (String, String, bool) =
            sqlx::query_as("SELECT name, topic, is_private FROM channels WHERE id = 7")
                .fetch_one(&pool)
                .await
                .expect("the channel");
        assert_eq!(kept, ("Café".to_owned(), "日本語".to_owned(), true));
        // A group row is allowed now, and the keys still cascade (the
        // pool's connections keep them on).
        sqlx::query("INSERT INTO channels (kind, created_at) VALUES ('group', 0)")
            .execute(&pool)
            .await
            .expect("a group");
        sqlx::query("DELETE FROM channels WHERE id = 8")
            .execute(&pool)
            .await
            .expect("a delete");
        assert_eq!(count("messages").await, 0);
        assert_eq!(count("memberships").await, 1);
    }
}
