//! Finding links in message text.
//!
//! Message text is only ever inserted as text, never as HTML. Words that are
//! `http://` or `https://` URLs become links; nothing else does, so a
//! `javascript:` URL stays text.
//!
//! Every message passes through here, on the server, when it is parsed
//! (`super::parse`), so [`segments`] is total: it never
//! indexes a string at a position that may fall inside a character, and its
//! pieces put together are always exactly its input (a property test holds it
//! to both, over arbitrary Unicode).

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    Link(&'a str),
}

impl<'a> Segment<'a> {
    /// The text this piece stands for.
    pub fn as_str(&self) -> &'a str {
        match self {
            Segment::Text(text) | Segment::Link(text) => text,
        }
    }
}

/// The schemes that make a word a link.
const SCHEMES: [&str; 2] = ["https://", "http://"];

/// Punctuation that ends a sentence rather than a URL.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"'];

/// Splits `text` into plain text and links, in order.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    // Where the plain text not yet pushed starts, and where this word starts;
    // both only ever move by the length of whole words or their prefixes, so
    // they always fall between characters.
    let mut plain_start = 0;
    let mut offset = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        if let Some(url) = link_in(word) {
            push_text(&mut segments, text.get(plain_start..offset));
            segments.push(Segment::Link(url));
            plain_start = offset + url.len();
        }
        offset += word.len();
    }
    push_text(&mut segments, text.get(plain_start..));
    segments
}

/// The link a word starts with, if it is one: the word without its trailing
/// whitespace and punctuation.
fn link_in(word: &str) -> Option<&str> {
    let url = word.trim_end().trim_end_matches(TRAILING);
    has_scheme(url, &SCHEMES).then_some(url)
}

/// Whether `url` starts with one of `schemes` (in any case) and goes on
/// past it.
pub fn has_scheme(url: &str, schemes: &[&str]) -> bool {
    schemes.iter().any(|scheme| {
        url.len() > scheme.len()
            && url
                .get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
    })
}

fn push_text<'a>(segments: &mut Vec<Segment<'a>>, text: Option<&'a str>) {
    if let Some(text) = text.filter(|text| !text.is_empty()) {
        segments.push(Segment::Text(text));
    }
}

#[cfg(test)]
mod tests {
    use super::{segments, Segment::*};
    use proptest::prelude::*;

    #[test]
    fn finds_links_and_leaves_the_rest_as_text() {
        assert_eq!(
            segments("see https://example.com/a?b=1, then http://x.org."),
            [
                Text("see "),
                Link("https://example.com/a?b=1"),
                Text(", then "),
                Link("http://x.org"),
                Text(".")
            ]
        );
        assert_eq!(segments("plain words"), [Text("plain words")]);
        assert_eq!(
            segments("javascript:alert(1)"),
            [Text("javascript:alert(1)")]
        );
        assert_eq!(segments("https://"), [Text("https://")]);
        assert_eq!(
            segments("(https://a.b)"),
            [Text("(https://a.b)")],
            "a link must start the word"
        );
        assert_eq!(
            segments("line\nhttps://a.b\nnext"),
            [Text("line\n"), Link("https://a.b"), Text("\nnext")]
        );
        assert_eq!(segments(""), []);
    }

    #[test]
    fn words_in_any_script_stay_whole() {
        // Each has a character straddling byte 7 or 8, where a scheme ends.
        for text in ["日本語", "Привет", "naïveté", "🦀🦀", "العربية", "https:/é"]
        {
            assert_eq!(segments(text), [Text(text)]);
        }
        assert_eq!(
            segments("見て https://例え.jp/パス。"),
            [Text("見て "), Link("https://例え.jp/パス。")]
        );
        // Found by the fuzzer (`scripts/fuzz`, target linkify) in the old
        // code: a two-byte character across byte 7.
        let found = "-\u{0}\u{0}\u{15};]\u{1E2}";
        assert_eq!(segments(found), [Text(found)]);
    }

    /// Text that is mostly words and links, in many scripts.
    fn chatty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<String>(),
            Just("https://".to_owned()),
            Just("HTTP://".to_owned()),
            Just(" ".to_owned()),
            Just("\n".to_owned()),
            Just("日本語".to_owned()),
            Just("🦀".to_owned()),
            Just(").,".to_owned()),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn the_pieces_are_the_text(text in chatty()) {
            let pieces = segments(&text);
            prop_assert_eq!(pieces.iter().map(|p| p.as_str()).collect::<String>(), text.as_str());
            for piece in &pieces {
                prop_assert!(!piece.as_str().is_empty());
                if let Link(url) = piece {
                    let lower = url.to_ascii_lowercase();
                    prop_assert!(lower.starts_with("https://") || lower.starts_with("http://"));
                    prop_assert!(!url.contains(char::is_whitespace));
                }
            }
        }

        #[test]
        fn any_string_is_split_without_panicking(text in any::<String>()) {
            let joined: String = segments(&text).iter().map(|p| p.as_str()).collect();
            prop_assert_eq!(joined, text);
        }
    }
}
