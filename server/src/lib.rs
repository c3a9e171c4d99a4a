//! Banter's server: an axum application that renders the Leptos app, serves
//! its files, signs users in, and pushes chat events over WebSockets.
//!
//! # Layout
//! - [`config`]: flags and `BANTER_…` environment variables.
//! - [`accept`]: accepting connections and serving HTTP on them, with the
//!   header and request timeouts.
//! - [`database`]: picks SQLite or PostgreSQL from the URL, with its store,
//!   session store and bus.
//! - [`store`]: all SQL, behind one interface, written once for SQLite (the
//!   default) and PostgreSQL (for several nodes).
//! - [`auth`]: accounts, passwords, sessions, attempt limits, the same-site
//!   check, and who may see which page.
//! - [`chat`]: messages, channels, conversations, read markers; the message
//!   pipeline that stores in batches and announces in order.
//! - [`ws`]: the WebSocket endpoint and its per-connection task.
//! - [`hub`]: this node's connections and what each listens to.
//! - [`presence`]: who is online, with a grace delay, across nodes.
//! - [`bus`]: how events reach every node's hub.
//! - [`files`]: uploads and downloads of files, and where their bytes live.
//! - [`push`]: Web Push to readers with no tab open, and the service worker.
//! - [`frame`]: server messages serialised once for every connection.
//! - [`limits`]: in-memory rate limits.
//! - [`seed`]: `banter seed`, users and sessions for load tests.
//! - [`backup`]: `banter backup` and `banter restore` (SQLite).
//! - [`to_postgres`]: `banter migrate-to`, from SQLite to PostgreSQL.
//! - [`backend`]: the bodies of the UI's server functions.
//! - [`state`]: [`AppState`], shared by every handler.
//! - [`security`]: security headers and the per-response CSP nonce.
//! - [`assets`]: static files and their cache lifetimes.
//! - [`health`]: `GET /healthz` (liveness) and `GET /readyz` (readiness).
//! - [`observe`]: Prometheus metrics, request ids and spans, the log format.
//! - [`shutdown`]: graceful shutdown on signals.
//! - [`error`]: why the server could not start; internal errors.
//!
//! `main.rs` only parses the configuration and calls [`serve`]; tests call
//! [`router`] on a listener of their own.

pub mod accept;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod backend;
pub mod backup;
pub mod bus;
pub mod chat;
pub mod config;
pub mod database;
pub mod error;
pub mod files;
pub mod frame;
pub mod health;
pub mod hub;
pub mod limits;
pub mod observe;
pub mod presence;
pub mod push;
pub mod security;
pub mod seed;
pub mod shutdown;
pub mod state;
pub mod store;
pub mod to_postgres;
pub mod ws;

use std::{sync::Arc, time::Duration};

