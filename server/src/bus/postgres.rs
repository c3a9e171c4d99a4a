//! The bus between nodes sharing one PostgreSQL database: LISTEN/NOTIFY.
//!
//! Every node listens on one notification channel. An event published on a
//! node is applied to its own hub at once and sent to the others by NOTIFY;
//! each listener applies what other nodes sent. New messages and changes
//! take another road: their NOTIFY is sent inside the transaction that
//! stores them (the bus is the store's [`Announce`]). PostgreSQL delivers
//! notifications in commit order and only for commits, so every node, the
//! writer's included, hears a channel's changes in revision order, and a
//! change is announced if and only if it is stored.
//!
//! A payload is at most 8000 bytes. Events are packed into as few
//! notifications as fit; an event too large for one on its own is written to
//! the `bus_spill` table and the notification names its row.
//!
//! If the listener's connection drops, notifications sent meanwhile are lost
//! to this node. It then closes every local connection as lagging: clients
//! reconnect (to any node) and catch up from the database, as they do after
//! any disconnection.

mod listener;

use std::{
    sync::{atomic::AtomicBool, Arc},
    time::Duration,
};

use metrics::counter;
use sqlx::{PgConnection, PgPool};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{wire::Notice, wire::WireEvent, Bus, Event, Receiver};
use crate::{
    observe::BUS_SENT,
    store::{db::Tx, now_millis, Announce, News, StoreError},
};

/// The notification channel every node listens on.
const CHANNEL: &str = "banter_events";

/// The most bytes of one payload; PostgreSQL refuses 8000 or more.
const MAX_PAYLOAD: usize = 7900;

/// How long spilled payloads are kept for nodes to read them.
const SPILL_KEEP: Duration = Duration::from_secs(600);

/// The most events a node publishes in one round of notifications.
const MAX_ROUND: usize = 256;

/// The bus of a node on PostgreSQL.
#[derive(Clone)]
pub struct PgBus {
    hub: Arc<dyn Receiver>,
    outgoing: mpsc::UnboundedSender<Event>,
    /// Whether the listener is connected (so this node hears the others).
    listening: Arc<AtomicBool>,
}

impl PgBus {
    /// Starts listening (it is listening when this returns, so nothing
    /// committed later is missed) and publishing, until `shutdown`.
    pub async fn start(
        pool: PgPool,
        hub: Arc<dyn Receiver>,
        shutdown: CancellationToken,
    ) -> Result<Self, sqlx::Error> {
        let node: Arc<str> = uuid::Uuid::new_v4().to_string().into();
        let listener = listener::connect(&pool).await?;
        let listening = Arc::new(AtomicBool::new(true));
        tokio::spawn(
            listener::Listener {
                pool: pool.clone(),
                hub: hub.clone(),
                node: node.clone(),
                listening: listening.clone(),
            }
            .run(listener, shutdown),
        );
        let (outgoing, queue) = mpsc::unbounded_channel();
        tokio::spawn(publish(queue, pool, node));
        Ok(Self {
            hub,
            outgoing,
            listening,
        })
    }
}

impl Bus for PgBus {
    fn publish(&self, event: Event) {
        let remote = event.clone();
        self.hub.receive(event);
        // Fails only once the publishing task has ended, at shutdown.
        let _ = self.outgoing.send(remote);
    }

    /// Every node, this one included, hears of them from its listener.
    fn committed(&self, _: &[News<'_>]) {}

    fn ready(&self) -> bool {
        self.listening.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[async_trait::async_trait]
impl Announce for PgBus {
    /// NOTIFY inside the storing transaction: PostgreSQL delivers it in
    /// commit order, and only if the commit happens.
    async fn in_transaction(&self, tx: &mut Tx<'_>, news: &[News<'_>]) -> Result<(), StoreError> {
        let Some(conn) = tx.postgres() else {
            return Ok(());
        };
        let events: Vec<WireEvent> = news
            .iter()
            .filter_map(Event::news)
            .map(|event| WireEvent::from(&event))
            .collect();
        Ok(notify(conn, None, &events).await?)
    }
}

/// Sends `events` to every node, as notifications of the transaction (or
/// connection) `conn`: `from` names the node that applied them already.
async fn notify(
    conn: &mut PgConnection,
    from: Option<&str>,
    events: &[WireEvent],
) -> Result<(), sqlx::Error> {
    for payload in pack(from, now_millis(), events) {
        let payload = match payload {
            Payload::Inline(text) => text,
            Payload::Spill(text) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO bus_spill (payload, created_at) VALUES ($1, $2) RETURNING id",
                )
                .bind(&text)
                .bind(now_millis())
                .fetch_one(&mut *conn)
                .await?;
                serialize(&Notice::Spilled(id))
            }
        };
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&mut *conn)
            .await?;
        counter!(BUS_SENT).increment(1);
    }
    Ok(())
}

