//! What the message list shows: one row per message, knowing whether it
//! starts a group (a new author, a new day, or a pause) and whether a day
//! divider goes above it.
//!
//! Rows are recomputed from the channel's entries and keyed by everything
//! they show, so the list re-renders exactly the rows that changed.

use crate::{
    model::{User, UserId},
    protocol::{ClientId, Millis, Seq},
};

use super::{
    state::Entry,
    time::{clock, day_label, day_of, iso, Day},
};

/// Messages of one author closer together than this share a group.
const GROUP_GAP: i64 = 5 * 60 * 1000;

/// Where a message stands with the server.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    Stored,
    Sending,
    Failed(String),
}

/// One message as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub key: (UserId, ClientId),
    pub seq: Option<Seq>,
    pub sender: UserId,
    pub author: String,
    pub text: String,
    /// "14:05".
    pub time: String,
    /// For `<time datetime>`.
    pub datetime: String,
    /// Whether the author and time are shown (first of a group).
    pub starts_group: bool,
    /// The day divider above this row, if it starts a day.
    pub day: Option<String>,
    pub delivery: Delivery,
}

/// The rows of a channel's entries, with times at `offset` minutes from UTC
/// and days relative to `now`.
pub fn rows(entries: &[Entry], me: &User, offset: i32, now: Millis) -> Vec<Row> {
    let today = day_of(now, offset);
    let mut previous: Option<(UserId, Millis, Day)> = None;
    entries
        .iter()
        .map(|entry| {
            let (sender, author, text, at, seq, delivery) = match entry {
                Entry::Stored(m) => (
                    m.sender,
                    m.sender_name.clone(),
                    m.text.clone(),
                    m.at,
                    Some(m.seq),
                    Delivery::Stored,
                ),
                Entry::Pending(p) => (
                    me.id,
                    me.username.clone(),
                    p.text.clone(),
                    p.written,
                    None,
                    Delivery::Sending,
                ),
                Entry::Failed { pending: p, reason } => (
                    me.id,
                    me.username.clone(),
                    p.text.clone(),
                    p.written,
                    None,
                    Delivery::Failed(reason.clone()),
                ),
            };
            let day = day_of(at, offset);
            let new_day = previous.is_none_or(|(_, _, d)| d != day);
            let starts_group = new_day
                || previous.is_none_or(|(s, last, _)| s != sender || at.0 - last.0 > GROUP_GAP);
            previous = Some((sender, at, day));
            Row {
                key: entry.key(),
                seq,
                sender,
                author,
                text,
                time: clock(at, offset),
                datetime: iso(at),
                starts_group,
                day: new_day.then(|| day_label(day, today)),
                delivery,
            }
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
        protocol::{Message, MessageId},
    };

    const MINUTE: i64 = 60_000;
    // 2026-11-22T10:00:00Z
    const NOON: i64 = 1_795_341_600_000;

    fn me() -> User {
        User {
            id: UserId(1),
            username: "me".into(),
        }
    }

    fn stored(seq: i64, sender: i64, at: i64) -> Entry {
        Entry::Stored(Message {
            id: MessageId(seq),
            channel: ChannelId(1),
            seq: Seq(seq),
            sender: UserId(sender),
            sender_name: format!("user{sender}"),
            client_id: ClientId(uuid::Uuid::from_u128(seq as u128)),
            text: "hi".into(),
            at: Millis(at),
        })
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
        let rows = rows(&entries, &me(), 0, Millis(NOON + 30 * MINUTE));
        let groups: Vec<bool> = rows.iter().map(|r| r.starts_group).collect();
        assert_eq!(groups, [true, true, false, true, true]);
        let days: Vec<Option<&str>> = rows.iter().map(|r| r.day.as_deref()).collect();
        assert_eq!(days, [Some("Yesterday"), Some("Today"), None, None, None]);
        assert_eq!(rows[1].time, "10:00");
    }

    #[test]
    fn pending_messages_are_the_users_own_and_sending() {
        let entries = [Entry::Pending(Pending {
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::nil()),
            text: "soon".into(),
            written: Millis(NOON),
        })];
        let rows = rows(&entries, &me(), 0, Millis(NOON));
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
