//! The changes scenario's extra traffic, on top of a room's messages:
//! reactions by some members to the newest message, and edits by the
//! senders of their own last message. Every change goes to every member,
//! so each is counted like a message (expected, delivered, duplicated), and
//! an edit carries its send time, so its delivery latency is measured too.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use app::{
    model::ChannelId,
    protocol::{ClientMsg, MessageId},
};
use futures::SinkExt;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::client::Sink;

/// The emoji reactors take turns with (each reactor keeps to one).
const EMOJI: [&str; 5] = ["👍", "❤️", "😂", "🎉", "👀"];

/// The newest message id any client has seen (0: none yet): what reactors
/// react to.
#[derive(Clone, Default)]
pub struct Newest(Arc<AtomicI64>);

impl Newest {
    pub fn saw(&self, id: i64) {
        self.0.fetch_max(id, Ordering::Relaxed);
    }

    fn get(&self) -> Option<MessageId> {
        let id = self.0.load(Ordering::Relaxed);
        (id > 0).then_some(MessageId(id))
    }
}

/// A sender's own newest acknowledged message (0: none yet): what it edits.
pub type OwnNewest = Newest;

/// Adds this reactor's emoji to the newest message, then takes it back from
/// the same message, in turn, every `every` from `start` until `until`.
/// Returns how many reactions were sent.
pub async fn react(
    mut sink: Sink,
    reactor: usize,
    newest: Newest,
    start: Instant,
    every: Duration,
    until: Instant,
) -> u64 {
    let emoji = EMOJI[reactor % EMOJI.len()];
    let mut tick = tokio::time::interval_at(start, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let (mut sent, mut added) = (0u64, None::<MessageId>);
    loop {
        if tick.tick().await >= until {
            return sent;
        }
        let (message, add) = match added.take() {
            Some(message) => (message, false),
            None => match newest.get() {
                Some(message) => {
                    added = Some(message);
                    (message, true)
                }
                None => continue,
            },
        };
        let request = ClientMsg::React {
            req: sent,
            channel: ChannelId::GENERAL,
            message,
            emoji: emoji.to_owned(),
            add,
        };
        if !send(&mut sink, &request).await {
            return sent;
        }
        sent += 1;
    }
}

/// Edits the sender's own newest message, once it has one: the text
/// carries the send time and the node, like a load message.
pub fn edit(
    own: &OwnNewest,
    channel: i64,
    node: usize,
    clock: Instant,
    req: u64,
) -> Option<ClientMsg> {
    let message = own.get()?;
    let at = clock.elapsed().as_micros();
    Some(ClientMsg::Edit {
        req,
        channel: ChannelId(channel),
        message,
        text: format!("{at} {node} edited load message"),
    })
}

/// Sends one request; `false` once the socket is gone.
pub async fn send(sink: &mut Sink, request: &ClientMsg) -> bool {
    match serde_json::to_string(request) {
        Ok(frame) => sink.send(Message::text(frame)).await.is_ok(),
        Err(_) => false,
    }
}
