//! What a socket must have before it is served, and keep while it is: a
//! protocol version this server speaks, and a session that still stands.
//! The session is checked once the socket is registered with the hub (a
//! log-out that ran meanwhile found nothing to close) and again whenever it
//! is due to expire: that it is still stored, and still stands (its user
//! was not signed out everywhere or deactivated since).

use std::time::Duration;

use app::{
    model::User,
    protocol::{CLOSE_SESSION_ENDED, CLOSE_VERSION, PROTOCOL_VERSION},
};
use axum::extract::ws::Message;
use futures::Sink;
use tokio::time::Instant;
use tower_sessions::{cookie::time::OffsetDateTime, session::Id as SessionId, SessionStore};

use super::{
    connection::{close_reason, INTERNAL_ERROR},
    writer::Writer,
};
use crate::{auth::session, hub::Registration, state::AppState};

/// The longest a session is waited on before it is checked again.
const MAX_SESSION_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Checks what a new socket must have before it is served: a protocol
/// version this server speaks and a session that still stands. Registers it
/// with the hub, and answers its registration and when its session is next
/// due to be checked; `None` once the socket is closed instead.
pub(super) async fn admit<W: Sink<Message> + Unpin>(
    state: &AppState,
    user: &User,
    session: Option<SessionId>,
    version: Option<u32>,
    sink: &mut Writer<W>,
) -> Option<(Registration, Instant)> {
    if version.is_some_and(|v| v != PROTOCOL_VERSION) {
        let why = "protocol version not supported: reload the page";
        sink.close(CLOSE_VERSION, why).await;
        return None;
    }
    let channels = match state.store.channel_ids_of(user.id).await {
        Ok(channels) => channels,
        Err(error) => {
            tracing::error!(%error, "cannot load the channels of a new connection");
            sink.close(INTERNAL_ERROR, "server error, try again").await;
            return None;
        }
    };
    // Registered before anything is sent, so that no event after this point
    // can be missed; a client that syncs next gets everything before it.
    let registration = state.hub.register(user.id, session, &channels);
    // A log-out that ended the session before the registration closed
    // nothing here: ask the store whether the session still stands.
    match session_expiry(state, session).await {
        Ok(expiry) => Some((registration, expiry)),
        Err(code) => {
            state.hub.unregister(registration.id);
            sink.close(code, close_reason(code)).await;
            None
        }
    }
}

/// When the session behind a socket is next due to be checked: when it
/// expires (at most a day ahead). `Err(close code)` if it has ended or
/// expired, or cannot be read.
pub(super) async fn session_expiry(
    state: &AppState,
    session: Option<SessionId>,
) -> Result<Instant, u16> {
    let Some(id) = session else {
        return Ok(Instant::now() + MAX_SESSION_WAIT);
    };
    let record = match state.sessions.load(&id).await {
        Ok(record) => record,
        Err(error) => {
            tracing::warn!(%error, "cannot read the session of a connection");
            return Err(INTERNAL_ERROR);
        }
    };
    // The session may stand in the store and still have fallen: its user
    // was signed out everywhere, or deactivated.
    let claim = record.as_ref().and_then(session::claim_of);
    let stands = match claim {
        Some(claim) => state.claimed_user(claim, &id.to_string(), None).await,
        None => Ok(None),
    };
    match (record, stands) {
        (Some(record), Ok(Some(_))) => {
            let left = Duration::try_from(record.expiry_date - OffsetDateTime::now_utc())
                .unwrap_or(Duration::ZERO);
            Ok(Instant::now() + left.min(MAX_SESSION_WAIT))
        }
        (_, Ok(_)) => Err(CLOSE_SESSION_ENDED),
        (_, Err(error)) => {
            tracing::warn!(%error, "cannot check the session of a connection");
            Err(INTERNAL_ERROR)
        }
    }
}
