//! The messages of the open channel, in a `role="log"` region that screen
//! readers announce politely.
//!
//! The view sticks to the bottom while the reader is there (and when they
//! send), and otherwise stays put as messages arrive. Only a window of the
//! messages held is rendered (see [`super::window`]): scrolling near either
//! end moves it, and scrolling past the oldest message held loads the
//! previous page from the server, keeping what was on screen in place.
//! When the first unread message is further back than the messages held, a
//! bar over the list says how many are new and jumps back to it.
//!
//! Without JavaScript the same list is a plain page: an "Older messages"
//! link loads the page before the first message shown (`?before=`), and
//! "Jump to latest" goes back to the newest.

use leptos::{ev, html, prelude::*};
use reactive_stores::Store;

use super::{
    events::update_channel,
    link::Link,
    linkify::{segments, Segment},
    outbox,
    rows::{colour, initials, rows, Delivery, Row, Viewer},
    state::{oldest_stored, ChannelStateStoreFields, Chat, ChatStoreFields, Entry},
    time::{now, TimeZone},
    window::Window,
};
use crate::{
    model::{ChannelId, UserId},
    protocol::{ClientId, Message, Seq, FIRST_PAGE, MAX_PAGE},
};

/// How close to the bottom still counts as "at the bottom", in pixels.
const BOTTOM_SLACK: i32 = 48;
/// How close to either end moves the window, in pixels.
const EDGE_SLACK: i32 = 200;
/// How many read messages are rendered above the first unread one after
/// jumping to it.
const UNREAD_CONTEXT: i64 = 5;

/// Which rendered message stays in place while the window moves.
#[derive(Clone, Copy)]
enum Edge {
    /// The first one (the window grows upwards).
    Top,
    /// The last one (the window grows downwards).
    Bottom,
}

