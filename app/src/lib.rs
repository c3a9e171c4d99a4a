//! Banter's user interface, rendered on the server and hydrated in the browser,
//! plus the types that both sides of the wire agree on.
//!
//! # Layout
//! - [`shell`]: the HTML document and the router ([`App`]).
//! - [`model`]: users, channels, messages and their validation rules.
//! - [`protocol`]: the WebSocket protocol, shared by both sides.
//! - [`text`]: the character classes user text is checked against.
//! - [`format`]: formatted messages (a safe Markdown subset).
//! - `search` (server side): search queries, and folding text to match them.
//! - [`error`]: [`AppError`](error::AppError), what the UI may be told went wrong.
//! - [`auth`]: sign-up, log-in and log-out, each a page or button with its
//!   server function.
//! - [`chat`]: the chat screen (sidebar, channel view).
//! - [`theme`]: light and dark themes, remembered in a cookie so that the
//!   server renders the chosen one from the first byte.
//! - [`not_found`]: the 404 page.
//! - [`split`]: views whose code the browser fetches when first wanted.
//! - `backend` (server only): the trait through which server functions reach
//!   the server crate.
//!
//! The `ssr` and `hydrate` features are exclusive: the server builds this crate
//! with `ssr`, the browser's WebAssembly with `hydrate`.

pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod chat;
pub mod cookies;

pub mod error;
pub mod format;
pub mod model;
pub mod not_found;
pub mod protocol;
#[cfg(feature = "search")]
pub mod search;
pub mod shell;
pub mod split;
pub mod text;
pub mod theme;

pub use shell::{shell, App};
