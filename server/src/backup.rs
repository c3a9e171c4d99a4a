//! `banter backup` and `banter restore`, for Banter on SQLite (on PostgreSQL,
//! `pg_dump` and `pg_restore` do this; see the README).
//!
//! A backup is SQLite's `VACUUM INTO`: it reads the database in one read
//! transaction, so the copy is the database as it stood at one instant,
//! while the server goes on serving (in WAL mode the writer never waits for
//! a reader). Every message acknowledged before the backup began is in it.
//! The copy is then checked (`PRAGMA integrity_check`) and counted.
//!
//! A restore checks the backup the same way, then puts it in place of the
//! database, atomically (a copy beside it, synced, then renamed over it).
//! The database it replaces is kept beside it, renamed, never deleted. It
//! refuses while the database is in use: a serving `banter` holds a lock
//! on `<database>.lock` for as long as it runs (which also keeps a second
//! server off the same SQLite file, where it would never hear the first's
//! messages), and a restore takes that lock first.

use std::{
    fs::{File, OpenOptions, TryLockError},
    path::{Path, PathBuf},
    str::FromStr,
};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteConnection},
    ConnectOptions, Connection,
};

use crate::config::Config;

/// Why a backup or a restore could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the database is on PostgreSQL: use pg_dump and pg_restore (see the README)")]
    NotSqlite,
    #[error("invalid database URL {url:?}: {source}")]
    DatabaseUrl { url: String, source: sqlx::Error },
    #[error("there is no database at {0:?}")]
    NoDatabase(PathBuf),
    #[error("{0:?} exists already: a backup never overwrites a file")]
    TargetExists(PathBuf),
    #[error("{0:?} is not a UTF-8 path")]
    Path(PathBuf),
    #[error("{path:?} is not a sound Banter database: {reason}")]
    Unsound { path: PathBuf, reason: String },
    #[error("the database {0:?} is in use by a running banter: stop it first")]
    InUse(PathBuf),
    #[error("{path:?}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a checked database holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub users: i64,
    pub channels: i64,
    pub messages: i64,
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub counts: Counts,
    pub database: PathBuf,
    /// Where the database it replaced was put.
    pub replaced: Option<PathBuf>,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Counts {
            users,
            channels,
            messages,
        } = self;
        write!(f, "{users} users, {channels} channels, {messages} messages")
    }
}

impl std::fmt::Display for Restored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "restored {} ({})", self.database.display(), self.counts)?;
        match &self.replaced {
            Some(replaced) => write!(
                f,
                "; the database it replaced is now {}",
                replaced.display()
            ),
            None => Ok(()),
        }
    }
}

/// The lock a serving `banter` holds on its SQLite database.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

impl DatabaseLock {
    /// Takes the lock of `config`'s database; `None` on PostgreSQL or an
    /// in-memory database.
    pub fn take(config: &Config) -> Result<Option<Self>, BackupError> {
        match sqlite_file(&config.database_url()) {
            Ok(Some(database)) => Self::take_for(&database).map(Some),
            Ok(None) | Err(BackupError::NotSqlite) => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub(crate) fn take_for(database: &Path) -> Result<Self, BackupError> {
        let path = lock_path(database);
        let io = |source| BackupError::Io {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(BackupError::InUse(database.to_owned())),
            Err(TryLockError::Error(source)) => Err(io(source)),
        }
    }
}

/// Copies `config`'s database, as it is now, to `to`, and checks the copy.
pub async fn backup(config: &Config, to: &Path) -> Result<Counts, BackupError> {
    let database = existing_database(config)?;
    if to.exists() {
        return Err(BackupError::TargetExists(to.to_owned()));
    }
    let target = to
        .to_str()
        .ok_or_else(|| BackupError::Path(to.to_owned()))?;
    let mut db = open(&database).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut db)
        .await?;
    db.close().await?;
    check(to).await
}

/// Puts the backup `from` in place of `config`'s database, once it is
/// checked and nothing serves the database.
pub async fn restore(config: &Config, from: &Path) -> Result<Restored, BackupError> {
    let database = sqlite_file(&config.database_url())?.ok_or(BackupError::NotSqlite)?;
    let counts = check(from).await?;
    let _lock = DatabaseLock::take_for(&database)?;

    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::Io { path, source }
    };
    let incoming = sibling(&database, ".restoring");
    std::fs::copy(from, &incoming).map_err(io(&incoming))?;
    File::open(&incoming)
        .and_then(|file| file.sync_all())
        .map_err(io(&incoming))?;
    let replaced = match database.exists() {
        true => Some(put_aside(&database)?),
        false => None,
    };
    std::fs::rename(&incoming, &database).map_err(io(&database))?;
    Ok(Restored {
        counts,
        database,
        replaced,
    })
}

