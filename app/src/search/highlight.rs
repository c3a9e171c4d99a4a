//! Marking what a query matched in a message as shown.
//!
//! The shown text is folded as the index folds it ([`Folded`]), each term
//! found in the folded text, and each find marked on the characters of the
//! original it came from, so a mark always covers whole characters and
//! "cafe" marks "Café".

use std::ops::Range;

use super::Folded;

/// Where `terms` (folded, as [`Query::terms`](super::Query) holds them)
/// occur in `text`: byte ranges on character boundaries, in order, none
/// overlapping or touching another.
pub fn marks(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let folded = Folded::new(text);
    let mut found: Vec<Range<usize>> = Vec::new();
    for term in terms.iter().filter(|t| !t.is_empty()) {
        // Overlapping finds too ("ana" twice in "banana").
        let mut from = 0;
        while let Some(found_at) = folded
            .text
            .get(from..)
            .and_then(|rest| rest.find(term.as_str()))
        {
            let at = from + found_at;
            if let Some((start, end)) = folded.original(at, at + term.len(), text) {
                found.push(start..end);
            }
            from = at + folded.text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// A stretch of a message to show in a result, in pieces, each marked or
/// not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet {
    /// Text before the stretch was left out.
    pub cut_before: bool,
    pub pieces: Vec<(String, bool)>,
    /// Text after the stretch was left out.
    pub cut_after: bool,
}

/// At most `max` characters of `text` around its first mark, split into
/// marked and unmarked pieces. Starts a little before the first mark (at a
/// word's start where there is one near), so the mark has some context.
pub fn snippet(text: &str, terms: &[String], max: usize) -> Snippet {
    const CONTEXT: usize = 40;
    let ranges = marks(text, terms);
    let first = ranges.first().map_or(0, |r| r.start);
    // Byte offset of each character, and the end.
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = starts.len() - 1;
    let first_char = starts.partition_point(|&at| at < first);
    let mut from = if chars <= max {
        0
    } else {
        first_char.saturating_sub(CONTEXT).min(chars - max)
    };
    // Prefer to begin after a space, if one is near.
    if from > 0 {
        if let Some(space) = (from..first_char.min(from + 12)).find(|&i| {
            text[starts[i]..starts[i + 1]]
                .chars()
                .all(char::is_whitespace)
        }) {
            from = space + 1;
        }
    }
    let to = (from + max).min(chars);
    let (start, end) = (starts[from], starts[to]);
    let mut pieces = Vec::new();
    let mut at = start;
    for range in ranges.iter().filter(|r| r.end > start && r.start < end) {
        let (s, e) = (range.start.max(start), range.end.min(end));
        if s > at {
            pieces.push((text[at..s].to_owned(), false));
        }
        pieces.push((text[s..e].to_owned(), true));
        at = e;
    }
    if at < end {
        pieces.push((text[at..end].to_owned(), false));
    }
    Snippet {
        cut_before: start > 0,
        pieces,
        cut_after: end < text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::fold;
    use proptest::prelude::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| fold(w)).collect()
    }

    fn marked(text: &str, words: &[&str]) -> Vec<String> {
        marks(text, &terms(words))
            .into_iter()
            .map(|r| text[r].to_owned())
            .collect()
    }

    #[test]
    fn marks_whole_characters_of_what_matched() {
        assert_eq!(marked("Ein Café, ein CAFE", &["cafe"]), ["Café", "CAFE"]);
        assert_eq!(marked("東京と京都", &["京"]), ["京", "京"]);
        assert_eq!(marked("Привет, мир", &["ПРИВ", "мир"]), ["Прив", "мир"]);
        // Overlapping and touching finds merge.
        assert_eq!(marked("banana", &["ana"]), ["anana"]);
        assert_eq!(marked("abcdef", &["abc", "def"]), ["abcdef"]);
        assert!(marked("nothing here", &["zzz", ""]).is_empty());
    }

    #[test]
    fn snippets_show_the_first_mark_with_context() {
        let text = format!(
            "{} the needle is here {}",
            "hay ".repeat(100),
            "straw ".repeat(100)
        );
        let cut = snippet(&text, &terms(&["needle"]), 80);
        assert!(cut.cut_before && cut.cut_after);
        let shown: String = cut.pieces.iter().map(|(t, _)| t.as_str()).collect();
        assert!(shown.chars().count() <= 80);
        assert!(cut.pieces.contains(&("needle".to_owned(), true)));
        assert!(!shown.starts_with(' '));

        let short = snippet("short 日本語", &terms(&["日本"]), 80);
        assert!(!short.cut_before && !short.cut_after);
        assert_eq!(
            short.pieces,
            [
                ("short ".to_owned(), false),
                ("日本".to_owned(), true),
                ("語".to_owned(), false)
            ]
        );
    }

    proptest! {
        #[test]
        fn marks_are_ordered_apart_and_on_boundaries(
            text in "\\PC{0,60}",
            words in proptest::collection::vec("\\PC{1,4}", 0..4),
        ) {
            let terms: Vec<String> = words.iter().map(|w| fold(w)).collect();
            let ranges = marks(&text, &terms);
            for pair in ranges.windows(2) {
                prop_assert!(pair[0].end < pair[1].start);
            }
            for r in &ranges {
                prop_assert!(r.start < r.end && r.end <= text.len());
                prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
            let cut = snippet(&text, &terms, 20);
            let shown: String = cut.pieces.iter().map(|(t, _)| t.as_str()).collect();
            prop_assert!(shown.chars().count() <= 20);
            prop_assert!(text.contains(&shown));
        }
    }
}
