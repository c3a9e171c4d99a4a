//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use crate::config::Config;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
    pub db: SqlitePool,
    /// The origin of `cargo leptos watch`'s live-reload socket, which the
    /// page's Content-Security-Policy must admit; `None` outside watch mode.
    pub dev_reload_origin: Option<Arc<str>>,
}
