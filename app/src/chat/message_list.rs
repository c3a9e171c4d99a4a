//! The messages of the open channel, in a `role="log"` region that screen
//! readers announce politely.
//!
//! The view sticks to the bottom while the reader is there (and when they
//! send), and otherwise stays put as messages arrive. Only a window of the
//! messages held is rendered (see [`super::window`]): scrolling near either
//! end moves it, and scrolling past the oldest message held loads the
//! previous page from the server, keeping what was on screen in place.
//! When the first unread message is further back than the messages held, a
//! bar over the list says how many are new and jumps back to it. A channel
//! opened at a message far back reads on as the reader scrolls down.
//!
//! Without JavaScript the same list is a plain page: an "Older messages"
//! link loads the page before the first message shown (`?before=`), and
//! "Jump to latest" goes back to the newest.
//!
//! The parts: this file holds the list's shared state ([`List`]) and its
//! view; [`row`] one message, and [`text`] its text, as typed or formatted;
//! [`actions`] what can be done to it, opening
//! the list's [`dialogs`] (deleting, and the reaction [`picker`]);
//! [`scroll`] following, moving the window and keeping the view in place;
//! [`history`] loading older pages and the jump to the first unread message;
//! [`newer`] reading on from a page further back than the latest.

mod actions;
mod dialogs;
mod files;
mod history;
mod newer;
mod picker;
mod row;
mod scroll;
mod text;

pub use scroll::land_on_address;
pub(crate) use text::MessageText;

use std::ops::Range;

use leptos::{ev, html, prelude::*};
use reactive_stores::Store;

use super::{
    link::Link,
    rows::{rows, Row, Viewer},
    state::{newest_stored, oldest_stored, ChannelStateStoreFields, Chat, ChatStoreFields, Entry},
    time::{now, TimeZone},
    window::Window,
};
use crate::{model::ChannelId, protocol::Seq};
use dialogs::{ListDialogs, MessageDialogs};
use history::UnreadBar;
use row::MessageRow;

/// What the parts of the list share: handles only, so it is `Copy` and every
/// handler can hold it. (Reads go through `try_`: a route change may run a
/// handler once more as the list is being torn down.)
#[derive(Clone, Copy)]
struct List {
    chat: Store<Chat>,
    link: StoredValue<Link>,
    channel: Memo<ChannelId>,
    /// Messages after this seq were unread when the channel was opened.
    unread_after: Signal<Option<Seq>>,
    scroller: NodeRef<html::Div>,
    /// Whether the reader is at the bottom, where the view follows new
    /// messages.
    at_bottom: StoredValue<bool>,
    /// While a jump is being laid out, the scroll events it causes are not
    /// the reader's, and must not move the window again.
    jumping: StoredValue<bool>,
    loading_older: RwSignal<bool>,
    loading_newer: RwSignal<bool>,
    window: RwSignal<Window>,
    /// The rendered part of the entries, and how many entries there are.
    span: Memo<(Range<usize>, usize)>,
    rows: Memo<Vec<Row>>,
    /// The seq of the oldest stored message held.
    first_held: Memo<Option<Seq>>,
}

impl List {
    fn new(channel: Memo<ChannelId>, unread_after: Signal<Option<Seq>>) -> Self {
        let chat = expect_context::<Store<Chat>>();
        let zone = expect_context::<TimeZone>();
        let window = RwSignal::new(Window::Latest);
        let entries = move || chat.channels().at_key(channel.get()).entries();
        let span = Memo::new(move |_| {
            entries()
                .try_with(|entries| (window.get().range(entries), entries.len()))
                .unwrap_or_default()
        });
        let rows = Memo::new(move |_| {
            let me = chat.me().read();
            let outgoing = chat.channels().at_key(channel.get()).outgoing();
            let (range, _) = span.get();
            outgoing
                .try_with(|outgoing| {
                    let viewer = Viewer {
                        me: &me,
                        offset: zone.0.get(),
                        now: now(),
                        unread_after: unread_after.get(),
                        outgoing,
                    };
                    entries().try_with(|entries| rows(entries, range, viewer))
                })
                .flatten()
                .unwrap_or_default()
        });
        let first_held = Memo::new(move |_| entries().try_with(|e| oldest_stored(e)).flatten());
        Self {
            chat,
            link: StoredValue::new(expect_context::<Link>()),
            channel,
            unread_after,
            scroller: NodeRef::new(),
            at_bottom: StoredValue::new(true),
            jumping: StoredValue::new(false),
            loading_older: RwSignal::new(false),
            loading_newer: RwSignal::new(false),
            window,
            span,
            rows,
            first_held,
        }
    }

