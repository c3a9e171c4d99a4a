//! The mention picker's rules: which members typing `@` offers (those
//! whose names start with what follows it, online first) and how a name
//! picked takes the place of what was typed of it; and its state, which
//! option is active. The list itself, and the keys that move through it,
//! are in `mention_list.rs`, a chunk of their own.

// Only the browser follows the box; the server renders no list.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use leptos::{ev, prelude::*};

use crate::{
    chat::people::People,
    format::typed_mention,
    model::{ChannelId, UserId},
};

/// The most names the list shows.
const SHOWN: usize = 8;

/// The id of the list, for `aria-controls`.
pub(super) const LIST_ID: &str = "mention-list";

/// One name the list offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Suggestion {
    pub name: String,
    pub online: bool,
}

/// The names starting with `query` (letter case aside), without `me`, in
/// the order of `members` (the server's: online first, then by name) with
/// those online now first; `@here` too in a channel, when it fits.
pub(super) fn suggestions(
    members: &[(UserId, String, bool)],
    me: UserId,
    query: &str,
    here: bool,
) -> Vec<Suggestion> {
    let starts = |name: &str| {
        name.get(..query.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(query))
    };
    let fits = |online: bool| {
        members
            .iter()
            .filter(move |(id, name, on)| *on == online && *id != me && starts(name))
            .map(|(_, name, online)| Suggestion {
                name: name.clone(),
                online: *online,
            })
    };
    let mut found: Vec<Suggestion> = fits(true).chain(fits(false)).take(SHOWN).collect();
    if here && starts("here") {
        found.push(Suggestion {
            name: "here".to_owned(),
            online: true,
        });
    }
    found
}

/// The picker's state: where the mention being typed starts, what it
/// offers, and which option is active.
#[derive(Clone, Copy)]
pub(super) struct Picker {
    people: People,
    /// The `@`'s byte offset in the draft, and the options.
    pub(super) open: RwSignal<Option<(usize, Vec<Suggestion>)>>,
    pub(super) active: RwSignal<usize>,
}

impl Picker {
    pub(super) fn new(people: People) -> Self {
        Self {
            people,
            open: RwSignal::new(None),
            active: RwSignal::new(0),
        }
    }

    /// Looks again at the draft after an edit, the caret at `caret` (in
    /// UTF-16 units, as the browser counts); `here`: `@here` may be offered.
    pub(super) fn follow(
        &self,
        text: &str,
        caret: u32,
        channel: ChannelId,
        me: UserId,
        here: bool,
    ) {
        let people = self.people;
        let found = typed_mention(text, byte_offset(text, caret)).and_then(|(at, query)| {
            let members: Vec<(UserId, String, bool)> = people.members.with_untracked(|list| {
                list.iter()
                    .filter(|list| list.channel == channel)
                    .flat_map(|list| &list.members)
                    .map(|m| {
                        (
                            m.user.id,
                            m.user.username.clone(),
                            people.is_online(m.user.id),
                        )
                    })
                    .collect()
            });
            let found = suggestions(&members, me, query, here);
            (!found.is_empty()).then_some((at, found))
        });
        self.active.set(0);
        self.open.set(found);
    }

    pub(super) fn close(&self) {
        self.open.set(None);
    }

    pub(super) fn is_open(&self) -> bool {
        self.open.with(Option::is_some)
    }

    /// Handles a key while the list is open: `Some(picked)` for a key it
    /// took, `picked` being where the `@` is and the name when Enter or Tab
    /// picked one; `None` for keys it leaves to the message box.
    pub(super) fn key(&self, event: &ev::KeyboardEvent) -> Option<Option<(usize, String)>> {
        let count = self
            .open
            .with_untracked(|o| o.as_ref().map_or(0, |(_, s)| s.len()));
        if count == 0 {
            return None;
        }
        match event.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" => self.active.update(|a| *a = (*a + count - 1) % count),
            "Escape" => self.close(),
            "Enter" | "Tab" if !event.shift_key() && !event.is_composing() => {
                return Some(self.picked(self.active.get_untracked()));
            }
            _ => return None,
        }
        Some(None)
    }

    /// Takes option `index`: where its `@` is, and the name.
    pub(super) fn picked(&self, index: usize) -> Option<(usize, String)> {
        let picked = self.open.with_untracked(|open| {
            open.as_ref()
                .and_then(|(at, found)| Some((*at, found.get(index)?.name.clone())))
        });
        self.close();
        picked
    }
}

/// `text` with the mention being typed at byte `at` (up to the caret, at
/// UTF-16 `caret`) replaced by `@name `; and the caret after it, in UTF-16.
pub(super) fn complete(text: &str, at: usize, caret: u32, name: &str) -> (String, u32) {
    let end = byte_offset(text, caret).max(at);
    let (head, tail) = (
        text.get(..at).unwrap_or(text),
        text.get(end..).unwrap_or(""),
    );
    let inserted = format!("{head}@{name} ");
    let caret = inserted.encode_utf16().count() as u32;
    (format!("{inserted}{tail}"), caret)
}

/// The byte offset of UTF-16 position `units` in `text` (its end if past
/// it); always a boundary.
fn byte_offset(text: &str, units: u32) -> usize {
    let mut counted = 0u32;
    for (at, c) in text.char_indices() {
        if counted >= units {
            return at;
        }
        counted += c.len_utf16() as u32;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members() -> Vec<(UserId, String, bool)> {
        [
            (1, "sakura", true),
            (2, "Sam", false),
            (3, "sasha", true),
            (4, "bob", true),
        ]
        .into_iter()
        .map(|(id, name, online)| (UserId(id), name.to_owned(), online))
        .collect()
    }

    #[test]
    fn suggests_names_that_start_so_online_first() {
        let names = |query, here| -> Vec<String> {
            suggestions(&members(), UserId(1), query, here)
                .into_iter()
                .map(|s| s.name)
                .collect()
        };
        assert_eq!(names("s", false), ["sasha", "Sam"], "never oneself");
        assert_eq!(names("SA", true), ["sasha", "Sam"]);
        assert_eq!(
            names("", true),
            ["sasha", "bob", "Sam", "here"],
            "online first, else in the server's order"
        );
        assert_eq!(names("he", true), ["here"]);
        assert!(names("日本", true).is_empty());
    }

    #[test]
    fn completes_in_place_counting_as_the_browser_does() {
        // "日本語 @sa|" with the caret after "sa": UTF-16 counts 7.
        let (text, caret) = complete("日本語 @sa and", "日本語 ".len(), 7, "sasha");
        assert_eq!(text, "日本語 @sasha  and");
        assert_eq!(caret, "日本語 @sasha ".encode_utf16().count() as u32);
        // An emoji takes two UTF-16 units.
        assert_eq!(byte_offset("🦀@b", 2), "🦀".len());
        assert_eq!(
            byte_offset("🦀@b", 1),
            "🦀".len(),
            "inside a pair: after it"
        );
        assert_eq!(byte_offset("ab", 9), 2);
    }
}
