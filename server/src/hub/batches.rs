//! Changes to messages reach a channel in batches, a few frames a second at
//! most, whatever their rate.
//!
//! An edit, a delete or a reaction costs a room what a message costs: one
//! frame to every listener. In a room of thousands, a burst of reactions
//! multiplied its frames until messages queued behind them for seconds
//! (docs/performance.md, "Changes in the big room"). So each channel's
//! changes go out at most once a window: the first change after a quiet
//! spell goes out at once, alone, and those that follow it within the
//! window are held and go out together when it ends, as one frame, or
//! sooner, with the channel's next event, in its frame.
//!
//! The window grows with the room ([`window`]): 200 ms in a small one, up
//! to a second in one of a thousand connections or more, where each frame
//! costs a thousand writes and a change's few hundred milliseconds more go
//! unnoticed. In a busy room its changes then ride along with its messages,
//! in the same frames.
//!
//! Clients move their revision cursor with every event they hear, so a
//! channel's events must reach them in revision order: its held changes go
//! out before any other event of that channel (in the same frame), and
//! every frame to a channel is pushed while [`Batches`] is locked, so the
//! task that sends held changes and the bus never interleave theirs.

use std::{
    collections::HashMap,
    mem,
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use app::{
    model::ChannelId,
    protocol::{Change, ServerMsg},
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Hub;
use crate::frame::{encode, Frame};

/// The shortest window, for rooms of up to 200 connections on this node.
pub const WINDOW: Duration = Duration::from_millis(200);

/// The longest, for rooms of 1,000 connections or more.
pub const MAX_WINDOW: Duration = Duration::from_secs(1);

/// The longest a change waits in a room of `listeners` connections on this
/// node, and the shortest time between two frames of its changes (unless a
/// message comes between them): a millisecond per connection, from
/// [`WINDOW`] to [`MAX_WINDOW`].
pub fn window(listeners: usize) -> Duration {
    let millis = u64::try_from(listeners).unwrap_or(u64::MAX);
    Duration::from_millis(millis).clamp(WINDOW, MAX_WINDOW)
}

impl Hub {
    /// Sends a change to every connection listening to its channel: now, if
    /// the channel has been quiet, or with the others that follow it when
    /// its window ends ([`Hub::send_held_changes`] sends them).
    pub fn change(&self, change: Change) {
        let channel = change.channel;
        let mut batches = self.inner.batches.lock();
        let listeners = self.read().channels.get(&channel).map_or(0, HashMap::len);
        match batches.hold(change, window(listeners), Instant::now()) {
            Taken::Send(frame) => self.fan_out(channel, &frame),
            Taken::HeldFirst => self.inner.batches.wake.notify_one(),
            Taken::Held => {}
        }
    }

    /// Sends each channel's held changes when its window ends, until
    /// `shutdown`. One task per hub runs this.
    pub async fn send_held_changes(self, shutdown: CancellationToken) {
        loop {
            let next = {
                let mut batches = self.inner.batches.lock();
                let (frames, next) = batches.due(Instant::now());
                for (channel, frame) in &frames {
                    self.fan_out(*channel, frame);
                }
                next
            };
            // Woken early when a channel starts holding changes: its window
            // may end before `next`.
            let wake = self.inner.batches.wake.notified();
            let waited = async {
                match next {
                    Some(at) => {
                        tokio::select! {
                            () = tokio::time::sleep_until(at.into()) => {}
                            () = wake => {}
                        }
                    }
                    None => wake.await,
                }
            };
            tokio::select! {
                () = waited => {}
                () = shutdown.cancelled() => return,
            }
        }
    }
}

/// Every channel's held changes, and a way to wake their sender.
#[derive(Debug, Default)]
pub(super) struct Batches {
    held: Mutex<Held>,
    /// Woken when a channel starts holding changes.
    pub(super) wake: Notify,
}

impl Batches {
    /// Locks the batches: whoever pushes frames to a channel holds this.
    pub(super) fn lock(&self) -> MutexGuard<'_, Held> {
        // What is held stays consistent even if a holder panicked.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The channels that have had changes lately.
#[derive(Debug, Default)]
pub(super) struct Held {
    channels: HashMap<ChannelId, Channel>,
}

#[derive(Debug)]
struct Channel {
    /// When the channel's changes last went out.
    sent: Instant,
    /// Its window, as its size was at its latest change.
    window: Duration,
    /// Changes waiting for the window to end, in revision order.
    changes: Vec<Change>,
}

/// What [`Held::hold`] did with a change.
#[derive(Debug)]
pub(super) enum Taken {
    /// The channel was quiet: send this frame now.
    Send(Frame),
    /// Held, the first of its batch: the sender must be woken.
    HeldFirst,
    /// Held behind others.
    Held,
}

impl Held {
    /// Takes a change for its channel's listeners.
    pub(super) fn hold(&mut self, change: Change, window: Duration, now: Instant) -> Taken {
        let Some(channel) = self.channels.get_mut(&change.channel) else {
            self.channels.insert(
                change.channel,
                Channel {
                    sent: now,
                    window,
                    changes: Vec::new(),
                },
            );
            return send(vec![change]);
        };
        channel.window = window;
        if channel.changes.is_empty() && now.duration_since(channel.sent) >= window {
            channel.sent = now;
            return send(vec![change]);
        }
        channel.changes.push(change);
        match channel.changes.len() {
            1 => Taken::HeldFirst,
            _ => Taken::Held,
        }
    }

    /// The frame of `channel`'s held changes, if it has any: to send before
    /// any other frame of that channel.
    pub(super) fn take(&mut self, channel: ChannelId, now: Instant) -> Option<Frame> {
        let held = self.channels.get_mut(&channel)?;
        if held.changes.is_empty() {
            return None;
        }
        held.sent = now;
        encode_batch(mem::take(&mut held.changes))
    }

    /// The frames of every batch whose window has ended, and when the next
    /// window ends (`None`: nothing is held). Forgets the channels that have
    /// been quiet for a window.
    pub(super) fn due(&mut self, now: Instant) -> (Vec<(ChannelId, Frame)>, Option<Instant>) {
        let mut frames = Vec::new();
        let mut next: Option<Instant> = None;
        self.channels.retain(|&id, channel| {
            let ends = channel.sent + channel.window;
            if channel.changes.is_empty() {
                return ends > now;
            }
            if ends > now {
                next = Some(next.map_or(ends, |next| next.min(ends)));
                return true;
            }
            channel.sent = now;
            frames.extend(encode_batch(mem::take(&mut channel.changes)).map(|frame| (id, frame)));
            true
        });
        (frames, next)
    }
}

fn send(changes: Vec<Change>) -> Taken {
    match encode_batch(changes) {
        Some(frame) => Taken::Send(frame),
        // Unreachable (Banter's types always serialise); the change is in
        // the database, and clients read it when they catch up.
        None => Taken::Held,
    }
}

fn encode_batch(changes: Vec<Change>) -> Option<Frame> {
    encode(&ServerMsg::Changed { changes })
}

#[cfg(test)]
mod tests {
    use app::protocol::{ChangeKind, MessageId, Rev};

    use super::*;

    const GENERAL: ChannelId = ChannelId(1);
    const RUST: ChannelId = ChannelId(2);

    fn change(channel: ChannelId, rev: i64) -> Change {
        Change {
            channel,
            message: MessageId(1),
            rev: Rev(rev),
            what: ChangeKind::Deleted,
        }
    }

    fn revs(frame: &Frame) -> Vec<i64> {
        match serde_json::from_str(frame.as_str()) {
            Ok(ServerMsg::Changed { changes }) => changes.iter().map(|c| c.rev.0).collect(),
            other => panic!("not a batch of changes: {other:?}"),
        }
    }

    fn after(start: Instant, millis: u64) -> Instant {
        start + Duration::from_millis(millis)
    }

    #[test]
    fn the_first_change_after_a_quiet_spell_goes_out_at_once() {
        let (mut held, start) = (Held::default(), Instant::now());
        let Taken::Send(frame) = held.hold(change(GENERAL, 1), WINDOW, start) else {
            panic!("held the first change");
        };
        assert_eq!(revs(&frame), [1]);
        // A window later, the channel is quiet again.
        assert!(matches!(
            held.hold(change(GENERAL, 2), WINDOW, after(start, 200)),
            Taken::Send(_)
        ));
    }

    #[test]
    fn changes_within_the_window_go_out_together_when_it_ends() {
        let (mut held, start) = (Held::default(), Instant::now());
        held.hold(change(GENERAL, 1), WINDOW, start);
        assert!(matches!(
            held.hold(change(GENERAL, 2), WINDOW, after(start, 10)),
            Taken::HeldFirst
        ));
        assert!(matches!(
            held.hold(change(GENERAL, 3), WINDOW, after(start, 20)),
            Taken::Held
        ));
        let (frames, next) = held.due(after(start, 199));
        assert!(frames.is_empty());
        assert_eq!(next, Some(after(start, 200)));

        let (frames, next) = held.due(after(start, 200));
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].0, GENERAL);
        assert_eq!(revs(&frames[0].1), [2, 3]);
        assert_eq!(next, None, "nothing is held any more");
        // The batch that just went out starts a window of its own.
        assert!(matches!(
            held.hold(change(GENERAL, 4), WINDOW, after(start, 300)),
            Taken::HeldFirst
        ));
    }

    #[test]
    fn a_channel_s_held_changes_can_be_taken_early_and_others_wait() {
        let (mut held, start) = (Held::default(), Instant::now());
        held.hold(change(GENERAL, 1), WINDOW, start);
        held.hold(change(RUST, 1), WINDOW, start);
        held.hold(change(GENERAL, 2), WINDOW, after(start, 50));
        held.hold(change(RUST, 2), WINDOW, after(start, 60));

        let frame = held.take(GENERAL, after(start, 70)).expect("held");
        assert_eq!(revs(&frame), [2]);
        assert!(held.take(GENERAL, after(start, 71)).is_none());

        let (frames, next) = held.due(after(start, 200));
        assert_eq!(frames.len(), 1, "only RUST's window has ended");
        assert_eq!(revs(&frames[0].1), [2]);
        assert_eq!(next, None);
    }

    #[test]
    fn the_window_grows_with_the_room() {
        assert_eq!(window(2), WINDOW);
        assert_eq!(window(500), Duration::from_millis(500));
        assert_eq!(window(5_000), MAX_WINDOW);
        let (mut held, start) = (Held::default(), Instant::now());
        held.hold(change(GENERAL, 1), window(5_000), start);
        held.hold(change(GENERAL, 2), window(5_000), after(start, 10));
        let (frames, next) = held.due(after(start, 500));
        assert!(frames.is_empty());
        assert_eq!(next, Some(after(start, 1_000)));
    }

    #[test]
    fn quiet_channels_are_forgotten() {
        let (mut held, start) = (Held::default(), Instant::now());
        held.hold(change(GENERAL, 1), WINDOW, start);
        held.hold(change(RUST, 1), WINDOW, after(start, 100));
        held.due(after(start, 250));
        assert_eq!(held.channels.len(), 1, "GENERAL was quiet for a window");
        held.due(after(start, 300));
        assert!(held.channels.is_empty());
    }
}
