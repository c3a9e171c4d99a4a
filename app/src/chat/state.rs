//! The chat's client-side state: a reactive store of the user's channels,
//! each with the messages this tab holds, and the rules for merging what the
//! server sends into it.
//!
//! Every merge is idempotent and order-independent: a message is identified by
//! its sender and client id and placed by its seq, so an event, the reply to
//! one's own send, a history page and a catch-up can bring the same message in
//! any order and it shows once, in place. The rules are plain methods on plain
//! structs, tested without a browser; components reach them through the store.

mod changes;
mod channel;
mod outgoing;

pub use channel::Ends;
pub use outgoing::{laid_over, Outgoing, Progress, Wish};

use reactive_stores::Store;
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use crate::{
    model::{ChannelId, User, UserId},
    protocol::{
        Attachment, ChannelKind, ChannelSummary, ClientId, Message, MessageId, Millis, NotifyLevel,
        Quote, Rev, Seq,
    },
};

/// The state of the chat screen.
#[derive(Clone, Debug, Store)]
pub struct Chat {
    pub me: User,
    #[store(key: ChannelId = |channel| channel.id)]
    pub channels: Vec<ChannelState>,
    /// The channel on screen.
    pub open: Option<ChannelId>,
    /// Where the "New messages" divider goes in the channel last opened.
    /// It lives here rather than in the channel's view, which the router
    /// may build afresh after the channel has already been marked read.
    pub divider: Option<Divider>,
    pub link: LinkStatus,
    /// The message being edited in place, if any.
    pub editing: Option<MessageId>,
    /// The message the composer's next message answers, if any.
    pub replying: Option<Quote>,
    /// Why the last reaction, edit, delete or notification setting was
    /// refused, until dismissed.
    pub notice: Option<String>,
    /// The latest messages heard that call the reader by name or with
    /// `@here` (at most [`HEARD_MENTIONS`]), oldest first: `/mentions` shows
    /// them as they come.
    pub mentioned: Vec<Message>,
    /// New messages heard that need the reader (by their setting for the
    /// channel), oldest first, at most [`HEARD_ALERTS`]: desktop
    /// notifications take them from here.
    pub alerts: Vec<Message>,
}

/// The most mentions heard that the store keeps.
pub const HEARD_MENTIONS: usize = 50;

/// The most messages needing the reader that wait for desktop notifications.
pub const HEARD_ALERTS: usize = 10;

/// The channel's messages after `after` were unread when it was opened
/// (`None`: it was all read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Divider {
    pub channel: ChannelId,
    pub after: Option<Seq>,
}

/// How the tab's WebSocket is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    /// Not connected yet (the page was just rendered).
    Connecting,
    Online,
    /// Lost, and trying again.
    Reconnecting,
}

/// One channel or conversation, as this tab holds it.
#[derive(Clone, Debug, PartialEq, Store)]
pub struct ChannelState {
    pub id: ChannelId,
    /// What it is; set with [`ChannelState::set_kind`], which names it.
    pub kind: ChannelKind,
    /// Its name as the reader sees it (see [`channel::label`]).
    label: String,
    pub members: u32,
    pub last_seq: Seq,
    pub last_read: Seq,
    pub unread: u32,
    /// Unread messages that call the reader.
    pub mentions: u32,
    /// The reader's notification setting for it.
    pub notify: NotifyLevel,
    /// Whether `entries` holds the channel's latest messages (it was opened,
    /// or it came with the page).
    pub loaded: bool,
    pub has_older: bool,
    /// The messages held stop short of the latest (the page was opened at
    /// a message far back): newer ones are loaded by reading on, and a
    /// new message is not held until they are.
    pub has_newer: bool,
    /// Stored messages by seq, then messages not yet stored, oldest first.
    pub entries: Vec<Entry>,
    /// Once loaded: what `entries` holds reflects every change of the
    /// channel up to this revision (the cursor for catching up).
    pub rev: Rev,
    /// The newest revision heard of, loaded or not.
    pub seen_rev: Rev,
    /// A catch-up is owed or under way: events do not move `rev` until it
    /// is answered, since changes before them may be missing.
    pub behind: bool,
    /// Edits and reactions made here that this tab has not heard back yet,
    /// oldest first.
    pub outgoing: Vec<Outgoing>,
}

