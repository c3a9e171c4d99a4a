//! Chaos: real `banter` processes killed with SIGKILL in the middle of a
//! conversation, and nothing lost or duplicated.
//!
//! Thirty real WebSocket clients sit in General; ten of them send. A sender
//! keeps every message it has not seen acknowledged and sends it again,
//! with the same client id, on every new connection, as the browser's
//! outbox does. The server is killed three times while they talk (once a
//! quarter, half and three quarters of the messages are acknowledged) and
//! started again on the same data. Clients reconnect and catch up with the
//! same sync the browser uses. At the end:
//! - every message sent is stored exactly once;
//! - the channel's seqs run 1..N without a gap;
//! - every receiver holds every seq, each the same message the database
//!   has there.
//!
//! On SQLite one process; on PostgreSQL one process, and two nodes of which
//! one is killed while the other keeps serving (clients move between them as
//! behind a load balancer).
//!
//! The same conversation also runs through a rolling restart: two nodes on
//! PostgreSQL, each stopped in turn with SIGTERM (as a service manager
//! does) and started again. There, on top of the above, no client sees an
//! error, and every socket that closes closes as "service restart" (1012).

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use app::{
    model::{ChannelId, UserId},
    protocol::{ClientId, ClientMsg, Cursor, Reply, ReqId, Rev, Seq, ServerMsg, PROTOCOL_VERSION},
};
use futures::{SinkExt, StreamExt};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::{
    browser::Browser,
    common::{on_postgres, Db, PgDatabase},
    process::Process,
};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;
const CLIENTS: usize = 30;
const SENDERS: usize = 10;
const PER_SENDER: usize = 45;
const TOTAL: usize = SENDERS * PER_SENDER;
const KILLS: usize = 3;
/// How often a sender writes a new message.
const PACE: Duration = Duration::from_millis(20);
/// How long the whole run may take before the test gives up.
const DEADLINE: Duration = Duration::from_secs(90);

/// What one message is: who sent it under which client id.
type Identity = (UserId, ClientId);

#[tokio::test]
async fn sqlite_loses_and_duplicates_nothing_across_kills() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let node = Process::start(data.path(), &ENV).await;
    let db_path = data.path().join("banter.db");
    let report = run(vec![node], Disruption::Kill { node: 0 }).await;
    let db = Db::Sqlite(
        sqlx::SqlitePool::connect(&format!("sqlite://{}", db_path.display()))
            .await
            .expect("database"),
    );
    report.check(&db, "SQLite, one node").await;
}

#[tokio::test]
async fn postgres_loses_and_duplicates_nothing_across_kills() {
    if !on_postgres() {
        return;
    }
    let database = PgDatabase::create().await;
    let url = database.url();
    let data = tempfile::tempdir().expect("data directory");
    let node = Process::start(data.path(), &with_database(&url)).await;
    let report = run(vec![node], Disruption::Kill { node: 0 }).await;
    let db = Db::Postgres(sqlx::PgPool::connect(&url).await.expect("database"));
    report.check(&db, "PostgreSQL, one node").await;
}

#[tokio::test]
async fn two_nodes_lose_and_duplicate_nothing_while_one_is_killed() {
    if !on_postgres() {
        return;
    }
    two_postgres_nodes(
        Disruption::Kill { node: 1 },
        "PostgreSQL, two nodes, one killed",
    )
    .await;
}

#[tokio::test]
async fn a_rolling_restart_of_two_nodes_loses_nothing_and_shows_no_error() {
    if !on_postgres() {
        return;
    }
    let report = two_postgres_nodes(
        Disruption::RollingRestart,
        "PostgreSQL, two nodes, restarted in turn",
    )
    .await;
    assert_eq!(report.errors, 0, "no client saw an error");
    let closes: Vec<u16> = report.closes.keys().copied().collect();
    assert!(
        closes.iter().all(|code| *code == 1012),
        "every socket closed as a restart: {:?}",
        report.closes
    );
    assert!(
        report.closes.get(&1012).is_some_and(|n| *n > 0),
        "sockets were closed as a restart"
    );
    println!(
        "rolling restart: sockets closed {:?}; each node stopped in {:?} after SIGTERM",
        report.closes, report.stops
    );
}

