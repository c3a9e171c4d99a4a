//! The open channel: its header, messages and composer. Opening a channel
//! loads its latest messages (unless the page came with them) and marks it
//! read, on every tab of the user; what was unread then stays marked by a
//! "New messages" divider until the reader moves to another channel.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use reactive_stores::Store;

use super::{
    channel_settings::channel_settings_dialog,
    composer::Composer,
    events::{catch_up_channel, update_channel},
    link::Link,
    members::{load_members, members_panel, online_count, TypingLine},
    message_list::MessageList,
    notify_setting::NotifySetting,
    people::People,
    read_marker::ReadMarkers,
    search_page::SEARCH_PATH,
    sidebar::MenuButton,
    state::{ChannelStateStoreFields, Chat, ChatStoreFields, Divider, LinkStatus},
};
use crate::{
    model::{ChannelId, UserId},
    protocol::{PageAt, Rev, Seq, FIRST_PAGE},
    split::Deferred,
};

/// The main panel for `channel`.
#[component]
pub fn ChannelView(channel: Memo<ChannelId>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let exists = move || chat.channels().read().iter().any(|c| c.id == channel.get());

    Effect::new(move || {
        if let Some(id) = channel.try_get() {
            chat.open().set(Some(id));
        }
    });
    load_when_opened(chat, link.clone(), channel);
    mark_read_when_seen(chat, ReadMarkers::new(link), channel);
    // Until it is noted for this channel, the divider goes where the unread
    // messages begin now (as on the server, which renders it).
    let unread_after = Signal::derive(move || {
        let id = channel.get();
        match chat.divider().get() {
            Some(divider) if divider.channel == id => divider.after,
            _ => unread_after(chat, id),
        }
    });
    load_members(channel);
    let members_open = RwSignal::new(false);
    let archived = move || {
        chat.channels()
            .at_key(channel.get())
            .kind()
            .try_with(|k| k.is_archived())
            == Some(true)
    };

    view! {
        <main class="channel-view" id="main">
            <Show when=exists fallback=|| view! { <ChannelMissing /> }>
                <ChannelHeader channel members_open />
                <div class="channel-body">
                    // Archived, its note takes the composer's place (CSS):
                    // one attribute costs the page less than a second view.
                    <div class="channel-column" data-archived=move || archived().then_some("")>
                        <MessageList channel unread_after />
                        <TypingLine channel />
                        <Composer channel />
                        <p class="archived-note">
                            "This channel is archived: it can be read and searched, not written in."
                        </p>
                    </div>
                    <Deferred when=members_open view=move || members_panel(channel, members_open)
                        preload=members_panel::preload />
                </div>
            </Show>
        </main>
    }
}

/// The header: the channel's name as the page's main heading, its member
/// and online counts, and its actions.
#[component]
fn ChannelHeader(channel: Memo<ChannelId>, members_open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let people = expect_context::<People>();
    let online = move || channel.try_get().and_then(|id| online_count(people, id));
    let state = move || chat.channels().at_key(channel.get());
    let name = move || {
        state()
            .try_read()
            .map(|c| c.name().to_owned())
            .unwrap_or_default()
    };
    // The server reads the title once more after the render, for the page's
    // head, when this route's values may already be disposed: it gets the
    // name as it is now.
    #[cfg(feature = "ssr")]
    let title = name();
    #[cfg(not(feature = "ssr"))]
    let title = name;
    let members = move || state().members().try_get().unwrap_or(0);
    let direct = move || state().try_read().is_some_and(|c| c.is_direct());
    let topic = move || state().try_read().map(|c| c.subtitle().to_owned());
    let archived = move || state().kind().try_with(|k| k.is_archived()) == Some(true);
    let private = move || state().try_read().is_some_and(|c| c.is_private());
    let settings_open = RwSignal::new(false);

    view! {
        <Title text=title />
        <header class="channel-header">
            <MenuButton />
            <span class="channel-icon" aria-hidden="true">{move || if direct() { "@" } else { "#" }}</span>
            <h1>{name}</h1>
            <span class="channel-meta">
                {move || {
                    let what = match (private(), archived()) {
                        (true, true) => "Private · archived · ",
                        (true, false) => "Private · ",
                        (false, true) => "Archived · ",
                        (false, false) => "",
                    };
                    match members() {
                        1 => format!("{what}1 member"),
                        n => format!("{what}{n} members"),
                    }
                }}
                {move || online().map(|n| format!(" · {n} online"))}
            </span>
            <span class="channel-topic">{topic}</span>
            <span class="spacer"></span>
            // A plain form (a GET to `/search`): it works before hydration
            // and without JavaScript. Its placeholder is its visible label.
            <form class="header-search" role="search" action=SEARCH_PATH>
                <input type="search" name="q" placeholder="Search messages" aria-label="Search messages" />
            </form>
            <NotifySetting channel />
            <button
                type="button"
                class="button subtle small"
                aria-expanded=move || members_open.get().to_string()
                aria-controls="members-panel"
                on:click=move |_| members_open.update(|open| *open = !*open)
            >
                "Members"
            </button>
            // In a conversation it opens "Conversation settings".
            <button
                type="button"
                class="icon-button"
                title="Channel settings"
                aria-haspopup="dialog"
                on:click=move |_| settings_open.set(true)
            >
                <span class="gear" aria-hidden="true">"\u{2699}\u{FE0E}"</span>
                <span class="visually-hidden">"Channel settings"</span>
            </button>
        </header>
        <Deferred when=settings_open view=move || channel_settings_dialog(channel, settings_open)
            preload=channel_settings_dialog::preload />
    }
}