/// A message on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Stored(Message),
    /// Written here, not acknowledged yet.
    Pending(Pending),
    /// Refused by the server; can be retried.
    Failed {
        pending: Pending,
        reason: String,
    },
}

/// A message this tab has written but the server has not stored yet. Kept
/// in storage until then as an array of its fields (`outbox/persist.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Pending {
    pub channel: ChannelId,
    pub client_id: ClientId,
    pub text: String,
    /// When it was written, by this browser's clock.
    pub written: Millis,
    /// The message it answers.
    pub reply_to: Option<Quote>,
    /// Its files, uploaded already. Absent from what pages before files
    /// saved.
    #[serde(default)]
    pub files: Vec<Attachment>,
    /// Written while its files still upload: it waits for them (the
    /// uploads release it, `composer/uploads.rs`), and a reconnection does
    /// not send it yet. Absent from what pages before saved.
    #[serde(default)]
    pub waiting: bool,
}

/// The seq of the oldest stored message among `entries` (stored ones come
/// first, in seq order).
pub fn oldest_stored(entries: &[Entry]) -> Option<Seq> {
    entries.iter().find_map(Entry::stored).map(|m| m.seq)
}

/// The seq of the newest stored message among `entries`.
pub fn newest_stored(entries: &[Entry]) -> Option<Seq> {
    entries.iter().rev().find_map(Entry::stored).map(|m| m.seq)
}

impl Entry {
    /// Identifies a message whether or not it is stored yet.
    pub fn key(&self) -> (UserId, ClientId) {
        match self {
            Entry::Stored(message) => (message.sender, message.client_id),
            // Only the user's own messages are ever pending; the id 0 keeps
            // the key independent of who that is.
            Entry::Pending(pending) | Entry::Failed { pending, .. } => {
                (UserId(0), pending.client_id)
            }
        }
    }

    pub fn stored(&self) -> Option<&Message> {
        match self {
            Entry::Stored(message) => Some(message),
            _ => None,
        }
    }

    fn client_id(&self) -> ClientId {
        match self {
            Entry::Stored(message) => message.client_id,
            Entry::Pending(pending) | Entry::Failed { pending, .. } => pending.client_id,
        }
    }
}

