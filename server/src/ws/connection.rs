//! One task per WebSocket: a single `select!` over the hub's frames for this
//! connection, the frames the client sends, a heartbeat, the hub's request to
//! close, and server shutdown.
//!
//! The loop is written over any `Stream + Sink` of WebSocket messages, so it
//! does not depend on how the socket was made.

use std::time::Duration;

use app::{
    model::User,
    protocol::{
        ClientMsg, ProtocolError, ReqId, ServerMsg, CLOSE_LAGGING, CLOSE_SESSION_ENDED,
        CLOSE_VERSION, MAX_FRAME_BYTES, PROTOCOL_VERSION,
    },
};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures::{Sink, SinkExt, Stream, StreamExt};
use tokio::time::{interval, Instant, MissedTickBehavior};
use tower_sessions::session::Id as SessionId;

use super::requests::{self, Caller};

use crate::{
    hub::{encode, CloseReason},
    state::AppState,
};

/// How often the server pings; a browser answers pings by itself.
pub const HEARTBEAT: Duration = Duration::from_secs(30);

/// A connection that sends nothing (not even a pong) for this long is dead.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// Standard close codes (RFC 6455).
const GOING_AWAY: u16 = 1001;
const TOO_BIG: u16 = 1009;
const INTERNAL_ERROR: u16 = 1011;
const SERVICE_RESTART: u16 = 1012;

/// Serves one WebSocket until either side ends it.
pub async fn run<S>(
    state: AppState,
    user: User,
    session: Option<SessionId>,
    version: Option<u32>,
    socket: S,
) where
    S: Stream<Item = Result<Message, axum::Error>>
        + Sink<Message, Error = axum::Error>
        + Send
        + 'static,
{
    let (mut sink, mut stream) = socket.split();

    if version.is_some_and(|v| v != PROTOCOL_VERSION) {
        close(
            &mut sink,
            CLOSE_VERSION,
            "protocol version not supported: reload the page",
        )
        .await;
        return;
    }
    let channels = match state.store.channel_ids_of(user.id).await {
        Ok(channels) => channels,
        Err(error) => {
            tracing::error!(%error, "cannot load the channels of a new connection");
            close(&mut sink, INTERNAL_ERROR, "server error, try again").await;
            return;
        }
    };
    // Registered before anything is sent, so that no event after this point
    // can be missed; a client that syncs next gets everything before it.
    let mut registration = state.hub.register(user.id, session, &channels);
    tracing::debug!(user = %user.id, conn = registration.id, "connected");
    state.presence.connected(user.id).await;
    let mut caller = Caller::new(registration.id, user.clone());

    let welcome = ServerMsg::Welcome {
        version: PROTOCOL_VERSION,
        user: user.clone(),
    };
    let mut open = send(&mut sink, &welcome).await;

    let mut heartbeat = interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    heartbeat.reset();
    let mut last_heard = Instant::now();

    while open {
        tokio::select! {
            reason = registration.close.closed() => {
                let (code, why) = match reason {
                    CloseReason::SessionEnded => (CLOSE_SESSION_ENDED, "signed out"),
                    CloseReason::Lagging => (CLOSE_LAGGING, "too far behind: reconnect"),
                };
                close(&mut sink, code, why).await;
                break;
            }
            () = state.shutdown.cancelled() => {
                close(&mut sink, SERVICE_RESTART, "server restarting").await;
                break;
            }
            frame = registration.frames.recv() => match frame {
                Some(frame) => open = sink.send(Message::Text(frame)).await.is_ok(),
                None => break,
            },
            inbound = stream.next() => {
                last_heard = Instant::now();
                open = match inbound {
                    Some(Ok(Message::Text(text))) => {
                        let reply = answer(&state, &mut caller, &text).await;
                        send(&mut sink, &reply).await
                    }
                    Some(Ok(Message::Binary(_))) => {
                        let error = ProtocolError::BadRequest { detail: "frames must be JSON text".into() };
                        send(&mut sink, &ServerMsg::Error { req: None, error }).await
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => true,
                    Some(Ok(Message::Close(_))) | None => false,
                    Some(Err(error)) => {
                        if is_too_big(&error) {
                            let why = format!("frame too large: the limit is {MAX_FRAME_BYTES} bytes");
                            close(&mut sink, TOO_BIG, &why).await;
                        }
                        false
                    }
                };
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > IDLE_TIMEOUT {
                    close(&mut sink, GOING_AWAY, "no heartbeat").await;
                    break;
                }
                open = sink.send(Message::Ping(Default::default())).await.is_ok();
            }
        }
    }

    state.hub.unregister(registration.id);
    caller.stop_typing(&state);
    state.presence.disconnected(user.id).await;
    tracing::debug!(user = %user.id, conn = registration.id, "disconnected");
}

/// Reads one request and answers it.
async fn answer(state: &AppState, caller: &mut Caller, text: &str) -> ServerMsg {
    match serde_json::from_str::<ClientMsg>(text) {
        Ok(message) => requests::answer(state, caller, message).await,
        Err(error) => ServerMsg::Error {
            req: request_id(text),
            error: ProtocolError::BadRequest {
                detail: error.to_string(),
            },
        },
    }
}

/// The `req` of a frame that is JSON but not a valid request, so that the
/// client can match the error to what it sent.
fn request_id(text: &str) -> Option<ReqId> {
    #[derive(serde::Deserialize)]
    struct Req {
        req: ReqId,
    }
    serde_json::from_str::<Req>(text).ok().map(|r| r.req)
}

/// Sends one message; `false` once the socket is gone.
async fn send<S>(sink: &mut S, message: &ServerMsg) -> bool
where
    S: Sink<Message> + Unpin,
{
    match encode(message) {
        Some(frame) => sink.send(Message::Text(frame)).await.is_ok(),
        None => true,
    }
}

async fn close<S>(sink: &mut S, code: u16, reason: &str)
where
    S: Sink<Message> + Unpin,
{
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    // The peer may already be gone; there is nothing more to do then.
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// Whether reading failed because the client sent a frame over the limit.
fn is_too_big(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(tungstenite::Error::Capacity(_)) = error.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        source = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::request_id;

    #[test]
    fn the_request_id_of_an_invalid_request_is_recovered() {
        assert_eq!(request_id(r#"{"type":"nonsense","req":12}"#), Some(12));
        assert_eq!(request_id("not json"), None);
    }
}
