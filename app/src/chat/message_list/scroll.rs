//! Where the list is scrolled: following new messages at the bottom, moving
//! the rendered window near either end, and keeping what the reader sees in
//! place while rows come and go around it.

use leptos::{html, prelude::*};

use super::{newer::Reading, List};
use crate::{
    chat::{rows::Row, window::Window},
    model::{ChannelId, UserId},
    protocol::{ClientId, Seq},
};

/// How close to the bottom still counts as "at the bottom", in pixels.
const BOTTOM_SLACK: i32 = 48;
/// How close to either end moves the window, in pixels.
pub(super) const EDGE_SLACK: i32 = 200;

/// Which rendered message stays in place while the window moves.
#[derive(Clone, Copy)]
pub(super) enum Edge {
    /// The first one (the window grows upwards).
    Top,
    /// The last one (the window grows downwards).
    Bottom,
}

impl List {
    fn scroll_to_bottom(self) {
        let (jumping, scroller) = (self.jumping, self.scroller);
        after_render(move || {
            jumping.try_set_value(false);
            if let Some(el) = scroller.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height());
            }
        })
    }

    /// Shows the latest messages on opening a channel and on sending, and
    /// follows new ones while at the bottom.
    pub(super) fn follow(self) {
        type Followed = (ChannelId, Option<(UserId, ClientId)>);
        // The list's, which outlasts the effect's runs.
        let owner = Owner::current().unwrap_or_default();
        let newest = Memo::new(move |_| {
            self.entries(|entries| entries.last().map(|e| (e.key(), e.stored().is_none())))
                .flatten()
        });
        Effect::new(move |previous: Option<Followed>| {
            let Some(id) = self.channel.try_get() else {
                return previous.unwrap_or((ChannelId::GENERAL, None));
            };
            let newest = newest.try_get().flatten();
            self.rows.track();
            let switched = previous.is_none_or(|(was, _)| was != id);
            let sent = !switched
                && newest.is_some_and(|(key, pending)| {
                    pending && previous.is_some_and(|(_, last)| last != Some(key))
                });
            if switched && self.has_newer_untracked() {
                // Opened at a page further back (an address to a message
                // in it): the view stays where the address put it, and
                // what follows loads as the reader gets to it.
                self.window.set(Window::Latest);
                self.at_bottom.set_value(false);
                self.read_on(Reading::AsScrolled(owner.clone()));
            } else if switched || sent {
                if sent && self.has_newer_untracked() {
                    // What was sent goes after the latest messages.
                    self.read_on(Reading::Latest);
                }
                self.jumping.set_value(true);
                self.window.set(Window::Latest);
                self.at_bottom.set_value(true);
            }
            if self.at_bottom.try_get_value().unwrap_or(false) {
                self.scroll_to_bottom();
            }
            (id, newest.map(|(key, _)| key))
        });
    }

    /// Back to the newest messages, following new ones (loading them first,
    /// if the messages held stop short of them).
    pub(super) fn jump_to_latest(self) {
        if self.has_newer_untracked() {
            return self.read_on(Reading::Latest);
        }
        self.jumping.set_value(true);
        self.window.set(Window::Latest);
        self.at_bottom.set_value(true);
        self.scroll_to_bottom();
    }

    /// Moves the window one step back, loading from the server past the
    /// oldest message held.
    pub(super) fn show_earlier(self) {
        if self.loading_older.get_untracked() {
            return;
        }
        let window = self.window;
        let earlier = self
            .entries_untracked(|entries| window.get_untracked().earlier(entries))
            .flatten();
        match earlier {
            Some(earlier) => keep_in_place(self.scroller, self.rows, Edge::Top, move || {
                window.set(earlier)
            }),
            None if self.has_older() => self.load_older(),
            None => {}
        }
    }

    fn show_later(self) {
        let window = self.window;
        let later = self
            .entries_untracked(|entries| window.get_untracked().later(entries))
            .flatten();
        if let Some(later) = later {
            keep_in_place(self.scroller, self.rows, Edge::Bottom, move || {
                window.set(later)
            });
        }
    }

    pub(super) fn on_scroll(self) {
        let Some(el) = self
            .scroller
            .get_untracked()
            .filter(|_| !self.jumping.get_value())
        else {
            return;
        };
        let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
        self.at_bottom.set_value(
            from_bottom < BOTTOM_SLACK
                && self.window.get_untracked() == Window::Latest
                && !self.has_newer_untracked(),
        );
        if el.scroll_top() < EDGE_SLACK {
            self.show_earlier();
        } else if from_bottom < EDGE_SLACK {
            self.show_later();
        }
    }
}