impl Chat {
    /// The state the page starts from.
    pub fn new(me: User, summaries: Vec<ChannelSummary>) -> Self {
        let channels = summaries
            .into_iter()
            .map(|summary| ChannelState::from_summary(summary, me.id))
            .collect();
        Self {
            me,
            channels,
            open: None,
            divider: None,
            link: LinkStatus::Connecting,
            editing: None,
            replying: None,
            notice: None,
            mentioned: Vec::new(),
            alerts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsent_message_saved_before_files_still_reads() {
        // As pages before files kept one (`outbox/persist.rs`): five fields.
        let before = r#"[[1,"00000000-0000-0000-0000-000000000000","Привет",5,null],null]"#;
        let (pending, refused): (Pending, Option<String>) =
            serde_json::from_str(before).expect("readable");
        assert_eq!(pending.text, "Привет");
        assert!(pending.files.is_empty() && !pending.waiting);
        assert_eq!(refused, None);
        let saved = serde_json::to_string(&(pending.clone(), refused)).unwrap();
        let (again, _): (Pending, Option<String>) = serde_json::from_str(&saved).unwrap();
        assert_eq!(again, pending);
    }

    pub(super) const ME: UserId = UserId(1);
    const BOB: UserId = UserId(2);

    pub(super) fn channel() -> ChannelState {
        let mut channel = ChannelState::from_summary(
            ChannelSummary {
                id: ChannelId(1),
                kind: ChannelKind::Named {
                    name: "General".into(),
                    topic: String::new(),
                    private: false,
                    archived: false,
                },
                last_seq: Seq(0),
                last_read: Seq(0),
                unread: 0,
                mentions: 0,
                members: 2,
                notify: crate::protocol::NotifyLevel::All,
            },
            ME,
        );
        channel.loaded = true;
        channel
    }

    pub(super) fn message(seq: i64, sender: UserId, id: u128) -> Message {
        Message {
            id: crate::protocol::MessageId(seq),
            channel: ChannelId(1),
            seq: Seq(seq),
            sender,
            sender_name: "x".into(),
            sender_display: String::new(),
            client_id: ClientId(uuid::Uuid::from_u128(id)),
            text: format!("m{seq}"),
            body: None,
            at: Millis(seq),
            rev: Rev(seq),
            edited: None,
            deleted: crate::protocol::Deletion::Kept,
            reply_to: None,
            reactions: Vec::new(),
            files: Vec::new(),
        }
    }

    fn seqs(channel: &ChannelState) -> Vec<i64> {
        channel
            .entries
            .iter()
            .filter_map(Entry::stored)
            .map(|m| m.seq.0)
            .collect()
    }

    #[test]
    fn a_group_is_named_by_its_other_members_until_someone_names_it() {
        let member = |id: i64, name: &str| User {
            id: UserId(id),
            username: name.into(),
            display: String::new(),
        };
        let mut group = ChannelKind::Group {
            name: String::new(),
            members: vec![member(3, "carol"), member(1, "me"), member(2, "bob")],
        };
        assert_eq!(channel::label(&group, ME), "carol, bob");
        if let ChannelKind::Group { name, .. } = &mut group {
            *name = "Café ☕".into();
        }
        assert_eq!(channel::label(&group, ME), "Café ☕");
        let alone = ChannelKind::Group {
            name: String::new(),
            members: vec![member(1, "me")],
        };
        assert_eq!(channel::label(&alone, ME), "only you");
        let mut c = channel();
        c.set_kind(group, ME);
        assert_eq!(
            (c.name(), c.is_direct(), c.is_group()),
            ("Café ☕", true, true)
        );
    }

    #[test]
    fn messages_land_by_seq_whatever_the_order() {
        let mut c = channel();
        for seq in [3, 1, 2, 2, 3] {
            c.merge(message(seq, BOB, seq as u128), ME);
        }
        assert_eq!(seqs(&c), [1, 2, 3]);
        assert_eq!(c.last_seq, Seq(3));
    }

    #[test]
    fn events_move_the_cursor_unless_a_catch_up_is_owed() {
        let mut c = channel();
        c.heard(Rev(3));
        assert_eq!(c.cursor(), Some(Rev(3)));
        c.behind = true;
        c.heard(Rev(5));
        assert_eq!(c.cursor(), Some(Rev(3)), "changes before 5 may be missing");
        assert_eq!(c.seen_rev, Rev(5));
    }

    #[test]
    fn a_page_older_than_what_was_heard_owes_a_catch_up() {
        let mut c = channel();
        c.loaded = false;
        c.heard(Rev(8));
        assert_eq!(c.cursor(), None);
        assert!(c.load_latest(vec![message(7, BOB, 7)], false, Rev(7), ME));
        assert_eq!(c.cursor(), Some(Rev(7)));
        let mut d = channel();
        d.loaded = false;
        assert!(!d.load_latest(vec![message(7, BOB, 7)], false, Rev(7), ME));
    }

    #[test]
    fn an_acknowledged_message_replaces_its_pending_copy() {
        let mut c = channel();
        let mine = message(1, ME, 42);
        c.add_pending(Pending {
            channel: ChannelId(1),
            client_id: mine.client_id,
            text: "m1".into(),
            written: Millis(0),
            reply_to: None,
            files: Vec::new(),
            waiting: false,
        });
        assert_eq!(c.pending().count(), 1);
        assert!(c.merge(mine.clone(), ME));
        assert!(
            !c.merge(mine, ME),
            "the event after the reply changes nothing"
        );
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.pending().count(), 0);
    }

    #[test]
    fn pending_messages_stay_after_stored_ones() {
        let mut c = channel();
        c.add_pending(Pending {
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::from_u128(9)),
            text: "p".into(),
            written: Millis(0),
            reply_to: None,
            files: Vec::new(),
            waiting: false,
        });
        c.merge(message(1, BOB, 1), ME);
        assert!(matches!(c.entries[0], Entry::Stored(_)));
        assert!(matches!(c.entries[1], Entry::Pending(_)));
    }