/// A channel that does not exist, or that the user is not in.
#[component]
fn ChannelMissing() -> impl IntoView {
    view! {
        <Title text="Channel not found" />
        <section class="empty-state">
            <h1>"Channel not found"</h1>
            <p>"It does not exist, or you are not in it."</p>
            <a href="/">"Go to General"</a>
        </section>
    }
}

/// Loads the latest page of a channel opened for the first time, once the
/// link is up.
fn load_when_opened(chat: Store<Chat>, link: Link, channel: Memo<ChannelId>) {
    let loading = StoredValue::new(HashSet::<ChannelId>::new());
    Effect::new(move || {
        let Some(id) = channel.try_get() else { return };
        let online = chat.link().get() == LinkStatus::Online;
        let unloaded = chat.channels().at_key(id).loaded().try_get() == Some(false);
        if !online || !unloaded || loading.with_value(|l| l.contains(&id)) {
            return;
        }
        loading.update_value(|l| {
            l.insert(id);
        });
        let link = link.clone();
        leptos::task::spawn_local(async move {
            let me = chat.me().read_untracked().id;
            if let Ok(page) = link.history(id, PageAt::Latest, FIRST_PAGE).await {
                let mut owed = false;
                update_channel(chat, id, |c| {
                    owed = c.load_latest(page.messages, page.has_older, page.rev, me)
                });
                // Changes heard of while the page was on its way.
                if owed {
                    catch_up_page(chat, &link, id, page.rev, me).await;
                }
            }
            loading.update_value(|l| {
                l.remove(&id);
            });
        });
    });
}

/// Catches up on the changes a page may lack, in as many answers as it
/// takes. Until it is done the channel stays behind: events do not move its
/// cursor past what may be missing.
pub(super) async fn catch_up_page(
    chat: Store<Chat>,
    link: &Link,
    id: ChannelId,
    rev: Rev,
    me: UserId,
) {
    let mut from = rev;
    while let Ok((missed, more)) = link.catch_up(id, from).await {
        let mut owed = false;
        let mut now = from;
        update_channel(chat, id, |c| {
            for missed in missed.into_iter().filter(|m| m.channel == id) {
                owed |= catch_up_channel(c, missed, me);
            }
            now = c.rev;
            c.behind = more || owed;
        });
        // Done, or no further on (the next sync of the link takes over).
        if !(more || owed) || now <= from {
            return;
        }
        from = now;
    }
}

/// Where the "New messages" divider of `channel` goes: after its read
/// marker, if anything is unread.
fn unread_after(chat: Store<Chat>, channel: ChannelId) -> Option<Seq> {
    chat.channels()
        .read_untracked()
        .iter()
        .find(|c| c.id == channel)
        .filter(|c| c.last_read < c.last_seq)
        .map(|c| c.last_read)
}

/// Marks the open channel read while the tab is visible, and tells the
/// server (which tells the user's other tabs). Opening another channel
/// first notes where its unread messages begin, in the chat's divider.
fn mark_read_when_seen(chat: Store<Chat>, markers: ReadMarkers, channel: Memo<ChannelId>) {
    let visible = page_visible();
    Effect::new(move || {
        let Some(id) = channel.try_get() else {
            return;
        };
        let noted = chat
            .divider()
            .try_with_untracked(|d| d.is_some_and(|d| d.channel == id))
            .unwrap_or(true);
        if !noted {
            let after = unread_after(chat, id);
            chat.divider().set(Some(Divider { channel: id, after }));
        }
        let online = chat.link().get() == LinkStatus::Online;
        let Some(last_seq) = chat.channels().at_key(id).last_seq().try_get() else {
            return;
        };
        let last_read = chat
            .channels()
            .at_key(id)
            .last_read()
            .try_get_untracked()
            .unwrap_or(last_seq);
        if !online || !visible.try_get().unwrap_or(false) || last_seq <= last_read {
            return;
        }
        update_channel(chat, id, |c| c.mark_read(last_seq));
        markers.mark(id, last_seq);
    });
}

/// Whether the tab is visible, kept up to date in the browser.
fn page_visible() -> RwSignal<bool> {
    let visible = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    {
        let is_visible = || document().visibility_state() == web_sys::VisibilityState::Visible;
        visible.set(is_visible());
        let handle =
            window_event_listener_untyped("visibilitychange", move |_| visible.set(is_visible()));
        on_cleanup(move || handle.remove());
    }
    visible
}
