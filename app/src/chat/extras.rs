//! The chat page's parts that can wait until it is up, fetched together as
//! one chunk once it is: the keyboard shortcuts, saving the channel
//! header's notification setting, the count of what needs the reader in
//! the tab's title and favicon, desktop notifications (when the reader
//! has allowed them), marking the message the address points at as
//! current, and marking the page while the reader moderates the open
//! channel, and taking files pasted or dropped on the page. None is
//! needed to read or write,
//! and the page is usable while they arrive. It also fetches the chunks
//! that are only shown later, so that they are there even if the network
//! is not by then.

use leptos::prelude::*;
use reactive_stores::Store;

use super::{
    attention::{needing, AttentionTitle},
    composer, desktop, member_tools, message_list, notify_setting,
    sidebar::{keyboard_shortcuts, Drawer},
    state::Chat,
};

crate::split_view!(
    /// Starts them, for the chat page of `chat`.
    pub fn extras(chat: Store<Chat>, drawer: Drawer) {
        keyboard_shortcuts(chat, drawer);
        notify_setting::follow(chat);
        leptos::task::spawn_local(async {
            message_list::preload().await;
        });
        desktop::start(chat);
        message_list::land_on_address();
        member_tools::mark_moderating(chat);
        if let Some(uploads) = use_context::<composer::uploads::Uploads>() {
            composer::uploads::catch_files(chat, uploads);
        }
        view! { <AttentionTitle needing=needing(chat) /> }.into_any()
    }
);
