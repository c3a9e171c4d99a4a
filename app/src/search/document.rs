//! What of a message the search index holds: the text a reader sees (a
//! formatted message without its Markdown, so that a phrase spanning
//! `**bold**` text is found), the addresses of its links, and whether it
//! has any.

use super::fold;
use crate::format::{is_safe_link, Body, Element, Mark};

/// A message as the index holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Folded (see [`fold`]).
    pub text: String,
    /// It holds a web address (`has:link`).
    pub has_link: bool,
}

impl Document {
    /// The document of a message's `text`, parsed as `body` (`None`: plain
    /// text).
    pub fn new(text: &str, body: Option<&Body>) -> Self {
        let Some(body) = body else {
            return Document {
                text: fold(text),
                has_link: false,
            };
        };
        let mut shown = body.plain();
        let mut has_link = false;
        for mark in &body.0 {
            if let Mark::Open(Element::Link(href)) = mark {
                if is_safe_link(href) {
                    has_link = true;
                    // A link's address is found too, when its text hides it.
                    if !shown.contains(href.as_str()) {
                        shown.push('\n');
                        shown.push_str(href);
                    }
                }
            }
        }
        Document {
            text: fold(&shown),
            has_link,
        }
    }
}

#[cfg(all(test, feature = "markdown"))]
mod tests {
    use super::*;
    use crate::format::parse;

    fn document(text: &str) -> Document {
        Document::new(text, parse(text).as_ref())
    }

    #[test]
    fn holds_what_is_shown_and_the_links() {
        let doc = document("**Release** _notes_ for [the site](https://example.com/Ünï)");
        assert_eq!(
            doc.text,
            "release notes for the site https://example.com/uni"
        );
        assert!(doc.has_link);
        let doc = document("see https://example.com today");
        assert_eq!(doc.text, "see https://example.com today");
        assert!(doc.has_link);
        assert_eq!(
            document("Plain Café"),
            Document {
                text: "plain cafe".into(),
                has_link: false
            }
        );
    }
}