/// Runs the conversation on two nodes sharing a fresh PostgreSQL database,
/// through `disruption`, and checks what every client holds.
async fn two_postgres_nodes(disruption: Disruption, setup: &str) -> Report {
    let database = PgDatabase::create().await;
    let url = database.url();
    let (a_data, b_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Process::start(a_data.path(), &with_database(&url)).await;
    let b = Process::start(b_data.path(), &with_database(&url)).await;
    let report = run(vec![a, b], disruption).await;
    let db = Db::Postgres(sqlx::PgPool::connect(&url).await.expect("database"));
    report.check(&db, setup).await;
    report
}

/// What happens to the nodes while they serve.
#[derive(Clone, Copy, Debug)]
enum Disruption {
    /// `nodes[node]` is killed with SIGKILL [`KILLS`] times.
    Kill { node: usize },
    /// Each node in turn is stopped with SIGTERM and started again.
    RollingRestart,
}

/// Limits fit for thirty users from one address sending quickly.
const ENV: [(&str, &str); 3] = [
    ("BANTER_SIGNUPS_PER_HOUR", "1000"),
    ("BANTER_SEND_RATE", "1000"),
    ("BANTER_SEND_BURST", "1000"),
];

fn with_database(url: &str) -> Vec<(&'static str, &str)> {
    let mut env = ENV.to_vec();
    env.push(("BANTER_DATABASE_URL", url));
    env
}

/// What a run saw: every receiver's messages by seq, and how many sends
/// went out again after a kill.
struct Report {
    held: Vec<BTreeMap<i64, Identity>>,
    sent: Vec<Identity>,
    resends: usize,
    /// How many times a node went down.
    stopped: usize,
    /// Errors the clients received.
    errors: usize,
    /// How the server closed the clients' sockets: close code, times.
    closes: BTreeMap<u16, usize>,
    /// How long each node took to exit after SIGTERM.
    stops: Vec<Duration>,
}

/// What every client adds to: acknowledged messages, resends, errors seen,
/// and the close codes of its sockets.
#[derive(Default)]
struct Tally {
    acked: AtomicUsize,
    resends: AtomicUsize,
    errors: AtomicUsize,
    closes: std::sync::Mutex<BTreeMap<u16, usize>>,
}

/// Runs the conversation on `nodes` through `disruption`.
async fn run(mut nodes: Vec<Process>, disruption: Disruption) -> Report {
    let bases: Arc<Vec<String>> = Arc::new(nodes.iter().map(|n| n.base.clone()).collect());
    let mut cookies = Vec::new();
    for n in 0..CLIENTS {
        let browser = Browser::new(&bases[0]);
        browser
            .sign_up(&format!("chaos{n:02}"), PASSWORD)
            .await
            .expect("sign up");
        cookies.push(browser.session_cookie().expect("a session"));
    }

    let tally = Arc::new(Tally::default());
    let acked = &tally.acked;
    let (finish, finishing) = watch::channel(false);
    let mut clients = Vec::new();
    for (n, cookie) in cookies.into_iter().enumerate() {
        let client = Client {
            index: n,
            cookie,
            bases: bases.clone(),
            tally: tally.clone(),
            outbox: Outbox::new(n < SENDERS),
            held: BTreeMap::new(),
        };
        clients.push(tokio::spawn(client.run(finishing.clone())));
    }

    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut stops = Vec::new();
    let turns: Vec<usize> = match disruption {
        Disruption::Kill { node } => vec![node; KILLS],
        Disruption::RollingRestart => (0..nodes.len()).collect(),
    };
    for (turn, &doomed) in turns.iter().enumerate() {
        wait_for(acked, (turn + 1) * TOTAL / (turns.len() + 1), deadline).await;
        let mut node = nodes.remove(doomed);
        match disruption {
            Disruption::Kill { .. } => node.kill(),
            Disruption::RollingRestart => {
                let asked = tokio::time::Instant::now();
                let status = node.terminate().await;
                assert!(
                    status.success(),
                    "a node stopped by SIGTERM exits cleanly: {status}"
                );
                stops.push(asked.elapsed());
            }
        }
        nodes.insert(doomed, node.restart().await);
    }
    wait_for(acked, TOTAL, deadline).await;
    let _ = finish.send(true);

    let mut held = Vec::new();
    let mut sent = Vec::new();
    for client in clients {
        let client = tokio::time::timeout_at(deadline, client)
            .await
            .expect("every client finishes")
            .expect("a client task");
        sent.extend(client.outbox.sent.iter().copied());
        held.push(client.held);
    }
    let closes = tally.closes.lock().expect("the close codes").clone();
    Report {
        held,
        sent,
        resends: tally.resends.load(Ordering::Relaxed),
        stopped: turns.len(),
        errors: tally.errors.load(Ordering::Relaxed),
        closes,
        stops,
    }
}

async fn wait_for(acked: &AtomicUsize, count: usize, deadline: tokio::time::Instant) {
    while acked.load(Ordering::Relaxed) < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {count} messages acknowledged in time",
            acked.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Report {
    async fn check(&self, db: &Db, setup: &str) {
        let (stored, distinct, first, last) = (
            db.scalar("SELECT COUNT(*) FROM messages WHERE channel_id = 1")
                .await,
            db.scalar(
                "SELECT COUNT(*) FROM (SELECT DISTINCT sender_id, client_id FROM messages) AS d",
            )
            .await,
            db.scalar("SELECT MIN(seq) FROM messages").await,
            db.scalar("SELECT MAX(seq) FROM messages").await,
        );
        assert_eq!(self.sent.len(), TOTAL);
        assert_eq!(stored, TOTAL as i64, "every message stored exactly once");
        assert_eq!(distinct, TOTAL as i64);
        assert_eq!((first, last), (1, TOTAL as i64), "seqs 1..N without a gap");

        let mut everyone = self.held.iter();
        let reference = everyone.next().expect("a client");
        let seqs: Vec<i64> = reference.keys().copied().collect();
        assert_eq!(seqs, (1..=TOTAL as i64).collect::<Vec<_>>());
        let mut ids: Vec<Identity> = reference.values().copied().collect();
        ids.sort();
        let mut sent = self.sent.clone();
        sent.sort();
        assert_eq!(ids, sent, "the messages held are the messages sent");
        let complete = 1 + everyone
            .map(|held| assert_eq!(held, reference, "every receiver holds the same"))
            .count();
        println!(
            "chaos ({setup}): {TOTAL} messages from {SENDERS} senders, {} nodes down, \
             {stored} stored, {} sent again after a node went down, {complete}/{CLIENTS} \
             receivers complete",
            self.stopped, self.resends
        );
    }
}

/// A sender's messages, as the browser's outbox keeps them: those the user
/// has not written yet, those written but not acknowledged (written while
/// the link was down, or lost in flight with it), and those acknowledged.
struct Outbox {
    unwritten: Vec<ClientId>,
    unacked: Vec<ClientId>,
    /// Every client id that went out on some connection.
    went_out: std::collections::HashSet<ClientId>,
    sent: Vec<Identity>,
    started: tokio::time::Instant,
}

impl Outbox {
    fn new(sender: bool) -> Self {
        let count = if sender { PER_SENDER } else { 0 };
        Self {
            unwritten: (0..count)
                .map(|_| ClientId(uuid::Uuid::new_v4()))
                .rev()
                .collect(),
            unacked: Vec::new(),
            went_out: Default::default(),
            sent: Vec::new(),
            started: tokio::time::Instant::now(),
        }
    }

    /// The user writes one message every [`PACE`], connected or not:
    /// what is due now moves to the unacknowledged.
    fn write_due(&mut self) -> Vec<ClientId> {
        let due = usize::try_from(self.started.elapsed().as_millis() / PACE.as_millis())
            .unwrap_or(usize::MAX);
        let written = PER_SENDER - self.unwritten.len();
        let mut new = Vec::new();
        for _ in written..due.min(PER_SENDER) {
            if let Some(client_id) = self.unwritten.pop() {
                self.unacked.push(client_id);
                new.push(client_id);
            }
        }
        new
    }
}

struct Client {
    index: usize,
    cookie: String,
    bases: Arc<Vec<String>>,
    tally: Arc<Tally>,
    outbox: Outbox,
    /// Every message received, by seq.
    held: BTreeMap<i64, Identity>,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Client {
    /// Talks until told to finish and caught up; reconnects whenever the
    /// link drops, to the next node.
    async fn run(mut self, mut finishing: watch::Receiver<bool>) -> Self {
        let mut attempt = self.index;
        loop {
            let base = &self.bases[attempt % self.bases.len()];
            attempt += 1;
            let Some(socket) = self.connect(base).await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            if self.converse(socket, &mut finishing).await {
                return self;
            }
        }
    }

    async fn connect(&self, base: &str) -> Option<Socket> {
        let url = format!("{}/ws?v={PROTOCOL_VERSION}", base.replacen("http", "ws", 1));
        let mut request = url.into_client_request().ok()?;
        let cookie = format!("banter_session={}", self.cookie);
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(&cookie).ok()?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await.ok()?;
        Some(socket)
    }

    /// One connection: sync, resend what is unacknowledged, then talk.
    /// `true` once finished and fully caught up.
    async fn converse(
        &mut self,
        mut socket: Socket,
        finishing: &mut watch::Receiver<bool>,
    ) -> bool {
        let mut next_req: ReqId = 1;
        let mut sends: BTreeMap<ReqId, ClientId> = BTreeMap::new();
        let mut sync_req = next_req;
        next_req += 1;
        if send(&mut socket, &self.sync(sync_req)).await.is_none() {
            return false;
        }
        let mut synced = false;
        let mut pace = tokio::time::interval(PACE);
        loop {
            tokio::select! {
                frame = socket.next() => {
                    let Some(Ok(Message::Text(text))) = frame else {
                        match frame {
                            Some(Ok(Message::Close(close))) => {
                                let code = close.map_or(1005, |close| u16::from(close.code));
                                let mut closes = self.tally.closes.lock().expect("the close codes");
                                *closes.entry(code).or_default() += 1;
                                continue;
                            }
                            Some(Ok(_)) => continue,
                            _ => return false,
                        }
                    };
                    let Ok(message) = serde_json::from_str::<ServerMsg>(&text) else {
                        panic!("a frame that does not parse: {text}");
                    };
                    match message {
                        ServerMsg::Message { message } if message.channel == GENERAL => {
                            self.hold(message.seq, (message.sender, message.client_id));
                        }
                        ServerMsg::Ok { req, reply: Reply::Synced { catch_up, more, .. } } if req == sync_req => {
                            for missed in catch_up {
                                assert!(!missed.reset, "{TOTAL} messages never need a reset");
                                for message in missed.messages {
                                    self.hold(message.seq, (message.sender, message.client_id));
                                }
                            }
                            if more || *finishing.borrow() && !synced {
                                sync_req = next_req;
                                next_req += 1;
                                if send(&mut socket, &self.sync(sync_req)).await.is_none() {
                                    return false;
                                }
                            } else if *finishing.borrow() {
                                return true;
                            }
                            if !synced {
                                synced = true;
                                // As the outbox does: everything unacknowledged
                                // goes out (again), with its client id.
                                self.outbox.write_due();
                                let unacked = self.outbox.unacked.clone();
                                if self.send_all(&mut socket, &mut sends, &mut next_req, unacked).await.is_none() {
                                    return false;
                                }
                            }
                        }
                        ServerMsg::Ok { req, reply: Reply::Sent { message } } => {
                            if let Some(client_id) = sends.remove(&req) {
                                assert_eq!(client_id, message.client_id);
                                if let Some(i) = self.outbox.unacked.iter().position(|c| *c == client_id) {
                                    self.outbox.unacked.remove(i);
                                    self.outbox.sent.push((message.sender, client_id));
                                    self.tally.acked.fetch_add(1, Ordering::Relaxed);
                                }
                                self.hold(message.seq, (message.sender, message.client_id));
                            }
                        }
                        ServerMsg::Error { req, error } => {
                            // A send refused now (the server is going down,
                            // say) is sent again on the next connection.
                            if let Some(req) = req {
                                sends.remove(&req);
                            }
                            self.tally.errors.fetch_add(1, Ordering::Relaxed);
                            eprintln!("client {} got an error: {error}", self.index);
                        }
                        _ => {}
                    }
                }
                _ = pace.tick(), if synced => {
                    let new = self.outbox.write_due();
                    if self.send_all(&mut socket, &mut sends, &mut next_req, new).await.is_none() {
                        return false;
                    }
                }
                changed = finishing.changed() => {
                    if changed.is_err() {
                        continue;
                    }
                    // The last sync: everything up to now, then done.
                    sync_req = next_req;
                    next_req += 1;
                    synced = false;
                    if send(&mut socket, &self.sync(sync_req)).await.is_none() {
                        return false;
                    }
                }
            }
        }
    }

    /// Sends `messages`, counting those that went out before.
    async fn send_all(
        &mut self,
        socket: &mut Socket,
        sends: &mut BTreeMap<ReqId, ClientId>,
        next_req: &mut ReqId,
        messages: Vec<ClientId>,
    ) -> Option<()> {
        for client_id in messages {
            if !self.outbox.went_out.insert(client_id) {
                self.tally.resends.fetch_add(1, Ordering::Relaxed);
            }
            let req = *next_req;
            *next_req += 1;
            sends.insert(req, client_id);
            send(socket, &self.message(req, client_id)).await?;
        }
        Some(())
    }

    fn hold(&mut self, seq: Seq, identity: Identity) {
        if let Some(was) = self.held.insert(seq.0, identity) {
            assert_eq!(was, identity, "seq {} is one message", seq.0);
        }
    }

    /// A sync from the highest seq held without a gap below it (messages
    /// are never changed here, so each one's revision is its seq).
    fn sync(&self, req: ReqId) -> ClientMsg {
        let mut cursor = 0;
        while self.held.contains_key(&(cursor + 1)) {
            cursor += 1;
        }
        ClientMsg::Sync {
            req,
            cursors: vec![Cursor {
                channel: GENERAL,
                rev: Rev(cursor),
            }],
        }
    }

    fn message(&self, req: ReqId, client_id: ClientId) -> ClientMsg {
        ClientMsg::Send {
            req,
            channel: GENERAL,
            client_id,
            text: format!("{} says {}", self.index, client_id.0),
            reply_to: None,
            files: Vec::new(),
        }
    }
}

async fn send(socket: &mut Socket, message: &ClientMsg) -> Option<()> {
    let text = serde_json::to_string(message).expect("json");
    socket.send(Message::text(text)).await.ok()
}
