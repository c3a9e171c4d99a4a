//! The rules of one channel's state: what a summary from the server
//! changes, and how messages, pages, pending sends and read markers merge
//! into what the tab holds (idempotent, in any order).

use super::{ChannelState, Entry, Pending};

/// Whether messages exist before and after a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ends {
    pub has_older: bool,
    pub has_newer: bool,
}
use crate::{
    model::UserId,
    protocol::{Attachment, ChannelKind, ChannelSummary, ClientId, Message, Rev, Seq, MAX_UNREAD},
};

/// What `me` calls a channel: its name; in a one-to-one conversation, the
/// other person's; in a group, the name someone gave it, or else the other
/// members' names ("alice, bob, carol").
pub fn label(kind: &ChannelKind, me: UserId) -> String {
    match kind {
        ChannelKind::Named { name, .. } => name.clone(),
        ChannelKind::Direct { peer } => peer.username.clone(),
        ChannelKind::Group { name, .. } if !name.is_empty() => name.clone(),
        ChannelKind::Group { members, .. } => {
            let others: Vec<&str> = members
                .iter()
                .filter(|m| m.id != me)
                .map(|m| m.username.as_str())
                .collect();
            match others.is_empty() {
                true => "only you".to_owned(),
                false => others.join(", "),
            }
        }
    }
}

impl ChannelState {
    /// The channel of `summary`, as `me` sees it.
    pub fn from_summary(summary: ChannelSummary, me: UserId) -> Self {
        Self {
            id: summary.id,
            label: label(&summary.kind, me),
            kind: summary.kind,
            members: summary.members,
            last_seq: summary.last_seq,
            last_read: summary.last_read,
            unread: summary.unread,
            mentions: summary.mentions,
            notify: summary.notify,
            loaded: false,
            has_older: false,
            has_newer: false,
            entries: Vec::new(),
            rev: Rev(0),
            seen_rev: Rev(0),
            behind: false,
            outgoing: Vec::new(),
        }
    }

    /// Takes a fresh summary from the server, keeping the messages held.
    /// Returns this tab's read marker if the server has not heard of it (it
    /// was lost with the link), to be sent again.
    pub fn refresh(&mut self, summary: ChannelSummary, me: UserId) -> Option<Seq> {
        self.set_kind(summary.kind, me);
        self.members = summary.members;
        self.notify = summary.notify;
        self.last_seq = self.last_seq.max(summary.last_seq);
        let unheard = (summary.last_read < self.last_read).then_some(self.last_read);
        self.last_read = self.last_read.max(summary.last_read);
        (self.unread, self.mentions) = match unheard {
            // The server counts from its older marker; this tab knows better
            // when it has read everything.
            Some(_) if self.last_read >= self.last_seq => (0, 0),
            _ => (summary.unread, summary.mentions),
        };
        unheard
    }

    /// Takes what the channel is now (renamed, or a group's members
    /// changed), as `me` sees it.
    pub fn set_kind(&mut self, kind: ChannelKind, me: UserId) {
        self.label = label(&kind, me);
        self.kind = kind;
    }

    /// The name the sidebar and the heading show.
    pub fn name(&self) -> &str {
        &self.label
    }

    /// The topic the header shows ("" for none).
    pub fn topic(&self) -> &str {
        match &self.kind {
            ChannelKind::Named { topic, .. } => topic,
            _ => "",
        }
    }

    /// The line under the header's name: the topic, or in a one-to-one
    /// conversation the other person's display name ("" for none).
    pub fn subtitle(&self) -> &str {
        match &self.kind {
            ChannelKind::Direct { peer } => &peer.display,
            _ => self.topic(),
        }
    }

    pub fn is_private(&self) -> bool {
        matches!(self.kind, ChannelKind::Named { private: true, .. })
    }

    /// A conversation, one-to-one or group: listed under "Direct
    /// messages", and every message in it is for each member.
    pub fn is_direct(&self) -> bool {
        !matches!(self.kind, ChannelKind::Named { .. })
    }