#[component]
pub fn MessageList(
    channel: Memo<ChannelId>,
    /// Messages after this seq were unread when the channel was opened.
    #[prop(into)]
    unread_after: Signal<Option<Seq>>,
) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let zone = expect_context::<TimeZone>();
    let scroller = NodeRef::<html::Div>::new();
    let at_bottom = StoredValue::new(true);
    // While a jump is being laid out, the scroll events it causes are not
    // the reader's, and must not move the window again.
    let jumping = StoredValue::new(false);
    let loading_older = RwSignal::new(false);
    let window = RwSignal::new(Window::Latest);
    // (The `try_` reads: a route change may run these once more as the list
    // is being torn down.)
    let state = move || chat.channels().at_key(channel.get());

    // The rendered part of the entries, and how many entries there are.
    let span = Memo::new(move |_| {
        state()
            .entries()
            .try_with(|entries| (window.get().range(entries), entries.len()))
            .unwrap_or_default()
    });
    let rows = Memo::new(move |_| {
        let me = chat.me().read();
        let viewer = Viewer {
            me: &me,
            offset: zone.0.get(),
            now: now(),
            unread_after: unread_after.get(),
        };
        let (range, _) = span.get();
        state()
            .entries()
            .try_with(|entries| rows(entries, range, viewer))
            .unwrap_or_default()
    });
    // The newest entry held, and whether it is still being sent.
    let newest = Memo::new(move |_| {
        state()
            .entries()
            .try_with(|entries| entries.last().map(|e| (e.key(), e.stored().is_none())))
            .flatten()
    });
    let has_older = move || state().has_older().try_get().unwrap_or(false);
    let loaded = move || state().loaded().try_get().unwrap_or(false);
    let first_held = Memo::new(move |_| {
        state()
            .entries()
            .try_with(|entries| oldest_stored(entries))
            .flatten()
    });
    // The newest messages are not on screen: the window is further back, or
    // the page was loaded with an older page (`?before=`).
    let behind = move || {
        let (range, len) = span.get();
        let last_held = state()
            .entries()
            .try_with(|entries| entries.iter().rev().find_map(Entry::stored).map(|m| m.seq))
            .flatten();
        let last_seq = state().last_seq().try_get();
        range.end < len
            || last_held
                .zip(last_seq)
                .is_some_and(|(held, last)| held < last)
    };
    let more_above = move || span.get().0.start > 0 || (loaded() && has_older());
    let at_beginning = move || span.get().0.start == 0 && loaded() && !has_older();

    let scroll_to_bottom = move || {
        after_render(move || {
            jumping.try_set_value(false);
            if let Some(el) = scroller.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height());
            }
        })
    };

    // Show the latest messages on opening a channel and on sending; follow
    // new ones while at the bottom.
    type Followed = (ChannelId, Option<(UserId, ClientId)>);
    Effect::new(move |previous: Option<Followed>| {
        let Some(id) = channel.try_get() else {
            return previous.unwrap_or((ChannelId::GENERAL, None));
        };
        let newest = newest.try_get().flatten();
        rows.track();
        let switched = previous.is_none_or(|(was, _)| was != id);
        let sent = !switched
            && newest.is_some_and(|(key, pending)| {
                pending && previous.is_some_and(|(_, last)| last != Some(key))
            });
        if switched || sent {
            jumping.set_value(true);
            window.set(Window::Latest);
            at_bottom.set_value(true);
        }
        if at_bottom.try_get_value().unwrap_or(false) {
            scroll_to_bottom();
        }
        (id, newest.map(|(key, _)| key))
    });

    let load_older = {
        let link = link.clone();
        move || {
            let id = channel.get_untracked();
            let Some(before) = first_held.get_untracked() else {
                return;
            };
            loading_older.set(true);
            let link = link.clone();
            leptos::task::spawn_local(async move {
                if let Some((messages, has_older)) = page_before(&link, id, before).await {
                    let me = chat.me().read_untracked().id;
                    let first = messages.first().map(|m| m.seq);
                    keep_in_place(scroller, rows, Edge::Top, move || {
                        update_channel(chat, id, |c| c.prepend(messages, has_older, me));
                        if let Some(first) = first {
                            window.set(Window::From(first));
                        }
                    });
                }
                loading_older.set(false);
            });
        }
    };

    // The first unread message is further back than the messages held.
    // (Once held, the reader has it by scrolling, and the bar goes.)
    let unread_above = move || {
        let after = unread_after.get()?;
        let first = first_held.get()?;
        (first.0 > after.0 + 1).then_some(after)
    };

    let unread_count = move || {
        let after = unread_above()?;
        let last = state().last_seq().try_get()?;
        Some(last.0.saturating_sub(after.0))
    };
    // Loads pages until the first unread message is held, then shows it
    // with the "New messages" divider at the top of the view.
    let jump_to_unread = move || {
        let Some(after) = unread_above() else { return };
        if loading_older.get_untracked() {
            return;
        }
        let id = channel.get_untracked();
        let first_unread = Seq(after.0 + 1);
        loading_older.set(true);
        let link = link.clone();
        leptos::task::spawn_local(async move {
            let me = chat.me().read_untracked().id;
            let held = move || {
                let state = chat.channels().at_key(id);
                let first = state
                    .entries()
                    .try_with_untracked(|entries| oldest_stored(entries))
                    .flatten();
                (
                    first,
                    state.has_older().try_get_untracked().unwrap_or(false),
                )
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
            loading_older.try_set(false);
            if channel.try_get_untracked() != Some(id) {
                return;
            }
            at_bottom.set_value(false);
            jumping.set_value(true);
            window.set(Window::From(Seq((first_unread.0 - UNREAD_CONTEXT).max(0))));
            show_divider(scroller, jumping);
        });
    };

    // Moves the window one step back, loading from the server past the
    // oldest message held.
    let show_earlier = move || {
        if loading_older.get_untracked() {
            return;
        }
        let earlier = state()
            .entries()
            .try_with_untracked(|entries| window.get_untracked().earlier(entries))
            .flatten();
        match earlier {
            Some(earlier) => keep_in_place(scroller, rows, Edge::Top, move || window.set(earlier)),
            None if has_older() => load_older(),
            None => {}
        }
    };
    let show_later = move || {
        let later = state()
            .entries()
            .try_with_untracked(|entries| window.get_untracked().later(entries))
            .flatten();
        if let Some(later) = later {
            keep_in_place(scroller, rows, Edge::Bottom, move || window.set(later));
        }
    };

    let on_scroll = {
        let show_earlier = show_earlier.clone();
        move |_| {
            let Some(el) = scroller.get_untracked().filter(|_| !jumping.get_value()) else {
                return;
            };
            let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
            at_bottom
                .set_value(from_bottom < BOTTOM_SLACK && window.get_untracked() == Window::Latest);
            if el.scroll_top() < EDGE_SLACK {
                show_earlier();
            } else if from_bottom < EDGE_SLACK {
                show_later();
            }
        }
    };
    let older_href = move || {
        let id = channel.get();
        match first_held.get() {
            Some(first) => format!("/c/{id}?before={}", first.0),
            None => format!("/c/{id}"),
        }
    };
    let on_older = move |event: ev::MouseEvent| {
        event.prevent_default();
        show_earlier();
    };
    // Without JavaScript: the page that starts at the first unread message.
    let unread_href = move || {
        let id = channel.get();
        match unread_above() {
            Some(after) => format!("/c/{id}?before={}", after.0 + 1 + i64::from(FIRST_PAGE)),
            None => format!("/c/{id}"),
        }
    };
    let on_unread = move |event: ev::MouseEvent| {
        event.prevent_default();
        jump_to_unread();
    };
    let on_latest = move |event: ev::MouseEvent| {
        event.prevent_default();
        jumping.set_value(true);
        window.set(Window::Latest);
        at_bottom.set_value(true);
        scroll_to_bottom();
    };

    view! {
        // Focusable, so that the keyboard can scroll it.
        <div class="message-scroller" tabindex="0" node_ref=scroller on:scroll=on_scroll>
            <Show when=move || unread_above().is_some()>
                <div class="unread-bar">
                    <p class="unread-pill">
                        <span>
                            {move || match unread_count().unwrap_or(0) {
                                1 => "1 new message".to_owned(),
                                n => format!("{n} new messages"),
                            }}
                        </span>
                        <a href=unread_href on:click=on_unread.clone()>
                            "Jump to first unread"
                        </a>
                    </p>
                </div>
            </Show>
            <div class="message-stack">
                <Show when=more_above>
                    <a class="log-more" href=older_href on:click=on_older.clone()>
                        "Older messages"
                    </a>
                </Show>
                <Show when=at_beginning>
                    <p class="log-start">"This is the beginning of the conversation."</p>
                </Show>
                <Show when=move || loading_older.get()>
                    <p class="log-start" role="status">"Loading older messages…"</p>
                </Show>
                <div
                    class="message-log"
                    role="log"
                    aria-label="Messages"
                    aria-busy=move || loading_older.get().to_string()
                >
                    <For each=move || rows.get() key=|row| row.clone() let:row>
                        <MessageRow row channel=channel.get_untracked() />
                    </For>
                </div>
            </div>
            <Show when=behind>
                <a class="jump-latest" href=move || format!("/c/{}", channel.get()) on:click=on_latest>
                    "Jump to latest"
                </a>
            </Show>
        </div>
    }
}

