//! A real WebSocket client for the integration tests, signed in with a
//! browser's session cookie.

use std::time::Duration;

use app::{
    model::UserId,
    protocol::{
        CatchUp, ChannelSummary, ClientId, ClientMsg, Cursor, ProtocolError, Reply, ReqId,
        ServerMsg,
    },
};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    tungstenite::{self, client::IntoClientRequest, http::HeaderValue},
    MaybeTlsStream, WebSocketStream,
};

use crate::browser::Browser;

/// How long a test waits for something that should arrive.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct Live {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_req: ReqId,
    /// Events that arrived while waiting for a reply, oldest first.
    events: std::collections::VecDeque<ServerMsg>,
    /// The rest of a frame that held several messages.
    unread: std::collections::VecDeque<ServerMsg>,
    pub user: app::model::User,
}

impl Live {
    /// Opens a socket as `browser`'s user and reads the welcome.
    pub async fn connect(browser: &Browser) -> Self {
        Self::try_connect(browser)
            .await
            .expect("WebSocket handshake")
    }

    /// Opens a socket as `browser`'s user and reads the welcome, unless the
    /// handshake is refused.
    pub async fn try_connect(browser: &Browser) -> Result<Self, tungstenite::Error> {
        let (ws, _) = Self::handshake(browser, &[]).await?;
        let mut live = Self {
            ws,
            next_req: 1,
            events: Default::default(),
            unread: Default::default(),
            user: placeholder(),
        };
        match live.recv().await {
            ServerMsg::Welcome { user, .. } => live.user = user,
            other => panic!("expected a welcome, got {other:?}"),
        }
        Ok(live)
    }

    /// Attempts a handshake with extra headers; the error tells why it failed.
    pub async fn handshake(
        browser: &Browser,
        headers: &[(&'static str, &str)],
    ) -> Result<
        (
            WebSocketStream<MaybeTlsStream<TcpStream>>,
            tungstenite::handshake::client::Response,
        ),
        tungstenite::Error,
    > {
        let url = browser.url("/ws").replacen("http://", "ws://", 1);
        let mut request = url.into_client_request().expect("request");
        if let Some(cookie) = browser.session_cookie() {
            request.headers_mut().insert(
                "cookie",
                HeaderValue::from_str(&format!("banter_session={cookie}")).expect("cookie"),
            );
        }
        for (name, value) in headers {
            request
                .headers_mut()
                .insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        tokio_tungstenite::connect_async(request).await
    }

    /// Sends a request built around a fresh request id and waits for its
    /// reply, keeping the events that arrive meanwhile.
    pub async fn request(
        &mut self,
        build: impl FnOnce(ReqId) -> ClientMsg,
    ) -> Result<Reply, ProtocolError> {
        let req = self.next_req;
        self.next_req += 1;
        self.send_raw(&serde_json::to_string(&build(req)).expect("json"))
            .await;
        loop {
            match self.recv().await {
                ServerMsg::Ok { req: r, reply } if r == req => return Ok(reply),
                ServerMsg::Error {
                    req: Some(r),
                    error,
                } if r == req => return Err(error),
                event => self.events.push_back(event),
            }
        }
    }

    /// Sends text as it is.
    pub async fn send_raw(&mut self, text: &str) {
        self.ws
            .send(tungstenite::Message::text(text))
            .await
            .expect("send");
    }

    /// Sends a message and returns it as stored.
    pub async fn say(
        &mut self,
        channel: app::model::ChannelId,
        text: &str,
    ) -> app::protocol::Message {
        let client_id = ClientId(uuid::Uuid::new_v4());
        match self
            .request(|req| ClientMsg::Send {
                req,
                channel,
                client_id,
                text: text.into(),
                reply_to: None,
                files: Vec::new(),
            })
            .await
        {
            Ok(Reply::Sent { message }) => message,
            other => panic!("send failed: {other:?}"),
        }
    }

    /// The next event (not a reply), waiting for it if needed.
    pub async fn event(&mut self) -> ServerMsg {
        if let Some(event) = self.events.pop_front() {
            return event;
        }
        self.recv().await
    }

    /// Puts an event back, to be the next one heard.
    pub fn hear_first(&mut self, event: ServerMsg) {
        self.events.push_front(event);
    }

    /// Skips events until one matches, and returns it.
    pub async fn event_where(&mut self, wanted: impl Fn(&ServerMsg) -> bool) -> ServerMsg {
        loop {
            let event = self.event().await;
            if wanted(&event) {
                return event;
            }
        }
    }

    /// The next message event's text, skipping other events.
    pub async fn next_message(&mut self) -> app::protocol::Message {
        match self
            .event_where(|e| matches!(e, ServerMsg::Message { .. }))
            .await
        {
            ServerMsg::Message { message } => message,
            _ => unreachable!(),
        }
    }

    /// The next presence change heard, skipping other events.
    pub async fn presence_event(&mut self) -> (UserId, bool) {
        match self
            .event_where(|e| matches!(e, ServerMsg::Presence { .. }))
            .await
        {
            ServerMsg::Presence { user, online } => (user, online),
            _ => unreachable!(),
        }
    }

    /// Follows the presence of `users`; returns those online now.
    pub async fn watch(&mut self, users: Vec<UserId>) -> Vec<UserId> {
        match self.request(|req| ClientMsg::Watch { req, users }).await {
            Ok(Reply::Presence { online }) => online,
            other => panic!("watch failed: {other:?}"),
        }
    }

    /// Syncs from `cursors`: the channel list and what was missed.
    pub async fn sync(&mut self, cursors: Vec<Cursor>) -> (Vec<ChannelSummary>, Vec<CatchUp>) {
        match self.request(|req| ClientMsg::Sync { req, cursors }).await {
            Ok(Reply::Synced {
                channels, catch_up, ..
            }) => (channels, catch_up),
            other => panic!("sync failed: {other:?}"),
        }
    }

    /// Reads frames until the server closes; returns the close code.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            match tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a close within the patience")
            {
                Some(Ok(tungstenite::Message::Close(frame))) => {
                    return frame.map(|f| u16::from(f.code))
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }

    async fn recv(&mut self) -> ServerMsg {
        if let Some(message) = self.unread.pop_front() {
            return message;
        }
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a frame within the patience")
                .expect("the socket is open")
                .expect("a frame");
            match frame {
                tungstenite::Message::Text(text) => {
                    let mut read = app::protocol::read_frame(text.as_bytes())
                        .unwrap_or_else(|e| panic!("bad frame {text}: {e}"))
                        .into_iter();
                    if let Some(first) = read.next() {
                        self.unread.extend(read);
                        return first;
                    }
                }
                tungstenite::Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }
}

fn placeholder() -> app::model::User {
    app::model::User {
        id: app::model::UserId(0),
        username: String::new(),
        display: String::new(),
    }
}
