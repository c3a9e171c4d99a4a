//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{
    auth::{limits::AuthLimits, password::Passwords, session::SessionBackend},
    config::Config,
    store::Store,
};

/// Everything a request handler may need; cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
    /// All stored data, whichever database holds it.
    pub store: Arc<dyn Store>,
    /// Where sessions are kept: the same database.
    pub sessions: SessionBackend,
    pub passwords: Passwords,
    pub limits: Arc<AuthLimits>,
    /// The origin of `cargo leptos watch`'s live-reload socket, which the
    /// page's Content-Security-Policy must admit; `None` outside watch mode.
    pub dev_reload_origin: Option<Arc<str>>,
}
