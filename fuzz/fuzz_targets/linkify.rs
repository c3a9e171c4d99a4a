//! Arbitrary text split into plain text and links: never panics, the pieces
//! put together are the text, and every link starts with its scheme.
#![no_main]

use app::format::linkify::{segments, Segment};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let pieces = segments(text);
    assert_eq!(pieces.iter().map(Segment::as_str).collect::<String>(), text);
    for piece in &pieces {
        assert!(!piece.as_str().is_empty());
        if let Segment::Link(url) = piece {
            let head = url.get(..8).unwrap_or(url).to_ascii_lowercase();
            assert!(head.starts_with("https://") || head.starts_with("http://"));
        }
    }
});
