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
    store::{db::Db, SqlStore, Store},
};

/// What the rest of the server gets from the database.
pub struct Database {
    pub store: Arc<dyn Store>,
    pub sessions: SessionBackend,
    pub bus: Arc<dyn Bus>,
}

impl Database {
    /// Opens the database at `url` (migrating it) and starts its bus, which
    /// runs until `shutdown`.
    pub async fn open(
        url: &str,
        hub: &Hub,
        shutdown: &CancellationToken,
    ) -> Result<Self, StartError> {
        let store = SqlStore::open(url).await?;
        let hub = Arc::new(hub.clone());
        let (sessions, bus): (_, Arc<dyn Bus>) = match store.db() {
            Db::Postgres(pool) => {
                let bus = PgBus::start(pool.clone(), hub, shutdown.clone())
                    .await
                    .map_err(StartError::Database)?;
                (SessionBackend::postgres(pool.clone()), Arc::new(bus))
            }
            Db::Sqlite(pool) => (
                SessionBackend::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(pool.clone())),
                Arc::new(LocalBus::new(hub)),
            ),
        };
        sessions.migrate().await.map_err(StartError::Database)?;
        Ok(Database {
            store: Arc::new(store),
            sessions,
            bus,
        })
    }
}
