//! One message of the list: its dividers, its author and time (or only the
//! time, inside a group), its text with links, whether it was edited, and
//! how its delivery goes.

use leptos::prelude::*;
use reactive_stores::Store;

use crate::{
    chat::{
        link::Link,
        linkify::{segments, Segment},
        outbox,
        rows::{colour, initials, Delivery, Row},
        state::Chat,
    },
    model::ChannelId,
};

/// One message, with the day divider above it if it starts a day and the
/// "New messages" divider if it is the first unread one.
#[component]
pub(super) fn MessageRow(row: Row, channel: ChannelId) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let Row {
        key,
        sender,
        author,
        text,
        edited,
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
            <MessageText text />
            {edited.map(|at| view! {
                <span class="edited" title=format!("Edited at {at}")>"(edited)"</span>
            })}
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

/// A message's text, its links made links. `dir="auto"`: a message in Arabic
/// or Hebrew reads right to left, whatever the page around it.
#[component]
fn MessageText(text: String) -> impl IntoView {
    view! {
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
    }
}