use axum::{
    middleware::{from_fn, from_fn_with_state},
    routing::get,
    Router,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{generate_route_list, LeptosRoutes};

use tokio_util::sync::CancellationToken;
use tower_http::compression::CompressionLayer;
use tower_sessions::ExpiredDeletion;

use crate::{
    auth::{attempts::AuthLimits, password::Passwords, session},
    chat::Pipeline,
    database::Database,
    hub::Hub,
    limits::TokenBuckets,
    presence::Presence,
    ws::{throttle::Throttle, Admission},
};
pub use crate::{config::Config, error::StartError, state::AppState};

/// How often expired sessions are deleted.
const SESSION_SWEEP: Duration = Duration::from_secs(60 * 60);

/// Builds the whole application for `state`.
pub fn router(state: AppState) -> Router {
    let leptos = state.leptos.clone();
    let context = page_context(&state);

    // Pages, server functions and the WebSocket: they need the session, and
    // only same-site requests may change anything.
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes(), context.clone(), {
            let leptos = leptos.clone();
            move || app::shell(leptos.clone())
        })
        .route_layer(from_fn_with_state(state.clone(), auth::guard::pages))
        .route(app::protocol::WS_PATH, get(ws::upgrade))
        .route(app::chat::RESULTS_PATH, get(chat::search::results))
        .route(app::chat::BLOCKED_IDS_PATH, get(chat::blocks::blocked_ids))
        .merge(push::session_routes())
        .merge(files::routes())
        .layer(from_fn_with_state(
            state.clone(),
            auth::origin::same_site_writes,
        ))
        .layer(session::layer(
            state.sessions.clone(),
            state.config.is_https(),
        ));

    let mut router = Router::new()
        // The administrators' pages are among the settings.
        .route(
            "/admin",
            get(|| async { axum::response::Redirect::to(app::chat::ADMIN_PATH) }),
        )
        .route(
            "/admin/audit",
            get(|| async { axum::response::Redirect::to(app::chat::AUDIT_PATH) }),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(app::protocol::EMOJI_PATH, get(assets::emoji_list))
        .route(push::WORKER_PATH, get(push::worker));
    if state.config.metrics {
        router = router.route("/metrics", get(observe::exporter::metrics));
    }
    router
        .merge(assets::pkg_routes(&leptos))
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(CompressionLayer::new().compress_when(files::download::compressible()))
        .layer(from_fn(observe::requests::observe))
        .with_state(state)
}

/// The app's routes, generated once per process. Generating them runs the
/// app with resource loading suppressed process-wide (a flag of
/// leptos_server's), and a page whose resource is first polled meanwhile
/// waits for it for good: so a router made while another serves (as the
/// tests do, many servers to a process) must not generate them again.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Context for every page render and server function call: the nonce of the
/// response and the backend the server functions call.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let backend: Arc<dyn app::backend::Backend> = Arc::new(state.clone());
    move || {
        security::provide_request_nonce();
        provide_context(backend.clone());
    }
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
        tracing::warn!(
            "LEPTOS_HASH_FILES is set but no hash file is next to the binary; \
             serving unhashed file names"
        );
    }
    options.hash_files = hash_file;
    Ok(options)
}

impl AppState {
    /// Opens the database and assembles the state for `config`.
    pub async fn open(config: Config, leptos: LeptosOptions) -> Result<Self, StartError> {
        let hub = Hub::default();
        let shutdown = CancellationToken::new();
        tokio::spawn(hub.clone().send_held_changes(shutdown.clone()));
        let Database {
            store,
            sessions,
            bus,
        } = Database::open(&config.database_url(), &hub, &shutdown).await?;
        auth::accounts::backfill_lookalike_keys(store.as_ref())
            .await
            .map_err(|error| StartError::LookalikeKeys(error.to_string()))?;
        chat::search::index_backlog(store.as_ref())
            .await
            .map_err(|error| StartError::SearchIndex(error.to_string()))?;
        let presence = Presence::new(store.clone(), bus.clone(), config.presence_grace());
        presence
            .start(shutdown.clone())
            .await
            .map_err(|error| StartError::Presence(error.to_string()))?;
        let metrics = match config.records_metrics() {
            true => Some(observe::exporter::install(&shutdown)?),
            false => None,
        };
        let push_keys = Arc::new(push::VapidKeys::load_or_create(&config.data_dir)?);
        let pusher = push::Pusher::start(store.clone(), push_keys.clone(), config.push_contact());
        let dev_reload_origin = std::env::var_os("LEPTOS_WATCH").map(|_| {
            let host = leptos.site_addr.ip();
            Arc::from(format!("ws://{host}:{}", leptos.reload_port))
        });
        match store.any_account().await {
            Ok(false) => tracing::info!(
                "no accounts yet: the first account to sign up becomes an administrator"
            ),
            Ok(true) => {}
            Err(error) => tracing::warn!(%error, "cannot tell whether any account exists"),
        }
        let blobs: Arc<dyn files::Blobs> = match &config.storage_url {
            Some(url) => Arc::new(
                files::s3::S3Blobs::open(
                    url,
                    &config.storage_options,
                    config.files_dir().join("staging"),
                )
                .await
                .map_err(StartError::Files)?,
            ),
            None => Arc::new(
                files::blobs::DirBlobs::open(config.files_dir()).map_err(StartError::Files)?,
            ),
        };
        tokio::spawn(files::collect::run(
            store.clone(),
            blobs.clone(),
            config.collect_files_every(),
            shutdown.clone(),
        ));
        let state = Self {
            files: Arc::new(files::Files::new(&config, blobs)),
            limits: Arc::new(AuthLimits::new(&config)),
            send_limits: Arc::new(TokenBuckets::new(config.send_rate, config.send_burst)),
            search_limits: Arc::new(TokenBuckets::for_rate(config.rate_search)),
            throttle: Arc::new(Throttle::new(&config)),
            admission: Arc::new(Admission::new(
                config.max_connections_per_user,
                config.max_connections_per_address,
            )),
            config: Arc::new(config),
            leptos,
            pipeline: Pipeline::start(store.clone(), bus.clone(), pusher),
            push_keys,
            presence,
            store,
            sessions,
            passwords: Passwords::default(),
            hub,
            bus,
            shutdown,
            dev_reload_origin,
            metrics,
        };
        tokio::spawn(auth::sign_out::watch_sign_outs(state.clone()));
        Ok(state)
    }

