//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use app::model::UserId;
use tokio_util::sync::CancellationToken;

use crate::{
    auth::{attempts::AuthLimits, password::Passwords, session::SessionBackend},
    bus::Bus,
    chat::Pipeline,
    config::Config,
    files::Files,
    hub::Hub,
    limits::TokenBuckets,
    presence::Presence,
    push::VapidKeys,
    store::Store,
    ws::{throttle::Throttle, Admission},
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
    /// This node's WebSocket connections.
    pub hub: Hub,
    /// Where events are published for every node's hub.
    pub bus: Arc<dyn Bus>,
    /// Stores and announces messages, in order.
    pub pipeline: Pipeline,
    /// Files' bytes, and the limits of uploads.
    pub files: Arc<Files>,
    /// The key pair that signs Web Pushes.
    pub push_keys: Arc<VapidKeys>,
    /// Who is online, on this node and (through the database) on others.
    pub presence: Presence,
    /// Message sends per user.
    pub send_limits: Arc<TokenBuckets<UserId>>,
    /// Message searches per user.
    #[from_ref(skip)]
    pub search_limits: Arc<TokenBuckets<UserId>>,
    /// Every other costly request, per user (and typing per channel).
    pub throttle: Arc<Throttle>,
    /// The WebSockets open per user and per address.
    pub admission: Arc<Admission>,
    /// Cancelled when the server shuts down, to close every WebSocket.
    pub shutdown: CancellationToken,
    /// The origin of `cargo leptos watch`'s live-reload socket, which the
    /// page's Content-Security-Policy must admit; `None` outside watch mode.
    pub dev_reload_origin: Option<Arc<str>>,
    /// Renders the metrics, when they are recorded (`--metrics`,
    /// `--metrics-addr`).
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}
