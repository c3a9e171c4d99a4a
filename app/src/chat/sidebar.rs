//! The sidebar: channels, conversations, and the signed-in user.
//!
//! On a phone it is a drawer, opened by the menu button in the channel
//! header and closed by choosing a channel, Escape, or the backdrop. Without
//! JavaScript the menu button is a link to `#sidebar` and the drawer opens
//! with CSS (`:target`).
//!
//! Alt+Up and Alt+Down move to the channel above or below, from anywhere.

use leptos::prelude::*;
use leptos_router::components::A;
use reactive_stores::Store;

use super::{
    dialogs::{browse_channels_dialog, new_channel_dialog, new_message_dialog},
    members::PresenceDot,
    sessions_page::SETTINGS_PATH,
    state::{ChannelStateStoreFields, Chat, ChatStoreFields, LinkStatus},
};
use crate::{
    auth::LogoutButton,
    model::ChannelId,
    protocol::{ChannelKind, NotifyLevel, MAX_UNREAD},
    split::Deferred,
    theme::ThemeToggle,
};

/// Whether the sidebar is open as a drawer (on narrow screens); provided by
/// the chat page to the sidebar and the channel header.
#[derive(Clone, Copy)]
pub struct Drawer(pub RwSignal<bool>);

impl Default for Drawer {
    /// Closed.
    fn default() -> Self {
        Self(RwSignal::new(false))
    }
}

impl Drawer {
    /// Opens or closes the drawer, moving focus into it or back to the
    /// button that opens it.
    pub fn set(self, open: bool) {
        self.0.set(open);
        focus(if open { "drawer-close" } else { "menu-button" });
    }
}

/// The button (a link to `#sidebar` before hydration) that opens the
/// drawer; only shown on narrow screens.
#[component]
pub fn MenuButton() -> impl IntoView {
    let drawer = expect_context::<Drawer>();
    view! {
        <a
            href="#sidebar"
            id="menu-button"
            class="icon-button menu-button"
            role="button"
            aria-controls="sidebar"
            aria-expanded=move || drawer.0.get().to_string()
            on:click=move |event| {
                event.prevent_default();
                drawer.set(true);
            }
        >
            <span class="menu-icon" aria-hidden="true"></span>
            <span class="visually-hidden">"Menu"</span>
        </a>
    }
}

/// The navigation column on the left of the chat screen.
#[component]
pub fn Sidebar() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let drawer = expect_context::<Drawer>();
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
    // Opening another channel (by a link, a dialog or a shortcut) closes
    // the drawer.
    Effect::new(move |previous: Option<Option<ChannelId>>| {
        let open = chat.open().get();
        if previous.is_some_and(|p| p != open) {
            drawer.0.set(false);
        }
        open
    });
    let status = move || match chat.link().get() {
        LinkStatus::Online => "online",
        LinkStatus::Connecting | LinkStatus::Reconnecting => "connecting",
    };

    view! {
        <aside class="sidebar" id="sidebar" class:open=move || drawer.0.get()>
            <header class="sidebar-header">
                <span class="brand">"Banter"</span>
                <span class="spacer"></span>
                <a
                    href="#"
                    id="drawer-close"
                    class="icon-button drawer-close"
                    role="button"
                    on:click=move |event| {
                        event.prevent_default();
                        drawer.set(false);
                    }
                >
                    <span aria-hidden="true">"×"</span>
                    <span class="visually-hidden">"Close menu"</span>
                </a>
            </header>
            <ul class="sidebar-list sidebar-top">
                <li class="sidebar-item" on:click=move |_| drawer.0.set(false)>
                    <A href="/mentions" attr:class="sidebar-link">
                        <span class="sidebar-icon" aria-hidden="true">"@"</span>
                        "Mentions"
                    </A>
                </li>
            </ul>
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
                <span
                    class="presence-dot"
                    class:online=move || status() == "online"
                    role="img"
                    aria-label=status
                ></span>
                <span class="me">{move || chat.me().read().username.clone()}</span>
                // Loaded from the server, not routed in the page: the page
                // comes with its data (the sessions), and the browser needs
                // no client of its own to ask for them.
                <a href=SETTINGS_PATH rel="external" class="icon-button settings-link" title="Settings">
                    <span class="gear" aria-hidden="true">"\u{2699}\u{FE0E}"</span>
                    <span class="visually-hidden">"Settings"</span>
                </a>
                <ThemeToggle />
                <LogoutButton />
            </footer>
        </aside>
        <div class="drawer-backdrop" aria-hidden="true" on:click=move |_| drawer.set(false)></div>
        <Deferred when=new_channel view=move || new_channel_dialog(new_channel)
            preload=new_channel_dialog::preload />
        <Deferred when=browse view=move || browse_channels_dialog(browse)
            preload=browse_channels_dialog::preload />
        <Deferred when=new_message view=move || new_message_dialog(new_message)
            preload=new_message_dialog::preload />
    }
}