/// One message, with the day divider above it if it starts a day and the
/// "New messages" divider if it is the first unread one.
#[component]
fn MessageRow(row: Row, channel: ChannelId) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let Row {
        key,
        sender,
        author,
        text,
        time,
        datetime,
        seq,
        starts_group,
        day,
        first_unread,
        delivery,
        ..
    } = row;
    let retry = move |_| outbox::retry(chat, &link, channel, key.1);
    let (sending, failed) = (
        delivery == Delivery::Sending,
        matches!(delivery, Delivery::Failed(_)),
    );

    view! {
        {day.map(|day| {
            let label = day.clone();
            view! {
                <div class="day-divider" role="separator" aria-label=label>
                    <span>{day}</span>
                </div>
            }
        })}
        {first_unread.then(|| view! {
            <div class="new-divider" role="separator" aria-label="New messages">
                <span>"New messages"</span>
            </div>
        })}

        <div
            class="message"
            data-seq=seq.map(|seq| seq.0.to_string())
            class:continued=!starts_group
            class:sending=sending
            class:failed=failed
        >
            {if starts_group {
                view! {
                    <div class=format!("avatar avatar-{}", colour(sender)) aria-hidden="true">
                        {initials(&author)}
                    </div>
                    <div class="message-meta">
                        <span class="author">{author}</span>
                        <time datetime=datetime>{time}</time>
                    </div>
                }
                    .into_any()
            } else {
                view! { <time class="hover-time" datetime=datetime>{time}</time> }.into_any()
            }}
            // `dir="auto"`: a message in Arabic or Hebrew reads right to left,
            // whatever the page around it.
            <p class="message-text" dir="auto">
                {segments(&text)
                    .into_iter()
                    .map(|segment| match segment {
                        Segment::Text(text) => text.to_owned().into_any(),
                        Segment::Link(url) => {
                            view! {
                                <a href=url.to_owned() target="_blank" rel="noopener noreferrer">
                                    {url.to_owned()}
                                </a>
                            }
                                .into_any()
                        }
                    })
                    .collect_view()}
            </p>
            {match delivery {
                Delivery::Stored => None,
                Delivery::Sending => Some(view! { <span class="delivery">"Sending…"</span> }.into_any()),
                Delivery::Failed(reason) => Some(
                    view! {
                        <span class="delivery failed">"Not sent: " {reason}</span>
                        <button type="button" class="button subtle small" on:click=retry>"Retry"</button>
                    }
                        .into_any(),
                ),
            }}
        </div>
    }
}

/// Makes `change` to the window or the entries without moving what the
/// reader sees: the first (or last) rendered message keeps its place on
/// screen, however many rows come or go around it.
fn keep_in_place(
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
fn show_divider(scroller: NodeRef<html::Div>, jumping: StoredValue<bool>) {
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

/// The page of `channel`'s messages before `before`, and whether there are
/// more before it; `None` if the server could not be asked.
async fn page_before(link: &Link, channel: ChannelId, before: Seq) -> Option<(Vec<Message>, bool)> {
    let page = link.history(channel, Some(before), MAX_PAGE).await.ok()?;
    Some((page.messages, page.has_older))
}
