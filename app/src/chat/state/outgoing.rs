//! Changes this tab made to messages (edits and reactions) on their way to
//! the server: shown at once, over the message as the server last sent it,
//! until this tab has heard them back.
//!
//! What the tab holds of a message stays the server's version, so that the
//! changes heard (deltas, by revision) apply to it exactly once; what the
//! list shows is that version with the outgoing changes laid over it. One
//! leaves when the server refuses it, when the server answers that it
//! changed nothing, or once the message held is as new as the revision the
//! server says it took.
//!
//! A channel's changes go out one at a time, oldest first: the next leaves
//! once the one on its way is answered. A reaction added and taken back
//! must reach the server in that order, and a change waiting to be tried
//! again (the server said "too fast") must not be overtaken, nor sent a
//! second time when the link comes back in the meantime. While the link is
//! down they wait, and go out again in order once it is back; the server
//! makes each only once (an edit to the same text, or a reaction already
//! there, changes nothing).

use std::borrow::Cow;

use super::{changes::react, ChannelState, Entry};
use crate::{
    model::User,
    protocol::{ClientId, Message, MessageId, Millis, Rev},
};

/// A change to a message, made in this tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Identifies it until it leaves.
    pub id: ClientId,
    pub message: MessageId,
    pub what: Wish,
    pub progress: Progress,
}

/// How far a change has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Waiting for its turn, or for the link.
    Unsent,
    /// Sent, its answer awaited (at most one per channel).
    OnItsWay,
    /// The server made it, and it took this revision.
    Made(Rev),
}

/// What the change does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wish {
    /// New text, written at `at`.
    Edit {
        text: String,
        at: Millis,
    },
    React {
        emoji: String,
        add: bool,
    },
}

impl ChannelState {
    /// Lays `outgoing` over what is shown from now on; it goes out in its
    /// turn ([`ChannelState::next_to_send`]).
    pub fn add_outgoing(&mut self, outgoing: Outgoing) {
        self.outgoing.push(outgoing);
    }

    /// The oldest change not sent yet, now on its way; `None` while another
    /// is on its way (or none is waiting).
    pub fn next_to_send(&mut self) -> Option<Outgoing> {
        if self
            .outgoing
            .iter()
            .any(|o| o.progress == Progress::OnItsWay)
        {
            return None;
        }
        let next = self
            .outgoing
            .iter_mut()
            .find(|o| o.progress == Progress::Unsent)?;
        next.progress = Progress::OnItsWay;
        Some(next.clone())
    }

    /// Change `id` got no answer (the link dropped): it waits to be sent
    /// again, in its turn.
    pub fn unanswered(&mut self, id: ClientId) {
        if let Some(outgoing) = self.outgoing.iter_mut().find(|o| o.id == id) {
            outgoing.progress = Progress::Unsent;
        }
    }

    /// The server made change `id`, which took `rev` (`None`: it changed
    /// nothing, the message was that way already).
    pub fn made(&mut self, id: ClientId, rev: Option<Rev>) {
        match rev {
            Some(rev) => {
                if let Some(outgoing) = self.outgoing.iter_mut().find(|o| o.id == id) {
                    outgoing.progress = Progress::Made(rev);
                }
                self.forget_heard();
            }
            None => self.drop_outgoing(id),
        }
    }

    /// Change `id` was refused: it is shown no longer.
    pub fn drop_outgoing(&mut self, id: ClientId) {
        self.outgoing.retain(|o| o.id != id);
    }

    /// Forgets the changes made whose revision the messages held have
    /// reached (or whose message is no longer held): they show by
    /// themselves now.
    pub fn forget_heard(&mut self) {
        let entries = &self.entries;
        self.outgoing.retain(|o| match o.progress {
            Progress::Made(rev) => held(entries, o.message).is_some_and(|m| m.rev < rev),
            Progress::Unsent | Progress::OnItsWay => true,
        });
    }
}

impl Progress {
    /// Whether a change so far along still shows over `message` (the
    /// server's version, which reached its revision once it is heard).
    fn over(self, message: &Message) -> bool {
        match self {
            Self::Made(rev) => message.rev < rev,
            Self::Unsent | Self::OnItsWay => true,
        }
    }
}

fn held(entries: &[Entry], id: MessageId) -> Option<&Message> {
    entries
        .iter()
        .filter_map(Entry::stored)
        .find(|m| m.id == id)
}

