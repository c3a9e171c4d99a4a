//! Arbitrary text as a search query and as a message searched: reading the
//! query never panics, and every mark and snippet lies on the message's
//! character boundaries, inside it.
#![no_main]

use app::search::{fold, marks, snippet, Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (raw, text) = input;
    let terms = match Query::parse(raw) {
        Ok(query) => query.terms,
        Err(_) => raw.split_whitespace().take(4).map(fold).collect(),
    };
    assert!(terms.iter().all(|t| fold(t) == *t));
    let folded = fold(text);
    assert_eq!(fold(&folded), folded);
    let mut end = 0;
    for range in marks(text, &terms) {
        assert!(range.start >= end && range.start < range.end);
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        end = range.end;
    }
    let cut = snippet(text, &terms, 60);
    let shown: String = cut.pieces.iter().map(|(t, _)| t.as_str()).collect();
    assert!(text.contains(&shown) && shown.chars().count() <= 60);
});
