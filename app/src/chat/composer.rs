//! The message box. Enter sends, Shift+Enter starts a new line, and the box
//! keeps focus after sending. Each channel keeps its own draft: what is
//! typed is stored under the channel on screen at that keystroke, so a
//! channel switch can never carry text into the wrong conversation.
//!
//! Underneath it is a plain form that posts to [`post_message`], so a reader
//! without JavaScript can write too; once hydrated, sending goes through the
//! outbox and the WebSocket instead.

use std::collections::HashMap;

use leptos::{ev, html, prelude::*, server_fn::ServerFn};
use reactive_stores::Store;

use super::{
    link::Link,
    outbox,
    state::{Chat, ChatStoreFields},
    time::now,
};

use crate::{
    error::AppError,
    model::{ChannelId, MessageText, MessageTextError},
    protocol::ClientId,
};

/// How often a typing notice is renewed while the user keeps typing, in
/// milliseconds (notices lapse after `people::TYPING_TTL`).
const TYPING_RENEW: f64 = 3_000.0;

/// Posts a message from a plain form (no JavaScript), then goes back to the
/// latest messages of the channel, where the new one is. The client id,
/// chosen when the page was rendered, makes a repeated submission of the
/// same form store one message.
#[server(endpoint = "post")]
pub async fn post_message(
    channel: ChannelId,
    client_id: ClientId,
    text: String,
) -> Result<(), AppError> {
    let (backend, request) = crate::backend::request_context()?;
    backend
        .post_message(&request, channel, client_id, text)
        .await?;
    leptos_axum::redirect(&format!("/c/{}", channel.0));
    Ok(())
}

#[component]
pub fn Composer(channel: Memo<ChannelId>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let drafts = RwSignal::new(HashMap::<ChannelId, String>::new());
    let draft =
        move |id: ChannelId| drafts.with_untracked(|d| d.get(&id).cloned().unwrap_or_default());
    let text = move || {
        drafts.track();
        draft(channel.get())
    };
    let set_draft = move |id: ChannelId, value: String| {
        drafts.update(|d| {
            if value.is_empty() {
                d.remove(&id);
            } else {
                d.insert(id, value);
            }
        })
    };
    // An error belongs to the channel it was made in and is shown only there.
    let error = RwSignal::new(None::<(ChannelId, String)>);
    let shown_error = move || {
        error
            .get()
            .filter(|(id, _)| *id == channel.get())
            .map(|(_, e)| e)
    };
    let input = NodeRef::<html::Textarea>::new();
    let placeholder = move || {
        let name = chat
            .channels()
            .read()
            .iter()
            .find(|c| c.id == channel.get())
            .map(|c| c.name().to_owned());
        format!("Message {}", name.unwrap_or_default())
    };

    // Typing notices: renewed every few seconds while the box has text,
    // withdrawn when it empties or the user moves to another channel.
    let typing = StoredValue::new(None::<(ChannelId, f64)>);
    let notify = {
        let link = link.clone();
        move |channel: ChannelId, is_typing: bool| {
            let link = link.clone();
            leptos::task::spawn_local(async move {
                let _ = link.typing(channel, is_typing).await;
            });
        }
    };
    let on_input = {
        let notify = notify.clone();
        move |event: ev::Event| {
            let value = event_target_value(&event);
            let id = channel.get_untracked();
            let now = now().0 as f64;
            match (value.trim().is_empty(), typing.get_value()) {
                (false, Some((was, since))) if was == id && now - since < TYPING_RENEW => {}
                (false, last) => {
                    if let Some((was, _)) = last.filter(|(was, _)| *was != id) {
                        notify(was, false);
                    }
                    typing.set_value(Some((id, now)));
                    notify(id, true);
                }
                (true, Some((was, _))) => {
                    typing.set_value(None);
                    notify(was, false);
                }
                (true, None) => {}
            }
            set_draft(id, value);
        }
    };

    let send = move || {
        let id = channel.get_untracked();
        match MessageText::parse(&draft(id)) {
            Ok(message) => {
                outbox::send(chat, &link, id, message);
                set_draft(id, String::new());
                error.set(None);
                // The message itself tells the others that typing is over.
                typing.set_value(None);
            }
            Err(MessageTextError::Empty) => {}
            Err(reason) => error.set(Some((id, reason.to_string()))),
        }
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    };
    let on_submit = {
        let send = send.clone();
        move |event: ev::SubmitEvent| {
            event.prevent_default();
            send();
        }
    };
    let on_keydown = move |event: ev::KeyboardEvent| {
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };

    view! {
        <form class="composer" method="post" action=PostMessage::url() on:submit=on_submit>
            <input type="hidden" name="channel" value=move || channel.get().0.to_string() />
            <input type="hidden" name="client_id" value=outbox::new_client_id().0.to_string() />
            <textarea
                id="composer"
                name="text"
                aria-label="Message"
                rows="1"
                placeholder=placeholder
                node_ref=input
                prop:value=text
                on:input=on_input
                on:keydown=on_keydown
            ></textarea>
            <button type="submit" class="button primary">"Send"</button>
        </form>
        {move || shown_error().map(|e| view! { <p class="form-error composer-error" role="alert">{e}</p> })}
    }
}
