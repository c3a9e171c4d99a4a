//! The messages of the open channel, in a `role="log"` region that screen
//! readers announce politely.
//!
//! The view sticks to the bottom while the reader is there (and when they
//! send), and otherwise stays put as messages arrive. Scrolling near the top
//! loads the previous page, keeping what was on screen in place.

use leptos::{html, prelude::*};
use reactive_stores::Store;

use super::{
    events::update_channel,
    link::Link,
    linkify::{segments, Segment},
    outbox,
    rows::{colour, initials, rows, Delivery, Row},
    state::{ChannelStateStoreFields, Chat, ChatStoreFields, Entry},
    time::{now, TimeZone},
};
use crate::{
    model::ChannelId,
    protocol::{ClientMsg, Reply, FIRST_PAGE},
};

/// How close to the bottom still counts as "at the bottom", in pixels.
const BOTTOM_SLACK: i32 = 48;
/// How close to the top starts loading older messages, in pixels.
const TOP_SLACK: i32 = 200;

#[component]
pub fn MessageList(channel: Memo<ChannelId>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let zone = expect_context::<TimeZone>();
    let scroller = NodeRef::<html::Div>::new();
    let at_bottom = StoredValue::new(true);
    let loading_older = RwSignal::new(false);

    let rows = Memo::new(move |_| {
        let me = chat.me().read();
        let offset = zone.0.get();
        chat.channels()
            .at_key(channel.get())
            .entries()
            .try_read()
            .map(|entries| rows(&entries, &me, offset, now()))
            .unwrap_or_default()
    });
    let has_older = move || {
        chat.channels()
            .at_key(channel.get())
            .has_older()
            .try_get()
            .unwrap_or(false)
    };
    let loaded = move || {
        chat.channels()
            .at_key(channel.get())
            .loaded()
            .try_get()
            .unwrap_or(false)
    };

    // Follow new messages while at the bottom, and always for one's own.
    // (The `try_` reads: a route change may run this once more as the list
    // is being torn down.)
    Effect::new(move |previous: Option<ChannelId>| {
        let Some(id) = channel.try_get() else {
            return previous.unwrap_or(ChannelId::GENERAL);
        };
        let mine = rows
            .try_with(|rows| {
                rows.last()
                    .is_some_and(|row| row.delivery == Delivery::Sending)
            })
            .unwrap_or(false);
        if previous != Some(id) || at_bottom.try_get_value().unwrap_or(false) || mine {
            at_bottom.set_value(true);
            after_render(move || {
                if let Some(el) = scroller.try_get_untracked().flatten() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
        id
    });

    let load_older = move || {
        let id = channel.get_untracked();
        let first = chat
            .channels()
            .at_key(id)
            .entries()
            .try_read_untracked()
            .and_then(|entries| entries.iter().find_map(Entry::stored).map(|m| m.seq));
        let Some(before) = first else { return };
        loading_older.set(true);
        let link = link.clone();
        leptos::task::spawn_local(async move {
            // Distance from the bottom, which prepending must not change.
            let anchor = scroller
                .get_untracked()
                .map(|el| el.scroll_height() - el.scroll_top());
            let request = move |req| ClientMsg::History {
                req,
                channel: id,
                before: Some(before),
                limit: FIRST_PAGE,
            };
            if let Ok(Reply::History {
                messages,
                has_older,
                ..
            }) = link.request(request).await
            {
                let me = chat.me().read_untracked().id;
                update_channel(chat, id, |c| c.prepend(messages, has_older, me));
                after_render(move || {
                    if let (Some(el), Some(anchor)) =
                        (scroller.try_get_untracked().flatten(), anchor)
                    {
                        el.set_scroll_top(el.scroll_height() - anchor);
                    }
                });
            }
            loading_older.set(false);
        });
    };

    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        at_bottom
            .set_value(el.scroll_height() - el.scroll_top() - el.client_height() < BOTTOM_SLACK);
        if el.scroll_top() < TOP_SLACK && has_older() && !loading_older.get_untracked() {
            load_older();
        }
    };

    view! {
        <div class="message-scroller" node_ref=scroller on:scroll=on_scroll>
            <div class="message-log" role="log" aria-label="Messages">
                <Show when=move || loaded() && !has_older()>
                    <p class="log-start">"This is the beginning of the conversation."</p>
                </Show>
                <Show when=move || loading_older.get()>
                    <p class="log-start">"Loading older messages…"</p>
                </Show>
                <For each=move || rows.get() key=|row| row.clone() let:row>
                    <MessageRow row channel=channel.get_untracked() />
                </For>
            </div>
        </div>
    }
}

/// One message, with the day divider above it if it starts a day.
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
        starts_group,
        day,
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

        <div
            class="message"
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
            <p class="message-text">
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

/// Runs `f` once the browser has laid out the latest changes. By then the
/// list may be gone (a route change), so `f` must only use fallible reads.
fn after_render(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(f);
    #[cfg(not(feature = "hydrate"))]
    drop(f);
}
