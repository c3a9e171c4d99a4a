//! The data Banter's two sides share: users, channels, messages, and the
//! rules their names and texts follow.
//!
//! Ids are newtypes so that a channel id can never be passed where a user id
//! is expected. The validating constructors (`Username::parse`, …) are the only
//! way to build the validated types, so a value of that type is known to be
//! valid everywhere else.

use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use crate::text::{is_bidi_control, is_forbidden_control, is_invisible, normalise_newlines};

/// Defines an integer id newtype. Ids on the wire are positive (the
/// databases number rows from 1); anything else is refused as it is read.
#[macro_export]
#[doc(hidden)]
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl TryFrom<i64> for $name {
            type Error = $crate::model::NotAnId;

            fn try_from(id: i64) -> Result<Self, Self::Error> {
                if id > 0 {
                    Ok(Self(id))
                } else {
                    Err($crate::model::NotAnId(id))
                }
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    };
}

/// A number read where an id was expected that cannot be one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not an id: ids are positive")]
pub struct NotAnId(pub i64);

id_type!(
    /// A user's id.
    UserId
);

id_type!(
    /// A channel's id; private conversations are channels too.
    ChannelId
);

impl ChannelId {
    /// `General`, the channel everyone is in. The first migration creates it
    /// with this id.
    pub const GENERAL: ChannelId = ChannelId(1);
}

/// A signed-in user, as the rest of the app sees them. Travels as an
/// array, `[id, "username", "display name"]`, like the protocol's other
/// structs: it rides on every reaction and typing event to a room.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize_tuple, Deserialize_tuple)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct User {
    pub id: UserId,
    pub username: String,
    /// The name they chose to be shown by, beside the username ("" for
    /// none; see [`DisplayName`]).
    #[cfg_attr(feature = "ssr", sqlx(rename = "display_name"))]
    pub display: String,
}

/// A person's name where only one line names them (a notification, a
/// list of mentions or results): "display name (username)", or the
/// username if they chose no display name. The username is kept, so that
/// no one passes as someone else by taking their name for display.
pub fn full_name(username: &str, display: &str) -> String {
    if display.is_empty() {
        username.to_owned()
    } else {
        format!("{display} ({username})")
    }
}

/// A valid username: 2–32 ASCII letters, digits, `_`, `-` or `.`, shown as
/// typed and unique without regard to case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

/// Why a username was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum UsernameError {
    #[error("username must be at least 2 characters")]
    TooShort,
    #[error("username must be at most 32 characters")]
    TooLong,
    #[error("username may only contain letters, digits, _, - and .")]
    BadCharacter,
    #[error("that name is kept for mentions (@here); choose another")]
    Reserved,
}

impl Username {
    pub const MIN: usize = 2;
    pub const MAX: usize = 32;

    /// Checks `raw` (surrounding spaces ignored) against the rules.
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let name = raw.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if !name.chars().all(allowed) {
            Err(UsernameError::BadCharacter)
        } else if name.len() < Self::MIN {
            Err(UsernameError::TooShort)
        } else if name.len() > Self::MAX {
            Err(UsernameError::TooLong)
        } else if crate::format::RESERVED
            .iter()
            .any(|kept| kept.eq_ignore_ascii_case(name))
        {
            Err(UsernameError::Reserved)
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A key under which names that look alike collide: `aIice` (capital
    /// i) and `alice`, `rnary` and `Mary`, `b0b` and `bob`. It is Unicode's
    /// confusable skeleton (UTS #39), taken again after lower-casing, since
    /// names are also unique without regard to case.
    #[cfg(feature = "ssr")]
    pub fn lookalike_key(&self) -> String {
        use unicode_security::skeleton;
        let once: String = skeleton(&self.0).collect();
        skeleton(&once.to_lowercase()).collect()
    }
}

/// A valid public channel name: 2–32 ASCII letters, digits, spaces, `_`, `-`
/// or `.`, shown as typed and unique without regard to case. Direction
/// overrides are refused outright, whatever the alphabet grows to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelName(String);

/// Why a channel name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChannelNameError {
    #[error("a channel name must be at least 2 characters")]
    TooShort,
    #[error("a channel name must be at most 32 characters")]
    TooLong,
    #[error("a channel name may only contain letters, digits, spaces, _, - and .")]
    BadCharacter,
}

impl ChannelName {
    pub const MIN: usize = 2;
    pub const MAX: usize = 32;

