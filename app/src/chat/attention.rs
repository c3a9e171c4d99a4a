//! What needs the reader, shown where they see it from another tab: the
//! tab's title counts it, "(3) General · Banter", and the favicon wears a
//! dot. What needs them is each channel's unread messages as their
//! notification setting counts them ([`NotifyLevel::needing`]): all of them,
//! mentions only, or (muted) mentions by name in channels only.

use leptos::prelude::*;
use leptos_meta::Title;
use reactive_stores::Store;

use super::state::{Chat, ChatStoreFields};
use crate::{protocol::NotifyLevel, shell::page_title};

/// The number of messages that need the reader, across their channels.
pub fn needing(chat: Store<Chat>) -> Memo<u32> {
    Memo::new(move |_| {
        chat.channels()
            .read()
            .iter()
            .map(|c| NotifyLevel::needing(c.notify, c.is_direct(), c.unread, c.mentions))
            .sum()
    })
}

/// The page's title, led by what needs the reader; and, in the browser,
/// the favicon with a dot while anything does.
#[component]
pub fn AttentionTitle(needing: Memo<u32>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let href = match needing.get() {
            0 => "/favicon.svg",
            _ => "/favicon-dot.svg",
        };
        // Set only when it changes: every setting makes the browser fetch
        // the icon again, and the count changes with every message.
        if let Ok(Some(icon)) = document().query_selector("link[rel=icon]") {
            if icon.get_attribute("href").as_deref() != Some(href) {
                let _ = icon.set_attribute("href", href);
            }
        }
    });
    view! {
        <Title formatter=move |page: String| match needing.get() {
            0 => page_title(page),
            n => format!("({n}) {}", page_title(page)),
        } />
    }
}
