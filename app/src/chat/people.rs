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
    protocol::Member,
};

/// How long a typing notice lasts without being renewed, in milliseconds.
/// Typists renew theirs every few seconds.
pub const TYPING_TTL: f64 = 6_000.0;

/// Presence, typists and the member list, shared by the chat screen.
#[derive(Clone, Copy)]
pub struct People {
    /// Whether each followed user is online.
    pub online: RwSignal<HashMap<UserId, bool>>,
    /// Who is typing where, and until when (this browser's clock, ms).
    pub typing: RwSignal<Vec<Typist>>,
    /// The open channel's members, as last loaded.
    pub members: RwSignal<Option<MemberList>>,
}

/// Someone typing in a channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Typist {
    pub channel: ChannelId,
    pub user: User,
    pub until: f64,
}

/// Some members of a channel and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberList {
    pub channel: ChannelId,
    pub members: Vec<Member>,
    pub total: u32,
    pub online: u32,
}

impl People {
    pub fn new() -> Self {
        Self {
            online: RwSignal::new(HashMap::new()),
            typing: RwSignal::new(Vec::new()),
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
        self.typing.update(|typists| {
            typists.retain(|t| !(t.channel == channel && t.user.id == user.id));
            typists.push(Typist {
                channel,
                user,
                until: now + TYPING_TTL,
            });
        });
    }

    /// `user` stopped typing in `channel` (or sent their message).
    pub fn typing_stopped(&self, channel: ChannelId, user: UserId) {
        if self
            .typing
            .with_untracked(|t| t.iter().any(|t| t.channel == channel && t.user.id == user))
        {
            self.typing
                .update(|typists| typists.retain(|t| !(t.channel == channel && t.user.id == user)));
        }
    }

    /// Drops the notices that were not renewed in time.
    pub fn expire(&self, now: f64) {
        if self
            .typing
            .with_untracked(|t| t.iter().any(|t| t.until <= now))
        {
            self.typing
                .update(|typists| typists.retain(|t| t.until > now));
        }
    }

    /// What the typing line says for `channel`, leaving out `me`.
    pub fn typing_line(&self, channel: ChannelId, me: UserId) -> Option<String> {
        let names: Vec<String> = self.typing.with(|typists| {
            typists
                .iter()
                .filter(|t| t.channel == channel && t.user.id != me)
                .map(|t| t.user.username.clone())
                .collect()
        });
        typing_line(&names)
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
    use super::typing_line;

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
