//! A formatted message as it travels: a flat list of [`Mark`]s, each a
//! piece of text or the opening or closing of an element, in document
//! order. The server makes it ([`super::parse`]); both sides turn it into
//! the same tree ([`Body::tree`]) and render that with the same component.
//!
//! It is read from the network, so the tree is built defensively: a close
//! without an open is dropped, elements left open are closed, elements
//! nested deeper than [`MAX_DEPTH`] give their content to their parent, and
//! a link keeps only an `http`, `https` or `mailto` address.

use serde::{Deserialize, Serialize};

use super::mention::Mentioned;

/// The deepest elements nest (a list in a quote in a list item …); deeper
/// ones are flattened into their parent.
pub const MAX_DEPTH: usize = 8;

/// A formatted message: marks in document order. On the wire it is an
/// array of strings, one per mark: a letter for its kind, then its text
/// (`["p","s","t日本語","/","/"]`), which the browser decodes as it does
/// any list of strings, with no decoder of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "Vec<String>", from = "Vec<String>")]
pub struct Body(pub Vec<Mark>);

/// One step of a formatted message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    Text(String),
    /// Inline code.
    Code(String),
    /// A line break.
    Break,
    /// `@name` or `@here` (see [`super::mention`]).
    Mention(Mentioned),
    Open(Element),
    /// Closes the innermost open element.
    Close,
}

/// An element that holds others.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Element {
    Paragraph,
    Strong,
    Emphasis,
    Strikethrough,
    /// A link to this address.
    Link(String),
    Quote,
    /// A bulleted list.
    Bullets,
    /// A numbered list starting at this number.
    Numbered(u64),
    Item,
    /// A block of code in this language (empty: none given).
    CodeBlock(String),
}

impl From<Body> for Vec<String> {
    fn from(body: Body) -> Self {
        body.0.into_iter().map(String::from).collect()
    }
}

impl From<Vec<String>> for Body {
    fn from(marks: Vec<String>) -> Self {
        Body(marks.iter().map(|mark| Mark::from(mark.as_str())).collect())
    }
}

impl From<Mark> for String {
    fn from(mark: Mark) -> Self {
        let (kind, text) = match mark {
            Mark::Text(text) => ('t', text),
            Mark::Code(code) => ('c', code),
            Mark::Break => ('b', String::new()),
            Mark::Mention(Mentioned::User(name)) => ('m', name),
            Mark::Mention(Mentioned::Here) => ('h', String::new()),
            Mark::Close => ('/', String::new()),
            Mark::Open(element) => match element {
                Element::Paragraph => ('p', String::new()),
                Element::Strong => ('s', String::new()),
                Element::Emphasis => ('e', String::new()),
                Element::Strikethrough => ('d', String::new()),
                Element::Link(href) => ('a', href),
                Element::Quote => ('q', String::new()),
                Element::Bullets => ('u', String::new()),
                Element::Numbered(start) => ('o', start.to_string()),
                Element::Item => ('i', String::new()),
                Element::CodeBlock(language) => ('k', language),
            },
        };
        let mut wire = String::with_capacity(1 + text.len());
        wire.push(kind);
        wire.push_str(&text);
        wire
    }
}

impl From<&str> for Mark {
    /// Total: a kind this side does not know shows its text.
    fn from(wire: &str) -> Self {
        let mut chars = wire.chars();
        let kind = chars.next();
        let text = chars.as_str().to_owned();
        let open = Mark::Open;
        match kind {
            Some('c') => Mark::Code(text),
            Some('b') => Mark::Break,
            Some('m') => Mark::Mention(Mentioned::User(text)),
            Some('h') => Mark::Mention(Mentioned::Here),
            Some('/') => Mark::Close,
            Some('p') => open(Element::Paragraph),
            Some('s') => open(Element::Strong),
            Some('e') => open(Element::Emphasis),
            Some('d') => open(Element::Strikethrough),
            Some('a') => open(Element::Link(text)),
            Some('q') => open(Element::Quote),
            Some('u') => open(Element::Bullets),
            Some('o') => open(Element::Numbered(text.parse().unwrap_or(1))),
            Some('i') => open(Element::Item),
            Some('k') => open(Element::CodeBlock(text)),
            _ => Mark::Text(text),
        }
    }
}

