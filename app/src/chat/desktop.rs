//! Desktop notifications: while every Banter tab of the browser is hidden, a
//! message that needs the reader (by their setting for its channel) shows
//! one notification, with its sender, channel and a plain-text excerpt;
//! clicking it brings the tab forward, open at the message.
//!
//! The browser asks for permission only when the reader presses "Enable
//! desktop notifications" (on `/settings`), never on its own. Once it is
//! granted, the work is done by a chunk of its own (`alerts.rs`), which the
//! chat's extras start once the page is up; a visitor who never enabled
//! them never downloads it. The same chunk subscribes the browser to Web
//! Push (`worker.rs`), for when every tab is closed. This part only knows
//! whether to start it, and what a notification says (which the server's
//! pushes say too).

#[cfg(feature = "hydrate")]
mod alerts;
#[cfg(feature = "hydrate")]
mod worker;

use reactive_stores::Store;

use super::state::Chat;
use crate::{format::Body, text::excerpt};

/// The longest excerpt of a message a notification shows, in characters.
pub const EXCERPT_CHARS: usize = 140;

/// A notification's title: who wrote, and where, unless it is a
/// conversation (`channel` is `None`). The server's pushes read the same.
pub fn notice_title(sender: &str, channel: Option<&str>) -> String {
    match channel {
        Some(channel) => format!("{sender} in #{channel}"),
        None => sender.to_owned(),
    }
}

/// The tag of a message's notification: the same in every tab, and in
/// the server's push, so a browser shows one however many make it.
pub fn notice_tag(id: crate::protocol::MessageId) -> String {
    format!("banter-m{}", id.0)
}

/// A notification's text: the message as plain text (its formatting
/// dropped) on one line, cut to [`EXCERPT_CHARS`].
pub fn notice_text(body: Option<&Body>, text: &str) -> String {
    let plain = match body {
        Some(body) => body.plain(),
        None => text.to_owned(),
    };
    let words = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    excerpt(&words, EXCERPT_CHARS)
}

/// Where the browser stands on notifications from Banter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Not asked yet: the button asks.
    Ask,
    Granted,
    /// Refused, which only the browser's site settings can undo.
    Denied,
    /// This browser (or this page, not being a secure context) has none.
    Unsupported,
}

/// The browser's answer so far (`Unsupported` on the server, which cannot
/// know: ask once hydrated).
pub fn permission() -> Permission {
    match answer().as_deref() {
        None => Permission::Unsupported,
        Some("granted") => Permission::Granted,
        Some("denied") => Permission::Denied,
        Some(_) => Permission::Ask,
    }
}

/// `Notification.permission`, read by name (web-sys's enum of the answers
/// would bring its decoder into every page); `None` without the API (and
/// on the server).
fn answer() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let window = leptos::prelude::window();
        let api = js_sys::Reflect::get(&window, &JsValue::from_str("Notification")).ok()?;
        js_sys::Reflect::get(&api, &JsValue::from_str("permission"))
            .ok()?
            .as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Asks the browser for permission (call it from a click only), and starts
/// notifying if it is granted. Returns the answer.
pub async fn enable(chat: Store<Chat>) -> Permission {
    #[cfg(feature = "hydrate")]
    if let Ok(asked) = web_sys::Notification::request_permission() {
        let _ = wasm_bindgen_futures::JsFuture::from(asked).await;
    }
    let answer = permission();
    if answer == Permission::Granted {
        start(chat);
    }
    answer
}

/// Starts notifying, once per page, if the reader allowed it.
pub fn start(chat: Store<Chat>) {
    #[cfg(feature = "hydrate")]
    {
        thread_local!(static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
        if answer().as_deref() != Some("granted") || STARTED.with(|s| s.replace(true)) {
            return;
        }
        leptos::task::spawn_local(async move {
            let _ = alerts::watch(chat).await;
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = chat;
}
