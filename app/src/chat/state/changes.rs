//! How changes to messages merge into what the tab holds: a message as it
//! is now (from history or a catch-up) replaces the copy held unless that
//! is newer, and a change event applies only to a copy older than it. Both
//! go by the message's revision, so merging the same thing twice, or an
//! older thing after a newer one, changes nothing.

use super::{ChannelState, Entry};
use crate::{
    model::UserId,
    protocol::{Change, ChangeKind, Deletion, Message, MessageId, Reaction, REACTION_NAMES},
};

impl ChannelState {
    /// Merges a message as it is now (from a catch-up). Returns `true` if
    /// what the tab shows changed.
    pub fn refresh_message(&mut self, message: Message, me: UserId) -> bool {
        if let Some(changed) = self.replace_held(&message) {
            return changed;
        }
        self.requote(&message);
        // A change to a message older than those held is not shown: it is
        // read as it is when the reader pages back.
        let older = super::oldest_stored(&self.entries).is_some_and(|o| message.seq < o);
        !older && self.merge(message, me)
    }

    /// Replaces the copy held of `message` unless that is newer: whether
    /// that changed it, or `None` if no copy is held.
    pub(super) fn replace_held(&mut self, message: &Message) -> Option<bool> {
        let held = self.entries.iter_mut().find_map(|entry| match entry {
            Entry::Stored(held) if held.id == message.id => Some(held),
            _ => None,
        })?;
        if held.rev > message.rev || held == message {
            return Some(false);
        }
        *held = message.clone();
        self.requote(message);
        Some(true)
    }

    /// Applies a change event. Returns `true` if what the tab shows changed.
    pub fn apply_change(&mut self, change: &Change, me: UserId) -> bool {
        let Some(held) = self.held_mut(change.message) else {
            return false;
        };
        if held.rev >= change.rev {
            return false;
        }
        held.rev = change.rev;
        match &change.what {
            ChangeKind::Edited { text, body, at } => {
                held.text.clone_from(text);
                held.body.clone_from(body);
                held.edited = Some(*at);
            }
            ChangeKind::Deleted | ChangeKind::Removed => {
                held.deleted = match change.what {
                    ChangeKind::Removed => Deletion::ByModerator,
                    _ => Deletion::ByAuthor,
                };
                held.text.clear();
                held.edited = None;
                held.reply_to = None;
                held.reactions.clear();
            }
            ChangeKind::Reacted { emoji, user, added } => {
                react(
                    &mut held.reactions,
                    emoji,
                    &user.username,
                    *added,
                    user.id == me,
                );
            }
        }
        let now = held.clone();
        if !matches!(change.what, ChangeKind::Reacted { .. }) {
            self.requote(&now);
        }
        true
    }

    fn held_mut(&mut self, id: MessageId) -> Option<&mut Message> {
        self.entries.iter_mut().find_map(|entry| match entry {
            Entry::Stored(held) if held.id == id => Some(held),
            _ => None,
        })
    }

    /// Shows `original` as it is now in the quotes of the replies to it.
    fn requote(&mut self, original: &Message) {
        for entry in &mut self.entries {
            let Entry::Stored(reply) = entry else {
                continue;
            };
            if let Some(quote) = reply.reply_to.as_mut().filter(|q| q.id == original.id) {
                quote.deleted = original.deleted.is_deleted();
                quote.excerpt = if original.deleted.is_deleted() {
                    String::new()
                } else {
                    crate::text::excerpt(&original.text, crate::protocol::QUOTE_CHARS)
                };
            }
        }
    }
}

