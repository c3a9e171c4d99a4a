//! `GET /healthz` and `GET /readyz`, for load balancers and monitoring.
//!
//! `/healthz` is liveness: the process serves and its database answers.
//! `/readyz` is readiness: whether this node should be sent users now. It is
//! not while the bus to the other nodes is down (PostgreSQL), nor once a
//! graceful shutdown has begun, so that a load balancer drains the node.

use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

use crate::state::AppState;

/// The health report.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    database: &'static str,
}

/// The readiness report: each part, and the whole.
#[derive(Debug, Serialize)]
pub struct Readiness {
    status: &'static str,
    database: &'static str,
    bus: &'static str,
    serving: &'static str,
}

/// 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = database(&state).await;
    let (code, status) = verdict(database == "ok");
    (code, Json(Health { status, database }))
}

/// 200 when the database answers, the bus listens and the node is not
/// shutting down; 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let database = database(&state).await;
    let bus = if state.bus.ready() { "ok" } else { "down" };
    let serving = if state.shutdown.is_cancelled() {
        "stopping"
    } else {
        "ok"
    };
    let (code, status) = verdict(database == "ok" && bus == "ok" && serving == "ok");
    let report = Readiness {
        status,
        database,
        bus,
        serving,
    };
    (code, Json(report))
}

async fn database(state: &AppState) -> &'static str {
    match state.store.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            "unreachable"
        }
    }
}

fn verdict(ok: bool) -> (StatusCode, &'static str) {
    match ok {
        true => (StatusCode::OK, "ok"),
        false => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
    }
}
