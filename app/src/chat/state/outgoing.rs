//! Changes this tab made to messages (edits and reactions) on their way to
//! the server: shown at once, over the message as the server last sent it,
//! until this tab has heard them back.
//!
//! What the tab holds of a message stays the server's version, so that the
//! changes heard (deltas, by revision) apply to it exactly once; what the
//! list shows is that version with the outgoing changes laid over it. One
//! leaves when the server refuses it, when the server answers that it
//! changed nothing, or once the message held is as new as the revision the
//! server says it took. While the link is down they wait, and go out again
//! in order once it is back; the server makes each only once (an edit to the
//! same text, or a reaction already there, changes nothing).

use std::borrow::Cow;

use super::{changes::react, ChannelState, Entry};
use crate::{
    model::User,
    protocol::{ClientId, Message, MessageId, Rev},
};

/// A change to a message, made in this tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Identifies it until it leaves.
    pub id: ClientId,
    pub message: MessageId,
    pub what: Wish,
    /// Once the server has made it: the revision it took.
    pub made: Option<Rev>,
}

/// What the change does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wish {
    Edit(String),
    React { emoji: String, add: bool },
}

impl ChannelState {
    /// Lays `outgoing` over what is shown from now on.
    pub fn add_outgoing(&mut self, outgoing: Outgoing) {
        self.outgoing.push(outgoing);
    }

    /// The server made change `id`, which took `rev` (`None`: it changed
    /// nothing, the message was that way already).
    pub fn made(&mut self, id: ClientId, rev: Option<Rev>) {
        match rev {
            Some(rev) => {
                if let Some(outgoing) = self.outgoing.iter_mut().find(|o| o.id == id) {
                    outgoing.made = Some(rev);
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
        self.outgoing.retain(|o| match o.made {
            None => true,
            Some(rev) => held(entries, o.message).is_some_and(|m| m.rev < rev),
        });
    }

    /// The changes the server has not made yet, oldest first: to send again
    /// once the link is back.
    pub fn unsent(&self) -> impl Iterator<Item = &Outgoing> {
        self.outgoing.iter().filter(|o| o.made.is_none())
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
        .filter(|o| o.message == message.id && o.made.is_none_or(|rev| message.rev < rev))
        .peekable();
    if over.peek().is_none() {
        return (Cow::Borrowed(message), false);
    }
    let (mut shown, mut waiting) = (message.clone(), false);
    for outgoing in over {
        waiting |= outgoing.made.is_none();
        match &outgoing.what {
            Wish::Edit(text) => shown.text.clone_from(text),
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
        }
    }

    fn outgoing(n: u128, what: Wish) -> Outgoing {
        Outgoing {
            id: ClientId(uuid::Uuid::from_u128(n)),
            message: MessageId(1),
            what,
            made: None,
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
        let edit = outgoing(7, Wish::Edit("Привет, 日本語 🦀".into()));
        c.add_outgoing(edit.clone());
        let (shown, waiting) = shown_of(&c).unwrap();
        assert_eq!(shown.text, "Привет, 日本語 🦀");
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
        assert_eq!(c.unsent().count(), 3);
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