/// Makes `change` to the window or the entries without moving what the
/// reader sees: the first (or last) rendered message keeps its place on
/// screen, however many rows come or go around it.
pub(super) fn keep_in_place(
    scroller: NodeRef<html::Div>,
    rows: Memo<Vec<Row>>,
    edge: Edge,
    change: impl FnOnce() + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        let anchor = rows.with_untracked(|rows| match edge {
            Edge::Top => rows.iter().find_map(|r| r.seq),
            Edge::Bottom => rows.iter().rev().find_map(|r| r.seq),
        });
        let selector = anchor.map(|seq| format!("[data-seq=\"{}\"]", seq.0));
        let top_of = |el: &web_sys::HtmlDivElement, selector: &str| {
            el.query_selector(selector)
                .ok()
                .flatten()
                .map(|anchor| anchor.get_bounding_client_rect().top())
        };
        let before = scroller
            .get_untracked()
            .zip(selector.as_deref())
            .and_then(|(el, selector)| top_of(&el, selector));
        change();
        after_render(move || {
            let Some(el) = scroller.try_get_untracked().flatten() else {
                return;
            };
            let after = selector.as_deref().and_then(|s| top_of(&el, s));
            if let Some((before, after)) = before.zip(after) {
                el.set_scroll_top(el.scroll_top() + (after - before).round() as i32);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (scroller, rows, edge);
        change();
    }
}

/// Scrolls the "New messages" divider to near the top of the view, once it
/// is rendered.
pub(super) fn show_divider(scroller: NodeRef<html::Div>, jumping: StoredValue<bool>) {
    #[cfg(feature = "hydrate")]
    after_render(move || {
        jumping.try_set_value(false);
        let Some(el) = scroller.try_get_untracked().flatten() else {
            return;
        };
        if let Ok(Some(divider)) = el.query_selector(".new-divider") {
            let offset =
                divider.get_bounding_client_rect().top() - el.get_bounding_client_rect().top();
            el.set_scroll_top(el.scroll_top() + offset.round() as i32 - EDGE_SLACK / 4);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (scroller, jumping);
}

/// Runs `f` once the browser has laid out the latest changes. By then the
/// list may be gone (a route change), so `f` must only use fallible reads.
fn after_render(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(f);
    #[cfg(not(feature = "hydrate"))]
    drop(f);
}

/// Scrolls the message with `seq` to the middle of the view and marks it
/// for a moment, if it is rendered. Returns whether it was.
pub(super) fn highlight(seq: Seq) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let id = format!("m{}", seq.0);
        let Some(message) = document().get_element_by_id(&id) else {
            return false;
        };
        if let Ok(Some(scroller)) = message.closest(".message-scroller") {
            let offset = message.get_bounding_client_rect().top()
                - scroller.get_bounding_client_rect().top();
            let middle = (scroller.client_height() as f64 - message.client_height() as f64) / 2.0;
            scroller.set_scroll_top(scroller.scroll_top() + (offset - middle).round() as i32);
        }
        let _ = message.set_attribute("data-highlight", "");
        set_timeout(
            move || {
                let _ = message.remove_attribute("data-highlight");
            },
            std::time::Duration::from_millis(2000),
        );
        true
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = seq;
        false
    }
}

/// Marks the message the address points at (`#m<seq>`: a search result, a
/// mention or a notification links to it) as the one landed on: current
/// (`aria-current`), centred and highlighted a moment. (Without JavaScript
/// the browser scrolls to it, and CSS highlights it as the target.)
pub fn land_on_address() {
    #[cfg(feature = "hydrate")]
    {
        let hash = window().location().hash().unwrap_or_default();
        let Some(seq) = hash.strip_prefix("#m").and_then(|n| n.parse().ok()) else {
            return;
        };
        if highlight(Seq(seq)) {
            if let Some(message) = document().get_element_by_id(&format!("m{seq}")) {
                let _ = message.set_attribute("aria-current", "true");
            }
        }
    }
}
