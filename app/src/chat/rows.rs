//! What the message list shows: one row per message (one its author deleted
//! shows nothing; one a moderator removed shows that it was), knowing whether it starts a group (a new author, a new day, or
//! a pause), whether a day divider goes above it, and whether it is the
//! first unread one.
//!
//! Rows are computed for the rendered window of the channel's entries (with
//! the entry before it for context) and keyed by everything they show, so
//! the list re-renders exactly the rows that changed.

use std::ops::Range;

use crate::{
    format::Body,
    model::{User, UserId},
    protocol::{Attachment, ClientId, Deletion, MessageId, Millis, Quote, Reaction, Seq},
};

use super::{
    state::{laid_over, Entry, Outgoing},
    time::{clock, day_label, day_of, iso, Day},
};

/// Messages of one author closer together than this share a group.
const GROUP_GAP: i64 = 5 * 60 * 1000;

/// Where a message stands with the server.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    Stored,
    /// Stored, with an edit or a reaction made here not sent yet.
    Changing,
    Sending,
    Failed(String),
    /// Removed by a moderator: only its place, author and time remain.
    Removed,
}

/// One message as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub key: (UserId, ClientId),
    /// Once stored.
    pub id: Option<MessageId>,
    pub seq: Option<Seq>,
    pub sender: UserId,
    /// Whether the reader wrote it.
    pub mine: bool,
    /// The author's username.
    pub author: String,
    /// The author's display name ("" for none).
    pub display: String,
    pub text: String,
    /// Its formatting, once the server has parsed it.
    pub body: Option<Body>,
    /// Someone else wrote it, calling the reader by name or with `@here`.
    pub mentions_me: bool,
    /// When it was last edited ("14:07"), if it was.
    pub edited: Option<String>,
    /// The message it answers.
    pub quote: Option<Quote>,
    pub reactions: Vec<Reaction>,
    /// Its files, in order.
    pub files: Vec<Attachment>,
    /// "14:05".
    pub time: String,
    /// For `<time datetime>`.
    pub datetime: String,
    /// Whether the author and time are shown (first of a group).
    pub starts_group: bool,
    /// The day divider above this row, if it starts a day.
    pub day: Option<String>,
    /// Whether the "New messages" divider goes above this row.
    pub first_unread: bool,
    pub delivery: Delivery,
}

/// How rows are shown: for whom, in which time zone, on which day, and
/// from where on messages are new.
#[derive(Clone, Copy, Debug)]
pub struct Viewer<'a> {
    pub me: &'a User,
    /// Minutes from UTC.
    pub offset: i32,
    pub now: Millis,
    /// Messages after this seq were unread when the channel was opened.
    pub unread_after: Option<Seq>,
    /// The edits and reactions made here that the channel's messages do
    /// not show yet.
    pub outgoing: &'a [Outgoing],
}

