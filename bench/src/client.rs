//! One load-generating client: a real WebSocket, authenticated with a seeded
//! session cookie, that counts what it receives and sends on a schedule.

use app::{
    model::ChannelId,
    protocol::{ClientId, ClientMsg, Reply, ServerMsg},
};
use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    time::Duration,
};

use futures::{stream::SplitSink, StreamExt};
use tokio::{
    net::{TcpSocket, TcpStream},
    time::Instant,
};
use tokio_tungstenite::{
    tungstenite::{
        client::IntoClientRequest, http::HeaderValue, protocol::WebSocketConfig, Message,
    },
    WebSocketStream,
};

use crate::{
    changes::{self, Newest, OwnNewest},
    frames::Memo,
    stats::ClientStats,
};

/// A seeded user: one line of the sessions file.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub channel: i64,
}

impl Session {
    /// Parses `<user id> <username> <cookie> <channel id>`.
    pub fn parse(line: &str) -> Option<Self> {
        let mut fields = line.split_whitespace();
        let _user: i64 = fields.next()?.parse().ok()?;
        let _name = fields.next()?;
        let cookie = fields.next()?.to_owned();
        let channel = fields.next()?.parse().ok()?;
        Some(Self { cookie, channel })
    }
}

type Socket = WebSocketStream<TcpStream>;
pub type Sink = SplitSink<Socket, Message>;

/// An open, welcomed connection.
pub struct Client {
    pub socket: Socket,
    /// How long connecting and the welcome took.
    pub connect_time: Duration,
}

/// Opens a WebSocket as `session`, from the `source`-th loopback address,
/// and waits for the welcome.
pub async fn connect(url: &url::Url, session: &Session, source: u8) -> Result<Client, String> {
    let started = Instant::now();
    let host = url.host_str().ok_or("no host in the URL")?;
    let port = url.port_or_known_default().ok_or("no port in the URL")?;
    let server: SocketAddr = format!("{host}:{port}")
        .parse()
        .map_err(|e| format!("{e}"))?;

    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + source)),
            0,
        ))
        .map_err(|e| e.to_string())?;
    let stream = socket.connect(server).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;

    let ws_url = format!(
        "ws://{host}:{port}/ws?v={}",
        app::protocol::PROTOCOL_VERSION
    );
    let mut request = ws_url.into_client_request().map_err(|e| e.to_string())?;
    let origin = format!("http://{host}:{port}");
    let headers = request.headers_mut();
    headers.insert(
        "origin",
        HeaderValue::from_str(&origin).map_err(|e| e.to_string())?,
    );
    let cookie = format!("banter_session={}", session.cookie);
    headers.insert(
        "cookie",
        HeaderValue::from_str(&cookie).map_err(|e| e.to_string())?,
    );

    // Small buffers: 15,000 of these live in one process.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut socket, _) =
        tokio_tungstenite::client_async_with_config(request, stream, Some(config))
            .await
            .map_err(|e| e.to_string())?;
    match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
        Ok(Some(Ok(Message::Text(text))))
            if matches!(serde_json::from_str(&text), Ok(ServerMsg::Welcome { .. })) =>
        {
            Ok(Client {
                socket,
                connect_time: started.elapsed(),
            })
        }
        Ok(other) => Err(format!("no welcome: {other:?}")),
        Err(_) => Err("no welcome within 30 s".into()),
    }
}

/// The send time a load message carries, and the node it was sent to:
/// `"<micros since start> <node> …"`.
fn sent_at(text: &str) -> (Option<u64>, Option<usize>) {
    let mut fields = text.split(' ');
    let at = fields.next().and_then(|at| at.parse().ok());
    let node = fields.next().and_then(|node| node.parse().ok());
    (at, node)
}

