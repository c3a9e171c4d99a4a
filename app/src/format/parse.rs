//! Markdown to [`Body`], on the server, with pulldown-cmark (CommonMark,
//! plus `~~strikethrough~~`).
//!
//! Only the subset a chat message needs is kept: emphasis, strong,
//! strikethrough, inline code, code blocks with their language, quotes,
//! lists, line breaks and links to `http`, `https` and `mailto` addresses.
//! Anything else (headings, rules, HTML, images, links elsewhere) shows as
//! the text that was typed, taken from the source by the range the parser
//! gives, so nothing typed ever disappears and no HTML is ever made. Bare
//! web addresses in text (outside links and code) become links too
//! ([`super::linkify`]), and `@name` and `@here` mentions
//! ([`super::mention`]).

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag};

use super::{
    body::{is_safe_link, Body, Element, Mark, MAX_DEPTH},
    linkify::{segments, Segment},
    mention::{pieces, Piece},
};

/// The longest code block language kept.
const MAX_LANGUAGE: usize = 32;

/// The formatting of `text`, or `None` when it has none: plain text is
/// shown as typed, with no body to send.
pub fn parse(text: &str) -> Option<Body> {
    let mut marks = Marks::default();
    let mut events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).into_offset_iter();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(tag) => match kept(&tag) {
                Some(element) => marks.open(element),
                None => {
                    let block = is_block(&tag);
                    marks.verbatim(source(text, range), block);
                    skip_to_end(&mut events);
                }
            },
            Event::End(_) => marks.close(),
            Event::Text(t) | Event::InlineHtml(t) | Event::Html(t) => marks.text(&t),
            Event::Code(code) => marks.push(Mark::Code(code.into_string())),
            Event::SoftBreak | Event::HardBreak => marks.push(Mark::Break),
            Event::Rule => marks.verbatim(source(text, range), true),
            _ => marks.verbatim(source(text, range), false),
        }
    }
    marks.into_body(text)
}

/// The element `tag` stands for, if it is one a message keeps.
fn kept(tag: &Tag<'_>) -> Option<Element> {
    Some(match tag {
        Tag::Paragraph => Element::Paragraph,
        Tag::Strong => Element::Strong,
        Tag::Emphasis => Element::Emphasis,
        Tag::Strikethrough => Element::Strikethrough,
        Tag::BlockQuote(_) => Element::Quote,
        Tag::List(None) => Element::Bullets,
        Tag::List(Some(start)) => Element::Numbered(*start),
        Tag::Item => Element::Item,
        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Element::CodeBlock(language(info)),
        Tag::CodeBlock(CodeBlockKind::Indented) => Element::CodeBlock(String::new()),
        Tag::Link {
            link_type: LinkType::Email,
            dest_url,
            ..
        } => Element::Link(format!("mailto:{dest_url}")),
        Tag::Link { dest_url, .. } if is_safe_link(dest_url) => Element::Link(dest_url.to_string()),
        _ => return None,
    })
}

/// Whether `tag` (one not kept) stands on its own lines.
fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Link { .. } | Tag::Image { .. } | Tag::Superscript | Tag::Subscript
    )
}

/// The first word of a fence's info string, if it looks like a language.
fn language(info: &str) -> String {
    let word = info.split_whitespace().next().unwrap_or("");
    let fits = word.chars().count() <= MAX_LANGUAGE
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "+-#._".contains(c));
    if fits {
        word.to_owned()
    } else {
        String::new()
    }
}

/// The source an event came from (empty if the range is not one).
fn source(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or("")
}

/// Skips the events inside the element just started, and its end.
fn skip_to_end<'a>(events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>) {
    let mut depth = 1usize;
    for (event, _) in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return;
        }
    }
}

/// The marks made so far.
#[derive(Default)]
struct Marks {
    marks: Vec<Mark>,
    /// For each element open, whether it was kept (or flattened into its
    /// parent, being deeper than [`MAX_DEPTH`]) and whether it is a link or
    /// code block, whose text stays as it is.
    opened: Vec<(bool, bool)>,
    /// How many kept elements are open.
    depth: usize,
    /// How many links and code blocks are open.
    literal: usize,
    /// Text not yet made marks: the parser gives a run of text in pieces,
    /// and an address must be found in the whole run.
    pending: String,
}

impl Marks {
    fn push(&mut self, mark: Mark) {
        self.flush();
        self.marks.push(mark);
    }

