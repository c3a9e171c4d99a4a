//! Finding links in message text.
//!
//! Message text is only ever inserted as text, never as HTML. Words that are
//! `http://` or `https://` URLs become links; nothing else does, so a
//! `javascript:` URL stays text.

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// Punctuation that ends a sentence rather than a URL.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"'];

/// Splits `text` into plain text and links, in order.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut plain_start = 0;
    let mut offset = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        let url = trimmed.trim_end_matches(TRAILING);
        let is_link = ["https://", "http://"].iter().any(|scheme| {
            url.len() > scheme.len() && url[..scheme.len()].eq_ignore_ascii_case(scheme)
        });
        if is_link {
            if plain_start < offset {
                segments.push(Segment::Text(&text[plain_start..offset]));
            }
            segments.push(Segment::Link(url));
            plain_start = offset + url.len();
        }
        offset += word.len();
    }
    if plain_start < text.len() {
        segments.push(Segment::Text(&text[plain_start..]));
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::{segments, Segment::*};

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
}
