//! One message of the list: its dividers, its author and time (or only the
//! time, inside a group), the message it answers, its text (or
//! the box editing it), its files, whether it was edited, its reactions, its actions,
//! and how its delivery goes.

use leptos::prelude::*;
use reactive_stores::Store;

use crate::{
    chat::{
        link::Link,
        outbox,
        page::message_href_at,
        rows::{colour, initials, Delivery, Row},
        state::{Chat, ChatStoreFields},
    },
    format::Body,
    model::ChannelId,
    protocol::Quote,
    split::shown,
};

use super::{
    actions::{edit_box, ActionBar, ReactionChips},
    files::Attachments,
    text::MessageText,
};

/// One message, with the day divider above it if it starts a day and the
/// "New messages" divider if it is the first unread one.
#[component]
pub(super) fn MessageRow(row: Row, channel: ChannelId) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let Row {
        key,
        id,
        sender,
        mine,
        author,
        display,
        text,
        body,
        mentions_me,
        edited,
        quote,
        reactions,
        files,
        time,
        datetime,
        seq,
        starts_group,
        day,
        first_unread,
        delivery,
    } = row;
    let editing = move || id.is_some() && chat.editing().get() == id;
    let actions = id.zip(seq).map(|(id, seq)| {
        // A reply quotes the words, as the server's quote will.
        let text = body.as_ref().map_or_else(|| text.clone(), Body::plain);
        let author = author.clone();
        view! { <ActionBar channel id seq mine author text /> }
    });
    let shown = {
        let text = text.clone();
        move || match id {
            Some(id) if editing() => {
                let text = text.clone();
                shown(
                    move || edit_box(channel, id, text.clone()),
                    edit_box::preload,
                )
                .into_any()
            }
            _ => view! { <MessageText text=text.clone() body=body.clone() /> }.into_any(),
        }
    };
    let chips = id
        .filter(|_| !reactions.is_empty())
        .map(|id| view! { <ReactionChips channel id reactions /> });
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
            id=seq.map(|seq| format!("m{}", seq.0))
            data-seq=seq.map(|seq| seq.0.to_string())
            class:continued=!starts_group
            class:mentions-me=mentions_me
            class:sending=sending
            class:failed=failed
        >
            {if starts_group {
                // A display name goes first, the username beside it.
                let (name, username) = match display.is_empty() {
                    true => (author, None),
                    false => (display, Some(author)),
                };
                view! {
                    <div class=format!("avatar avatar-{}", colour(sender)) aria-hidden="true">
                        {initials(&name)}
                    </div>
                    <div class="message-meta">
                        <span class="author">{name}</span>
                        {username.map(|name| view! { <span class="username">{name}</span> })}
                        <time datetime=datetime>{time}</time>
                    </div>
                }
                    .into_any()
            } else {
                view! { <time class="hover-time" datetime=datetime>{time}</time> }.into_any()
            }}
            {quote.map(|quote| view! { <QuoteOf channel quote /> })}
            {shown}
            {(!files.is_empty()).then(|| view! { <Attachments files /> })}
            {edited.map(|at| view! {
                <span class="edited" title=format!("Edited at {at}")>"(edited)"</span>
            })}
            {chips}
            {actions}
            {match delivery {
                Delivery::Stored => None,
                Delivery::Removed => Some(
                    view! { <span class="delivery removed">"Message removed by a moderator"</span> }.into_any(),
                ),
                Delivery::Sending => Some(view! { <span class="delivery">"Sending…"</span> }.into_any()),
                // Shown only if it lasts (the link is down): CSS fades it in
                // after a moment.
                Delivery::Changing => Some(
                    view! { <span class="delivery changing">"Changes not sent yet"</span> }.into_any(),
                ),
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

/// What a reply shows of the message it answers: its author and first line,
/// as a link to it. Without JavaScript the link opens the page of history
/// that ends with it; in the list, it scrolls to the message when it is
/// held, and otherwise loads that page the same way.
#[component]
fn QuoteOf(channel: ChannelId, quote: Quote) -> impl IntoView {
    let Quote {
        seq,
        sender_name,
        excerpt,
        deleted,
        ..
    } = quote;
    let href = message_href_at(channel, seq);
    let jump = move |event: leptos::ev::MouseEvent| {
        if super::scroll::highlight(seq) {
            event.prevent_default();
        }
    };
    view! {
        <a class="quote" href=href on:click=jump>
            <span class="visually-hidden">"Jump to the message from " {sender_name.clone()}</span>
            <span class="quote-author" aria-hidden="true">{sender_name}</span>
            {if deleted {
                view! { <span class="quote-text deleted">"Original message deleted"</span> }.into_any()
            } else {
                view! { <span class="quote-text" dir="auto">{excerpt}</span> }.into_any()
            }}
        </a>
    }
}
