//! Reading on from a page further back than the latest: a channel opened
//! at a message far back (a search result, a mention, a notification)
//! holds the page that ends with it, and the reader may scroll down from
//! there. The pages after the newest message held load as they near the
//! bottom; "Jump to latest" loads the latest page in their place. New
//! messages are not held meanwhile (see `ChannelState::has_newer`): they
//! come with the pages, in order.
//!
//! The loading is a chunk of its own, fetched the first time it is needed:
//! most readers open channels at their latest messages only.

use leptos::prelude::*;

use super::List;
use crate::{
    chat::{
        channel_view::catch_up_page,
        events::update_channel,
        state::{newest_stored, ChannelStateStoreFields, ChatStoreFields, Ends, LinkStatus},
        window::Window,
    },
    protocol::{PageAt, MAX_PAGE},
};

/// What reading on is asked for.
pub(super) enum Reading {
    /// Loading the page after the messages held whenever the newest of them
    /// is rendered, for as long as the list (whose owner this is) lasts.
    AsScrolled(Owner),
    /// Loading the latest page in place of them.
    Latest,
}

impl List {
    /// Whether the messages held stop short of the latest.
    pub(super) fn has_newer(self) -> bool {
        let state = self.chat.channels().at_key(self.channel.get());
        state.has_newer().try_get().unwrap_or(false)
    }

    pub(super) fn has_newer_untracked(self) -> bool {
        untrack(move || self.has_newer())
    }

    /// Starts `reading` (through [`read_on`], its chunk).
    pub(super) fn read_on(self, reading: Reading) {
        let started = read_on(self, reading);
        leptos::task::spawn_local(async move {
            started.await;
        });
    }

    /// Loads the page after the newest message held whenever it is rendered
    /// (on landing, and as the reader scrolls down to it) and the link is
    /// up: once for each newest message, and again after the link comes
    /// back.
    fn load_as_reached(self) {
        let asked = StoredValue::new(None);
        Effect::new(move || {
            let (range, len) = self.span.get();
            if self.chat.link().get() != LinkStatus::Online {
                asked.set_value(None);
                return;
            }
            if !self.has_newer() || range.end < len || self.loading_newer.get() {
                return;
            }
            let newest = self.entries_untracked(newest_stored).flatten();
            if let (Some(newest), false) = (newest, asked.get_value() == newest) {
                asked.set_value(Some(newest));
                self.fetch(PageAt::After(newest));
            }
        });
    }

    /// Loads the page `at`: after the newest held (unless a page is on its
    /// way already), or the latest (at once: what was sent waits for it).
    fn fetch(self, at: PageAt) {
        if self.loading_newer.get_untracked() && at != PageAt::Latest {
            return;
        }
        self.loading_newer.set(true);
        leptos::task::spawn_local(async move {
            self.fetch_page(at).await;
            self.loading_newer.try_set(false);
        });
    }

    async fn fetch_page(self, at: PageAt) {
        let (chat, id) = (self.chat, self.channel.get_untracked());
        let Some(link) = self.link.try_get_value() else {
            return;
        };
        let Ok(page) = link.history(id, at, MAX_PAGE).await else {
            return;
        };
        let me = chat.me().read_untracked().id;
        let rev = page.rev;
        let mut owed = false;
        if let PageAt::After(_) = at {
            if !self.has_newer_untracked() {
                // The latest page came first.
                return;
            }
            // The rendered messages stay as they are; the window moves on
            // to the new ones as the reader scrolls (at once if they are at
            // the bottom already, where they could scroll no further).
            if self.window.get_untracked() == Window::Latest {
                let first = self
                    .rows
                    .with_untracked(|rows| rows.iter().find_map(|r| r.seq));
                if let Some(first) = first {
                    self.window.set(Window::From(first));
                }
            }
            update_channel(chat, id, |c| {
                owed = c.append(page.messages, page.has_newer, rev, me);
            });
            self.on_scroll();
        } else {
            let ends = Ends {
                has_older: page.has_older,
                has_newer: false,
            };
            update_channel(chat, id, |c| {
                owed = c.load_page(page.messages, ends, rev, me)
            });
            self.jump_to_latest();
        }
        // Changes heard of while the page was on its way.
        if owed {
            catch_up_page(chat, &link, id, rev, me).await;
        }
    }
}

crate::split_view!(
    /// [`List::read_on`]'s work.
    fn read_on(list: List, reading: Reading) {
        match reading {
            Reading::AsScrolled(owner) => owner.with(|| list.load_as_reached()),
            Reading::Latest => list.fetch(PageAt::Latest),
        }
        ().into_any()
    }
);
