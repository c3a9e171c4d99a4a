//! Mentions: `@name` calls a member by their username, `@here` the members
//! online at the time.
//!
//! A mention is `@` at the start of the text or after a character that
//! cannot be in a name (so `me@example.com` is not one), then a name as
//! usernames are made (ASCII letters, digits, `_`, `-` and `.`, 2 to 32 of
//! them), less any `.` or `-` ending it, which ends the sentence rather than
//! the name. Both helpers here read text from the network or a keyboard, so
//! they are total: they slice only at the positions of ASCII characters,
//! which are always boundaries, and a property test holds them to that.

use crate::model::Username;

/// Who a mention calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mentioned {
    /// A user, by name as it was typed.
    User(String),
    /// Every member online when it was sent.
    Here,
}

impl Mentioned {
    /// What was typed for it, `@` included.
    pub fn typed(&self) -> String {
        match self {
            Mentioned::User(name) => format!("@{name}"),
            Mentioned::Here => "@here".to_owned(),
        }
    }

    /// Whether it calls `username` (letter case aside) or everyone online.
    pub fn calls(&self, username: &str) -> bool {
        match self {
            Mentioned::User(name) => name.eq_ignore_ascii_case(username),
            Mentioned::Here => true,
        }
    }
}

/// The names no one may take, since mentions use them for everyone.
pub const RESERVED: [&str; 3] = ["here", "channel", "everyone"];

/// A piece of text: as it is, or a mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Mention(Mentioned),
}

/// Whether `c` can be part of a name.
fn in_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Splits `text` into plain text and mentions, in order. The pieces'
/// texts, with each mention as typed, put together are `text`.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut plain_start = 0;
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        if c == '@' && previous.is_none_or(|p| !in_name(p) && p != '@') {
            if let Some((mentioned, len)) = mention_at(&text[at + 1..]) {
                if at > plain_start {
                    pieces.push(Piece::Text(&text[plain_start..at]));
                }
                pieces.push(Piece::Mention(mentioned));
                plain_start = at + 1 + len;
            }
        }
        previous = Some(c);
    }
    if plain_start < text.len() {
        pieces.push(Piece::Text(&text[plain_start..]));
    }
    pieces
}

/// The mention at the start of `rest` (what follows an `@`), and how many
/// bytes its name takes.
fn mention_at(rest: &str) -> Option<(Mentioned, usize)> {
    // Names are ASCII: the end of the run is a boundary.
    let run = rest.find(|c: char| !in_name(c)).unwrap_or(rest.len());
    let name = rest[..run].trim_end_matches(['.', '-']);
    let fits = (Username::MIN..=Username::MAX).contains(&name.len());
    match name {
        _ if !fits => None,
        _ if name.eq_ignore_ascii_case("here") => Some((Mentioned::Here, name.len())),
        _ => Some((Mentioned::User(name.to_owned()), name.len())),
    }
}

/// The mention being typed just before `caret` (a byte offset into `text`;
/// one off a boundary finds none): where its `@` is, and the part of the
/// name typed so far, which may be empty.
pub fn typed_mention(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    // Names are ASCII: the start of the run is a boundary.
    let start = before.rfind(|c: char| !in_name(c)).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let at = start.checked_sub(1)?;
    if before.get(at..start) != Some("@") {
        return None;
    }
    let previous = before[..at].chars().next_back();
    if previous.is_some_and(|p| in_name(p) || p == '@') {
        return None;
    }
    let query = &before[start..];
    (query.len() <= Username::MAX).then_some((at, query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn user(name: &str) -> Piece<'static> {
        Piece::Mention(Mentioned::User(name.to_owned()))
    }

    #[test]
    fn finds_names_and_here() {
        assert_eq!(
            pieces("@alice 日本語 (@Bob.) @here!"),
            [
                user("alice"),
                Piece::Text(" 日本語 ("),
                user("Bob"),
                Piece::Text(".) "),
                Piece::Mention(Mentioned::Here),
                Piece::Text("!"),
            ]
        );
        assert_eq!(
            pieces("Привет @sakura_2"),
            [Piece::Text("Привет "), user("sakura_2")]
        );
    }

    #[test]
    fn leaves_what_is_not_a_mention() {
        for text in [
            "me@example.com",
            "@",
            "@a",
            "@@alice",
            "a @ b",
            "@-",
            &format!("@{}", "x".repeat(33)),
        ] {
            assert_eq!(pieces(text), [Piece::Text(text)], "{text:?}");
        }
        assert_eq!(
            pieces("العربية@alice"),
            [Piece::Text("العربية"), user("alice")],
            "a letter that cannot be in a name ends the word before"
        );
    }

    #[test]
    fn finds_the_mention_being_typed() {
        assert_eq!(typed_mention("hi @al", 6), Some((3, "al")));
        assert_eq!(typed_mention("@", 1), Some((0, "")));
        assert_eq!(
            typed_mention("日本語 @", "日本語 @".len()),
            Some(("日本語 ".len(), ""))
        );
        assert_eq!(typed_mention("me@ex", 5), None);
        assert_eq!(typed_mention("hi @al x", 8), None);
        assert_eq!(typed_mention("hi @al", 5), Some((3, "a")));
        assert_eq!(typed_mention("日本語", 1), None, "not a boundary");
    }

    proptest! {
        #[test]
        fn pieces_put_together_are_the_text(text in "[@a-z.\\- 日é]{0,40}|.{0,40}") {
            let joined: String = pieces(&text)
                .iter()
                .map(|piece| match piece {
                    Piece::Text(t) => (*t).to_owned(),
                    Piece::Mention(m) => m.typed(),
                })
                .collect();
            // `@HERE` comes back as `@here`; nothing else changes.
            prop_assert_eq!(joined.to_lowercase(), text.to_lowercase());
        }

        #[test]
        fn the_mention_typed_is_inside_the_text(text in "[@a-z. 日é]{0,30}|.{0,30}", caret in 0usize..80) {
            if let Some((at, query)) = typed_mention(&text, caret) {
                prop_assert_eq!(text.get(at..at + 1), Some("@"));
                prop_assert_eq!(text.get(at + 1..caret), Some(query));
            }
        }
    }
}
