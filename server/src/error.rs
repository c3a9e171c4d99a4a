//! Errors of the server itself, as opposed to what a user may see.

use std::path::PathBuf;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid database URL {url:?}: {source}")]
    DatabaseUrl { url: String, source: sqlx::Error },
    #[error("cannot create the data directory {dir:?}: {source}")]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(sqlx::Error),
    #[error(
        "the database was migrated by a newer version of Banter (it has migration {0}, \
         which this version does not know): run that version, or restore a backup \
         made before the upgrade"
    )]
    NewerDatabase(i64),
    #[error("cannot migrate the database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error(
        "after migrating, rows of the table {0:?} refer to rows that do not exist: \
         restore a backup made before the upgrade"
    )]
    BrokenKeys(String),
    #[error("cannot give existing users their look-alike keys: {0}")]
    LookalikeKeys(String),
    #[error("cannot index the stored messages for search: {0}")]
    SearchIndex(String),
    #[error("cannot register this node's presence: {0}")]
    Presence(String),
    #[error("invalid Leptos configuration: {0}")]
    Leptos(String),
    #[error("cannot lock the database: {0}")]
    Lock(#[from] crate::backup::BackupError),
    #[error("cannot read or make the Web Push key {path:?}: {reason}")]
    PushKey { path: PathBuf, reason: String },
    #[error("cannot open the files' storage: {0}")]
    Files(std::io::Error),
    #[error("cannot record metrics: {0}")]
    Metrics(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

impl From<sqlx::migrate::MigrateError> for StartError {
    /// A database that has a migration this version lacks was upgraded by a
    /// newer version: this one must not run on it (it would not know its
    /// tables), and says so.
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        match error {
            sqlx::migrate::MigrateError::VersionMissing(version) => {
                StartError::NewerDatabase(version)
            }
            error => StartError::Migrate(error),
        }
    }
}

/// Logs an internal error and gives the UI the opaque "something went
/// wrong"; the details stay in the log.
pub fn internal(error: impl std::fmt::Display) -> app::error::AppError {
    tracing::error!(%error, "internal error");
    app::error::AppError::Internal
}

/// [`internal`], for a WebSocket request.
pub fn internal_ws(error: impl std::fmt::Display) -> app::protocol::ProtocolError {
    tracing::error!(%error, "internal error");
    app::protocol::ProtocolError::Internal
}
