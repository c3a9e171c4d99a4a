//! The receiving half of the PostgreSQL bus: one connection that LISTENs,
//! and applies to this node's hub what the other nodes (and the database, for
//! messages) send.
//!
//! When the connection drops, notifications sent meanwhile are lost to this
//! node: every local connection is closed as lagging (its client reconnects
//! and catches up from the database), and the listener reconnects with a
//! growing delay. Until it has, `/readyz` says the bus is down.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use metrics::{counter, histogram};
use sqlx::{
    postgres::{PgListener, PgNotification},
    PgPool,
};
use tokio_util::sync::CancellationToken;

use super::{Notice, CHANNEL};
use crate::{
    bus::{wire::WireEvent, Receiver},
    observe::{BUS_LAG_SECONDS, BUS_RECEIVED},
    store::now_millis,
};

/// The first delay before reconnecting, doubled on each failure.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest delay before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// A connection listening on the bus's channel.
pub(super) async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// What the listening task needs.
pub(super) struct Listener {
    pub pool: PgPool,
    pub hub: Arc<dyn Receiver>,
    /// This node's id: what it sent itself, it has applied already.
    pub node: Arc<str>,
    /// Set while connected.
    pub listening: Arc<AtomicBool>,
}

impl Listener {
    /// Applies what arrives, until `shutdown`.
    pub(super) async fn run(self, mut listener: PgListener, shutdown: CancellationToken) {
        loop {
            let next = tokio::select! {
                () = shutdown.cancelled() => return,
                next = listener.try_recv() => next,
            };
            match next {
                Ok(Some(notification)) => self.receive(&notification).await,
                Ok(None) | Err(_) => {
                    if let Err(error) = next {
                        tracing::warn!(%error, "cannot listen to the other nodes");
                    }
                    self.listening.store(false, Ordering::Relaxed);
                    tracing::warn!("lost the link to the other nodes; clients will resynchronise");
                    self.hub.lost_events();
                    drop(listener);
                    let Some(again) = self.reconnect(&shutdown).await else {
                        return;
                    };
                    listener = again;
                    // Whatever was sent while the link was down is caught up
                    // by clients that reconnect from now on.
                    self.hub.lost_events();
                    self.listening.store(true, Ordering::Relaxed);
                    tracing::info!("listening to the other nodes again");
                }
            }
        }
    }

    /// Connects again, waiting longer after each failure; `None` once
    /// shutting down.
    async fn reconnect(&self, shutdown: &CancellationToken) -> Option<PgListener> {
        let mut backoff = FIRST_BACKOFF;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return None,
                () = tokio::time::sleep(backoff) => {}
            }
            match connect(&self.pool).await {
                Ok(listener) => return Some(listener),
                Err(error) => {
                    tracing::warn!(%error, ?backoff, "cannot listen to the other nodes; retrying");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn receive(&self, notification: &PgNotification) {
        counter!(BUS_RECEIVED).increment(1);
        let notice = match serde_json::from_str::<Notice>(notification.payload()) {
            Ok(Notice::Spilled(id)) => match spilled(&self.pool, id).await {
                Some(notice) => notice,
                None => {
                    self.hub.lost_events();
                    return;
                }
            },
            Ok(notice) => notice,
            Err(error) => {
                tracing::error!(%error, "an event from another node does not parse");
                return;
            }
        };
        let Notice::Events { from, at, events } = notice else {
            return;
        };
        if let Some(at) = at {
            let lag = now_millis().saturating_sub(at).max(0);
            histogram!(BUS_LAG_SECONDS).record(lag as f64 / 1000.0);
        }
        if from.as_deref() == Some(&*self.node) {
            return;
        }
        for event in events {
            match event {
                WireEvent::Unknown => {
                    tracing::debug!("passed over an event of a newer version of Banter");
                }
                event => match event.into_event() {
                    Some(event) => self.hub.receive(event),
                    None => tracing::error!("an event from another node names no valid session"),
                },
            }
        }
    }
}

/// The payload spilled to row `id`, if it is still there and parses.
async fn spilled(pool: &PgPool, id: i64) -> Option<Notice> {
    let payload: Option<String> =
        match sqlx::query_scalar("SELECT payload FROM bus_spill WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
        {
            Ok(payload) => payload,
            Err(error) => {
                tracing::warn!(%error, id, "cannot read a spilled event");
                return None;
            }
        };
    let Some(payload) = payload else {
        tracing::warn!(id, "a spilled event was deleted before this node read it");
        return None;
    };
    match serde_json::from_str(&payload) {
        Ok(notice) => Some(notice),
        Err(error) => {
            tracing::error!(%error, id, "a spilled event does not parse");
            None
        }
    }
}