    #[test]
    fn unread_counts_others_messages_when_not_viewing() {
        let mut c = channel();
        assert!(c.count_unread(&message(1, BOB, 1), ME, false, false));
        assert!(!c.count_unread(&message(2, ME, 2), ME, false, false));
        assert!(!c.count_unread(&message(3, BOB, 3), ME, false, true));
        assert_eq!((c.unread, c.mentions), (1, 0));
        // A message that calls the reader is a mention too; with mentions
        // only, it alone needs the reader.
        c.notify = NotifyLevel::Mentions;
        assert!(c.count_unread(&message(4, BOB, 4), ME, true, false));
        assert_eq!((c.unread, c.mentions), (2, 1));
        assert!(!c.count_unread(&message(5, BOB, 5), ME, false, false));
        assert_eq!((c.unread, c.mentions), (3, 1));
        c.last_seq = Seq(5);
        c.mark_read(Seq(5));
        assert_eq!((c.unread, c.mentions), (0, 0));
    }

    #[test]
    fn a_refresh_finds_a_read_marker_the_server_missed() {
        let summary = |last_read, unread| ChannelSummary {
            id: ChannelId(1),
            kind: ChannelKind::Named {
                name: "General".into(),
                topic: String::new(),
                private: false,
                archived: false,
            },
            last_seq: Seq(5),
            last_read: Seq(last_read),
            unread,
            mentions: 0,
            members: 2,
            notify: crate::protocol::NotifyLevel::All,
        };
        let mut c = channel();
        c.last_seq = Seq(5);
        c.mark_read(Seq(5));
        // The server missed the marker: it is to be sent again, and what
        // this tab has read stays read.
        assert_eq!(c.refresh(summary(3, 2), ME), Some(Seq(5)));
        assert_eq!((c.last_read, c.unread), (Seq(5), 0));
        // It heard of it.
        assert_eq!(c.refresh(summary(5, 0), ME), None);
        // Another tab read further: nothing to send, the server's count holds.
        c.last_seq = Seq(7);
        assert_eq!(c.refresh(summary(6, 1), ME), None);
        assert_eq!((c.last_read, c.unread), (Seq(6), 1));
    }

    #[test]
    fn a_failed_message_can_be_retried() {
        let mut c = channel();
        let id = ClientId(uuid::Uuid::from_u128(5));
        c.add_pending(Pending {
            channel: ChannelId(1),
            client_id: id,
            text: "p".into(),
            written: Millis(0),
            reply_to: None,
            files: Vec::new(),
            waiting: false,
        });
        c.fail(id, "too fast".into());
        assert_eq!(c.pending().count(), 0);
        assert!(c.retry(id).is_some());
        assert_eq!(c.pending().count(), 1);
    }

    #[test]
    fn an_unloaded_channel_only_tracks_its_last_seq() {
        let mut c = channel();
        c.loaded = false;
        assert!(c.merge(message(5, BOB, 5), ME));
        assert!(c.entries.is_empty());
        assert_eq!(c.last_seq, Seq(5));
        assert_eq!(c.cursor(), None);
    }