/// The rows for `range` of a channel's entries.
pub fn rows(entries: &[Entry], range: Range<usize>, viewer: Viewer<'_>) -> Vec<Row> {
    let Viewer {
        me,
        offset,
        now,
        unread_after,
        outgoing,
    } = viewer;
    let today = day_of(now, offset);
    let context = range.start.min(1);
    let Some(shown) = entries.get(range.start - context..range.end) else {
        return Vec::new();
    };
    let mut previous: Option<(UserId, Millis, Day, Option<Seq>)> = None;
    shown
        .iter()
        .enumerate()
        .filter_map(|(at_index, entry)| {
            // A stored message, with this tab's changes to it laid over.
            let laid = entry.stored().map(|m| laid_over(m, outgoing, me));
            let stored = laid.as_ref().map(|(m, _)| m.as_ref());
            let (sender, (author, display), text, body, at, seq, delivery) = match (entry, &laid) {
                (Entry::Pending(p), _) => (
                    me.id,
                    (me.username.clone(), me.display.clone()),
                    p.text.clone(),
                    None,
                    p.written,
                    None,
                    Delivery::Sending,
                ),
                (Entry::Failed { pending: p, reason }, _) => (
                    me.id,
                    (me.username.clone(), me.display.clone()),
                    p.text.clone(),
                    None,
                    p.written,
                    None,
                    Delivery::Failed(reason.clone()),
                ),
                (Entry::Stored(_), Some((m, changing))) if !m.deleted.is_deleted() => (
                    m.sender,
                    (m.sender_name.clone(), m.sender_display.clone()),
                    m.text.clone(),
                    m.body.clone(),
                    m.at,
                    Some(m.seq),
                    if *changing {
                        Delivery::Changing
                    } else {
                        Delivery::Stored
                    },
                ),
                (Entry::Stored(_), Some((m, _))) if m.deleted == Deletion::ByModerator => (
                    m.sender,
                    (m.sender_name.clone(), m.sender_display.clone()),
                    String::new(),
                    None,
                    m.at,
                    Some(m.seq),
                    Delivery::Removed,
                ),
                // A deleted message keeps its place, showing nothing.
                (Entry::Stored(_), _) => return None,
            };
            let day = day_of(at, offset);
            let new_day = previous.is_none_or(|(_, _, d, _)| d != day);
            let starts_group = new_day
                || previous.is_none_or(|(s, last, _, _)| s != sender || at.0 - last.0 > GROUP_GAP);
            let first_unread = match (unread_after, seq) {
                // The oldest held message is the first unread one only if
                // it follows the marker directly; otherwise the first
                // unread one is older and not loaded yet.
                (Some(after), Some(seq)) => match previous {
                    None => seq.0 == after.0 + 1,
                    Some((.., p)) => seq > after && p.is_some_and(|p| p <= after),
                },
                _ => false,
            };
            previous = Some((sender, at, day, seq));
            let row = Row {
                key: entry.key(),
                // Nothing can be done to a removed message.
                id: stored.filter(|m| !m.deleted.is_deleted()).map(|m| m.id),
                seq,
                sender,
                mine: sender == me.id,
                author,
                display,
                text,
                mentions_me: sender != me.id
                    && body.as_ref().is_some_and(|b| b.calls(&me.username)),
                body,
                edited: stored.and_then(|m| m.edited).map(|at| clock(at, offset)),
                quote: match entry {
                    Entry::Stored(m) => m.reply_to.clone(),
                    Entry::Pending(p) | Entry::Failed { pending: p, .. } => p.reply_to.clone(),
                },
                reactions: stored.map(|m| m.reactions.clone()).unwrap_or_default(),
                files: match entry {
                    Entry::Stored(m) => m.files.clone(),
                    Entry::Pending(p) | Entry::Failed { pending: p, .. } => p.files.clone(),
                },
                time: clock(at, offset),
                datetime: iso(at),
                starts_group,
                day: new_day.then(|| day_label(day, today)),
                first_unread,
                delivery,
            };
            // The entry before the range is there for context only.
            (at_index >= context).then_some(row)
        })
        .collect()
}

