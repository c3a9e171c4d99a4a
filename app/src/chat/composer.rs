//! The message box. Enter sends (except inside a code block whose fence is
//! not closed yet), Shift+Enter starts a new line, and the box keeps focus
//! after sending. Each channel keeps its own draft: what is
//! typed is stored under the channel on screen at that keystroke, so a
//! channel switch can never carry text into the wrong conversation.
//!
//! Typing `@` offers the channel's members to mention (`mention_list`,
//! fetched the first time; `mentions`: its rules).
//!
//! "Attach files" (or a file pasted or dropped on the page) uploads files
//! for the next message (`uploads`).
//!
//! Underneath it is a plain form (`multipart/form-data`, to the server's
//! `files/form.rs`), so a reader without JavaScript can write, and attach
//! files, too; once hydrated, sending goes through the outbox and the
//! WebSocket instead.

mod drafts;
mod mention_list;
mod mentions;
mod typing;
pub mod uploads;

use leptos::{ev, html, prelude::*};
use reactive_stores::Store;

use super::{
    link::Link,
    outbox,
    state::{Chat, ChatStoreFields},
};
use drafts::Drafts;
use uploads::{upload_tray, Ready, Uploads};

use typing::Typing;

use crate::{
    format::in_open_fence,
    model::{ChannelId, MessageText, MessageTextError},
    protocol::message_form_url,
    split::Deferred,
};

/// "Attach files": a button that opens the file picker, which its label
/// names too. The files chosen start uploading at once (`uploads.rs`).
#[component]
fn AttachButton(uploads: Uploads, channel: Memo<ChannelId>) -> impl IntoView {
    let picker = NodeRef::<html::Input>::new();
    let on_change = move |_: ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = picker.get_untracked() {
            uploads.choose(channel.get_untracked(), &input);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (uploads, channel);
    };
    view! {
        <button type="button" id="attach-files" class="button subtle attach"
            on:click=move |_| {
                if let Some(input) = picker.get_untracked() {
                    input.click();
                }
            }>
            <span aria-hidden="true">"📎"</span>
            <span class="visually-hidden">"Attach files"</span>
        </button>
        // Without JavaScript (CSS tells, by `scripting: none`) the input
        // itself is shown instead of the button, after a label that looks
        // like it, and the plain form sends its files. The input is named
        // by the button either way. Before the page hydrates, the button
        // shows it is not ready yet, as every such button does.
        <label for="attach-input" class="button subtle attach attach-label" aria-hidden="true">
            "📎"
        </label>
        <input type="file" id="attach-input" name="files" multiple class="attach-input"
            aria-labelledby="attach-files" node_ref=picker on:change=on_change />
    }
}

crate::split_view!(
    /// "Replying to …", above the message box while a reply is being
    /// written, with a button to cancel it: a chunk of its own, fetched
    /// when the first reply is started (or ahead, once the page is idle).
    fn replying_bar() {
        let chat = expect_context::<Store<Chat>>();
        let bar = move |quote: crate::protocol::Quote| {
            view! {
                <div class="replying">
                    <span>"Replying to " <strong>{quote.sender_name}</strong></span>
                    <button type="button" class="button subtle small"
                        on:click=move |_| chat.replying().set(None)>"Cancel reply"</button>
                </div>
            }
        };
        (move || chat.replying().get().map(bar)).into_any()
    }
);

#[component]
pub fn Composer(channel: Memo<ChannelId>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let drafts = Drafts::new();
    let text = move || drafts.get(channel.get());
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

    let typing = Typing::new(link.clone());
    // The mention list is fetched, and then follows the box, from the
    // first `@` on.
    let mentioning = RwSignal::new(false);
    let on_input = move |event: ev::Event| {
        let value = event_target_value(&event);
        let id = channel.get_untracked();
        typing.changed(id, value.trim().is_empty());
        if value.contains('@') && !mentioning.get_untracked() {
            mentioning.set(true);
        }
        drafts.set(id, value);
    };

    let uploads = expect_context::<Uploads>();
    let send = move || {
        let id = channel.get_untracked();
        // A file that failed must be retried or removed first.
        let ready = uploads.ready(id);
        if let Ready::Failed(why) = ready {
            error.set(Some((id, why)));
            return;
        }
        let hold = uploads.must_hold(id);
        let draft = drafts.get_untracked(id);
        let text = match MessageText::parse(&draft) {
            Ok(text) => text.into_string(),
            // Files (stored, or on their way) may go without words.
            Err(MessageTextError::Empty) if ready != Ready::Yes(Vec::new()) => String::new(),
            Err(MessageTextError::Empty) => return,
            Err(reason) => {
                error.set(Some((id, reason.to_string())));
                return;
            }
        };
        let reply_to = chat.replying().try_update(Option::take).flatten();
        match ready {
            // Shown at once, sent once its files are in (`uploads.rs`).
            _ if hold => uploads.hold(id, outbox::hold(chat, id, text, reply_to)),
            Ready::Yes(files) => {
                outbox::send(chat, &link, id, text, reply_to, files);
                uploads.clear(id);
            }
            Ready::Waiting | Ready::Failed(_) => return,
        }
        drafts.set(id, String::new());
        error.set(None);
        typing.sent();
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
    let on_keydown = move |event: ev::KeyboardEvent| match event.key().as_str() {
        // Inside a code block being written, Enter is a new line, until
        // its fence is closed.
        "Enter"
            if !event.shift_key()
                && !event.is_composing()
                && !in_open_fence(&drafts.get_untracked(channel.get_untracked())) =>
        {
            event.prevent_default();
            send();
        }
        // As in other chat tools: the up arrow in an empty box edits one's
        // last message.
        "ArrowUp" if drafts.get_untracked(channel.get_untracked()).is_empty() => {
            let me = chat.me().read_untracked().id;
            let last = chat.channels().with_untracked(|channels| {
                let open = channels.iter().find(|c| c.id == channel.get_untracked());
                open.and_then(|c| c.last_of(me)).map(|m| m.id)
            });
            if let Some(id) = last {
                event.prevent_default();
                chat.editing().set(Some(id));
            }
        }
        "Escape" if chat.replying().with_untracked(Option::is_some) => {
            chat.replying().set(None);
        }
        _ => {}
    };
    // A reply belongs to the channel it was started in.
    Effect::new(move |previous: Option<ChannelId>| {
        let now = channel.get();
        if previous.is_some_and(|previous| previous != now) {
            chat.replying().set(None);
        }
        now
    });

    view! {
        <Deferred when=move || uploads.any_in(channel.get())
            view=move || upload_tray(uploads, channel) preload=upload_tray::preload />
        <Deferred when=move || chat.replying().with(Option::is_some) view=replying_bar
            preload=replying_bar::preload />
        <form class="composer" method="post" enctype="multipart/form-data"
            action=move || message_form_url(channel.get()) on:submit=on_submit>
            <input type="hidden" name="client_id" value=outbox::new_client_id().0.to_string() />
            <textarea
                id="composer"
                name="text"
                aria-label="Message"
                aria-autocomplete="list"
                rows="1"
                placeholder=placeholder
                node_ref=input
                prop:value=text
                on:input=on_input
                on:keydown=on_keydown
            ></textarea>
            <Deferred when=mentioning view=move || mention_list::list(channel)
                preload=mention_list::list::preload />
            <AttachButton uploads channel />
            <button type="submit" class="button primary">"Send"</button>
        </form>
        {move || shown_error().map(|e| view! { <p class="form-error composer-error" role="alert">{e}</p> })}
    }
}
