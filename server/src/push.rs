//! Web Push: a DM or a mention reaches its reader with every Banter tab
//! closed.
//!
//! - [`keys`]: the VAPID key pair, made on first start, in the data
//!   directory.
//! - [`subscribe`]: `GET /push/key` and `POST /push/subscriptions`, which
//!   the service worker calls.
//! - [`send`]: after new messages commit, pushing those that call someone
//!   with no connection open.
//! - `service-worker.js`, served at `/sw.js`: subscribes the browser and
//!   shows what is pushed.
//!
//! Subscriptions are kept per session (see `store::push`): log-out and the
//! session sweep forget them.

pub mod keys;
pub mod send;
pub mod subscribe;

use axum::{
    extract::DefaultBodyLimit,
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use http::header;

pub use keys::VapidKeys;
pub use send::Pusher;

use crate::state::AppState;

/// Where the service worker is served: at the root, so that it may watch
/// over every page.
pub const WORKER_PATH: &str = "/sw.js";

/// The largest subscription body taken (a browser's is ~400 bytes).
const MAX_BODY: usize = 4096;

/// What the worker may do: fetch from Banter, nothing else.
const WORKER_POLICY: &str = "default-src 'none'; connect-src 'self'";

/// The routes that need the session (under the session layer).
pub fn session_routes() -> Router<AppState> {
    Router::new()
        .route("/push/key", get(subscribe::public_key))
        .route(
            "/push/subscriptions",
            post(subscribe::subscribe).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
}

/// `GET /sw.js`: the service worker, revalidated on every check so that a
/// new Banter's worker replaces the old one.
pub async fn worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, WORKER_POLICY),
        ],
        include_str!("push/service-worker.js"),
    )
}
