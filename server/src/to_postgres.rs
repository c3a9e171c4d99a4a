//! `banter migrate-to <postgres url>`: moves a Banter on SQLite to
//! PostgreSQL, for when one node is no longer enough.
//!
//! Everything people made is copied with its ids: users (with their password
//! hashes, so everyone logs in as before), channels and conversations,
//! memberships and read markers, messages, and sessions (so nobody is signed
//! out). What a running server rebuilds (presence, nodes) is not. The copy is
//! one PostgreSQL transaction, so it lands whole or not at all; then both
//! databases are counted and fingerprinted, table by table, before the
//! command says it is done. The SQLite database is left as it was.
//!
//! Nothing may serve the SQLite database meanwhile (a message sent after its
//! table was read would be left behind): the command takes the lock a
//! serving `banter` holds. The target must hold no Banter data yet.

mod copy;
mod copy_files;
mod copy_messages;
mod copy_sessions;

use std::time::{Duration, Instant};

use sqlx::{PgPool, SqlitePool};
use tower_sessions_sqlx_store::SqliteStore;

use crate::{
    auth::session::SessionBackend,
    backup::{self, BackupError, DatabaseLock},
    config::Config,
    store::{db::Db, SearchStore, SqlStore, StoreError},
    StartError,
};

/// Rows read and written per round trip.
const PAGE: i64 = 1000;

/// Why the move could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("{0}")]
    Source(#[from] BackupError),
    #[error("the target must be a postgres:// URL")]
    NotPostgres,
    #[error("cannot open a database: {0}")]
    Open(#[from] StartError),
    #[error(
        "the PostgreSQL database already holds Banter data ({table}: {rows} rows): \
         move into a new, empty database"
    )]
    TargetNotEmpty { table: &'static str, rows: i64 },
    #[error(
        "the copy does not match ({what}: {sqlite} on SQLite, {postgres} on PostgreSQL); \
         drop the PostgreSQL database and try again"
    )]
    Mismatch {
        what: &'static str,
        sqlite: i64,
        postgres: i64,
    },
    #[error("the database: {0}")]
    Database(#[from] sqlx::Error),
}

/// What was moved.
#[derive(Debug)]
pub struct Moved {
    /// Each table's rows, verified on both sides.
    pub rows: Vec<(&'static str, i64)>,
    pub took: Duration,
}

impl std::fmt::Display for Moved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "copied")?;
        for (n, (table, rows)) in self.rows.iter().enumerate() {
            let sep = if n == 0 { " " } else { ", " };
            write!(f, "{sep}{rows} {table}")?;
        }
        write!(
            f,
            " to PostgreSQL in {:.1} s; every count and fingerprint matches. \
             Serve it with --database-url (BANTER_DATABASE_URL) set to that URL.",
            self.took.as_secs_f64()
        )
    }
}