    fn open(&mut self, element: Element) {
        let kept = self.depth < MAX_DEPTH;
        let literal = matches!(element, Element::Link(_) | Element::CodeBlock(_));
        if kept {
            self.push(Mark::Open(element));
            self.depth += 1;
        }
        self.literal += usize::from(literal);
        self.opened.push((kept, literal));
    }

    fn close(&mut self) {
        // The text inside goes as what it was inside.
        self.flush();
        if let Some((kept, literal)) = self.opened.pop() {
            self.literal -= usize::from(literal);
            if kept {
                self.push(Mark::Close);
                self.depth -= 1;
            }
        }
    }

    /// Text, joined to the text before it.
    fn text(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Makes marks of the pending text: links of its addresses, unless it
    /// is inside a link or code.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        if self.literal > 0 {
            self.marks.push(Mark::Text(pending));
            return;
        }
        for segment in segments(&pending) {
            match segment {
                Segment::Text(text) => {
                    self.marks
                        .extend(pieces(text).into_iter().map(|piece| match piece {
                            Piece::Text(text) => Mark::Text(text.to_owned()),
                            Piece::Mention(who) => Mark::Mention(who),
                        }))
                }
                Segment::Link(url) => self.marks.extend([
                    Mark::Open(Element::Link(url.to_owned())),
                    Mark::Text(url.to_owned()),
                    Mark::Close,
                ]),
            }
        }
    }

    /// Source shown as typed, its lines as lines; `block`: as a paragraph
    /// of its own.
    fn verbatim(&mut self, source: &str, block: bool) {
        let source = source.trim_end_matches(['\n', '\r']);
        if block {
            self.open(Element::Paragraph);
        }
        for (index, line) in source.lines().enumerate() {
            if index > 0 {
                self.push(Mark::Break);
            }
            self.text(line);
        }
        if block {
            self.close();
        }
    }

    /// The body, unless it says no more than `text` as typed.
    fn into_body(mut self, text: &str) -> Option<Body> {
        self.flush();
        let marks = self.marks;
        let inside = match marks.as_slice() {
            [Mark::Open(Element::Paragraph), inside @ .., Mark::Close] => Some(inside),
            [] => return None,
            _ => None,
        };
        let plain = inside.and_then(|inside| {
            let mut plain = String::new();
            for mark in inside {
                match mark {
                    Mark::Text(t) => plain.push_str(t),
                    Mark::Break => plain.push('\n'),
                    _ => return None,
                }
            }
            Some(plain)
        });
        match plain {
            Some(plain) if plain == text.trim() => None,
            _ => Some(Body(marks)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::body::Node;

    fn html(text: &str) -> String {
        fn walk(nodes: &[Node], out: &mut String) {
            for node in nodes {
                match node {
                    Node::Text(t) => out.push_str(t),
                    Node::Code(c) => out.push_str(&format!("<code>{c}</code>")),
                    Node::Break => out.push_str("<br>"),
                    Node::Mention(who) => out.push_str(&format!("<m>{}</m>", who.typed())),
                    Node::Element(element, children) => {
                        let tag = match element {
                            Element::Paragraph => "p".to_owned(),
                            Element::Strong => "strong".into(),
                            Element::Emphasis => "em".into(),
                            Element::Strikethrough => "del".into(),
                            Element::Link(href) => format!("a {href}"),
                            Element::Quote => "blockquote".into(),
                            Element::Bullets => "ul".into(),
                            Element::Numbered(start) => format!("ol {start}"),
                            Element::Item => "li".into(),
                            Element::CodeBlock(language) => format!("pre {language}"),
                        };
                        out.push_str(&format!("<{tag}>"));
                        walk(children, out);
                        let end = tag.split(' ').next().unwrap_or("");
                        out.push_str(&format!("</{end}>"));
                    }
                }
            }
        }
        let mut out = String::new();
        if let Some(body) = parse(text) {
            walk(&body.tree(), &mut out);
        } else {
            out.push_str("PLAIN");
        }
        out
    }

    #[test]
    fn plain_text_has_no_body() {
        for text in [
            "hello",
            "Привет, 日本語 and العربية 🦀",
            "two\nlines",
            "snake_case_name",
            "  padded  ",
        ] {
            assert_eq!(html(text), "PLAIN", "{text:?}");
        }
    }

    #[test]
    fn formats_the_subset() {
        for (text, expected) in [
            (
                "**日本語** and *Привет*",
                "<p><strong>日本語</strong> and <em>Привет</em></p>",
            ),
            (
                "~~gone~~ `x < y`",
                "<p><del>gone</del> <code>x < y</code></p>",
            ),
            (
                "```rust\nfn main() {}\n```",
                "<pre rust>fn main() {}\n</pre>",
            ),
            (
                "> العربية\n> 🦀",
                "<blockquote><p>العربية<br>🦀</p></blockquote>",
            ),
            ("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
            (
                "3. three\n4. four",
                "<ol 3><li>three</li><li>four</li></ol>",
            ),
            (
                "[site](https://example.com) <https://a.example>",
                "<p><a https://example.com>site</a> <a https://a.example>https://a.example</a></p>",
            ),
            (
                "<me@example.com>",
                "<p><a mailto:me@example.com>me@example.com</a></p>",
            ),
            ("a\n\nb", "<p>a</p><p>b</p>"),
            (
                "see https://example.com/a_b_c, 日本語",
                "<p>see <a https://example.com/a_b_c>https://example.com/a_b_c</a>, 日本語</p>",
            ),
            (
                "[https://a.example](https://b.example) `https://c.example`",
                "<p><a https://b.example>https://a.example</a> <code>https://c.example</code></p>",
            ),
            (
                "```\nhttps://d.example\n```",
                "<pre >https://d.example\n</pre>",
            ),
            (
                "@alice, 日本語 @here",
                "<p><m>@alice</m>, 日本語 <m>@here</m></p>",
            ),
            (
                "`@alice` [@bob](https://b.example) me@example.com",
                "<p><code>@alice</code> <a https://b.example>@bob</a> me@example.com</p>",
            ),
            (
                "# see https://e.example",
                "<p># see <a https://e.example>https://e.example</a></p>",
            ),
        ] {
            assert_eq!(html(text), expected, "{text:?}");
        }
    }

    #[test]
    fn what_is_not_kept_shows_as_typed() {
        // Alone, each is plain text.
        for text in [
            "# Title",
            "Title\n---",
            "***",
            "<b>bold</b> <script>x</script>",
            "<div>\nblock\n</div>",
            "![cat](https://example.com/cat.png)",
            "[click](javascript:alert(1))",
        ] {
            assert_eq!(html(text), "PLAIN", "{text:?}");
        }
        // Beside formatting, each is its source.
        for (text, expected) in [
            (
                "**a**\n\n# Title",
                "<p><strong>a</strong></p><p># Title</p>",
            ),
            ("**a**\n\n---", "<p><strong>a</strong></p><p>---</p>"),
            (
                "**a** <b>x</b> ![cat](https://example.com/c.png)",
                "<p><strong>a</strong> <b>x</b> ![cat](https://example.com/c.png)</p>",
            ),
            (
                "*a* [click](javascript:alert(1))",
                "<p><em>a</em> [click](javascript:alert(1))</p>",
            ),
            (
                "*a*\n\n<div>\nblock\n</div>",
                "<p><em>a</em></p><p><div><br>block<br></div></p>",
            ),
        ] {
            assert_eq!(html(text), expected, "{text:?}");
        }
    }

    #[test]
    fn languages_are_words() {
        assert_eq!(language("rust ignore"), "rust");
        assert_eq!(language("c++"), "c++");
        assert_eq!(language("<script>"), "");
        assert_eq!(language(&"x".repeat(40)), "");
    }

    /// Markers repeated far past the longest message (5,000 characters):
    /// each parses within a watchdog's minute (a parse quadratic in them
    /// would take hours) into a body no deeper than the limit.
    #[test]
    fn adversarial_nesting_parses_in_bounded_time_and_stays_shallow() {
        const N: usize = 100_000;
        let inputs = [
            "[".repeat(N),
            "*".repeat(N),
            "_".repeat(N),
            "~".repeat(N),
            "> ".repeat(N) + "deep",
            "- ".repeat(N) + "deep",
            "*a ".repeat(N / 2) + &"b* ".repeat(N / 2),
            "[a](".repeat(N / 4),
            "`".repeat(N),
            "[![".repeat(N / 3),
        ];
        for text in inputs {
            let (done, finished) = std::sync::mpsc::channel();
            let shown: String = text.chars().take(8).collect();
            std::thread::spawn(move || {
                let _ = done.send(parse(&text));
            });
            let body = finished
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("{shown:?}… did not parse within a minute"));
            let mut depth = 0usize;
            let mut deepest = 0;
            for mark in body.iter().flat_map(|b| &b.0) {
                match mark {
                    Mark::Open(_) => depth += 1,
                    Mark::Close => depth = depth.saturating_sub(1),
                    _ => {}
                }
                deepest = deepest.max(depth);
            }
            assert!(deepest <= MAX_DEPTH, "{shown:?}…: {deepest} deep");
        }
    }
}