    /// Checks `raw` (surrounding spaces ignored; inner runs of spaces become
    /// one) against the rules.
    pub fn parse(raw: &str) -> Result<Self, ChannelNameError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.');
        if name.chars().any(is_bidi_control) || !name.chars().all(allowed) {
            Err(ChannelNameError::BadCharacter)
        } else if name.len() < Self::MIN {
            Err(ChannelNameError::TooShort)
        } else if name.len() > Self::MAX {
            Err(ChannelNameError::TooLong)
        } else {
            Ok(Self(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A channel's topic, shown in its header: one line of at most 250
/// characters once runs of whitespace (line breaks too) become one space,
/// with no control characters and no direction overrides. Empty means none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topic(String);

/// Why a topic was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TopicError {
    #[error("a topic can be at most {max} characters", max = Topic::MAX)]
    TooLong,
    #[error("a topic cannot contain control characters or direction overrides")]
    BadCharacter,
}

impl Topic {
    pub const MAX: usize = 250;

    pub fn parse(raw: &str) -> Result<Self, TopicError> {
        let topic = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if topic.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            Err(TopicError::BadCharacter)
        } else if topic.chars().count() > Self::MAX {
            Err(TopicError::TooLong)
        } else {
            Ok(Self(topic))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A group conversation's name: like a topic (one line, any script, no
/// control characters or direction overrides), 1 to 64 characters. Unlike
/// a channel's name it need not be unique, so any alphabet will do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupName(String);

/// Why a group's name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum GroupNameError {
    #[error("a name cannot be empty")]
    Empty,
    #[error("a name can be at most {max} characters", max = GroupName::MAX)]
    TooLong,
    #[error("a name cannot contain control characters or direction overrides")]
    BadCharacter,
}

impl GroupName {
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, GroupNameError> {
        let name = Topic::parse(raw).map_err(|error| match error {
            TopicError::TooLong => GroupNameError::TooLong,
            TopicError::BadCharacter => GroupNameError::BadCharacter,
        })?;
        match name.as_str().chars().count() {
            0 => Err(GroupNameError::Empty),
            n if n > Self::MAX => Err(GroupNameError::TooLong),
            _ => Ok(Self(name.0)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name someone chose to be shown by, beside their username: a
/// [`GroupName`]'s rules (any script, one line, up to 64 characters), or
/// empty for none. Unlike the username it is not unique and can change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, GroupNameError> {
        if raw.trim().is_empty() {
            return Ok(Self::default());
        }
        GroupName::parse(raw).map(|name| Self(name.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text of a message: 1 to 5000 characters once surrounding whitespace is
/// trimmed, with line breaks as `\n`, no control characters but newline and
/// tab, and something visible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageText(String);

/// Why a message text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum MessageTextError {
    #[error("a message cannot be empty")]
    Empty,
    #[error("a message can be at most {max} characters", max = MessageText::MAX)]
    TooLong,
    #[error("a message cannot contain control characters")]
    ControlCharacter,
}

impl MessageText {
    pub const MAX: usize = 5000;

    pub fn parse(raw: &str) -> Result<Self, MessageTextError> {
        let text = normalise_newlines(raw);
        let text = text.trim();
        if text.chars().any(is_forbidden_control) {
            Err(MessageTextError::ControlCharacter)
        } else if text.chars().all(is_invisible) {
            Err(MessageTextError::Empty)
        } else if text.chars().count() > Self::MAX {
            Err(MessageTextError::TooLong)
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A password that meets the length rule (8–128 characters). Its `Debug`
/// never shows it.
#[derive(Clone)]
pub struct Password(String);

/// Why a password was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PasswordError {
    #[error("password must be at least 8 characters")]
    TooShort,
    #[error("password must be at most 128 characters")]
    TooLong,
}

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 128;

    /// Checks the length of `raw`, counted in characters, spaces included.
    pub fn parse(raw: String) -> Result<Self, PasswordError> {
        match raw.chars().count() {
            n if n < Self::MIN => Err(PasswordError::TooShort),
            n if n > Self::MAX => Err(PasswordError::TooLong),
            _ => Ok(Self(raw)),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_rules() {
        assert_eq!(Username::parse("al").unwrap().as_str(), "al");
        assert_eq!(
            Username::parse("  Alice.B-c_9 ").unwrap().as_str(),
            "Alice.B-c_9"
        );
        assert_eq!(Username::parse("a"), Err(UsernameError::TooShort));
        assert_eq!(Username::parse(""), Err(UsernameError::TooShort));
        assert!(Username::parse(&"x".repeat(32)).is_ok());
        assert_eq!(
            Username::parse(&"x".repeat(33)),
            Err(UsernameError::TooLong)
        );
        assert_eq!(Username::parse("al ice"), Err(UsernameError::BadCharacter));
        assert_eq!(Username::parse("<b>"), Err(UsernameError::BadCharacter));
        assert_eq!(Username::parse("Here"), Err(UsernameError::Reserved));
        assert_eq!(Username::parse("zoë"), Err(UsernameError::BadCharacter));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn names_that_look_alike_share_a_key() {
        let key = |name: &str| Username::parse(name).unwrap().lookalike_key();
        for (a, b) in [
            ("alice", "aIice"),
            ("Alice", "AIice"),
            ("mary", "rnary"),
            ("Mary", "rnary"),
            ("bob", "b0b"),
            ("will", "wi1l"),
            ("ALICE", "ALlCE"),
        ] {
            assert_eq!(key(a), key(b), "{a} and {b}");
        }
        for (a, b) in [("alice", "alicia"), ("bob", "rob"), ("ann", "anna")] {
            assert_ne!(key(a), key(b), "{a} and {b}");
        }
    }

    #[test]
    fn message_texts_are_trimmed_and_bounded() {
        assert_eq!(MessageText::parse("  hi \n").unwrap().as_str(), "hi");
        assert_eq!(MessageText::parse(" \n\t "), Err(MessageTextError::Empty));
        assert!(MessageText::parse(&"é".repeat(5000)).is_ok());
        assert_eq!(
            MessageText::parse(&"é".repeat(5001)),
            Err(MessageTextError::TooLong)
        );
    }

    #[test]
    fn message_texts_refuse_controls_and_invisible_only_text() {
        for text in [
            "a\u{0}b",
            "\u{0}",
            "bell\u{7}",
            "esc\u{1B}[31m",
            "c1\u{85}inside",
        ] {
            assert_eq!(
                MessageText::parse(text),
                Err(MessageTextError::ControlCharacter),
                "{text:?}"
            );
        }
        for text in [
            "\u{200B}",
            " \u{200B}\u{2060} ",
            "\u{3164}",
            "\u{FEFF}\u{FE0F}",
        ] {
            assert_eq!(
                MessageText::parse(text),
                Err(MessageTextError::Empty),
                "{text:?}"
            );
        }
        assert_eq!(
            MessageText::parse("one\r\ntwo\rthree\tfour")
                .unwrap()
                .as_str(),
            "one\ntwo\nthree\tfour"
        );
        for text in [
            "日本語",
            "Привет",
            "العربية",
            "🦀",
            "a\u{200B}b",
            "👨\u{200D}👩",
        ] {
            assert_eq!(MessageText::parse(text).unwrap().as_str(), text);
        }
    }

    #[test]
    fn channel_names_refuse_direction_overrides() {
        for name in ["ab\u{202E}cd", "\u{2066}rust\u{2069}", "x\u{202A}y"] {
            assert_eq!(
                ChannelName::parse(name),
                Err(ChannelNameError::BadCharacter),
                "{name:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic_and_what_they_accept_parses_again(raw in ".*") {
            if let Ok(text) = MessageText::parse(&raw) {
                proptest::prop_assert!(!text.as_str().contains(['\0', '\r']));
                proptest::prop_assert!(text.as_str().chars().count() <= MessageText::MAX);
                proptest::prop_assert_eq!(MessageText::parse(text.as_str()), Ok(text.clone()));
            }
            if let Ok(name) = ChannelName::parse(&raw) {
                proptest::prop_assert_eq!(ChannelName::parse(name.as_str()), Ok(name.clone()));
            }
            if let Ok(topic) = Topic::parse(&raw) {
                proptest::prop_assert!(topic.as_str().chars().count() <= Topic::MAX);
                proptest::prop_assert!(!topic.as_str().contains(['\n', '\r', '\t']));
                proptest::prop_assert_eq!(Topic::parse(topic.as_str()), Ok(topic.clone()));
            }
            if let Ok(name) = GroupName::parse(&raw) {
                let count = name.as_str().chars().count();
                proptest::prop_assert!((1..=GroupName::MAX).contains(&count));
                proptest::prop_assert_eq!(GroupName::parse(name.as_str()), Ok(name.clone()));
            }
            if let Ok(name) = DisplayName::parse(&raw) {
                proptest::prop_assert!(name.as_str().chars().count() <= GroupName::MAX);
                proptest::prop_assert_eq!(DisplayName::parse(name.as_str()), Ok(name.clone()));
            }
            if let Ok(name) = Username::parse(&raw) {
                proptest::prop_assert_eq!(Username::parse(name.as_str()), Ok(name.clone()));
            }
            let _ = Password::parse(raw);
        }
    }

    #[test]
    fn topics_are_one_line_in_any_script() {
        let topic = Topic::parse("  日本語 と\n Привет\tالعربية 🎉 ").unwrap();
        assert_eq!(topic.as_str(), "日本語 と Привет العربية 🎉");
        assert_eq!(Topic::parse("   ").unwrap().as_str(), "");
        assert_eq!(
            Topic::parse(&"é".repeat(250)).map(|t| t.as_str().chars().count()),
            Ok(250)
        );
        assert_eq!(Topic::parse(&"é".repeat(251)), Err(TopicError::TooLong));
        assert_eq!(Topic::parse("a\u{202E}b"), Err(TopicError::BadCharacter));
        assert_eq!(Topic::parse("a\u{0}b"), Err(TopicError::BadCharacter));
    }

    #[test]
    fn group_names_are_short_lines_in_any_script() {
        let name = GroupName::parse(" Café\n日本語 🦀 ").unwrap();
        assert_eq!(name.as_str(), "Café 日本語 🦀");
        assert_eq!(GroupName::parse("  "), Err(GroupNameError::Empty));
        assert!(GroupName::parse(&"я".repeat(64)).is_ok());
        assert_eq!(
            GroupName::parse(&"я".repeat(65)),
            Err(GroupNameError::TooLong)
        );
        assert_eq!(
            GroupName::parse("a\u{202E}b"),
            Err(GroupNameError::BadCharacter)
        );
    }

    #[test]
    fn a_full_name_keeps_the_username() {
        assert_eq!(full_name("alice", ""), "alice");
        assert_eq!(full_name("alice", "Алиса 日本語"), "Алиса 日本語 (alice)");
    }

    #[test]
    fn display_names_are_group_names_or_none() {
        let name = DisplayName::parse(" Алиса\n 日本語 🦀 ").unwrap();
        assert_eq!(name.as_str(), "Алиса 日本語 🦀");
        assert_eq!(DisplayName::parse(" \t\n "), Ok(DisplayName::default()));
        assert_eq!(DisplayName::parse("").unwrap().as_str(), "");
        assert_eq!(
            DisplayName::parse(&"ب".repeat(65)),
            Err(GroupNameError::TooLong)
        );
        assert_eq!(
            DisplayName::parse("a\u{202E}b"),
            Err(GroupNameError::BadCharacter)
        );
    }

    #[test]
    fn channel_names_follow_the_rules() {
        assert_eq!(
            ChannelName::parse("  rust  help ").unwrap().as_str(),
            "rust help"
        );
        assert_eq!(ChannelName::parse("x"), Err(ChannelNameError::TooShort));
        assert_eq!(
            ChannelName::parse(&"x".repeat(33)),
            Err(ChannelNameError::TooLong)
        );
        assert_eq!(
            ChannelName::parse("<img>"),
            Err(ChannelNameError::BadCharacter)
        );
        assert_eq!(
            ChannelName::parse("café"),
            Err(ChannelNameError::BadCharacter)
        );
        assert_eq!(ChannelName::parse("a\tb").unwrap().as_str(), "a b");
    }

    #[test]
    fn passwords_are_8_to_128_characters() {
        assert!(Password::parse("12345678".into()).is_ok());
        assert_eq!(
            Password::parse("1234567".into()).err(),
            Some(PasswordError::TooShort)
        );
        assert!(Password::parse("é".repeat(128)).is_ok());
        assert_eq!(
            Password::parse("é".repeat(129)).err(),
            Some(PasswordError::TooLong)
        );
    }

    #[test]
    fn a_password_never_shows_in_debug() {
        let password = Password::parse("hunter22hunter22".into()).unwrap();
        assert!(!format!("{password:?}").contains("hunter"));
    }
}