/// The tree a body describes, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Text(String),
    Code(String),
    Break,
    Mention(Mentioned),
    Element(Element, Vec<Node>),
}

/// Whether `href` is an address a message may link to.
pub fn is_safe_link(href: &str) -> bool {
    super::linkify::has_scheme(href, &["http://", "https://", "mailto:"])
}

impl Body {
    /// The elements, nested. Never fails and never nests deeper than
    /// [`MAX_DEPTH`], whatever the marks.
    pub fn tree(&self) -> Vec<Node> {
        // The children being gathered at each open level; the root first.
        let mut levels: Vec<(Option<Element>, Vec<Node>)> = vec![(None, Vec::new())];
        // For each open element, whether it was kept (or flattened into its
        // parent, being too deep or an unsafe link).
        let mut opened: Vec<bool> = Vec::new();
        for mark in &self.0 {
            match mark {
                Mark::Open(element) => {
                    let kept = levels.len() <= MAX_DEPTH
                        && !matches!(element, Element::Link(href) if !is_safe_link(href));
                    if kept {
                        levels.push((Some(element.clone()), Vec::new()));
                    }
                    opened.push(kept);
                }
                Mark::Close => {
                    if opened.pop() == Some(true) {
                        close(&mut levels);
                    }
                }
                Mark::Text(text) => push(&mut levels, Node::Text(text.clone())),
                Mark::Code(code) => push(&mut levels, Node::Code(code.clone())),
                Mark::Break => push(&mut levels, Node::Break),
                Mark::Mention(who) => push(&mut levels, Node::Mention(who.clone())),
            }
        }
        while levels.len() > 1 {
            close(&mut levels);
        }
        levels.pop().map(|(_, root)| root).unwrap_or_default()
    }

    /// The text without its formatting, for where only text goes (a
    /// notification, an excerpt): blocks and breaks become new lines.
    pub fn plain(&self) -> String {
        let mut plain = String::new();
        for mark in &self.0 {
            match mark {
                Mark::Text(text) | Mark::Code(text) => plain.push_str(text),
                Mark::Break => plain.push('\n'),
                Mark::Mention(who) => plain.push_str(&who.typed()),
                Mark::Open(
                    Element::Paragraph | Element::Item | Element::Quote | Element::CodeBlock(_),
                ) if !plain.is_empty() && !plain.ends_with('\n') => plain.push('\n'),
                _ => {}
            }
        }
        plain.trim_end().to_owned()
    }

    /// Whether it calls `username` by name (letter case aside) or with
    /// `@here`.
    pub fn calls(&self, username: &str) -> bool {
        self.mentions().any(|who| who.calls(username))
    }

    /// Who it mentions, in order, as often as mentioned.
    pub fn mentions(&self) -> impl Iterator<Item = &Mentioned> {
        self.0.iter().filter_map(|mark| match mark {
            Mark::Mention(who) => Some(who),
            _ => None,
        })
    }
}

fn push(levels: &mut [(Option<Element>, Vec<Node>)], node: Node) {
    if let Some((_, children)) = levels.last_mut() {
        children.push(node);
    }
}

/// Closes the innermost open element, if one is open (never the root).
fn close(levels: &mut Vec<(Option<Element>, Vec<Node>)>) {
    if levels.len() < 2 {
        return;
    }
    if let Some((Some(element), children)) = levels.pop() {
        push(levels, Node::Element(element, children));
    }
}

#[cfg(test)]
mod tests {
    use super::{Element::*, Mark::*, *};
    use proptest::prelude::*;

    fn text(s: &str) -> Mark {
        Text(s.into())
    }

