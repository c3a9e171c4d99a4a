//! Arbitrary text parsed as Markdown, and arbitrary marks read from the
//! wire: never panics, a body's tree never nests deeper than the limit,
//! and no link in it goes anywhere but http, https or mailto.
#![no_main]

use app::format::{is_safe_link, parse, Body, Element, Node, MAX_DEPTH};
use libfuzzer_sys::fuzz_target;

fn check(nodes: &[Node], depth: usize) {
    assert!(depth <= MAX_DEPTH);
    for node in nodes {
        if let Node::Element(element, children) = node {
            if let Element::Link(href) = element {
                assert!(is_safe_link(href), "{href:?}");
            }
            check(children, depth + 1);
        }
    }
}

fuzz_target!(|text: &str| {
    if let Some(body) = parse(text) {
        check(&body.tree(), 0);
        let _ = body.plain();
    }
    if let Ok(body) = serde_json::from_str::<Body>(text) {
        check(&body.tree(), 0);
        let _ = body.plain();
    }
});