/// One channel or conversation in the sidebar: a link named after it, and
/// its unread count beside the link (so that the link's name stays the
/// channel's name).
#[component]
fn ChannelLink(id: ChannelId) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let drawer = expect_context::<Drawer>();
    let name = Memo::new(move |_| {
        chat.channels()
            .at_key(id)
            .try_read()
            .map(|c| c.name().to_owned())
            .unwrap_or_default()
    });
    let state = move || chat.channels().at_key(id);
    let current = move || chat.open().get() == Some(id);
    let peer = Memo::new(move |_| {
        state().try_read().and_then(|c| match &c.kind {
            ChannelKind::Direct { peer } => Some(peer.id),
            _ => None,
        })
    });
    let direct = Memo::new(move |_| state().try_read().is_some_and(|c| c.is_direct()));
    let unread = Memo::new(move |_| state().unread().try_get().unwrap_or(0));
    let mentions = Memo::new(move |_| state().mentions().try_get().unwrap_or(0));
    let notify = move || state().notify().try_get().unwrap_or_default();
    // What the badge counts, by the reader's setting: unread messages
    // (none while muted) and, apart, those that call the reader.
    let counts = move || {
        let notify = notify();
        let called = notify.alerts(direct.get(), true);
        (
            if notify.shows_unread() {
                unread.get()
            } else {
                0
            },
            if called { mentions.get() } else { 0 },
        )
    };

    view! {
        // Choosing a channel, even the open one, closes the drawer.
        <li
            class="sidebar-item"
            class:current=current
            class:has-unread=move || counts() != (0, 0)
            class:muted=move || notify() == NotifyLevel::Nothing
            on:click=move |_| drawer.0.set(false)
        >

            {move || peer.get().map(|user| view! { <PresenceDot user /> })}
            <A href=format!("/c/{id}") attr:class="sidebar-link">
                {name}
            </A>
            {move || {
                let (count, called) = counts();
                let (mut shown, mut label) = counted(count, "unread", "unread");
                // Mentions stand out: a channel's badge counts them instead
                // (its name is bold for the rest), and says both.
                if called > 0 {
                    let (called_shown, called_label) = counted(called, "mention", "mentions");
                    label = match count {
                        0 => called_label,
                        _ => format!("{called_label}, {label}"),
                    };
                    if !direct.get() {
                        shown = format!("@{called_shown}");
                    }
                }
                (count > 0 || called > 0).then(|| view! {
                    <span class="unread-badge" class:calls={called > 0} role="img" aria-label=label>
                        {shown}
                    </span>
                })
            }}
        </li>
    }
}

/// A count as a badge shows it and as it is read out: "3", "3 mentions".
/// Counts stop at [`MAX_UNREAD`], so that many means "or more".
fn counted(count: u32, one: &str, many: &str) -> (String, String) {
    match count {
        1 => ("1".to_owned(), format!("1 {one}")),
        _ if count >= MAX_UNREAD => (
            format!("{}+", MAX_UNREAD - 1),
            format!("more than {} {many}", MAX_UNREAD - 1),
        ),
        _ => (count.to_string(), format!("{count} {many}")),
    }
}

/// Alt+Up / Alt+Down: the channel or conversation above or below the open
/// one, in the sidebar's order. Escape: closes the drawer.
pub fn keyboard_shortcuts(chat: Store<Chat>, drawer: Drawer) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |event| {
            if event.key() == "Escape" && drawer.0.get_untracked() {
                drawer.set(false);
                return;
            }
            let step: isize = match event.key().as_str() {
                "ArrowUp" if event.alt_key() => -1,
                "ArrowDown" if event.alt_key() => 1,
                _ => return,
            };
            let order: Vec<ChannelId> = {
                let channels = chat.channels().read_untracked();
                let public = channels.iter().filter(|c| !c.is_direct());
                let direct = channels.iter().filter(|c| c.is_direct());
                public.chain(direct).map(|c| c.id).collect()
            };
            let Some(current) = chat
                .open()
                .get_untracked()
                .and_then(|open| order.iter().position(|id| *id == open))
            else {
                return;
            };
            let next = current.saturating_add_signed(step).min(order.len() - 1);
            event.prevent_default();
            if next != current {
                super::page::go_to(&format!("/c/{}", order[next]));
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (chat, drawer);
}

/// Moves focus to the element with this id, if it is on the page.
fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let id = id.to_owned();
        // After the drawer's new state is rendered: a hidden element cannot
        // take focus.
        request_animation_frame(move || {
            if let Some(element) = document()
                .get_element_by_id(&id)
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
