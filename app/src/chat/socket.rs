//! The WebSocket behind the [`Link`], in the browser.
//!
//! One task owns the socket for the life of the page. Each connection goes:
//! open, welcome, sync (the channel list and every message missed since the
//! last one held), resend the outbox, then a loop over frames, requests and a
//! heartbeat. When the link drops (close, error, silence, or the browser going
//! offline) every waiting request fails with [`LinkError::Offline`] and the
//! task retries with exponential backoff and jitter, at once when the browser
//! comes back online or the tab becomes visible. A session that has ended
//! sends the tab to the log-in page instead of retrying forever.

use std::time::Duration;

use futures::{channel::mpsc, FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message as Frame, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use reactive_stores::Store;

mod connection;

use connection::Connection;

use super::{
    link::{Command, Link, LinkError},
    people::People,
    state::{Chat, ChatStoreFields, LinkStatus},
};
use crate::protocol::{
    read_frame, ClientMsg, Cursor, ReqId, ServerMsg, CLOSE_RESTART, CLOSE_SESSION_ENDED,
    CLOSE_VERSION, PROTOCOL_VERSION, WS_PATH,
};

/// How often the client pings.
const PING_EVERY: Duration = Duration::from_secs(20);
/// Silence after which the link is taken for dead.
const DEAD_AFTER: Duration = Duration::from_secs(45);
/// How long a new socket may take to open and welcome.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// Backoff between attempts: doubles from the first to the cap.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// Starts the link of this tab.
pub fn start(chat: Store<Chat>, people: People) -> Link {
    let (commands, queue) = mpsc::unbounded();
    let (wake, wakes) = mpsc::unbounded();
    watch_network(wake);
    let link = Link::new(commands);
    leptos::task::spawn_local(run(chat, people, link.clone(), queue, wakes));
    link
}

/// How one connection ended.
enum Ended {
    /// The session is over: sign in again.
    SignedOut,
    /// The server speaks another protocol version: reload.
    Outdated,
    /// The server is restarting: reconnect now (another node may answer).
    Restarting,
    /// The network came back while an attempt was still waiting for its
    /// welcome: try again now rather than wait for that one to time out.
    NetworkBack,
    /// The link was lost; `was_online` if it had got as far as syncing.
    Lost { was_online: bool },
}

/// Why the task is woken between attempts (or told to drop the link).
#[derive(Clone, Copy, Debug)]
enum Network {
    Online,
    Offline,
    Visible,
}

async fn run(
    chat: Store<Chat>,
    people: People,
    link: Link,
    mut commands: mpsc::UnboundedReceiver<Command>,
    mut network: mpsc::UnboundedReceiver<Network>,
) {
    let mut attempt: u32 = 0;
    loop {
        let at_once = match connect(chat, people, &link, &mut commands, &mut network).await {
            Ended::SignedOut => return go_to("/login"),
            Ended::Outdated => return reload(),
            Ended::Restarting | Ended::NetworkBack => true,
            Ended::Lost { was_online } => {
                if was_online {
                    attempt = 0;
                }
                false
            }
        };
        chat.link().set(LinkStatus::Reconnecting);
        if at_once {
            attempt = 0;
            continue;
        }
        // A refused handshake (401) looks like any network failure from
        // here: ask the server whether the session still exists.
        if attempt > 0 && crate::auth::signed_out().await {
            return go_to("/login");
        }
        wait(backoff(attempt), &mut commands, &mut network).await;
        attempt = attempt.saturating_add(1);
    }
}

/// One connection, from opening to losing it.
async fn connect(
    chat: Store<Chat>,
    people: People,
    link: &Link,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    network: &mut mpsc::UnboundedReceiver<Network>,
) -> Ended {
    let (mut sink, mut stream) = match open(network).await {
        Ok(socket) => socket.split(),
        Err(ended) => return ended,
    };
    let mut conn = Connection::new(chat, people, link.clone());
    if sink.send(conn.sync()).await.is_err() {
        return conn.lost();
    }
    let mut heard = now();
    let mut ping = gloo_timers::future::IntervalStream::new(millis(PING_EVERY / 4)).fuse();
    let mut last_ping = now();
    let ended = loop {
        // What to send now, if anything.
        let out = futures::select! {
            frame = stream.next().fuse() => {
                heard = now();
                match frame {
                    Some(Ok(frame)) => parse(frame).into_iter().filter_map(|message| conn.receive(message)).last(),
                    Some(Err(error)) => break ended_by(Some(error), conn.lost()),
                    None => break conn.lost(),
                }
            }
            command = commands.next() => match command {
                Some(command) => conn.request(command),
                None => break conn.lost(),
            },
            event = network.next() => match event {
                Some(Network::Offline) => break conn.lost(),
                _ => None,
            },
            _ = ping.next() => {
                if now() - heard > millis(DEAD_AFTER) as f64 {
                    break conn.lost();
                }
                let due = now() - last_ping >= millis(PING_EVERY) as f64;
                due.then(|| {
                    last_ping = now();
                    conn.ping()
                })
            }
        };
        if let Some(frame) = out {
            if sink.send(frame).await.is_err() {
                break conn.lost();
            }
        }
    };
    conn.fail_waiting();
    let _ = sink.close().await;
    ended
}

/// Opens a socket and waits for its welcome. An attempt made while the
/// network was down may hang until its timeout: it is dropped as soon as
/// the network is back.
async fn open(network: &mut mpsc::UnboundedReceiver<Network>) -> Result<WebSocket, Ended> {
    let Ok(mut socket) = WebSocket::open(&socket_url()) else {
        return Err(Ended::Lost { was_online: false });
    };
    let mut timer = TimeoutFuture::new(millis(OPEN_TIMEOUT)).fuse();
    let welcome = loop {
        futures::select! {
            frame = socket.next().fuse() => break frame,
            () = timer => return Err(Ended::Lost { was_online: false }),
            event = network.next() => {
                if let Some(Network::Online) = event {
                    return Err(Ended::NetworkBack);
                }
            }
        }
    };
    match welcome.map(|frame| frame.map(|frame| parse(frame).into_iter().next())) {
        Some(Ok(Some(ServerMsg::Welcome { version, .. }))) if version == PROTOCOL_VERSION => {
            Ok(socket)
        }
        Some(Ok(Some(ServerMsg::Welcome { .. }))) => Err(Ended::Outdated),
        other => Err(ended_by(
            other.and_then(Result::err),
            Ended::Lost { was_online: false },
        )),
    }
}

/// Waits before the next attempt, answering requests with "offline"
/// meanwhile; cut short when the network comes back or the tab is shown.
async fn wait(
    delay: Duration,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    network: &mut mpsc::UnboundedReceiver<Network>,
) {
    let mut timer = TimeoutFuture::new(millis(delay)).fuse();
    loop {
        futures::select! {
            () = timer => return,
            command = commands.next() => match command {
                Some(command) => { let _ = command.reply.send(Err(LinkError::Offline)); }
                None => return,
            },
            event = network.next() => match event {
                Some(Network::Online | Network::Visible) | None => return,
                Some(Network::Offline) => {}
            },
        }
    }
}

/// Exponential backoff with full jitter, capped.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_FIRST
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(BACKOFF_CAP);
    ceiling.mul_f64(0.5 + js_sys::Math::random() / 2.0)
}