/// Up to two letters standing for a name, for its avatar.
pub fn initials(name: &str) -> String {
    let mut letters = name.chars().filter(|c| c.is_alphanumeric());
    letters
        .next()
        .into_iter()
        .chain(letters.next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A stable colour (one of eight) for a user's avatar.
pub fn colour(user: UserId) -> u8 {
    // Spread consecutive ids across the palette.
    (user.0.wrapping_mul(2_654_435_761).rem_euclid(8)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        chat::state::Pending,
        model::ChannelId,
        protocol::{Message, MessageId, Rev},
    };

    const MINUTE: i64 = 60_000;
    // 2026-11-22T10:00:00Z
    const NOON: i64 = 1_795_341_600_000;

    fn me() -> User {
        User {
            id: UserId(1),
            username: "me".into(),
            display: String::new(),
        }
    }

    fn stored(seq: i64, sender: i64, at: i64) -> Entry {
        Entry::Stored(Message {
            id: MessageId(seq),
            channel: ChannelId(1),
            seq: Seq(seq),
            sender: UserId(sender),
            sender_name: format!("user{sender}"),
            sender_display: String::new(),
            client_id: ClientId(uuid::Uuid::from_u128(seq as u128)),
            text: "hi".into(),
            body: None,
            at: Millis(at),
            rev: Rev(0),
            edited: None,
            deleted: Deletion::Kept,
            reply_to: None,
            reactions: Vec::new(),
            files: Vec::new(),
        })
    }

    fn viewer(me: &User, now: i64, unread_after: Option<i64>) -> Viewer<'_> {
        Viewer {
            me,
            offset: 0,
            now: Millis(now),
            unread_after: unread_after.map(Seq),
            outgoing: &[],
        }
    }

    #[test]
    fn groups_by_author_and_pause_and_divides_days() {
        let entries = [
            stored(1, 2, NOON - 24 * 60 * MINUTE),
            stored(2, 2, NOON),
            stored(3, 2, NOON + MINUTE),
            stored(4, 3, NOON + 2 * MINUTE),
            stored(5, 3, NOON + 20 * MINUTE),
        ];
        let me = me();
        let all = rows(&entries, 0..5, viewer(&me, NOON + 30 * MINUTE, None));
        let groups: Vec<bool> = all.iter().map(|r| r.starts_group).collect();
        assert_eq!(groups, [true, true, false, true, true]);
        let days: Vec<Option<&str>> = all.iter().map(|r| r.day.as_deref()).collect();
        assert_eq!(days, [Some("Yesterday"), Some("Today"), None, None, None]);
        assert_eq!(all[1].time, "10:00");
        assert!(all.iter().all(|r| !r.first_unread));

        // A window shows the same rows as the whole list does.
        let part = rows(&entries, 2..4, viewer(&me, NOON + 30 * MINUTE, None));
        assert_eq!(part, all[2..4]);
    }

    #[test]
    fn the_first_message_after_the_read_marker_is_marked() {
        let entries: Vec<Entry> = (1..=4).map(|seq| stored(seq, 2, NOON + seq)).collect();
        let me = me();
        let marked = |range, after| {
            rows(&entries, range, viewer(&me, NOON, after))
                .iter()
                .map(|r| r.first_unread)
                .collect::<Vec<_>>()
        };
        assert_eq!(marked(0..4, Some(2)), [false, false, true, false]);
        assert_eq!(marked(3..4, Some(2)), [false]);
        assert_eq!(marked(2..4, Some(2)), [true, false]);
        assert_eq!(marked(0..4, Some(4)), [false; 4]);
        // Everything held is unread: the divider goes above the first.
        assert_eq!(marked(0..4, Some(0)), [true, false, false, false]);

        // The first unread message is older than anything held: no
        // divider until it is loaded.
        let later: Vec<Entry> = (51..=54).map(|seq| stored(seq, 2, NOON + seq)).collect();
        let held = rows(&later, 0..4, viewer(&me, NOON, Some(10)));
        assert!(held.iter().all(|r| !r.first_unread));
    }

    #[test]
    fn a_deleted_message_shows_nothing_and_an_edited_one_says_when() {
        let mut entries: Vec<Entry> = (1..=3).map(|seq| stored(seq, 2, NOON + seq)).collect();
        if let Entry::Stored(m) = &mut entries[1] {
            m.deleted = Deletion::ByAuthor;
            m.text.clear();
        }
        if let Entry::Stored(m) = &mut entries[2] {
            m.edited = Some(Millis(NOON + 7 * MINUTE));
        }
        let me = me();
        let shown = rows(&entries, 0..3, viewer(&me, NOON, Some(1)));
        let seqs: Vec<i64> = shown.iter().filter_map(|r| r.seq).map(|s| s.0).collect();
        assert_eq!(seqs, [1, 3]);
        assert_eq!(shown[1].edited.as_deref(), Some("10:07"));
        assert!(
            shown[1].first_unread,
            "the divider moves past the deleted one"
        );
        // A deleted message before the window does not take a row's place.
        let part = rows(&entries, 2..3, viewer(&me, NOON, None));
        assert_eq!(part.len(), 1);
        assert_eq!(part[0].seq, Some(Seq(3)));
    }

    #[test]
    fn a_removed_message_keeps_its_row_with_nothing_to_do_to_it() {
        let mut entries: Vec<Entry> = (1..=2).map(|seq| stored(seq, 2, NOON + seq)).collect();
        if let Entry::Stored(m) = &mut entries[0] {
            m.deleted = Deletion::ByModerator;
            m.text.clear();
        }
        let me = me();
        let shown = rows(&entries, 0..2, viewer(&me, NOON, None));
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].delivery, Delivery::Removed);
        assert_eq!((shown[0].id, shown[0].text.as_str()), (None, ""));
        assert_eq!(shown[1].delivery, Delivery::Stored);
        assert!(shown[1].id.is_some());
    }

    #[test]
    fn pending_messages_are_the_users_own_and_sending() {
        let entries = [Entry::Pending(Pending {
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::nil()),
            text: "soon".into(),
            written: Millis(NOON),
            reply_to: None,
            files: Vec::new(),
            waiting: false,
        })];
        let me = me();
        let rows = rows(&entries, 0..1, viewer(&me, NOON, None));
        assert_eq!(rows[0].author, "me");
        assert_eq!(rows[0].delivery, Delivery::Sending);
        assert_eq!(rows[0].seq, None);
    }

    #[test]
    fn initials_and_colours() {
        assert_eq!(initials("alice"), "AL");
        assert_eq!(initials("._x"), "X");
        assert_eq!(initials(""), "");
        assert!((0..8).contains(&colour(UserId(12345))));
        assert_ne!(colour(UserId(1)), colour(UserId(2)));
    }
}
