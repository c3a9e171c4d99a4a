//! Reading the server's frames, each distinct one once.
//!
//! A room's frame reaches all of its members byte for byte alike: at the
//! big room's load that is 100,000 frames a second of a few dozen distinct
//! ones, on the one core the load generator has. Parsing each delivery
//! anew made the load generator, not the server, the bottleneck of what it
//! measured (its core nearly full once changes ride along). So a frame is
//! parsed once into what the load generator counts ([`Frame`]), and every
//! later delivery of the same bytes reuses it ([`Memo`]): each delivery is
//! still read from its own socket, compared in full with what was parsed,
//! and counted by the client that got it.

use std::{
    borrow::Cow,
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use app::protocol::ServerMsg;

use crate::changes;

/// What one frame says, as far as the load generator counts it.
#[derive(Debug, Default)]
pub struct Frame {
    /// The changes it holds, in order.
    pub changes: Vec<Change>,
    /// Its other messages, in order.
    pub events: Vec<ServerMsg>,
}

/// One change: its channel and revision, and for an edit the text it was
/// given (which carries its send time).
#[derive(Debug, PartialEq, Eq)]
pub struct Change {
    pub channel: i64,
    pub rev: i64,
    pub edited: Option<String>,
}

impl Frame {
    /// Parses `text`.
    pub fn parse(text: &str) -> Self {
        let (heard, events) = changes::read(text);
        let changes = heard
            .into_iter()
            .map(|heard| Change {
                channel: heard.channel,
                rev: heard.rev,
                edited: heard.what.edited().map(Cow::into_owned),
            })
            .collect();
        Self { changes, events }
    }
}

/// How many distinct frames are remembered: a room's frames arrive at its
/// members together, so the last few are the ones being delivered.
const REMEMBERED: usize = 32;

/// The frames parsed most recently, newest first, shared by every client of
/// the process.
#[derive(Clone, Default)]
pub struct Memo(Arc<Mutex<VecDeque<Parsed>>>);

/// A frame's bytes and what they say.
type Parsed = (Box<str>, Arc<Frame>);

impl Memo {
    /// What `text` says: remembered if these exact bytes were parsed
    /// lately, else parsed now. A reply to one client's own request is
    /// never the same as another's, so it is parsed and not remembered.
    pub fn read(&self, text: &str) -> Arc<Frame> {
        let shared = !(text.starts_with(r#"{"ok""#) || text.starts_with(r#"{"error""#));
        if shared {
            if let Some(frame) = self.find(text) {
                return frame;
            }
        }
        let frame = Arc::new(Frame::parse(text));
        if shared {
            if let Ok(mut frames) = self.0.lock() {
                frames.truncate(REMEMBERED - 1);
                frames.push_front((text.into(), frame.clone()));
            }
        }
        frame
    }

    fn find(&self, text: &str) -> Option<Arc<Frame>> {
        let frames = self.0.lock().ok()?;
        frames
            .iter()
            .find(|(seen, _)| **seen == *text)
            .map(|(_, frame)| frame.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_are_parsed_once_and_others_anew() {
        let memo = Memo::default();
        let joined = r#"[{"changed":[[1,9,7,[0,"12 0 edited 日本語",null,5,[],false]],[1,9,8,[1,"",null,0,[],false]]]},{"member_count":[1,3]}]"#;
        let first = memo.read(joined);
        assert_eq!(
            first.changes,
            [
                Change {
                    channel: 1,
                    rev: 7,
                    edited: Some("12 0 edited 日本語".into())
                },
                Change {
                    channel: 1,
                    rev: 8,
                    edited: None
                }
            ]
        );
        assert!(matches!(
            first.events[..],
            [ServerMsg::MemberCount { count: 3, .. }]
        ));
        assert!(Arc::ptr_eq(&first, &memo.read(joined)));

        // One byte apart is another frame.
        let other = joined.replace("[1,3]", "[1,4]");
        let second = memo.read(&other);
        assert!(!Arc::ptr_eq(&first, &second));
        assert!(matches!(
            second.events[..],
            [ServerMsg::MemberCount { count: 4, .. }]
        ));

        // A reply is read but not remembered.
        let reply = r#"{"ok":[3,"done"]}"#;
        assert!(!Arc::ptr_eq(&memo.read(reply), &memo.read(reply)));
    }

    #[test]
    fn only_the_newest_frames_are_remembered() {
        let memo = Memo::default();
        let frame = |n: usize| format!(r#"{{"member_count":[1,{n}]}}"#);
        let oldest = memo.read(&frame(0));
        for n in 1..REMEMBERED {
            memo.read(&frame(n));
        }
        assert!(Arc::ptr_eq(&oldest, &memo.read(&frame(0))));
        for n in REMEMBERED..2 * REMEMBERED {
            memo.read(&frame(n));
        }
        assert!(!Arc::ptr_eq(&oldest, &memo.read(&frame(0))));
    }
}
