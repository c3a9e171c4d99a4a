//! Read markers on their way to the server. The open channel is marked read
//! in the tab at once; the server (and through it the user's other tabs)
//! hears of it at most once a second per channel: the first marker goes at
//! once, the newest of those that follow within the second goes when it
//! ends. A busy channel then costs one write a second instead of one per
//! message, and a quiet one loses no time.

use std::collections::HashMap;

use leptos::prelude::*;

use super::{
    link::Link,
    time::{now, sleep},
};
use crate::{model::ChannelId, protocol::Seq};

/// The least time between two markers of one channel, in milliseconds.
const SPACING: i64 = 1_000;

/// What to do with a new marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Send it now.
    Send,
    /// Hold it, and send the newest held one after this many milliseconds.
    Hold(i64),
    /// Hold it; a send is already due.
    Wait,
}

/// One channel's markers: when the last went, and the newest one held.
#[derive(Default)]
struct Spacer {
    sent_at: Option<i64>,
    held: Option<Seq>,
}

impl Spacer {
    fn mark(&mut self, seq: Seq, now: i64) -> Step {
        if self.held.is_some() {
            self.held = self.held.max(Some(seq));
            return Step::Wait;
        }
        match self.sent_at {
            Some(at) if now - at < SPACING => {
                self.held = Some(seq);
                Step::Hold(at + SPACING - now)
            }
            _ => {
                self.sent_at = Some(now);
                Step::Send
            }
        }
    }

    /// The held marker, when its time has come.
    fn due(&mut self, now: i64) -> Option<Seq> {
        let held = self.held.take()?;
        self.sent_at = Some(now);
        Some(held)
    }
}

/// Sends the tab's read markers, spaced out per channel.
#[derive(Clone)]
pub struct ReadMarkers {
    link: Link,
    spacers: StoredValue<HashMap<ChannelId, Spacer>>,
}

impl ReadMarkers {
    pub fn new(link: Link) -> Self {
        Self {
            link,
            spacers: StoredValue::new(HashMap::new()),
        }
    }

    /// Tells the server that `channel` is read up to `seq`, now or soon.
    pub fn mark(&self, channel: ChannelId, seq: Seq) {
        let at = now().0;
        let step = self
            .spacers
            .try_update_value(|s| s.entry(channel).or_default().mark(seq, at));
        match step {
            Some(Step::Send) => send(&self.link, channel, seq),
            Some(Step::Hold(delay)) => {
                let this = self.clone();
                leptos::task::spawn_local(async move {
                    sleep(u32::try_from(delay).unwrap_or(0)).await;
                    let at = now().0;
                    let due = this
                        .spacers
                        .try_update_value(|s| s.get_mut(&channel).and_then(|s| s.due(at)));
                    if let Some(seq) = due.flatten() {
                        send(&this.link, channel, seq);
                    }
                });
            }
            Some(Step::Wait) | None => {}
        }
    }
}

/// Sends one read marker. One lost with the link is found missing at the
/// next sync and sent again from there (see [`super::events::apply_sync`]).
pub fn send(link: &Link, channel: ChannelId, seq: Seq) {
    let link = link.clone();
    leptos::task::spawn_local(async move {
        let _ = link.mark_read(channel, seq).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_marker_goes_at_once_and_the_newest_of_the_rest_a_second_later() {
        let mut spacer = Spacer::default();
        assert_eq!(spacer.mark(Seq(1), 0), Step::Send);
        assert_eq!(spacer.mark(Seq(2), 300), Step::Hold(700));
        assert_eq!(spacer.mark(Seq(4), 500), Step::Wait);
        assert_eq!(spacer.mark(Seq(3), 600), Step::Wait);
        assert_eq!(spacer.due(1_000), Some(Seq(4)));
        assert_eq!(spacer.due(1_000), None);
        // The next one waits for a second after the held one went.
        assert_eq!(spacer.mark(Seq(5), 1_500), Step::Hold(500));
        assert_eq!(spacer.due(2_000), Some(Seq(5)));
        // After a quiet second, at once again.
        assert_eq!(spacer.mark(Seq(6), 3_000), Step::Send);
    }
}