/// Copies `config`'s SQLite database into the PostgreSQL database at `url`.
pub async fn migrate_to(config: &Config, url: &str) -> Result<Moved, MoveError> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(MoveError::NotPostgres);
    }
    let started = Instant::now();
    let database = backup::existing_database(config)?;
    let _lock = DatabaseLock::take_for(&database)?;
    // Both are brought to this version's schema first.
    let Db::Sqlite(sqlite) = SqlStore::open(&config.database_url()).await?.db().clone() else {
        return Err(MoveError::Source(BackupError::NotSqlite));
    };
    let target = SqlStore::open(url).await?;
    let Db::Postgres(postgres) = target.db().clone() else {
        return Err(MoveError::NotPostgres);
    };
    // The session tables too (made by their store on a server's start).
    SessionBackend::Sqlite(SqliteStore::new(sqlite.clone()))
        .migrate()
        .await?;
    SessionBackend::postgres(postgres.clone()).migrate().await?;
    ensure_empty(&postgres).await?;

    let mut tx = postgres.begin().await?;
    // General comes with the schema; it is copied like any channel.
    sqlx::query("DELETE FROM channels")
        .execute(&mut *tx)
        .await?;
    copy::users(&sqlite, &mut tx).await?;
    copy::channels(&sqlite, &mut tx).await?;
    copy::memberships(&sqlite, &mut tx).await?;
    copy_messages::messages(&sqlite, &mut tx).await?;
    copy_messages::reactions(&sqlite, &mut tx).await?;
    copy_messages::mentions(&sqlite, &mut tx).await?;
    copy_sessions::sessions(&sqlite, &mut tx).await?;
    copy_sessions::user_sessions(&sqlite, &mut tx).await?;
    copy_sessions::push_subscriptions(&sqlite, &mut tx).await?;
    copy_sessions::audit_log(&sqlite, &mut tx).await?;
    let bans = ["channel_id", "user_id", "banned_at"];
    copy_sessions::id_pairs(&sqlite, &mut tx, "channel_bans", bans).await?;
    let blocks = ["blocker_id", "blocked_id", "created_at"];
    copy_sessions::id_pairs(&sqlite, &mut tx, "blocks", blocks).await?;
    copy_files::files(&sqlite, &mut tx).await?;
    copy_files::orphan_blobs(&sqlite, &mut tx).await?;
    for table in [
        "users",
        "channels",
        "messages",
        "user_sessions",
        "push_subscriptions",
        "audit_log",
        "files",
    ] {
        // The next id made on PostgreSQL follows the largest copied.
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // The search index is made from the copied messages, as a server would
    // on its first start.
    target.reindex().await.map_err(search_index)?;
    crate::chat::search::index_backlog(&target)
        .await
        .map_err(search_index)?;

    let rows = verify(&sqlite, &postgres).await?;
    sqlite.close().await;
    postgres.close().await;
    Ok(Moved {
        rows,
        took: started.elapsed(),
    })
}

fn search_index(error: StoreError) -> MoveError {
    MoveError::Open(StartError::SearchIndex(error.to_string()))
}

/// Refuses a target that holds anything but the schema's General.
async fn ensure_empty(postgres: &PgPool) -> Result<(), MoveError> {
    for (table, allowed) in [
        ("users", 0),
        ("channels", 1),
        ("memberships", 0),
        ("messages", 0),
        ("reactions", 0),
        ("mentions", 0),
        ("tower_sessions", 0),
        ("user_sessions", 0),
        ("push_subscriptions", 0),
        ("audit_log", 0),
        ("channel_bans", 0),
        ("blocks", 0),
    ] {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(postgres)
            .await?;
        if rows > allowed {
            return Err(MoveError::TargetNotEmpty { table, rows });
        }
    }
    Ok(())
}