/// How a connection ended, from the error that ended it; `lost` when the
/// close says nothing more. Only a link that was online reconnects at once
/// on a restart: one closed at the door backs off as usual, so a node that
/// is still going down never sees a tight loop.
fn ended_by(error: Option<WebSocketError>, lost: Ended) -> Ended {
    let Some(WebSocketError::ConnectionClose(close)) = error else {
        return lost;
    };
    match close.code {
        CLOSE_SESSION_ENDED => Ended::SignedOut,
        CLOSE_VERSION => Ended::Outdated,
        CLOSE_RESTART if matches!(lost, Ended::Lost { was_online: true }) => Ended::Restarting,
        _ => lost,
    }
}

/// A sync from what this tab holds: each channel's cursor. Until it is
/// answered, events do not move the cursors: changes before them may be
/// among what the sync brings.
fn sync(chat: Store<Chat>, req: ReqId) -> Frame {
    let field = chat.channels();
    let mut channels = field.write();
    let cursors: Vec<Cursor> = channels
        .iter_mut()
        .filter_map(|c| {
            c.behind = true;
            c.cursor().map(|rev| Cursor { channel: c.id, rev })
        })
        .collect();
    drop(channels);
    encode(&ClientMsg::Sync { req, cursors })
}

/// The messages of a frame, in order (none if it cannot be read).
fn parse(frame: Frame) -> Vec<ServerMsg> {
    match frame {
        // From bytes, as the page's snapshot is read: the messages and
        // channels in a frame share those decoders (the WebAssembly holds
        // one per type and reader).
        Frame::Text(text) => read_frame(text.as_bytes()).unwrap_or_default(),
        Frame::Bytes(_) => Vec::new(),
    }
}

fn encode(message: &ClientMsg) -> Frame {
    // Serialising these types cannot fail.
    Frame::Text(serde_json::to_string(message).unwrap_or_default())
}

fn socket_url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{WS_PATH}?v={PROTOCOL_VERSION}")
}

/// Tells the task when the browser goes online or offline, or the tab is
/// shown again.
fn watch_network(wake: mpsc::UnboundedSender<Network>) {
    let online = wake.clone();
    let offline = wake.clone();
    // The listeners live as long as the page: their handles are dropped,
    // which leaves them in place.
    let _ = window_event_listener(leptos::ev::online, move |_| {
        let _ = online.unbounded_send(Network::Online);
    });
    let _ = window_event_listener(leptos::ev::offline, move |_| {
        let _ = offline.unbounded_send(Network::Offline);
    });
    // `visibilitychange` is dispatched on the document and bubbles to the
    // window.
    let _ = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            let _ = wake.unbounded_send(Network::Visible);
        }
    });
}

/// The channel the reader is looking at: the open one, while the tab is
/// visible.
fn viewing(chat: Store<Chat>) -> Option<crate::model::ChannelId> {
    let visible = document().visibility_state() == web_sys::VisibilityState::Visible;
    chat.open().get_untracked().filter(|_| visible)
}

fn go_to(path: &str) {
    let _ = window().location().set_href(path);
}

fn reload() {
    let _ = window().location().reload();
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn millis(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}