/// Adds or takes away one reactor of `emoji`.
pub(super) fn react(
    reactions: &mut Vec<Reaction>,
    emoji: &str,
    name: &str,
    added: bool,
    mine: bool,
) {
    let at = reactions.iter().position(|r| r.emoji == emoji);
    match (at, added) {
        (Some(at), true) => {
            let reaction = &mut reactions[at];
            reaction.count += 1;
            reaction.me |= mine;
            if reaction.names.len() < REACTION_NAMES {
                reaction.names.push(name.to_owned());
            }
        }
        (None, true) => reactions.push(Reaction {
            emoji: emoji.to_owned(),
            count: 1,
            me: mine,
            names: vec![name.to_owned()],
        }),
        (Some(at), false) => {
            let reaction = &mut reactions[at];
            reaction.count = reaction.count.saturating_sub(1);
            reaction.me &= !mine;
            reaction.names.retain(|n| n != name);
            if reaction.count == 0 {
                reactions.remove(at);
            }
        }
        (None, false) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{channel, message, ME};
    use super::*;
    use crate::{
        model::{ChannelId, User},
        protocol::{Millis, Quote, Rev, Seq},
    };

    const BOB: UserId = UserId(2);

    fn change(message: i64, rev: i64, what: ChangeKind) -> Change {
        Change {
            channel: ChannelId(1),
            message: MessageId(message),
            rev: Rev(rev),
            what,
        }
    }

    fn reacted(emoji: &str, user: UserId, added: bool) -> ChangeKind {
        ChangeKind::Reacted {
            emoji: emoji.into(),
            user: User {
                id: user,
                username: format!("user{}", user.0),
                display: String::new(),
            },
            added,
        }
    }

    fn held(c: &ChannelState, id: i64) -> &Message {
        c.entries
            .iter()
            .filter_map(Entry::stored)
            .find(|m| m.id == MessageId(id))
            .unwrap()
    }

    #[test]
    fn a_change_applies_once_and_never_over_a_newer_one() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        let edit = change(
            1,
            5,
            ChangeKind::Edited {
                text: "Привет, 日本語 🦀".into(),
                body: None,
                at: Millis(9),
            },
        );
        assert!(c.apply_change(&edit, ME));
        assert!(!c.apply_change(&edit, ME), "the same change twice");
        assert_eq!(held(&c, 1).text, "Привет, 日本語 🦀");
        assert_eq!(held(&c, 1).edited, Some(Millis(9)));
        let older = change(1, 4, reacted("👍", BOB, true));
        assert!(!c.apply_change(&older, ME), "older than what is held");
        assert!(held(&c, 1).reactions.is_empty());
    }

    #[test]
    fn reactions_count_and_know_whose_they_are() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        c.apply_change(&change(1, 2, reacted("👍", BOB, true)), ME);
        c.apply_change(&change(1, 3, reacted("👍", ME, true)), ME);
        c.apply_change(&change(1, 4, reacted("🎉", BOB, true)), ME);
        let reactions = &held(&c, 1).reactions;
        assert_eq!(reactions.len(), 2);
        assert_eq!((reactions[0].emoji.as_str(), reactions[0].count), ("👍", 2));
        assert!(reactions[0].me && !reactions[1].me);
        c.apply_change(&change(1, 5, reacted("👍", ME, false)), ME);
        c.apply_change(&change(1, 6, reacted("🎉", BOB, false)), ME);
        let reactions = &held(&c, 1).reactions;
        assert_eq!(reactions.len(), 1);
        assert_eq!((reactions[0].count, reactions[0].me), (1, false));
        assert_eq!(reactions[0].names, ["user2"]);
    }

    #[test]
    fn a_deleted_message_keeps_its_place_and_its_replies_say_so() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        let mut reply = message(2, ME, 2);
        reply.reply_to = Some(Quote {
            id: MessageId(1),
            seq: Seq(1),
            sender_name: "x".into(),
            excerpt: "m1".into(),
            deleted: false,
        });
        c.merge(reply, ME);
        assert!(c.apply_change(&change(1, 3, ChangeKind::Deleted), ME));
        assert!(held(&c, 1).deleted.is_deleted() && held(&c, 1).text.is_empty());
        let quote = held(&c, 2).reply_to.clone().unwrap();
        assert!(quote.deleted && quote.excerpt.is_empty());
        assert_eq!(c.entries.len(), 2, "the seq stays held");
    }

    #[test]
    fn merging_the_same_catch_up_twice_changes_nothing() {
        let mut c = channel();
        c.merge(message(1, BOB, 1), ME);
        c.merge(message(2, BOB, 2), ME);
        let mut edited = message(1, BOB, 1);
        edited.text = "مرحبا".into();
        edited.rev = Rev(4);
        edited.edited = Some(Millis(4));
        let mut gone = message(2, BOB, 2);
        gone.rev = Rev(5);
        gone.deleted = Deletion::ByModerator;
        gone.text.clear();
        let catch_up = vec![edited, gone, message(3, BOB, 3)];
        for m in catch_up.clone() {
            c.refresh_message(m, ME);
        }
        let once = c.clone();
        for m in catch_up {
            assert!(!c.refresh_message(m, ME));
        }
        assert_eq!(c, once);
        assert_eq!(held(&c, 1).text, "مرحبا");
        assert!(held(&c, 2).deleted.is_deleted());
    }

    #[test]
    fn a_change_to_a_message_older_than_those_held_leaves_no_gap() {
        let mut c = channel();
        for seq in 900..=902 {
            c.merge(message(seq, BOB, seq as u128), ME);
        }
        let mut old = message(5, BOB, 5);
        old.text = "edited long ago".into();
        old.rev = Rev(950);
        assert!(!c.refresh_message(old, ME));
        let held: Vec<i64> = c
            .entries
            .iter()
            .filter_map(Entry::stored)
            .map(|m| m.seq.0)
            .collect();
        assert_eq!(held, [900, 901, 902]);
        // A new one after them is taken.
        assert!(c.refresh_message(message(903, BOB, 903), ME));
    }

    #[test]
    fn a_snapshot_replaces_a_copy_of_the_same_revision() {
        // Events may have been missed before it: the snapshot is the truth.
        let mut c = channel();
        let mut m = message(1, BOB, 1);
        m.rev = Rev(7);
        c.merge(m.clone(), ME);
        m.reactions.push(Reaction {
            emoji: "👍".into(),
            count: 3,
            me: true,
            names: vec!["a".into(), "b".into(), "c".into()],
        });
        assert!(c.refresh_message(m.clone(), ME));
        let mut older = m;
        older.rev = Rev(6);
        older.reactions.clear();
        assert!(!c.refresh_message(older, ME));
        assert_eq!(held(&c, 1).reactions.len(), 1);
    }
}
