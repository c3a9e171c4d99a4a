//! Banter's server: an axum application that renders the Leptos app, serves
//! its files, and (in later layers) authenticates users and pushes chat events.
//!
//! # Layout
//! - [`config`]: flags and `BANTER_…` environment variables.
//! - [`db`]: opening and migrating the database.
//! - [`state`]: [`AppState`], shared by every handler.
//! - [`security`]: security headers and the per-response CSP nonce.
//! - [`assets`]: static files and their cache lifetimes.
//! - [`health`]: `GET /healthz`.
//! - [`shutdown`]: graceful shutdown on signals.
//! - [`error`]: why the server could not start.
//!
//! `main.rs` only parses the configuration and calls [`serve`]; tests call
//! [`router`] on a listener of their own.

pub mod assets;
pub mod config;
pub mod db;
pub mod error;
pub mod health;
pub mod security;
pub mod shutdown;
pub mod state;

use std::sync::Arc;

use axum::{routing::get, Router};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

pub use crate::{config::Config, error::StartError, state::AppState};

/// Builds the whole application for `state`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let leptos = state.leptos.clone();

    Router::new()
        .route("/healthz", get(health::healthz))
        .merge(assets::pkg_routes(&leptos))
        .leptos_routes_with_context(&state, routes, page_context, {
            let leptos = leptos.clone();
            move || app::shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, app::shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Context for every page render and server function call.
fn page_context() {
    security::provide_request_nonce();
}

/// The Leptos options: from cargo-leptos's environment when it runs the
/// server, with defaults that let the binary run on its own.
pub fn leptos_options() -> Result<LeptosOptions, StartError> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|error| StartError::Leptos(error.to_string()))?
        .leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "banter".into();
    }
    let hash_file = assets::hash_file_present(&options);
    if options.hash_files && !hash_file {
        // Leptos would panic on every page while looking for the hashes.
        tracing::warn!("LEPTOS_HASH_FILES is set but no hash file is next to the binary; serving unhashed file names");
    }
    options.hash_files = hash_file;
    Ok(options)
}

impl AppState {
    /// Opens the database and assembles the state for `config`.
    pub async fn open(config: Config, leptos: LeptosOptions) -> Result<Self, StartError> {
        let db = db::open(&config).await?;
        let dev_reload_origin = std::env::var_os("LEPTOS_WATCH").map(|_| {
            let host = leptos.site_addr.ip();
            Arc::from(format!("ws://{host}:{}", leptos.reload_port))
        });
        Ok(Self {
            config: Arc::new(config),
            leptos,
            db,
            dev_reload_origin,
        })
    }
}

/// Runs Banter until a shutdown signal arrives.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let leptos = leptos_options()?;
    let addr = config.addr.unwrap_or(leptos.site_addr);
    let state = AppState::open(config, leptos).await?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })?;
    tracing::info!("Banter is listening on http://{addr}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown::signal())
        .await
        .map_err(StartError::Serve)?;
    tracing::info!("Banter has stopped");
    Ok(())
}