/// What is compared on both sides: a name, and the same question put to
/// each database (written once: both read it alike).
const CHECKS: &[(&str, &str)] = &[
    ("users", "SELECT COUNT(*) FROM users"),
    ("largest user id", "SELECT COALESCE(MAX(id), 0) FROM users"),
    (
        "administrators",
        "SELECT COALESCE(SUM(CASE WHEN is_admin THEN 1 ELSE 0 END), 0) FROM users",
    ),
    (
        "deactivated accounts",
        "SELECT COUNT(deactivated_at) FROM users",
    ),
    ("deleted accounts", "SELECT COUNT(deleted_at) FROM users"),
    ("held names", "SELECT COUNT(held_name) FROM users"),
    (
        "session epochs",
        "SELECT COALESCE(SUM(session_epoch), 0) FROM users",
    ),
    ("channels", "SELECT COUNT(*) FROM channels"),
    (
        "channel seqs",
        "SELECT COALESCE(SUM(last_seq), 0) FROM channels",
    ),
    ("memberships", "SELECT COUNT(*) FROM memberships"),
    (
        "read markers",
        "SELECT COALESCE(SUM(last_read_seq), 0) FROM memberships",
    ),
    (
        "notification settings",
        "SELECT COUNT(notify) FROM memberships",
    ),
    ("messages", "SELECT COUNT(*) FROM messages"),
    (
        "largest message id",
        "SELECT COALESCE(MAX(id), 0) FROM messages",
    ),
    ("message seqs", "SELECT COALESCE(SUM(seq), 0) FROM messages"),
    (
        "channel revisions",
        "SELECT COALESCE(SUM(last_rev), 0) FROM channels",
    ),
    (
        "message revisions",
        "SELECT COALESCE(SUM(rev), 0) FROM messages",
    ),
    (
        "edited and deleted",
        "SELECT COUNT(edited_at) + COUNT(deleted_at) + COUNT(reply_to) FROM messages",
    ),
    ("reactions", "SELECT COUNT(*) FROM reactions"),
    ("mentions", "SELECT COUNT(*) FROM mentions"),
    ("mention seqs", "SELECT COALESCE(SUM(seq), 0) FROM mentions"),
    (
        "message characters",
        "SELECT COALESCE(SUM(LENGTH(body)), 0) FROM messages",
    ),
    ("sessions", "SELECT COUNT(*) FROM tower_sessions"),
    ("listed sessions", "SELECT COUNT(*) FROM user_sessions"),
    (
        "largest listed session id",
        "SELECT COALESCE(MAX(id), 0) FROM user_sessions",
    ),
    (
        "sessions last seen",
        "SELECT COALESCE(SUM(last_seen_at), 0) FROM user_sessions",
    ),
    (
        "push subscriptions",
        "SELECT COUNT(*) FROM push_subscriptions",
    ),
    ("audit log entries", "SELECT COUNT(*) FROM audit_log"),
    (
        "audit log names",
        "SELECT COALESCE(SUM(LENGTH(target_name)), 0) FROM audit_log",
    ),
    (
        "audit log channels",
        "SELECT COUNT(channel_id) FROM audit_log",
    ),
    ("channel bans", "SELECT COUNT(*) FROM channel_bans"),
    ("blocks", "SELECT COUNT(*) FROM blocks"),
    ("files", "SELECT COUNT(*) FROM files"),
    ("files' bytes", "SELECT COALESCE(SUM(size), 0) FROM files"),
    (
        "files sent",
        "SELECT COALESCE(SUM(message_id), 0) FROM files",
    ),
    ("blobs to collect", "SELECT COUNT(*) FROM orphan_blobs"),
    (
        "group conversations",
        "SELECT COUNT(*) FROM channels WHERE kind = 'group'",
    ),
    (
        "channel topics",
        "SELECT COALESCE(SUM(LENGTH(topic)), 0) FROM channels",
    ),
    (
        "private channels",
        "SELECT COUNT(*) FROM channels WHERE is_private",
    ),
    (
        "archived channels",
        "SELECT COALESCE(SUM(archived_at), 0) FROM channels",
    ),
    (
        "channel roles",
        "SELECT COUNT(*) FROM memberships WHERE role <> 'member'",
    ),
    (
        "timeouts",
        "SELECT COALESCE(SUM(muted_until), 0) FROM memberships",
    ),
    (
        "hidden conversations",
        "SELECT COALESCE(SUM(hidden_seq), 0) FROM memberships",
    ),
    (
        "messages removed by moderators",
        "SELECT COUNT(*) FROM messages WHERE removed",
    ),
    (
        "push endpoints",
        "SELECT COALESCE(SUM(LENGTH(endpoint)), 0) FROM push_subscriptions",
    ),
];

/// Asks both databases every check; the tables' row counts if all agree.
async fn verify(
    sqlite: &SqlitePool,
    postgres: &PgPool,
) -> Result<Vec<(&'static str, i64)>, MoveError> {
    let mut rows = Vec::new();
    for &(what, sql) in CHECKS {
        let on_sqlite: i64 = sqlx::query_scalar(sql).fetch_one(sqlite).await?;
        // PostgreSQL's SUM of integers is numeric: read it as a bigint.
        let on_postgres: i64 = sqlx::query_scalar(&format!("SELECT ({sql})::bigint"))
            .fetch_one(postgres)
            .await?;
        if on_sqlite != on_postgres {
            return Err(MoveError::Mismatch {
                what,
                sqlite: on_sqlite,
                postgres: on_postgres,
            });
        }
        if sql.starts_with("SELECT COUNT(*)") {
            rows.push((what, on_sqlite));
        }
    }
    Ok(rows)
}