    /// The time limits of HTTP connections.
    pub fn timeouts(&self) -> accept::Timeouts {
        accept::Timeouts {
            headers: self.config.header_timeout(),
            request: self.config.request_timeout(),
        }
    }

    /// Deletes the sessions whose expiry has passed, and what belonged to
    /// them (their listing, their push subscriptions).
    pub async fn delete_expired_sessions(
        &self,
    ) -> Result<(), tower_sessions::session_store::Error> {
        self.sessions.delete_expired().await?;
        match self.store.forget_ended_sessions().await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "forgot what belonged to expired sessions"),
            Err(error) => {
                tracing::error!(%error, "cannot forget what belonged to expired sessions")
            }
        }
        Ok(())
    }

    /// Deletes expired sessions every `every`, for good.
    async fn sweep_sessions(self, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            if let Err(error) = self.delete_expired_sessions().await {
                tracing::error!(%error, "cannot delete expired sessions");
            }
        }
    }
}

/// Every WebSocket holds a file descriptor: raises the soft limit on open
/// files to the hard limit, and says so.
fn raise_open_file_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::info!(limit, "open-file limit raised to the hard limit"),
        Err(error) => tracing::warn!(%error, "cannot raise the open-file limit"),
    }
}

/// Runs Banter until a shutdown signal arrives.
pub async fn serve(config: Config) -> Result<(), StartError> {
    raise_open_file_limit();

    let leptos = leptos_options()?;
    let addr = config.addr.unwrap_or(leptos.site_addr);
    // Held while serving: no restore, and no second server, on this SQLite
    // database meanwhile.
    let _lock = backup::DatabaseLock::take(&config)?;
    let state = AppState::open(config, leptos).await?;
    let listener = accept::listen(addr).map_err(|source| StartError::Listen { addr, source })?;
    if let Some(metrics_addr) = state.config.metrics_addr {
        observe::exporter::serve_apart(metrics_addr, state.clone()).await?;
    }

    let sweeper = tokio::spawn(state.clone().sweep_sessions(SESSION_SWEEP));

    tracing::info!("Banter is listening on http://{addr}");
    // WebSockets never end by themselves: the shutdown token closes them so
    // that the graceful shutdown can finish.
    let shutdown = state.shutdown.clone();
    let presence = state.presence.clone();
    let timeouts = state.timeouts();
    let deadline = state.config.shutdown_timeout();
    let serving = accept::serve(listener, router(state), timeouts, {
        let shutdown = shutdown.clone();
        async move {
            shutdown::signal().await;
            shutdown.cancel();
        }
    });
    tokio::pin!(serving);
    // Once asked to stop, the connections have `deadline` to finish.
    let stopping = async {
        shutdown.cancelled().await;
        tokio::time::sleep(deadline).await;
    };
    tokio::select! {
        () = &mut serving => {}
        () = stopping => tracing::warn!(?deadline, "connections still open at the shutdown deadline; exiting anyway"),
    }

    sweeper.abort();
    presence.stop().await;
    tracing::info!("Banter has stopped");
    Ok(())
}
