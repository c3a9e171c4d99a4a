//! Formatted messages: a safe Markdown subset.
//!
//! The server parses a message's text once, when it reads or stores it,
//! into a [`Body`]: a flat list of marks (its bare web addresses made links
//! too) that travels with the message and that both sides render with the
//! same component, so a page hydrates without a mismatch and the browser
//! carries no Markdown parser: its WebAssembly only walks the marks. Plain
//! text, most of what is written, has no body and is shown as typed.
//! Nothing here ever makes HTML from text: every mark becomes a view node.
//!
//! - `body`: the marks, the tree they describe and their plain text.
//! - `fence`: whether text being typed is inside a code block.
//! - `mention`: `@name` and `@here`, in text sent and text being typed.
//! - [`linkify`]: the web addresses in plain text, which become links.
//! - `parse` (server side): Markdown to marks, with pulldown-cmark.

mod body;
mod fence;
pub mod linkify;
mod mention;
#[cfg(feature = "markdown")]
mod parse;

pub use body::{is_safe_link, Body, Element, Mark, Node, MAX_DEPTH};
pub use fence::in_open_fence;
pub use mention::{pieces, typed_mention, Mentioned, Piece, RESERVED};
#[cfg(feature = "markdown")]
pub use parse::parse;
