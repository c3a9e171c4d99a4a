//! Loading what is further back than the messages held: the page before
//! the oldest, and every page back to the first unread message, with the bar
//! that offers that jump.

use leptos::{ev, prelude::*};

use super::{
    scroll::{keep_in_place, show_divider, Edge},
    List,
};
use crate::{
    chat::{
        events::update_channel,
        link::Link,
        state::{oldest_stored, ChannelStateStoreFields, ChatStoreFields},
        window::Window,
    },
    model::ChannelId,
    protocol::{Message, PageAt, Seq, FIRST_PAGE, MAX_PAGE},
};

/// How many read messages are rendered above the first unread one after
/// jumping to it.
const UNREAD_CONTEXT: i64 = 5;

impl List {
    /// Loads the page before the oldest message held, keeping the view in
    /// place.
    pub(super) fn load_older(self) {
        let id = self.channel.get_untracked();
        let Some(before) = self.first_held.get_untracked() else {
            return;
        };
        let Some(link) = self.link.try_get_value() else {
            return;
        };
        self.loading_older.set(true);
        leptos::task::spawn_local(async move {
            if let Some((messages, has_older)) = page_before(&link, id, before).await {
                let me = self.chat.me().read_untracked().id;
                let first = messages.first().map(|m| m.seq);
                keep_in_place(self.scroller, self.rows, Edge::Top, move || {
                    update_channel(self.chat, id, |c| c.prepend(messages, has_older, me));
                    if let Some(first) = first {
                        self.window.set(Window::From(first));
                    }
                });
            }
            self.loading_older.set(false);
        });
    }

    /// The read marker, while the first unread message is further back than
    /// the messages held. (Once held, the reader has it by scrolling, and
    /// the bar goes.)
    fn unread_above(self) -> Option<Seq> {
        let after = self.unread_after.get()?;
        let first = self.first_held.get()?;
        (first.0 > after.0 + 1).then_some(after)
    }

    fn unread_count(self) -> Option<i64> {
        let after = self.unread_above()?;
        Some(self.last_seq()?.0.saturating_sub(after.0))
    }

    /// Without JavaScript: the page that starts at the first unread message.
    fn unread_href(self) -> String {
        let id = self.channel.get();
        match self.unread_above() {
            Some(after) => format!("/c/{id}?before={}", after.0 + 1 + i64::from(FIRST_PAGE)),
            None => format!("/c/{id}"),
        }
    }

    /// Loads pages until the first unread message is held, then shows it
    /// with the "New messages" divider at the top of the view (through
    /// [`jump_to_unread`], its chunk).
    fn jump(self) {
        let Some(after) = self.unread_above() else {
            return;
        };
        if self.loading_older.get_untracked() {
            return;
        }
        let Some(link) = self.link.try_get_value() else {
            return;
        };
        let (chat, id) = (self.chat, self.channel.get_untracked());
        let first_unread = Seq(after.0 + 1);
        self.loading_older.set(true);
        leptos::task::spawn_local(async move {
            let me = chat.me().read_untracked().id;
            let held = move || {
                let state = chat.channels().at_key(id);
                let first = state
                    .entries()
                    .try_with_untracked(|entries| oldest_stored(entries))
                    .flatten();
                let has_older = state.has_older().try_get_untracked().unwrap_or(false);
                (first, has_older)
            };
            while let (Some(first), true) = held() {
                if first <= first_unread {
                    break;
                }
                let Some((messages, has_older)) = page_before(&link, id, first).await else {
                    break;
                };
                if messages.first().is_none_or(|m| m.seq >= first) {
                    break;
                }
                update_channel(chat, id, |c| c.prepend(messages, has_older, me));
            }
            self.loading_older.try_set(false);
            if self.channel.try_get_untracked() != Some(id) {
                return;
            }
            self.at_bottom.set_value(false);
            self.jumping.set_value(true);
            let from = Seq((first_unread.0 - UNREAD_CONTEXT).max(0));
            self.window.set(Window::From(from));
            show_divider(self.scroller, self.jumping);
        });
    }
}

/// "N new messages · Jump to first unread", over the list while the first
/// unread message is further back than the messages held.
#[component]
pub(super) fn UnreadBar(list: List) -> impl IntoView {
    let on_unread = move |event: ev::MouseEvent| {
        event.prevent_default();
        let jumping = jump_to_unread(list);
        leptos::task::spawn_local(async move {
            jumping.await;
        });
    };
    view! {
        <Show when=move || list.unread_above().is_some()>
            <div class="unread-bar">
                <p class="unread-pill">
                    <span>
                        {move || match list.unread_count().unwrap_or(0) {
                            1 => "1 new message".to_owned(),
                            n => format!("{n} new messages"),
                        }}
                    </span>
                    <a href=move || list.unread_href() on:click=on_unread>
                        "Jump to first unread"
                    </a>
                </p>
            </div>
        </Show>
    }
}

crate::split_view!(
    /// [`List::jump`]. A chunk of its own, fetched on the first click: most
    /// readers scroll instead.
    fn jump_to_unread(list: List) {
        list.jump();
        ().into_any()
    }
);

/// The page of `channel`'s messages before `before`, and whether there are
/// more before it; `None` if the server could not be asked.
async fn page_before(link: &Link, channel: ChannelId, before: Seq) -> Option<(Vec<Message>, bool)> {
    let page = link
        .history(channel, PageAt::Before(before), MAX_PAGE)
        .await
        .ok()?;
    Some((page.messages, page.has_older))
}