    #[test]
    fn travels_as_strings_of_a_kind_and_a_text() {
        let body = Body(vec![
            Open(Paragraph),
            Open(Strong),
            text("日本語"),
            Close,
            Break,
            Open(Link("https://example.com".into())),
            text("Привет"),
            Close,
            Code("x < y".into()),
            Mention(Mentioned::User("alice".into())),
            Mention(Mentioned::Here),
            Close,
            Open(Numbered(3)),
            Open(Item),
            text("🦀"),
            Close,
            Close,
        ]);
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(
            json,
            r#"["p","s","t日本語","/","b","ahttps://example.com","tПривет","/","cx < y","malice","h","/","o3","i","t🦀","/","/"]"#
        );
        assert_eq!(serde_json::from_str::<Body>(&json).unwrap(), body);
        // A kind this side does not know shows its text.
        let unknown: Body = serde_json::from_str(r#"["zlater",""]"#).unwrap();
        assert_eq!(unknown.0, [text("later"), text("")]);
    }

    #[test]
    fn builds_the_tree_and_mends_what_is_broken() {
        let body = Body(vec![
            Close,
            Open(Paragraph),
            text("a"),
            Open(Emphasis),
            text("b"),
        ]);
        assert_eq!(
            body.tree(),
            [Node::Element(
                Paragraph,
                vec![
                    Node::Text("a".into()),
                    Node::Element(Emphasis, vec![Node::Text("b".into())])
                ]
            )]
        );
    }

    #[test]
    fn keeps_only_safe_links() {
        for (href, safe) in [
            ("https://example.com", true),
            ("HTTP://example.com", true),
            ("mailto:a@example.com", true),
            ("javascript:alert(1)", false),
            ("data:text/html,hi", false),
            ("https://", false),
            ("/relative", false),
        ] {
            assert_eq!(is_safe_link(href), safe, "{href}");
        }
        let body = Body(vec![
            Open(Link("javascript:alert(1)".into())),
            Open(Strong),
            text("x"),
            Close,
            Close,
            text("y"),
        ]);
        assert_eq!(
            body.tree(),
            [
                Node::Element(Strong, vec![Node::Text("x".into())]),
                Node::Text("y".into())
            ]
        );
    }

    #[test]
    fn nests_no_deeper_than_the_limit() {
        let mut marks = vec![Open(Quote); 10_000];
        marks.push(text("deep"));
        marks.extend(vec![Close; 10_000]);
        marks.push(text("after"));
        let tree = Body(marks).tree();
        fn depth(nodes: &[Node]) -> usize {
            nodes
                .iter()
                .map(|node| match node {
                    Node::Element(_, children) => 1 + depth(children),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        assert_eq!(depth(&tree), MAX_DEPTH);
        assert_eq!(tree.len(), 2, "what follows the quotes is beside them");
        assert_eq!(tree[1], Node::Text("after".into()));
    }

    #[test]
    fn plain_text_keeps_the_words_and_lines() {
        let body = Body(vec![
            Open(Paragraph),
            Open(Strong),
            text("العربية"),
            Close,
            text(" and "),
            Code("code".into()),
            text(" "),
            Mention(Mentioned::User("sakura".into())),
            Close,
            Open(Bullets),
            Open(Item),
            text("one"),
            Close,
            Open(Item),
            text("two"),
            Close,
            Close,
        ]);
        assert_eq!(body.plain(), "العربية and code @sakura\none\ntwo");
    }

    fn any_mark() -> impl Strategy<Value = Mark> {
        prop_oneof![
            ".{0,8}".prop_map(Text),
            ".{0,8}".prop_map(Code),
            Just(Break),
            Just(Close),
            ".{0,8}".prop_map(|wire| Mark::from(wire.as_str())),
        ]
    }

    proptest! {
        #[test]
        fn any_marks_make_a_bounded_tree_holding_all_their_text(
            marks in proptest::collection::vec(any_mark(), 0..200)
        ) {
            let body = Body(marks);
            let tree = body.tree();
            fn walk(nodes: &[Node], depth: usize, text: &mut String) -> usize {
                let mut deepest = depth;
                for node in nodes {
                    match node {
                        Node::Text(t) | Node::Code(t) => text.push_str(t),
                        Node::Break => {}
                        Node::Mention(who) => text.push_str(&who.typed()),
                        Node::Element(_, children) => {
                            deepest = deepest.max(walk(children, depth + 1, text));
                        }
                    }
                }
                deepest
            }
            let mut shown = String::new();
            prop_assert!(walk(&tree, 0, &mut shown) <= MAX_DEPTH);
            let all: String = body.0.iter().filter_map(|m| match m {
                Text(t) | Code(t) => Some(t.clone()),
                Mention(who) => Some(who.typed()),
                _ => None,
            }).collect();
            prop_assert_eq!(shown, all);
        }
    }
}