/// Checks that `path` is a sound Banter database, and counts what it holds.
pub async fn check(path: &Path) -> Result<Counts, BackupError> {
    let unsound = |reason: String| BackupError::Unsound {
        path: path.to_owned(),
        reason,
    };
    if !path.is_file() {
        return Err(BackupError::NoDatabase(path.to_owned()));
    }
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut db = options.connect().await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .map_err(|error| unsound(error.to_string()))?;
    if integrity != "ok" {
        return Err(unsound(integrity));
    }
    let mut count = async |table: &str| {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut db)
            .await
            .map_err(|_| unsound(format!("it has no {table} table")))
    };
    let counts = Counts {
        users: count("users").await?,
        channels: count("channels").await?,
        messages: count("messages").await?,
    };
    db.close().await?;
    Ok(counts)
}

/// The file of a SQLite database URL; `None` for an in-memory one.
fn sqlite_file(url: &str) -> Result<Option<PathBuf>, BackupError> {
    if !url.starts_with("sqlite:") {
        return Err(BackupError::NotSqlite);
    }
    let options =
        SqliteConnectOptions::from_str(url).map_err(|source| BackupError::DatabaseUrl {
            url: url.to_owned(),
            source,
        })?;
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    Ok((!in_memory).then(|| options.get_filename().to_owned()))
}

pub(crate) fn existing_database(config: &Config) -> Result<PathBuf, BackupError> {
    let database = sqlite_file(&config.database_url())?.ok_or(BackupError::NotSqlite)?;
    match database.is_file() {
        true => Ok(database),
        false => Err(BackupError::NoDatabase(database)),
    }
}

/// A connection to the database at `path`, which must exist; it waits its
/// turn behind a writer instead of failing.
async fn open(path: &Path) -> Result<SqliteConnection, BackupError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(std::time::Duration::from_secs(30));
    Ok(options.connect().await?)
}

/// Renames the database at `database`, with its WAL and shared-memory files,
/// to a name of its own beside it; returns the new name of the database.
fn put_aside(database: &Path) -> Result<PathBuf, BackupError> {
    let aside = sibling(
        database,
        &format!(".replaced-{}", crate::store::now_millis()),
    );
    for suffix in ["-wal", "-shm", ""] {
        let from = sibling(database, suffix);
        if from.exists() {
            let to = sibling(&aside, suffix);
            std::fs::rename(&from, &to).map_err(|source| BackupError::Io { path: from, source })?;
        }
    }
    Ok(aside)
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the lock of the database at `database` lives.
fn lock_path(database: &Path) -> PathBuf {
    sibling(database, ".lock")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_files_have_a_file() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/banter/banter.db").unwrap(),
            Some(PathBuf::from("/var/lib/banter/banter.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:").unwrap(), None);
        assert!(matches!(
            sqlite_file("postgres://localhost/banter"),
            Err(BackupError::NotSqlite)
        ));
    }

    #[test]
    fn a_second_lock_on_one_database_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("data").join("banter.db");
        let first = DatabaseLock::take_for(&database).unwrap();
        assert!(matches!(
            DatabaseLock::take_for(&database),
            Err(BackupError::InUse(path)) if path == database
        ));
        drop(first);
        DatabaseLock::take_for(&database).unwrap();
    }
}
