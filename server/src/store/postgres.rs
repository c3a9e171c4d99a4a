//! The PostgreSQL store: for more users than one machine serves, and for
//! several Banter nodes sharing one database.
//!
//! Same tables and the same answers as the SQLite store; what differs is
//! concurrency. Writers run in parallel here, so every read-modify-write
//! either locks the row it depends on (a channel's counter, a user's
//! presence) or lets a unique index arbitrate (`ON CONFLICT`). Presence lives
//! in UNLOGGED tables: rebuilt from live connections, it skips the
//! write-ahead log, and a crash empties it.
//!
//! New messages are announced to every node by a NOTIFY inside the
//! transaction that stores them (see [`crate::bus::postgres`]): PostgreSQL
//! delivers notifications in commit order, and only if the commit happens.

mod channels;
mod messages;
mod presence;
mod users;

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

use super::{Store, StoreError};
use crate::error::StartError;

/// Migrations for PostgreSQL, embedded in the binary.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// How many connections one node opens at most. Each costs the database a
/// process, so nodes stay frugal; queries are short.
const MAX_CONNECTIONS: u32 = 16;

/// Banter's data in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` and applies any pending migration
    /// (nodes starting together take turns: sqlx holds an advisory lock).
    pub async fn open(url: &str) -> Result<Self, StartError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|source| StartError::DatabaseUrl {
                url: url.to_owned(),
                source,
            })?
            .application_name("banter");
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(StartError::Database)?;
        MIGRATIONS.run(&pool).await?;
        Ok(Self { pool })
    }

    /// The connection pool, shared with the session store and the bus.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn announces_messages(&self) -> bool {
        true
    }
}

/// A limit as PostgreSQL takes it (it has no unsigned integers).
fn limit(n: u32) -> i64 {
    i64::from(n)
}