/// A notification's payload, or one too large to send as it is.
#[derive(Debug, PartialEq)]
enum Payload {
    Inline(String),
    Spill(String),
}

/// Packs events, sent at `at` (milliseconds since the epoch), in order,
/// into as few payloads as fit.
fn pack(from: Option<&str>, at: i64, events: &[WireEvent]) -> Vec<Payload> {
    let head = format!(
        "{{\"events\":{{\"from\":{},\"at\":{at},\"events\":[",
        serialize(&from)
    );
    let tail = "]}}";
    let mut payloads = Vec::new();
    let mut current = String::new();
    for event in events {
        let item = serialize(event);
        if !current.is_empty()
            && head.len() + current.len() + 1 + item.len() + tail.len() > MAX_PAYLOAD
        {
            payloads.push(Payload::Inline(format!("{head}{current}{tail}")));
            current.clear();
        }
        if head.len() + item.len() + tail.len() > MAX_PAYLOAD {
            payloads.push(Payload::Spill(format!("{head}{item}{tail}")));
            continue;
        }
        if !current.is_empty() {
            current.push(',');
        }
        current.push_str(&item);
    }
    if !current.is_empty() {
        payloads.push(Payload::Inline(format!("{head}{current}{tail}")));
    }
    payloads
}

fn serialize(value: &impl serde::Serialize) -> String {
    // Banter's wire types always serialise (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Sends this node's events to the others, in the order published.
async fn publish(mut queue: mpsc::UnboundedReceiver<Event>, pool: PgPool, node: Arc<str>) {
    let mut round = Vec::with_capacity(MAX_ROUND);
    let mut cleanup = tokio::time::interval(SPILL_KEEP / 4);
    loop {
        tokio::select! {
            received = queue.recv_many(&mut round, MAX_ROUND) => {
                if received == 0 {
                    return;
                }
                let events: Vec<WireEvent> = round.drain(..).map(|e| WireEvent::from(&e)).collect();
                if let Err(error) = send(&pool, &node, &events).await {
                    tracing::warn!(%error, events = events.len(), "cannot send events to the other nodes");
                }
            }
            _ = cleanup.tick() => {
                let before = now_millis() - i64::try_from(SPILL_KEEP.as_millis()).unwrap_or(i64::MAX);
                if let Err(error) = sqlx::query("DELETE FROM bus_spill WHERE created_at < $1")
                    .bind(before)
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(%error, "cannot delete old spilled events");
                }
            }
        }
    }
}

async fn send(pool: &PgPool, node: &str, events: &[WireEvent]) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    notify(&mut conn, Some(node), events).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{ChannelId, UserId};

    fn frame_of(len: usize) -> WireEvent {
        WireEvent::ToChannel {
            channel: ChannelId(1),
            frame: "x".repeat(len),
        }
    }

    fn events_in(payload: &str) -> usize {
        match serde_json::from_str::<Notice>(payload).expect("notice") {
            Notice::Events { events, .. } => events.len(),
            Notice::Spilled(_) => 0,
        }
    }

    #[test]
    fn small_events_share_one_payload() {
        let events: Vec<_> = (0..10).map(|_| frame_of(100)).collect();
        let payloads = pack(Some("node"), 1, &events);
        assert_eq!(payloads.len(), 1);
        let Payload::Inline(text) = &payloads[0] else {
            panic!("inline")
        };
        assert_eq!(events_in(text), 10);
    }

    #[test]
    fn payloads_stay_under_the_limit_and_keep_the_order() {
        let events: Vec<_> = (0..40).map(|i| frame_of(500 + i)).collect();
        let payloads = pack(None, 1, &events);
        assert!(payloads.len() > 1);
        let mut total = 0;
        for payload in &payloads {
            let Payload::Inline(text) = payload else {
                panic!("inline")
            };
            assert!(text.len() <= MAX_PAYLOAD);
            total += events_in(text);
        }
        assert_eq!(total, 40);
    }

    #[test]
    fn an_event_too_large_for_a_payload_is_spilled_in_its_place() {
        let events = [frame_of(10), frame_of(20_000), frame_of(10)];
        let payloads = pack(None, 1, &events);
        assert_eq!(payloads.len(), 3);
        assert!(matches!(&payloads[0], Payload::Inline(_)));
        let Payload::Spill(big) = &payloads[1] else {
            panic!("spilled")
        };
        assert_eq!(events_in(big), 1);
        assert!(matches!(&payloads[2], Payload::Inline(_)));
    }

    #[test]
    fn presence_on_the_wire_reads_back() {
        let payloads = pack(
            Some("a"),
            1,
            &[WireEvent::Presence {
                user: UserId(1),
                online: true,
                version: 2,
            }],
        );
        let Payload::Inline(text) = &payloads[0] else {
            panic!("inline")
        };
        assert_eq!(events_in(text), 1);
    }
}
