//! A message's text as a reader sees it: as typed, or formatted (its web
//! addresses made links) from the body the server parsed (see
//! [`crate::format`]). The same code renders it on the server and in the
//! browser, from the same marks, so hydration finds what it expects; every
//! piece is a view node, never HTML.

use leptos::prelude::*;
use reactive_stores::Store;

use crate::{
    chat::state::{Chat, ChatStoreFields},
    format::{Body, Element, Mentioned, Node},
};

/// A message's text. `dir="auto"`: a message in Arabic or Hebrew reads
/// right to left, whatever the page around it.
#[component]
pub(crate) fn MessageText(text: String, body: Option<Body>) -> impl IntoView {
    match body {
        None => view! { <p class="message-text" dir="auto">{text}</p> }.into_any(),
        Some(body) => {
            // Mentions of the reader stand out from the others.
            let me = use_context::<Store<Chat>>()
                .map(|chat| chat.me().read_untracked().username.clone())
                .unwrap_or_default();
            view! {
                <div class="message-text formatted" dir="auto">
                    {body.tree().into_iter().map(|node| node_view(node, &me)).collect_view()}
                </div>
            }
            .into_any()
        }
    }
}

/// What an element of a formatted message may carry besides its children.
#[derive(Default)]
struct Attributes {
    /// A link's address (it then opens apart, with no referrer).
    href: Option<String>,
    /// A numbered list's first number.
    start: Option<String>,
    /// A code block's language.
    language: Option<String>,
    /// A code block scrolls sideways: it takes the focus, to scroll by key.
    focusable: bool,
}

/// One element. Every kind is made here, its tag a value, so the
/// WebAssembly holds the code of one element with children rather than of
/// one per kind (`<br>` aside: it has no closing tag).
fn element(tag: &'static str, attributes: Attributes, children: AnyView) -> AnyView {
    let link = attributes.href.is_some();
    leptos::html::custom(tag)
        .attr("href", attributes.href)
        .attr("target", link.then_some("_blank"))
        .attr("rel", link.then_some("noopener noreferrer"))
        .attr("start", attributes.start)
        .attr("data-language", attributes.language)
        .attr("tabindex", attributes.focusable.then_some("0"))
        .child(children)
        .into_any()
}

/// One node of a formatted message, read by `me`.
fn node_view(node: Node, me: &str) -> AnyView {
    let (element_of, children) = match node {
        Node::Text(text) => return text.into_any(),
        Node::Mention(who) => return mention(who, me),
        Node::Code(code) => return element("code", Attributes::default(), code.into_any()),
        Node::Break => return view! { <br /> }.into_any(),
        Node::Element(Element::CodeBlock(language), children) => {
            let code = text_of(&children);
            return element(
                "pre",
                Attributes {
                    language: (!language.is_empty()).then_some(language),
                    focusable: true,
                    ..Attributes::default()
                },
                element("code", Attributes::default(), code.into_any()),
            );
        }
        Node::Element(element, children) => (element, children),
    };
    let plain = |tag| (tag, Attributes::default());
    let (tag, attributes) = match element_of {
        Element::Paragraph => plain("p"),
        Element::Strong => plain("strong"),
        Element::Emphasis => plain("em"),
        Element::Strikethrough => plain("del"),
        Element::Quote => plain("blockquote"),
        Element::Bullets => plain("ul"),
        Element::Item => plain("li"),
        Element::Link(href) => (
            "a",
            Attributes {
                href: Some(href),
                ..Attributes::default()
            },
        ),
        Element::Numbered(start) => (
            "ol",
            Attributes {
                start: Some(start.to_string()),
                ..Attributes::default()
            },
        ),
        // Made above.
        Element::CodeBlock(_) => plain("pre"),
    };
    let children = children
        .into_iter()
        .map(|node| node_view(node, me))
        .collect_view()
        .into_any();
    element(tag, attributes, children)
}

/// A mention, as typed: a `<mark>` when it calls the reader, else a
/// `<span>` (a formatted message has no other spans).
fn mention(who: Mentioned, me: &str) -> AnyView {
    let tag = if who.calls(me) { "mark" } else { "span" };
    element(tag, Attributes::default(), who.typed().into_any())
}

/// All the text under `nodes`, as one string (a code block's content).
fn text_of(nodes: &[Node]) -> String {
    let mut text = String::new();
    for node in nodes {
        match node {
            Node::Text(t) | Node::Code(t) => text.push_str(t),
            Node::Break => text.push('\n'),
            Node::Mention(who) => text.push_str(&who.typed()),
            Node::Element(_, children) => text.push_str(&text_of(children)),
        }
    }
    text
}