    /// A group conversation.
    pub fn is_group(&self) -> bool {
        matches!(self.kind, ChannelKind::Group { .. })
    }

    /// The revision up to which this tab holds every change, if it holds
    /// the channel at all: the cursor for catching up.
    pub fn cursor(&self) -> Option<Rev> {
        self.loaded.then_some(self.rev)
    }

    /// Notes an event's revision. Events reach a connection in revision
    /// order and none is skipped, so once the connection has caught up, each
    /// one moves the cursor.
    pub fn heard(&mut self, rev: Rev) {
        self.seen_rev = self.seen_rev.max(rev);
        if self.loaded && !self.behind {
            self.rev = self.rev.max(rev);
        }
    }

    /// Merges a new message (from an event, or the answer to a send).
    /// Returns `true` if it was new to this tab. A pending copy of it (same
    /// client id, sent by `me`) is replaced in place of being shown twice.
    /// A message held already is kept as it is: what is held may be newer.
    pub fn merge(&mut self, message: Message, me: UserId) -> bool {
        self.last_seq = self.last_seq.max(message.seq);
        if self
            .entries
            .iter()
            .filter_map(Entry::stored)
            .any(|m| m.seq == message.seq)
        {
            return false;
        }
        if message.sender == me && !self.beyond_held(message.seq) {
            self.entries.retain(|entry| {
                matches!(entry, Entry::Stored(_)) || entry.client_id() != message.client_id
            });
        }
        if !self.loaded || self.beyond_held(message.seq) {
            return true;
        }
        let at = self
            .entries
            .iter()
            .position(|entry| entry.stored().is_none_or(|m| m.seq > message.seq))
            .unwrap_or(self.entries.len());
        self.entries.insert(at, Entry::Stored(message));
        true
    }

    /// Counts a new message from someone else as unread, unless the reader
    /// is looking at the channel; and as a mention if it `calls` them, as the
    /// server counts (every message of a conversation does). Returns whether
    /// it was counted and needs the reader, by their setting for the
    /// channel: the tab's title counts it and it may be notified.
    pub fn count_unread(
        &mut self,
        message: &Message,
        me: UserId,
        calls: bool,
        viewing: bool,
    ) -> bool {
        if message.sender == me || viewing || message.seq <= self.last_read {
            return false;
        }
        self.unread = (self.unread + 1).min(MAX_UNREAD);
        if self.is_direct() || calls {
            self.mentions = (self.mentions + 1).min(MAX_UNREAD);
        }
        self.notify.alerts(self.is_direct(), calls)
    }

    /// Whether a message at `seq` falls in the stretch after the messages
    /// held that is not loaded yet (see `has_newer`): it is not held then,
    /// but read on to.
    fn beyond_held(&self, seq: Seq) -> bool {
        self.has_newer && super::newest_stored(&self.entries).is_none_or(|newest| seq > newest)
    }

    /// Sets the channel's messages to a page of them as of revision `rev`:
    /// the latest ones (opening it, or a catch-up that skipped too much) or,
    /// with `has_newer`, a page further back. What is pending stays.
    /// Returns `true` if changes after `rev` were heard of meanwhile, which
    /// the page may lack: a catch-up is owed.
    pub fn load_page(&mut self, messages: Vec<Message>, ends: Ends, rev: Rev, me: UserId) -> bool {
        let pending: Vec<Entry> = self
            .entries
            .drain(..)
            .filter(|e| e.stored().is_none())
            .collect();
        self.loaded = true;
        (self.has_older, self.has_newer) = (ends.has_older, false);
        for message in messages {
            self.merge(message, me);
        }
        self.has_newer = ends.has_newer;
        // What was sent and is in the page now shows once, as stored.
        let pending: Vec<Entry> = pending
            .into_iter()
            .filter(|p| {
                let sent = |m: &Message| m.sender == me && m.client_id == p.client_id();
                !self.entries.iter().filter_map(Entry::stored).any(sent)
            })
            .collect();
        self.entries.extend(pending);
        self.rev = rev;
        self.behind |= self.seen_rev > rev;
        self.behind
    }

