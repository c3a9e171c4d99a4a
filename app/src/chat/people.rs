//! The people on screen: who is online, who is typing, and the open
//! channel's members.
//!
//! Presence is followed only for the people shown (the conversations in the
//! sidebar and the open channel's member list): the client tells the server
//! whom to watch, and hears only about them.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::{
    model::{ChannelId, User, UserId},
    protocol::{Member, Standing},
};

/// How long a typing notice lasts without being renewed, in milliseconds.
/// Typists renew theirs every few seconds.
pub const TYPING_TTL: f64 = 6_000.0;

/// Presence, typists and the member list, shared by the chat screen.
#[derive(Clone, Copy)]
pub struct People {
    /// Whether each followed user is online.
    pub online: RwSignal<HashMap<UserId, bool>>,
    /// Who is typing where.
    pub typing: RwSignal<Typists>,
    /// The open channel's members, as last loaded.
    pub members: RwSignal<Option<MemberList>>,
}

/// Some members of a channel and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberList {
    pub channel: ChannelId,
    pub members: Vec<Member>,
    pub total: u32,
    pub online: u32,
    /// Where the user stands in the channel.
    pub you: Standing,
    /// Who is banned from it (if the user moderates it).
    pub banned: Vec<User>,
}

/// Who is typing where, and until when (this browser's clock, in ms).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Typists(Vec<Typist>);

#[derive(Clone, Debug, PartialEq)]
struct Typist {
    channel: ChannelId,
    user: User,
    until: f64,
}

impl Typists {
    /// `user` is typing in `channel`, for another [`TYPING_TTL`].
    pub fn start(&mut self, channel: ChannelId, user: User, now: f64) {
        self.stop(channel, user.id);
        self.0.push(Typist {
            channel,
            user,
            until: now + TYPING_TTL,
        });
    }

    /// `user` stopped typing in `channel`; `false` if they were not.
    pub fn stop(&mut self, channel: ChannelId, user: UserId) -> bool {
        let before = self.0.len();
        self.0
            .retain(|t| !(t.channel == channel && t.user.id == user));
        self.0.len() != before
    }

    /// Forgets the notices not renewed in time; `false` if none lapsed.
    pub fn expire(&mut self, now: f64) -> bool {
        let before = self.0.len();
        self.0.retain(|t| t.until > now);
        self.0.len() != before
    }

    /// Who is typing in `channel`, leaving out `me`, in the order they began.
    pub fn names(&self, channel: ChannelId, me: UserId) -> Vec<String> {
        self.0
            .iter()
            .filter(|t| t.channel == channel && t.user.id != me)
            .map(|t| t.user.username.clone())
            .collect()
    }
}

impl People {
    pub fn new() -> Self {
        Self {
            online: RwSignal::new(HashMap::new()),
            typing: RwSignal::new(Typists::default()),
            members: RwSignal::new(None),
        }
    }

    /// Whether `user` is online, as far as this tab knows.
    pub fn is_online(&self, user: UserId) -> bool {
        self.online
            .with(|online| online.get(&user).copied().unwrap_or(false))
    }

    pub fn set_online(&self, user: UserId, online: bool) {
        self.online.update(|map| {
            map.insert(user, online);
        });
    }

    /// `user` is typing in `channel` (for another few seconds).
    pub fn typing_started(&self, channel: ChannelId, user: User, now: f64) {
        self.typing
            .update(|typists| typists.start(channel, user, now));
    }

    /// `user` stopped typing in `channel` (or sent their message).
    pub fn typing_stopped(&self, channel: ChannelId, user: UserId) {
        self.typing
            .maybe_update(|typists| typists.stop(channel, user));
    }

    /// Drops the notices that were not renewed in time.
    pub fn expire(&self, now: f64) {
        self.typing.maybe_update(|typists| typists.expire(now));
    }

    /// What the typing line says for `channel`, leaving out `me`.
    pub fn typing_line(&self, channel: ChannelId, me: UserId) -> Option<String> {
        typing_line(&self.typing.with(|typists| typists.names(channel, me)))
    }
}

impl Default for People {
    fn default() -> Self {
        Self::new()
    }
}

/// "alice is typing…", "alice and bob are typing…", "several people are
/// typing…".
pub fn typing_line(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{one} is typing…")),
        [one, two] => Some(format!("{one} and {two} are typing…")),
        _ => Some("several people are typing…".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, name: &str) -> User {
        User {
            id: UserId(id),
            username: name.into(),
            display: String::new(),
        }
    }

    #[test]
    fn typing_notices_lapse_unless_renewed() {
        let general = ChannelId(1);
        let mut typists = Typists::default();
        typists.start(general, user(2, "alice"), 0.0);
        typists.start(general, user(3, "bob"), 4_000.0);
        assert_eq!(typists.names(general, UserId(1)), ["alice", "bob"]);
        assert_eq!(
            typists.names(general, UserId(2)),
            ["bob"],
            "never the typist"
        );
        assert!(typists.names(ChannelId(9), UserId(1)).is_empty());

        assert!(typists.expire(TYPING_TTL));
        assert_eq!(typists.names(general, UserId(1)), ["bob"]);
        typists.start(general, user(3, "bob"), 9_000.0);
        assert!(!typists.expire(4_000.0 + TYPING_TTL), "renewed in time");
        assert!(typists.stop(general, UserId(3)));
        assert!(!typists.stop(general, UserId(3)));
    }

    #[test]
    fn the_typing_line_names_one_or_two_people() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(typing_line(&[]), None);
        assert_eq!(typing_line(&names(&["alice"])).unwrap(), "alice is typing…");
        assert_eq!(
            typing_line(&names(&["alice", "bob"])).unwrap(),
            "alice and bob are typing…"
        );
        assert_eq!(
            typing_line(&names(&["a", "b", "c"])).unwrap(),
            "several people are typing…"
        );
    }
}
