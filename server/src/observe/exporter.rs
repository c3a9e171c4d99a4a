//! The Prometheus recorder, and `GET /metrics` where it is served: on the
//! main listener (`--metrics`) or on an address of its own
//! (`--metrics-addr`), which keeps it off the public port.
//!
//! Counters and histograms are recorded as things happen; what is a state
//! rather than an event (open WebSockets, the database pool, the nodes) is
//! read when Prometheus scrapes.

use std::{net::SocketAddr, time::Duration};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use metrics::{describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::{accept, health, state::AppState, StartError};

/// How often histograms are folded into their buckets (which bounds the
/// memory of what has not been scraped yet).
const UPKEEP: Duration = Duration::from_secs(5);

/// Bucket bounds of every `_seconds` histogram: half a millisecond to ten
/// seconds.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Bucket bounds of the pipeline's batch sizes, up to its largest batch.
const BATCH: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// Installs the process's recorder and keeps it tidy until `shutdown`. Once
/// per process: a second call fails.
pub fn install(shutdown: &CancellationToken) -> Result<PrometheusHandle, StartError> {
    let metrics_error = |error: &dyn std::fmt::Display| StartError::Metrics(error.to_string());
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
        .and_then(|builder| {
            builder.set_buckets_for_metric(Matcher::Full(PIPELINE_BATCH.into()), BATCH)
        })
        .map_err(|error| metrics_error(&error))?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|error| metrics_error(&error))?;
    describe();
    let upkeep = handle.clone();
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP);
        loop {
            tokio::select! {
                _ = every.tick() => upkeep.run_upkeep(),
                () = shutdown.cancelled() => return,
            }
        }
    });
    Ok(handle)
}

/// `GET /metrics`: every metric, in Prometheus's text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let Some(handle) = &state.metrics else {
        return StatusCode::NOT_FOUND.into_response();
    };
    read_states(&state).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Binds `addr` and serves `/metrics` (with `/healthz` and `/readyz`) there
/// until `shutdown`.
pub async fn serve_apart(addr: SocketAddr, state: AppState) -> Result<(), StartError> {
    let listener = accept::listen(addr).map_err(|source| StartError::Listen { addr, source })?;
    let timeouts = state.timeouts();
    let shutdown = state.shutdown.clone();
    let router = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state);
    tracing::info!("metrics are served on http://{addr}/metrics");
    tokio::spawn(async move {
        accept::serve(listener, router, timeouts, shutdown.cancelled_owned()).await;
    });
    Ok(())
}

/// Sets the gauges that describe a state, as of now.
async fn read_states(state: &AppState) {
    gauge!(WEBSOCKETS_OPEN).set(state.hub.connections() as f64);
    gauge!(USERS_ONLINE).set(state.hub.users() as f64);
    let pool = state.store.pool();
    gauge!(DB_CONNECTIONS, "state" => "idle").set(f64::from(pool.idle));
    gauge!(DB_CONNECTIONS, "state" => "in_use").set(f64::from(pool.open - pool.idle));
    gauge!(DB_CONNECTIONS_MAX).set(f64::from(pool.max));
    match state.store.node_count().await {
        Ok(nodes) => gauge!(NODES).set(nodes as f64),
        Err(error) => tracing::warn!(%error, "metrics: cannot count the nodes"),
    }
}

/// What each metric means, for Prometheus's `# HELP` lines.
fn describe() {
    describe_gauge!(WEBSOCKETS_OPEN, "WebSockets open on this node");
    describe_gauge!(
        USERS_ONLINE,
        "Users with at least one WebSocket open on this node"
    );
    describe_counter!(
        MESSAGES_STORED,
        "Messages stored by this node (resends of a stored message not counted)"
    );
    describe_counter!(
        MESSAGES_CHANGED,
        "Edits, deletes and reactions made by this node (changes that changed nothing not counted)"
    );
    describe_counter!(DELIVERIES, "Frames written to WebSockets by this node");
    describe_counter!(WS_REQUESTS, "WebSocket requests answered, by request type");
    describe_counter!(
        WS_REQUEST_ERRORS,
        "WebSocket requests answered with an error, by request type and error"
    );
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method and status"
    );
    describe_histogram!(
        FANOUT_SECONDS,
        Unit::Seconds,
        "From an event's frame being made (after its commit, or on arrival from another node) to its write to a WebSocket"
    );
    describe_histogram!(
        WS_REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer a WebSocket request, by request type"
    );
    describe_histogram!(
        HTTP_REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer an HTTP request (to its headers)"
    );
    describe_counter!(
        LAGGING_CLOSES,
        "WebSockets closed for falling behind (4008): their clients catch up"
    );
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by limit");
    describe_counter!(
        SIGN_INS,
        "Log-ins, by outcome (ok, refused, limited, error)"
    );
    describe_counter!(
        SIGN_UPS,
        "Sign-ups, by outcome (ok, refused, limited, error)"
    );
    describe_gauge!(
        DB_CONNECTIONS,
        "Database connections of the main pool, idle and in use"
    );
    describe_gauge!(
        DB_CONNECTIONS_MAX,
        "The most connections the main pool opens"
    );
    describe_histogram!(
        DB_BEGIN_SECONDS,
        Unit::Seconds,
        "Time to begin a write transaction: waiting for a pool connection (and, on SQLite, the write lock)"
    );
    describe_histogram!(
        PIPELINE_BATCH,
        Unit::Count,
        "Messages stored per transaction by the pipeline"
    );
    describe_counter!(
        BUS_SENT,
        "Notifications this node sent to the others (PostgreSQL)"
    );
    describe_counter!(
        BUS_RECEIVED,
        "Notifications this node received (PostgreSQL)"
    );
    describe_histogram!(
        BUS_LAG_SECONDS,
        Unit::Seconds,
        "From a notification's sending to its arrival here, by the senders' clocks (PostgreSQL)"
    );
    describe_gauge!(NODES, "Nodes sharing the database, by their heartbeats");
    describe_histogram!(
        SEARCH_SECONDS,
        Unit::Seconds,
        "Time to find a page of search results in the database"
    );
    describe_counter!(
        SEARCHES_TIMED_OUT_TOTAL,
        "Searches stopped for running past their time"
    );
}
