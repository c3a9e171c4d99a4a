//! Which of a channel's messages are in the page.
//!
//! A tab may hold thousands of messages of a channel (the reader scrolled far
//! back), but the page renders at most [`SIZE`] of them: a window that moves
//! by [`STEP`] messages as the reader nears either end. Moving it drops the
//! rows at the far end, so the number of elements (and the cost of layout)
//! stays bounded however long the history is.
//!
//! A window is named by the seq of its first message rather than by an
//! index, so that it stays on the same messages when older ones are added
//! above or new ones below.

use std::ops::Range;

use crate::protocol::Seq;

use super::state::Entry;

/// The most messages rendered at once.
pub const SIZE: usize = 150;
/// How many messages the window moves by.
pub const STEP: usize = 50;

/// Where the window of rendered messages sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Window {
    /// The latest messages, following new ones as they come.
    #[default]
    Latest,
    /// Up to [`SIZE`] messages from the one with this seq on.
    From(Seq),
}

impl Window {
    /// The part of `entries` to render.
    pub fn range(self, entries: &[Entry]) -> Range<usize> {
        let len = entries.len();
        let start = match self {
            Window::Latest => len.saturating_sub(SIZE),
            // Stored entries come first, in seq order.
            Window::From(seq) => entries
                .partition_point(|entry| entry.stored().is_some_and(|m| m.seq < seq))
                .min(len.saturating_sub(SIZE)),
        };
        start..(start + SIZE).min(len)
    }

    /// The window [`STEP`] messages further back, if the entries reach
    /// further back than this window.
    pub fn earlier(self, entries: &[Entry]) -> Option<Window> {
        let start = self.range(entries).start;
        if start == 0 {
            return None;
        }
        let start = start.saturating_sub(STEP);
        entries[start].stored().map(|m| Window::From(m.seq))
    }

    /// The window [`STEP`] messages further on, or the latest one once that
    /// is near; `None` when already at the latest.
    pub fn later(self, entries: &[Entry]) -> Option<Window> {
        if self == Window::Latest {
            return None;
        }
        let start = self.range(entries).start + STEP;
        if start + SIZE >= entries.len() {
            return Some(Window::Latest);
        }
        entries[start].stored().map(|m| Window::From(m.seq))
    }

    /// Whether the window shows the newest entry held.
    pub fn reaches_end(self, entries: &[Entry]) -> bool {
        self.range(entries).end == entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        model::{ChannelId, UserId},
        protocol::{ClientId, Message, MessageId, Millis, Rev},
    };

    fn entries(seqs: Range<i64>) -> Vec<Entry> {
        seqs.map(|seq| {
            Entry::Stored(Message {
                id: MessageId(seq),
                channel: ChannelId(1),
                seq: Seq(seq),
                sender: UserId(1),
                sender_name: "ann".into(),
                sender_display: String::new(),
                client_id: ClientId(uuid::Uuid::from_u128(seq as u128)),
                text: String::new(),
                body: None,
                at: Millis(0),
                rev: Rev(0),
                edited: None,
                deleted: crate::protocol::Deletion::Kept,
                reply_to: None,
                reactions: Vec::new(),
                files: Vec::new(),
            })
        })
        .collect()
    }

    #[test]
    fn the_latest_window_is_the_last_messages() {
        let all = entries(1..1001);
        assert_eq!(Window::Latest.range(&all), 850..1000);
        let few = entries(1..11);
        assert_eq!(Window::Latest.range(&few), 0..10);
        assert_eq!(Window::Latest.earlier(&few), None);
        assert_eq!(Window::Latest.range(&[]), 0..0);
    }

    #[test]
    fn moving_back_and_forth_keeps_the_size() {
        let all = entries(1..1001);
        // Index 800 holds seq 801.
        let back = Window::Latest.earlier(&all).unwrap_or_default();
        assert_eq!(back, Window::From(Seq(801)));
        assert_eq!(back.range(&all), 800..950);
        assert!(!back.reaches_end(&all));
        let further = back.earlier(&all).unwrap_or_default();
        assert_eq!(further.range(&all), 750..900);
        assert_eq!(further.later(&all), Some(Window::From(Seq(801))));
        assert_eq!(back.later(&all), Some(Window::Latest));
        assert_eq!(Window::Latest.later(&all), None);
    }

    #[test]
    fn a_window_stays_on_its_messages_when_older_ones_arrive() {
        let mut all = entries(501..1001);
        let window = Window::From(Seq(600));
        assert_eq!(window.range(&all), 99..249);
        all.splice(0..0, entries(451..501));
        assert_eq!(window.range(&all), 149..299);
    }

    #[test]
    fn the_first_window_stops_at_the_first_message() {
        let all = entries(1..1001);
        let mut window = Window::Latest;
        while let Some(earlier) = window.earlier(&all) {
            window = earlier;
        }
        assert_eq!(window.range(&all), 0..150);
        // A seq beyond the messages held keeps a full window.
        assert_eq!(Window::From(Seq(5000)).range(&all), 850..1000);
    }
}
