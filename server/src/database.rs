//! The database, picked by its URL, and what depends on which one it is: the
//! store, the session store and the bus.
//!
//! SQLite (the default) serves one node, whose bus is its own hub.
//! PostgreSQL may be shared by several nodes, which hear each other's events
//! through it.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::{
    auth::session::SessionBackend,
    bus::{postgres::PgBus, Bus, LocalBus},
    error::StartError,
    hub::Hub,
    store::{postgres::PgStore, sqlite::SqliteStore, Store},
};

/// What the rest of the server gets from the database.
pub struct Database {
    pub store: Arc<dyn Store>,
    pub sessions: SessionBackend,
    pub bus: Arc<dyn Bus>,
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Database {
    /// Opens the database at `url` (migrating it) and starts its bus, which
    /// runs until `shutdown`.
    pub async fn open(
        url: &str,
        hub: &Hub,
        shutdown: &CancellationToken,
    ) -> Result<Self, StartError> {
        let database = if is_postgres(url) {
            let store = PgStore::open(url).await?;
            let sessions = SessionBackend::postgres(store.pool().clone());
            let bus = PgBus::start(store.pool().clone(), hub.clone(), shutdown.clone())
                .await
                .map_err(StartError::Database)?;
            Database {
                store: Arc::new(store),
                sessions,
                bus: Arc::new(bus),
            }
        } else {
            let store = SqliteStore::open(url).await?;
            let sessions = SessionBackend::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(
                store.pool().clone(),
            ));
            Database {
                store: Arc::new(store),
                sessions,
                bus: Arc::new(LocalBus::new(hub.clone())),
            }
        };
        database
            .sessions
            .migrate()
            .await
            .map_err(StartError::Database)?;
        Ok(database)
    }
}
