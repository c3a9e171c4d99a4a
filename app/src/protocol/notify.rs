//! How much of a channel a member wants to hear about: the one setting
//! behind the sidebar's counts, the tab's title, desktop notifications and
//! pushes. It is stored per membership, so every tab and every device of
//! the member follows it, and the rules of what it means live here, used by
//! the server and the browser alike.

use serde::{Deserialize, Serialize};

/// A member's notification setting for one channel. On the wire it is its
/// number, 0, 1 or 2 (the browser's decoder of a number is a fraction of
/// the size of one that matches names); stored and in forms, its name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u32", try_from = "u32")]
pub enum NotifyLevel {
    /// Every message from someone else needs the member.
    #[default]
    All = 0,
    /// Only messages that call the member (by name or `@here`; in a
    /// conversation, every message) need them; the rest still count as
    /// unread.
    Mentions = 1,
    /// Muted: nothing counts as unread or needs the member, except a
    /// mention by name or `@here` in a channel.
    Nothing = 2,
}

// As a `u32`, which the browser decodes already (a `u8` would take a
// decoder of its own).
impl From<NotifyLevel> for u32 {
    fn from(level: NotifyLevel) -> u32 {
        level as u32
    }
}

impl TryFrom<u32> for NotifyLevel {
    type Error = &'static str;

    fn try_from(value: u32) -> Result<Self, Self::Error> {
        NotifyLevel::ALL
            .into_iter()
            .find(|level| *level as u32 == value)
            .ok_or("an unknown notification setting")
    }
}

/// Public channels with more members than this default to
/// [`NotifyLevel::Mentions`]: in a room that big, most messages are not for
/// any one reader.
pub const BUSY_CHANNEL: u32 = 50;

impl NotifyLevel {
    /// Every setting, in the order a menu offers them.
    pub const ALL: [NotifyLevel; 3] = [
        NotifyLevel::All,
        NotifyLevel::Mentions,
        NotifyLevel::Nothing,
    ];

    /// The setting of a member who never chose one.
    pub fn default_for(direct: bool, members: u32) -> Self {
        match direct || members <= BUSY_CHANNEL {
            true => NotifyLevel::All,
            false => NotifyLevel::Mentions,
        }
    }

    /// The value stored and sent: `all`, `mentions` or `nothing`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyLevel::All => "all",
            NotifyLevel::Mentions => "mentions",
            NotifyLevel::Nothing => "nothing",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        NotifyLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == value)
    }

    /// What a menu calls it.
    pub fn label(self) -> &'static str {
        match self {
            NotifyLevel::All => "All messages",
            NotifyLevel::Mentions => "Mentions only",
            NotifyLevel::Nothing => "Nothing",
        }
    }

    /// Whether a new message from someone else needs the member: counts in
    /// the tab's title and is notified. `calls` is whether it mentions them
    /// by name or with `@here`. In a conversation every message is for the
    /// reader, unless they muted it.
    pub fn alerts(self, direct: bool, calls: bool) -> bool {
        match (self, direct) {
            (NotifyLevel::All, _) => true,
            (NotifyLevel::Mentions, direct) => direct || calls,
            (NotifyLevel::Nothing, true) => false,
            (NotifyLevel::Nothing, false) => calls,
        }
    }

    /// Whether unread messages that do not call the member show (bold and
    /// counted) in the sidebar.
    pub fn shows_unread(self) -> bool {
        self != NotifyLevel::Nothing
    }

    /// How many of a channel's `unread` messages, `mentions` of them calling
    /// the member, need them (see [`NotifyLevel::alerts`]).
    pub fn needing(self, direct: bool, unread: u32, mentions: u32) -> u32 {
        match (self, direct) {
            (NotifyLevel::All, _) => unread,
            (NotifyLevel::Nothing, true) => 0,
            _ => mentions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for level in NotifyLevel::ALL {
            assert_eq!(NotifyLevel::parse(level.as_str()), Some(level));
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(serde_json::from_str::<NotifyLevel>(&json).unwrap(), level);
        }
        assert_eq!(serde_json::to_string(&NotifyLevel::Nothing).unwrap(), "2");
        assert_eq!(NotifyLevel::parse("All"), None);
        assert!(serde_json::from_str::<NotifyLevel>("3").is_err());
        assert!(serde_json::from_str::<NotifyLevel>("\"all\"").is_err());
    }

    #[test]
    fn busy_public_channels_default_to_mentions_only() {
        assert_eq!(
            NotifyLevel::default_for(false, BUSY_CHANNEL),
            NotifyLevel::All
        );
        assert_eq!(
            NotifyLevel::default_for(false, BUSY_CHANNEL + 1),
            NotifyLevel::Mentions
        );
        assert_eq!(NotifyLevel::default_for(true, 2), NotifyLevel::All);
    }

    #[test]
    fn muting_keeps_mentions_in_channels_and_silences_conversations() {
        assert!(NotifyLevel::Nothing.alerts(false, true));
        assert!(!NotifyLevel::Nothing.alerts(false, false));
        assert!(!NotifyLevel::Nothing.alerts(true, true));
        assert!(NotifyLevel::Mentions.alerts(true, false));
        assert!(!NotifyLevel::Mentions.alerts(false, false));
        assert!(NotifyLevel::All.alerts(false, false));
        // Counting agrees with alerting, message by message.
        for level in NotifyLevel::ALL {
            for direct in [false, true] {
                let mentions = if direct { 3 } else { 1 };
                let expected = u32::from(level.alerts(direct, true)) * mentions
                    + u32::from(level.alerts(direct, false)) * (3 - mentions);
                assert_eq!(
                    level.needing(direct, 3, mentions),
                    expected,
                    "{level:?} {direct}"
                );
            }
        }
    }
}