/// Reads frames until `until`, counting messages, changes and
/// acknowledgements of this client's requests, through `memo`. `clock` is
/// the time the run started; `node` the node this client is connected to.
/// Every message id seen goes to `newest`, and those of this client's own
/// sends to `own`.
#[allow(clippy::too_many_arguments)]
pub async fn read(
    mut stream: futures::stream::SplitStream<Socket>,
    node: usize,
    clock: Instant,
    until: Instant,
    newest: Newest,
    own: Option<OwnNewest>,
    memo: Memo,
) -> ClientStats {
    let mut stats = ClientStats::default();
    let micros = |sent: Option<u64>| {
        let now = u64::try_from(clock.elapsed().as_micros()).unwrap_or(u64::MAX);
        sent.map(|sent| u32::try_from(now.saturating_sub(sent)).unwrap_or(u32::MAX))
    };
    while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(until, stream.next()).await {
        let Message::Text(text) = frame else { continue };
        let frame = memo.read(&text);
        for change in &frame.changes {
            let latency = change
                .edited
                .as_deref()
                .and_then(|text| micros(sent_at(text).0));
            stats.change(change.channel, change.rev, latency);
        }
        for event in &frame.events {
            match event {
                ServerMsg::Message { message: m } => {
                    newest.saw(m.id.0);
                    let (at, from) = sent_at(&m.text);
                    let cross_node = from.is_some_and(|from| from != node);
                    stats.message(m.channel.0, m.seq.0, micros(at), cross_node);
                }
                ServerMsg::Ok {
                    reply: Reply::Sent { message: m },
                    ..
                } => {
                    if let Some(own) = &own {
                        own.saw(m.id.0);
                    }
                    stats.acknowledged(m.channel.0, micros(sent_at(&m.text).0))
                }
                ServerMsg::Ok {
                    reply: Reply::Revised { .. } | Reply::Done,
                    ..
                } => stats.changes_acked += 1,
                ServerMsg::Changed { changes } => {
                    for change in changes {
                        stats.change(change.channel.0, change.rev.0, None);
                    }
                }
                ServerMsg::Error { .. } => stats.refused += 1,
                _ => {}
            }
        }
    }
    stats
}

/// How often a sender edits its own newest message.
pub struct Edits {
    pub every: Duration,
    pub own: OwnNewest,
}

/// Sends to `channel` every `every` from `start` until `until`; the text
/// carries the send time and this client's node. With `edits`, also edits
/// its newest message on their schedule. Returns how many messages (and
/// edits) were sent.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    mut sink: Sink,
    channel: i64,
    node: usize,
    clock: Instant,
    start: Instant,
    every: Duration,
    until: Instant,
    edits: Option<Edits>,
) -> (u64, u64) {
    let mut tick = tokio::time::interval_at(start, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    // Without edits, a tick that never comes in the run.
    let edit_every = edits
        .as_ref()
        .map_or(Duration::from_secs(86_400), |e| e.every);
    let mut edit_tick = tokio::time::interval_at(start + edit_every / 2, edit_every);
    edit_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let (mut sent, mut edited) = (0u64, 0u64);
    loop {
        let now = tokio::select! {
            now = tick.tick() => now,
            now = edit_tick.tick() => {
                if now >= until {
                    return (sent, edited);
                }
                let request = edits
                    .as_ref()
                    .and_then(|e| changes::edit(&e.own, channel, node, clock, 1_000_000 + edited));
                if let Some(request) = request {
                    if !changes::send(&mut sink, &request).await {
                        return (sent, edited);
                    }
                    edited += 1;
                }
                continue;
            }
        };
        if now >= until {
            return (sent, edited);
        }
        let at = clock.elapsed().as_micros();
        let request = ClientMsg::Send {
            req: sent,
            channel: ChannelId(channel),
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: format!("{at} {node} load message"),
            reply_to: None,
            files: Vec::new(),
        };
        if !changes::send(&mut sink, &request).await {
            return (sent, edited);
        }
        sent += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_sessions_line() {
        let session = Session::parse("12 load-11 abcDEF_12-x 3").unwrap();
        assert_eq!(
            (session.cookie.as_str(), session.channel),
            ("abcDEF_12-x", 3)
        );
        assert!(Session::parse("garbage").is_none());
    }

    #[test]
    fn reads_the_send_time_of_a_load_message() {
        assert_eq!(sent_at("12345 1 load message"), (Some(12345), Some(1)));
        assert_eq!(sent_at("12345"), (Some(12345), None));
        assert_eq!(sent_at("hello"), (None, None));
    }
}