    /// Reads the open channel's entries, tracking them.
    fn entries<T>(self, f: impl FnOnce(&[Entry]) -> T) -> Option<T> {
        let entries = self.chat.channels().at_key(self.channel.get()).entries();
        entries.try_with(|entries| f(entries))
    }

    /// Reads the open channel's entries, for a handler.
    fn entries_untracked<T>(self, f: impl FnOnce(&[Entry]) -> T) -> Option<T> {
        let id = self.channel.get_untracked();
        let entries = self.chat.channels().at_key(id).entries();
        entries.try_with_untracked(|entries| f(entries))
    }

    fn has_older(self) -> bool {
        let state = self.chat.channels().at_key(self.channel.get());
        state.has_older().try_get().unwrap_or(false)
    }

    fn loaded(self) -> bool {
        let state = self.chat.channels().at_key(self.channel.get());
        state.loaded().try_get().unwrap_or(false)
    }

    fn last_seq(self) -> Option<Seq> {
        self.chat
            .channels()
            .at_key(self.channel.get())
            .last_seq()
            .try_get()
    }

    /// The newest messages are not on screen: the window is further back,
    /// or the page was loaded with an older page (`?before=`).
    fn behind(self) -> bool {
        let (range, len) = self.span.get();
        let last_held = self.entries(newest_stored).flatten();
        range.end < len
            || last_held
                .zip(self.last_seq())
                .is_some_and(|(held, last)| held < last)
    }

    fn more_above(self) -> bool {
        self.span.get().0.start > 0 || (self.loaded() && self.has_older())
    }

    fn at_beginning(self) -> bool {
        self.span.get().0.start == 0 && self.loaded() && !self.has_older()
    }

    /// Without JavaScript: the page before the first message shown.
    fn older_href(self) -> String {
        let id = self.channel.get();
        match self.first_held.get() {
            Some(first) => format!("/c/{id}?before={}", first.0),
            None => format!("/c/{id}"),
        }
    }
}

/// Fetches the chunks the list shows only later (the edit box), so that
/// they are there even if the network is not by then.
pub async fn preload() {
    actions::edit_box::preload().await;
}

#[component]
pub fn MessageList(
    channel: Memo<ChannelId>,
    /// Messages after this seq were unread when the channel was opened.
    #[prop(into)]
    unread_after: Signal<Option<Seq>>,
) -> impl IntoView {
    let list = List::new(channel, unread_after);
    list.follow();
    MessageDialogs::provide(channel);
    let on_older = move |event: ev::MouseEvent| {
        event.prevent_default();
        list.show_earlier();
    };
    let on_latest = move |event: ev::MouseEvent| {
        event.prevent_default();
        list.jump_to_latest();
    };

    view! {
        // Focusable, so that the keyboard can scroll it.
        <div
            class="message-scroller"
            tabindex="0"
            node_ref=list.scroller
            on:scroll=move |_| list.on_scroll()
        >
            <UnreadBar list />
            <div class="message-stack">
                <Show when=move || list.more_above()>
                    <a class="log-more" href=move || list.older_href() on:click=on_older>
                        "Older messages"
                    </a>
                </Show>
                <Show when=move || list.at_beginning()>
                    <p class="log-start">"This is the beginning of the conversation."</p>
                </Show>
                <Show when=move || list.loading_older.get()>
                    <p class="log-start" role="status">"Loading older messages…"</p>
                </Show>
                <div
                    class="message-log"
                    role="log"
                    aria-label="Messages"
                    aria-busy=move || {
                        (list.loading_older.get() || list.loading_newer.get()).to_string()
                    }
                >
                    <For each=move || list.rows.get() key=|row| row.clone() let:row>
                        <MessageRow row channel=channel.get_untracked() />
                    </For>
                </div>
            </div>
            <Show when=move || list.behind()>
                <a class="jump-latest" href=move || format!("/c/{}", channel.get()) on:click=on_latest>
                    "Jump to latest"
                </a>
            </Show>
        </div>
        <ListDialogs />
    }
}