/// `message` as the list shows it: with this tab's outgoing changes to it
/// laid over, and whether any of them is still waiting for the server.
pub fn laid_over<'a>(
    message: &'a Message,
    outgoing: &[Outgoing],
    me: &User,
) -> (Cow<'a, Message>, bool) {
    let mut over = outgoing
        .iter()
        .filter(|o| o.message == message.id && o.progress.over(message))
        .peekable();
    if over.peek().is_none() {
        return (Cow::Borrowed(message), false);
    }
    let (mut shown, mut waiting) = (message.clone(), false);
    for outgoing in over {
        waiting |= !matches!(outgoing.progress, Progress::Made(_));
        match &outgoing.what {
            Wish::Edit { text, at } => {
                // Formatted once the server has parsed it.
                shown.text.clone_from(text);
                shown.body = None;
                shown.edited = Some(*at);
            }
            Wish::React { emoji, add } => {
                let mine = shown.reactions.iter().any(|r| r.emoji == *emoji && r.me);
                if mine != *add {
                    react(&mut shown.reactions, emoji, &me.username, *add, true);
                }
            }
        }
    }
    (Cow::Owned(shown), waiting)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{channel, message, ME};
    use super::*;
    use crate::{
        model::UserId,
        protocol::{Change, ChangeKind, Millis},
    };

    const BOB: UserId = UserId(2);

    fn me() -> User {
        User {
            id: ME,
            username: "me".into(),
            display: String::new(),
        }
    }

    fn outgoing(n: u128, what: Wish) -> Outgoing {
        Outgoing {
            id: ClientId(uuid::Uuid::from_u128(n)),
            message: MessageId(1),
            what,
            progress: Progress::Unsent,
        }
    }

    fn thumbs(add: bool) -> Wish {
        Wish::React {
            emoji: "👍".into(),
            add,
        }
    }

    fn shown_of(c: &ChannelState) -> Option<(Message, bool)> {
        let message = held(&c.entries, MessageId(1)).unwrap();
        match laid_over(message, &c.outgoing, &me()) {
            (Cow::Owned(shown), waiting) => Some((shown, waiting)),
            (Cow::Borrowed(_), _) => None,
        }
    }

    #[test]
    fn an_outgoing_edit_shows_until_its_revision_is_heard() {
        let mut c = channel();
        c.merge(message(1, ME, 1), ME);
        let rev = held(&c.entries, MessageId(1)).unwrap().rev;
        let edit = outgoing(
            7,
            Wish::Edit {
                text: "Привет, 日本語 🦀".into(),
                at: Millis(9),
            },
        );
        c.add_outgoing(edit.clone());
        let (shown, waiting) = shown_of(&c).unwrap();
        assert_eq!(shown.text, "Привет, 日本語 🦀");
        assert_eq!(shown.edited, Some(Millis(9)), "shown as edited at once");
        assert!(waiting);
        assert_eq!(held(&c.entries, MessageId(1)).unwrap().text, "m1");

        let made = Rev(rev.0 + 3);
        c.made(edit.id, Some(made));
        let (shown, waiting) = shown_of(&c).unwrap();
        assert_eq!(shown.text, "Привет, 日本語 🦀", "made, not heard yet");
        assert!(!waiting);

        // Another change to it, older than this tab's: still laid over.
        let bob = Change {
            channel: c.id,
            message: MessageId(1),
            rev: Rev(rev.0 + 2),
            what: ChangeKind::Edited {
                text: "bob?".into(),
                body: None,
                at: Millis(1),
            },
        };
        c.apply_change(&bob, ME);
        c.forget_heard();
        assert_eq!(shown_of(&c).unwrap().0.text, "Привет, 日本語 🦀");

        let mine = Change {
            rev: made,
            what: ChangeKind::Edited {
                text: "Привет, 日本語 🦀".into(),
                body: None,
                at: Millis(2),
            },
            ..bob
        };
        c.apply_change(&mine, ME);
        c.forget_heard();
        assert!(c.outgoing.is_empty());
        assert!(shown_of(&c).is_none());
    }

    #[test]
    fn outgoing_reactions_toggle_the_reader_s_own_only() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        c.add_outgoing(outgoing(1, thumbs(true)));
        let (shown, _) = shown_of(&c).unwrap();
        assert_eq!(shown.reactions.len(), 1);
        assert_eq!((shown.reactions[0].count, shown.reactions[0].me), (1, true));

        // Added twice is still once; then taken back.
        c.add_outgoing(outgoing(2, thumbs(true)));
        assert_eq!(shown_of(&c).unwrap().0.reactions[0].count, 1);
        c.add_outgoing(outgoing(3, thumbs(false)));
        assert!(shown_of(&c).unwrap().0.reactions.is_empty());
    }

    #[test]
    fn a_channel_s_changes_go_out_one_at_a_time_in_order() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        let (add, take_back) = (outgoing(1, thumbs(true)), outgoing(2, thumbs(false)));
        c.add_outgoing(add.clone());
        c.add_outgoing(take_back.clone());

        assert_eq!(c.next_to_send().map(|o| o.id), Some(add.id));
        assert_eq!(c.next_to_send(), None, "one on its way at a time");

        // The link dropped before the answer: the first goes again, first.
        c.unanswered(add.id);
        assert_eq!(c.next_to_send().map(|o| o.id), Some(add.id));
        c.made(add.id, Some(Rev(5)));
        assert_eq!(c.next_to_send().map(|o| o.id), Some(take_back.id));
        c.drop_outgoing(take_back.id);
        assert_eq!(c.next_to_send(), None, "nothing left to send");
        assert_eq!(c.outgoing.len(), 1, "the made one shows until heard");
    }

    #[test]
    fn a_change_that_changed_nothing_or_was_refused_leaves() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        c.add_outgoing(outgoing(1, thumbs(true)));
        c.add_outgoing(outgoing(2, thumbs(false)));
        c.made(ClientId(uuid::Uuid::from_u128(1)), None);
        c.drop_outgoing(ClientId(uuid::Uuid::from_u128(2)));
        assert!(c.outgoing.is_empty());
    }
}