    /// [`load_page`](Self::load_page) with the latest messages.
    pub fn load_latest(
        &mut self,
        messages: Vec<Message>,
        has_older: bool,
        rev: Rev,
        me: UserId,
    ) -> bool {
        let ends = Ends {
            has_older,
            has_newer: false,
        };
        self.load_page(messages, ends, rev, me)
    }

    /// Adds an older page above the messages held (as they are now: each
    /// replaces an older copy held).
    pub fn prepend(&mut self, messages: Vec<Message>, has_older: bool, me: UserId) {
        self.has_older = has_older;
        self.take_page(messages, me);
    }

    /// Adds the page that follows the messages held, read as of revision
    /// `rev`. Changes to its messages heard of while it was on its way were
    /// not held then, so the cursor goes back to `rev`: returns `true` if a
    /// catch-up from there is owed.
    pub fn append(
        &mut self,
        messages: Vec<Message>,
        has_newer: bool,
        rev: Rev,
        me: UserId,
    ) -> bool {
        self.has_newer = false;
        self.take_page(messages, me);
        self.has_newer = has_newer;
        if self.seen_rev > rev {
            self.rev = self.rev.min(rev);
            self.behind = true;
        }
        self.behind
    }

    /// Merges a page of messages, each replacing an older copy held.
    fn take_page(&mut self, messages: Vec<Message>, me: UserId) {
        for message in messages {
            if self.replace_held(&message).is_none() {
                self.merge(message, me);
            }
        }
    }

    /// Shows a message as written and waiting for the server.
    pub fn add_pending(&mut self, pending: Pending) {
        self.entries.push(Entry::Pending(pending));
    }

    /// Marks a pending message as refused.
    pub fn fail(&mut self, client_id: ClientId, reason: String) {
        for entry in &mut self.entries {
            if let Entry::Pending(pending) = entry {
                if pending.client_id == client_id {
                    *entry = Entry::Failed {
                        pending: pending.clone(),
                        reason,
                    };
                    return;
                }
            }
        }
    }

    /// Puts a refused message back to pending, for another try.
    pub fn retry(&mut self, client_id: ClientId) -> Option<Pending> {
        for entry in &mut self.entries {
            if let Entry::Failed { pending, .. } = entry {
                if pending.client_id == client_id {
                    let pending = pending.clone();
                    *entry = Entry::Pending(pending.clone());
                    return Some(pending);
                }
            }
        }
        None
    }

    /// Messages to be sent, oldest first: not those still waiting for
    /// their files.
    pub fn pending(&self) -> impl Iterator<Item = &Pending> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Pending(pending) if !pending.waiting => Some(pending),
            _ => None,
        })
    }

    /// A message that waited for its files, with them now: to be sent.
    pub fn release(&mut self, client_id: ClientId, files: Vec<Attachment>) -> Option<Pending> {
        let pending = self.entries.iter_mut().find_map(|entry| match entry {
            Entry::Pending(pending) if pending.client_id == client_id && pending.waiting => {
                Some(pending)
            }
            _ => None,
        })?;
        pending.files = files;
        pending.waiting = false;
        Some(pending.clone())
    }

    /// The latest of `me`'s stored messages held, not deleted: the one the
    /// up arrow edits.
    pub fn last_of(&self, me: UserId) -> Option<&Message> {
        self.entries
            .iter()
            .rev()
            .filter_map(Entry::stored)
            .find(|m| m.sender == me && !m.deleted.is_deleted())
    }

    /// Records that the user has read up to `seq`.
    pub fn mark_read(&mut self, seq: Seq) {
        if seq >= self.last_read {
            self.last_read = seq;
        }
        if self.last_read >= self.last_seq {
            self.unread = 0;
            self.mentions = 0;
        }
    }
}
