//! One task per WebSocket: a single `select!` over the hub's frames for this
//! connection, the frames the client sends, the request being answered, a
//! heartbeat, the hub's request to close, and server shutdown.
//!
//! A request is answered inside the loop, not in the way of it: while one
//! waits (on a slow database, say), the hub's frames are still written as
//! they come, so a slow answer never makes the connection fall behind. The
//! next request is read only once the last one is answered, which keeps the
//! replies in the order of the requests (and bounds what one client can have
//! the server do at once).
//!
//! The loop is written over any `Stream + Sink` of WebSocket messages, so it
//! does not depend on how the socket was made.
//!
//! Every write has a deadline (see [`super::writer`]): a client that stops
//! reading is closed rather than held forever. The hub never waits for it
//! either: it only fills the connection's bounded queue.
//!
//! Before the loop, [`super::opening`] checks the protocol version and the
//! session; the loop checks the session again whenever it is due to expire,
//! and a session that has ended or expired closes the socket with
//! [`CLOSE_SESSION_ENDED`].

use std::time::Duration;

use app::{
    model::User,
    protocol::{
        ClientMsg, ProtocolError, ReqId, ServerMsg, CLOSE_LAGGING, CLOSE_RESTART,
        CLOSE_SESSION_ENDED, MAX_FRAME_BYTES, PROTOCOL_VERSION,
    },
};
use axum::extract::ws::{Message, Utf8Bytes};
use futures::{future::BoxFuture, Sink, Stream, StreamExt};
use tokio::time::Instant;
use tower_sessions::session::Id as SessionId;

use super::{
    opening::{admit, session_expiry},
    requests::{self, Caller},
    woken::Woken,
    writer::Writer,
};

use crate::{hub::CloseReason, observe, state::AppState};

/// How often the server pings; a browser answers pings by itself.
pub const HEARTBEAT: Duration = Duration::from_secs(30);

/// A connection that sends nothing (not even a pong) for this long is dead.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// Standard close codes (RFC 6455).
const GOING_AWAY: u16 = 1001;
const TOO_BIG: u16 = 1009;
pub(super) const INTERNAL_ERROR: u16 = 1011;

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
    let (sink, stream) = socket.split();
    // Read only when the socket has something: most wakes bring the hub's
    // frames, not the client's.
    let mut stream = Woken::new(stream);
    let mut sink = Writer::new(sink, state.config.write_timeout());

    let Some((mut registration, expiry)) = admit(&state, &user, session, version, &mut sink).await
    else {
        return;
    };
    tracing::debug!(user = %user.id, conn = registration.id, "connected");
    state.presence.connected(user.id).await;
    // Shared with the request being answered (one at a time, so never
    // waited for).
    let caller = tokio::sync::Mutex::new(Caller::new(registration.id, user.clone()));

    let welcome = ServerMsg::Welcome {
        version: PROTOCOL_VERSION,
        user: user.clone(),
    };
    let mut open = sink.message(&welcome).await;

    let mut last_heard = Instant::now();
    // One timer for both the heartbeat and the session's expiry: every
    // idle connection holds it, so it is kept to one.
    let mut timers = Timers {
        ping: last_heard + HEARTBEAT,
        session: expiry,
    };
    let timer = tokio::time::sleep_until(timers.next());
    tokio::pin!(timer);
    // The request being answered, if any. Boxed, as is the session check:
    // an idle connection's task then keeps no room for a request's state.
    let mut answering: Option<BoxFuture<'_, ServerMsg>> = None;

    // Made once: each holds its place among the waiters, so waiting again
    // after every frame costs next to nothing.
    let closed = registration.close.closed();
    tokio::pin!(closed);
    let shutdown = state.shutdown.cancelled();
    tokio::pin!(shutdown);
    let mut shutdown = Woken::new(shutdown);

    while open {
        tokio::select! {
            reason = &mut closed => {
                let code = match reason {
                    CloseReason::SessionEnded => CLOSE_SESSION_ENDED,
                    CloseReason::Lagging => {
                        tracing::info!(user = %user.id, "closing a connection that fell behind");
                        observe::lagging_close();
                        CLOSE_LAGGING
                    }
                };
                sink.close(code, close_reason(code)).await;
                break;
            }
            () = &mut shutdown => {
                sink.close(CLOSE_RESTART, "server restarting").await;
                break;
            }
            frame = registration.frames.recv() => match frame {
                Some(frame) => open = sink.frames(frame, &mut registration.frames).await,
                None => break,
            },
            Some(reply) = next_answer(&mut answering) => {
                answering = None;
                open = sink.message(&reply).await;
            }
            inbound = stream.next(), if answering.is_none() => {
                last_heard = Instant::now();
                open = match inbound {
                    Some(Ok(Message::Text(text))) => {
                        answering = Some(Box::pin(answer(&state, &caller, text)));
                        true
                    }
                    other => not_a_request(other, &mut sink).await,
                };
            }
            () = &mut timer => {
                let now = Instant::now();
                if now >= timers.session {
                    match Box::pin(session_expiry(&state, session)).await {
                        Ok(expiry) => timers.session = expiry,
                        Err(code) => {
                            sink.close(code, close_reason(code)).await;
                            break;
                        }
                    }
                }
                if now >= timers.ping {
                    if last_heard.elapsed() > IDLE_TIMEOUT {
                        sink.close(GOING_AWAY, "no heartbeat").await;
                        break;
                    }
                    open = sink.write(Message::Ping(Default::default())).await;
                    timers.ping = now + HEARTBEAT;
                }
                timer.as_mut().reset(timers.next());
            }
        }
    }

    // A request still being answered is abandoned; a message it was storing
    // is stored or not, and the client's resend finds it either way.
    drop(answering);
    state.hub.unregister(registration.id);
    caller.into_inner().stop_typing(&state);
    state.presence.disconnected(user.id).await;
    tracing::debug!(user = %user.id, conn = registration.id, "disconnected");
}

