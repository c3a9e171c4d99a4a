//! Desktop notifications: while every Banter tab of the browser is hidden, a
//! message that needs the reader (by their setting for its channel) shows
//! one notification, with its sender, channel and a plain-text excerpt;
//! clicking it brings the tab forward, open at the message.
//!
//! The browser asks for permission only when the reader presses "Enable
//! desktop notifications" (on `/settings`), never on its own. Once it is
//! granted, the work is done by a chunk of its own (`alerts.rs`), which the
//! chat's extras start once the page is up; a visitor who never enabled
//! them never downloads it. This part only knows whether to start it.

#[cfg(feature = "hydrate")]
mod alerts;

use reactive_stores::Store;

use super::state::Chat;

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