    #[test]
    fn loading_the_latest_page_keeps_pending_messages() {
        let mut c = channel();
        c.loaded = false;
        c.add_pending(Pending {
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::from_u128(9)),
            text: "p".into(),
            written: Millis(0),
            reply_to: None,
            files: Vec::new(),
            waiting: false,
        });
        c.load_latest(
            vec![message(7, BOB, 7), message(8, BOB, 8)],
            true,
            Rev(8),
            ME,
        );
        assert_eq!(seqs(&c), [7, 8]);
        assert_eq!(c.pending().count(), 1);
        c.prepend(vec![message(5, BOB, 5), message(6, BOB, 6)], false, ME);
        assert_eq!(seqs(&c), [5, 6, 7, 8]);
        assert!(!c.has_older);
    }

    #[test]
    fn a_page_far_back_reads_on_and_holds_no_new_message_until_it_reaches_it() {
        let mut c = channel();
        let far_back = Ends {
            has_older: true,
            has_newer: true,
        };
        assert!(!c.load_page(
            vec![message(10, BOB, 10), message(11, BOB, 11)],
            far_back,
            Rev(20),
            ME
        ));
        // A new message past the gap is counted, not held.
        assert!(c.merge(message(30, BOB, 30), ME));
        assert_eq!(seqs(&c), [10, 11]);
        assert_eq!(c.last_seq, Seq(30));
        // One in the stretch held (a late copy) is.
        c.merge(message(11, BOB, 11), ME);
        assert_eq!(seqs(&c), [10, 11]);
        // The next page: held, in order; twice changes nothing.
        let next = vec![message(12, BOB, 12), message(13, BOB, 13)];
        assert!(!c.append(next.clone(), true, Rev(29), ME));
        assert!(!c.append(next, true, Rev(29), ME));
        assert_eq!(seqs(&c), [10, 11, 12, 13]);
        assert!(c.has_newer);
        // The last page: from then on new messages are held as they come.
        let last: Vec<Message> = (14..=30).map(|s| message(s, BOB, s as u128)).collect();
        assert!(!c.append(last, false, Rev(30), ME));
        assert!(!c.has_newer);
        c.merge(message(31, BOB, 31), ME);
        assert_eq!(seqs(&c).last(), Some(&31));
        assert_eq!(seqs(&c).len(), 22);
    }

    #[test]
    fn a_page_read_before_changes_heard_meanwhile_owes_a_catch_up_from_it() {
        let mut c = channel();
        let far_back = Ends {
            has_older: true,
            has_newer: true,
        };
        c.load_page(vec![message(1, BOB, 1)], far_back, Rev(5), ME);
        // An edit to message 2 arrives before the page that holds it, and
        // is not held: the page may be older than it.
        c.heard(Rev(9));
        assert_eq!(c.cursor(), Some(Rev(9)));
        assert!(c.append(vec![message(2, BOB, 2)], true, Rev(7), ME));
        assert_eq!(c.cursor(), Some(Rev(7)));
        assert!(c.behind);
    }

    #[test]
    fn my_message_sent_from_far_back_stays_pending_until_the_latest_page() {
        let mut c = channel();
        let far_back = Ends {
            has_older: false,
            has_newer: true,
        };
        c.load_page(vec![message(1, BOB, 1)], far_back, Rev(1), ME);
        c.add_pending(Pending {
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::from_u128(42)),
            text: "m9".into(),
            written: Millis(0),
            reply_to: None,
            files: Vec::new(),
            waiting: false,
        });
        c.merge(message(9, ME, 42), ME);
        assert_eq!(c.pending().count(), 1, "not lost from sight");
        let mut d = c.clone();
        c.load_latest(vec![message(8, BOB, 8)], true, Rev(9), ME);
        c.merge(message(9, ME, 42), ME);
        assert_eq!(seqs(&c), [8, 9]);
        assert_eq!(c.pending().count(), 0, "shown once");
        // The latest page may hold it already.
        d.load_latest(
            vec![message(8, BOB, 8), message(9, ME, 42)],
            true,
            Rev(9),
            ME,
        );
        assert_eq!(seqs(&d), [8, 9]);
        assert_eq!(d.pending().count(), 0, "shown once, as stored");
    }
}
