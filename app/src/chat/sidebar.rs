//! The sidebar: channels, conversations, and the signed-in user.

use leptos::prelude::*;
use leptos_router::components::A;
use reactive_stores::Store;

use super::{
    dialogs::{BrowseChannelsDialog, NewChannelDialog, NewMessageDialog},
    members::PresenceDot,
    state::{ChannelStateStoreFields, Chat, ChatStoreFields},
};
use crate::{
    auth::LogoutButton,
    model::ChannelId,
    protocol::{ChannelKind, MAX_UNREAD},
    theme::ThemeToggle,
};

/// The navigation column on the left of the chat screen.
#[component]
pub fn Sidebar() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let new_channel = RwSignal::new(false);
    let browse = RwSignal::new(false);
    let new_message = RwSignal::new(false);
    let ids = move |direct: bool| {
        chat.channels()
            .read()
            .iter()
            .filter(|c| c.is_direct() == direct)
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };

    view! {
        <aside class="sidebar">
            <header class="sidebar-header">
                <span class="brand">"Banter"</span>
            </header>
            <nav class="sidebar-section" aria-label="Channels">
                <div class="sidebar-heading-row">
                    <h2 class="sidebar-heading">"Channels"</h2>
                    <button type="button" class="icon-button small" title="New channel" on:click=move |_| new_channel.set(true)>
                        <span aria-hidden="true">"+"</span>
                        <span class="visually-hidden">"New channel"</span>
                    </button>
                </div>
                <ul class="sidebar-list">
                    <For each=move || ids(false) key=|id| *id let:id>
                        <ChannelLink id />
                    </For>
                </ul>
                <button type="button" class="sidebar-action" on:click=move |_| browse.set(true)>
                    "Browse channels"
                </button>
            </nav>
            <nav class="sidebar-section" aria-label="Direct messages">
                <div class="sidebar-heading-row">
                    <h2 class="sidebar-heading">"Direct messages"</h2>
                    <button type="button" class="icon-button small" title="New message" on:click=move |_| new_message.set(true)>
                        <span aria-hidden="true">"+"</span>
                        <span class="visually-hidden">"New message"</span>
                    </button>
                </div>
                <ul class="sidebar-list">
                    <For each=move || ids(true) key=|id| *id let:id>
                        <ChannelLink id />
                    </For>
                </ul>
            </nav>
            <footer class="sidebar-footer">
                <span class="me">{move || chat.me().read().username.clone()}</span>
                <ThemeToggle />
                <LogoutButton />
            </footer>
        </aside>
        <NewChannelDialog open=new_channel />
        <BrowseChannelsDialog open=browse />
        <NewMessageDialog open=new_message />
    }
}

/// One channel or conversation in the sidebar: a link named after it, and
/// its unread count beside the link (so that the link's name stays the
/// channel's name).
#[component]
fn ChannelLink(id: ChannelId) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let name = Memo::new(move |_| {
        chat.channels()
            .at_key(id)
            .try_read()
            .map(|c| c.name().to_owned())
            .unwrap_or_default()
    });
    let unread = Memo::new(move |_| chat.channels().at_key(id).unread().try_get().unwrap_or(0));
    let current = move || chat.open().get() == Some(id);
    let peer = Memo::new(move |_| {
        chat.channels()
            .at_key(id)
            .try_read()
            .and_then(|c| match &c.kind {
                ChannelKind::Direct { peer } => Some(peer.id),
                ChannelKind::Public { .. } => None,
            })
    });

    view! {
        <li class="sidebar-item" class:current=current class:has-unread=move || { unread.get() > 0 }>

            {move || peer.get().map(|user| view! { <PresenceDot user /> })}
            <A href=format!("/c/{id}") attr:class="sidebar-link">
                {name}
            </A>
            {move || {
                let count = unread.get();

                (count > 0)
                    .then(|| {
                        let shown = if count >= MAX_UNREAD { "99+".to_owned() } else { count.to_string() };
                        view! {
                            <span class="unread-badge" role="img" aria-label=format!("{count} unread")>
                                {shown}
                            </span>
                        }
                    })
            }}
        </li>
    }
}
