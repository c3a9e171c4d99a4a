//! The changes scenario's extra traffic, on top of a room's messages:
//! reactions by some members to the newest message, and edits by the
//! senders of their own last message. Every change goes to every member,
//! so each is counted like a message (expected, delivered, duplicated), and
//! an edit carries its send time, so its delivery latency is measured too.
//!
//! The load generator reads every batch of changes that reaches every
//! member (some 600,000 changes a second at the issue's load, on the one
//! core it has), so it reads only what it counts ([`Batch`]), borrowed from
//! the frame, rather than building each change's strings; and each
//! distinct frame only once ([`crate::frames`]).

use std::{
    borrow::Cow,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use app::{
    model::ChannelId,
    protocol::{read_frame, ClientMsg, MessageId, ServerMsg},
};
use futures::SinkExt;
use serde::{de::IgnoredAny, Deserialize};
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

/// A frame, as far as the load generator reads it: the changes it holds
/// (for each its channel and revision, and an edit's text, which carries
/// its send time), borrowed, and its other messages, built. A frame is one
/// message, or several in an array: a channel's held changes, then its
/// next event.
pub fn read(frame: &str) -> (Vec<Heard<'_>>, Vec<ServerMsg>) {
    if frame.starts_with(r#"{"changed""#) {
        if let Ok(Batch::Changed(changes)) = serde_json::from_str(frame) {
            return (changes, Vec::new());
        }
    } else if frame.starts_with(r#"[{"changed""#) {
        if let Ok((Batch::Changed(changes), then)) = serde_json::from_str(frame) {
            return (changes, vec![then]);
        }
    }
    (Vec::new(), read_frame(frame.as_bytes()).unwrap_or_default())
}

/// `ServerMsg::Changed` on the wire: `{"changed":[[channel, message, rev,
/// what], …]}`.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Batch<'a> {
    Changed(#[serde(borrow)] Vec<Heard<'a>>),
}

/// One change of a batch (an array on the wire, read in field order).
#[derive(Deserialize)]
pub struct Heard<'a> {
    pub channel: i64,
    _message: IgnoredAny,
    pub rev: i64,
    #[serde(borrow)]
    pub what: What<'a>,
}

/// What changed, an array on the wire (`[kind, text, body, at, people,
/// added]`, see `app/src/protocol/wire.rs`): only its kind and text are
/// kept.
#[derive(Deserialize)]
pub struct What<'a>(
    u8,
    #[serde(borrow)] Cow<'a, str>,
    IgnoredAny,
    IgnoredAny,
    IgnoredAny,
    IgnoredAny,
);

impl<'a> What<'a> {
    /// An edit's new text.
    pub fn edited(self) -> Option<Cow<'a, str>> {
        (self.0 == 0).then_some(self.1)
    }
}

#[cfg(test)]
mod tests {
    use app::{
        model::User,
        protocol::{Change, ChangeKind, Millis, Rev},
    };

    use super::*;

    #[test]
    fn reads_the_server_s_batches_of_changes() {
        let change = |rev, what| Change {
            channel: ChannelId(3),
            message: MessageId(9),
            rev: Rev(rev),
            what,
        };
        let frame = serde_json::to_string(&ServerMsg::Changed {
            changes: vec![
                change(
                    1,
                    ChangeKind::Edited {
                        text: "123 0 edited \"日本語\" 🦀".into(),
                        body: None,
                        at: Millis(5),
                    },
                ),
                change(2, ChangeKind::Deleted),
                change(
                    3,
                    ChangeKind::Reacted {
                        emoji: "👍".into(),
                        user: User {
                            id: app::model::UserId(4),
                            username: "load-3".into(),
                            display: String::new(),
                        },
                        added: true,
                    },
                ),
            ],
        })
        .unwrap();
        let (heard, rest) = read(&frame);
        assert!(rest.is_empty());
        let read_back: Vec<(i64, i64)> = heard.iter().map(|h| (h.channel, h.rev)).collect();
        assert_eq!(read_back, [(3, 1), (3, 2), (3, 3)]);
        assert!(
            matches!(&heard[0].what, What(0, text, ..) if text == "123 0 edited \"日本語\" 🦀")
        );
        assert!(matches!(heard[1].what, What(1, ..)));
        assert!(matches!(heard[2].what, What(3, ..)));

        // Joined with the channel's next event: both read, in order.
        let next = serde_json::to_string(&ServerMsg::MemberCount {
            channel: ChannelId(3),
            count: 7,
        })
        .unwrap();
        let joined = format!("[{frame},{next}]");
        let (heard, rest) = read(&joined);
        assert_eq!(heard.len(), 3);
        assert!(matches!(
            rest[..],
            [ServerMsg::MemberCount { count: 7, .. }]
        ));
        let (heard, rest) = read(&next);
        assert!(heard.is_empty());
        assert_eq!(rest.len(), 1);
    }
}