/// Acts on what the client sent other than a request (text frames are
/// requests, answered by the caller); `false` once the connection is over.
async fn not_a_request<W: Sink<Message> + Unpin>(
    inbound: Option<Result<Message, axum::Error>>,
    sink: &mut Writer<W>,
) -> bool {
    match inbound {
        Some(Ok(Message::Binary(_))) => {
            let detail = "frames must be JSON text".into();
            let error = ProtocolError::BadRequest { detail };
            sink.message(&ServerMsg::Error { req: None, error }).await
        }
        Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_))) => true,
        Some(Ok(Message::Close(_))) | None => false,
        Some(Err(error)) => {
            if is_too_big(&error) {
                let why = format!("frame too large: the limit is {MAX_FRAME_BYTES} bytes");
                sink.close(TOO_BIG, &why).await;
            }
            false
        }
    }
}

/// When a connection's timer must next wake.
struct Timers {
    /// The next heartbeat ping (and check that the client is still there).
    ping: Instant,
    /// The next check of the session (when it would expire).
    session: Instant,
}

impl Timers {
    fn next(&self) -> Instant {
        self.ping.min(self.session)
    }
}

/// What a close frame with `code` says.
pub(super) fn close_reason(code: u16) -> &'static str {
    match code {
        CLOSE_SESSION_ENDED => "signed out",
        CLOSE_LAGGING => "too far behind: reconnect",
        _ => "server error, try again",
    }
}

/// The answer to the request being answered; pending while there is none.
async fn next_answer(answering: &mut Option<BoxFuture<'_, ServerMsg>>) -> Option<ServerMsg> {
    match answering {
        Some(answer) => Some(answer.await),
        None => std::future::pending().await,
    }
}

/// Reads one request and answers it.
async fn answer(
    state: &AppState,
    caller: &tokio::sync::Mutex<Caller>,
    text: Utf8Bytes,
) -> ServerMsg {
    match serde_json::from_str::<ClientMsg>(&text) {
        Ok(message) => requests::answer(state, &mut *caller.lock().await, message).await,
        Err(error) => ServerMsg::Error {
            req: request_id(&text),
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
