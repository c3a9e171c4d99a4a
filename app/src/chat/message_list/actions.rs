//! What can be done to a message from the list: the bar of actions that
//! shows on hover and on keyboard focus (react and reply; on one's own
//! messages, edit and delete; on others', for the channel's moderators,
//! remove), the box that edits a message in place, and
//! the reaction chips under it.
//!
//! The dialogs these open (the emoji picker, "Delete message?") exist once
//! for the whole list, in [`super::dialogs`]; the bar only says which message
//! they are for. Without JavaScript, "Delete message" is a plain form that
//! goes to the confirmation page.

use leptos::{ev, html, prelude::*};
use reactive_stores::Store;

use super::dialogs::MessageDialogs;
use crate::{
    chat::{
        link::Link,
        outbox,
        state::{Chat, ChatStoreFields},
    },
    format::in_open_fence,
    model::{ChannelId, MessageText, MessageTextError},
    protocol::{MessageId, Quote, Reaction, Seq, QUOTE_CHARS},
    text::excerpt,
};

/// The actions of one stored message.
#[component]
pub(super) fn ActionBar(
    channel: ChannelId,
    id: MessageId,
    seq: Seq,
    mine: bool,
    author: String,
    text: String,
) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let dialogs = expect_context::<MessageDialogs>();
    let reply = move |_| {
        chat.replying().set(Some(Quote {
            id,
            seq,
            sender_name: author.clone(),
            excerpt: excerpt(&text, QUOTE_CHARS),
            deleted: false,
        }));
        focus_composer();
    };
    let label = if mine {
        "Delete message"
    } else {
        "Remove message"
    };
    let delete = move |event: ev::SubmitEvent| {
        event.prevent_default();
        dialogs.removing.set(!mine);
        dialogs.deleting.set(Some(id));
    };

    view! {
        <div class="message-actions">
            <button type="button" class="icon-button" title="Add reaction"
                on:click=move |_| dialogs.reacting.set(Some(id))>
                <span aria-hidden="true">"☺"</span>
                <span class="visually-hidden">"Add reaction"</span>
            </button>
            <button type="button" class="icon-button" title="Reply" on:click=reply>
                <span aria-hidden="true">"↩"</span>
                <span class="visually-hidden">"Reply"</span>
            </button>
            // (Erased: an `Option` of it is a type the page has already.)
            {mine.then(|| view! {
                <button type="button" class="icon-button" title="Edit message"
                    on:click=move |_| chat.editing().set(Some(id))>
                    <span aria-hidden="true">"✎"</span>
                    <span class="visually-hidden">"Edit message"</span>
                </button>
            }.into_any())}
            // On others' messages, "Remove message" shows only while the
            // reader moderates the channel (`data-moderating`, set by
            // `member_tools::mark_moderating`).
            <form method="get" action=format!("/c/{channel}/delete/{id}") on:submit=delete>
                <button type="submit" class="icon-button" title=label>
                    <span aria-hidden="true">"🗑"</span>
                    <span class="visually-hidden">{label}</span>
                </button>
            </form>
        </div>
    }
}

crate::split_view!(
    /// [`EditBox`], a chunk of its own: fetched when a message is first
    /// edited (or ahead, once the page is idle).
    pub(super) fn edit_box(channel: ChannelId, id: MessageId, text: String) {
        view! { <EditBox channel id text /> }.into_any()
    }
);

/// The text of one's own message, being edited in place: Enter saves,
/// Escape cancels, and either way the composer gets the focus back. The
/// new text shows at once; the edit goes out through the outbox, and waits
/// there while the link is down.
#[component]
fn EditBox(channel: ChannelId, id: MessageId, text: String) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let input = NodeRef::<html::Textarea>::new();
    let error = RwSignal::new(None::<String>);
    let field = format!("edit-{id}");
    let original = text.clone();

    // Once it is on the page (it may be built before it is put there).
    Effect::new(move || {
        if let Some(input) = input.get() {
            request_animation_frame(move || {
                let _ = input.focus();
                let end = input.value().encode_utf16().count() as u32;
                let _ = input.set_selection_range(end, end);
            });
        }
    });
    let done = move || {
        chat.editing().set(None);
        focus_composer();
    };
    let save = move || {
        let Some(input) = input.get_untracked() else {
            return;
        };
        let new = input.value();
        if new == original {
            return done();
        }
        match MessageText::parse(&new) {
            Ok(text) => {
                outbox::edit(chat, &link, channel, id, text);
                done();
            }
            Err(MessageTextError::Empty) => {
                error.set(Some("To remove a message, delete it.".to_owned()))
            }
            Err(reason) => error.set(Some(reason.to_string())),
        }
    };
    let on_keydown = {
        let save = save.clone();
        move |event: ev::KeyboardEvent| match event.key().as_str() {
            // As in the composer: inside an open code block, a new line.
            "Enter"
                if !event.shift_key()
                    && !event.is_composing()
                    && !input
                        .get_untracked()
                        .is_some_and(|input| in_open_fence(&input.value())) =>
            {
                event.prevent_default();
                save();
            }
            "Escape" => {
                event.prevent_default();
                done();
            }
            _ => {}
        }
    };

    view! {
        <div class="edit-box">
            <label for=field.clone()>"Edit message"</label>
            <textarea id=field node_ref=input dir="auto" rows="2" on:keydown=on_keydown>
                {text}
            </textarea>
            <div class="edit-buttons">
                <span class="edit-hint">"Enter to save, Escape to cancel"</span>
                <button type="button" class="button subtle small" on:click=move |_| done()>
                    "Cancel"
                </button>
                <button type="button" class="button primary small" on:click=move |_| save()>
                    "Save"
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </div>
    }
}

/// The reactions to a message: one chip per emoji with its count, pressed
/// when the reader is among those who reacted; clicking one toggles the
/// reader's reaction. Who reacted shows on hover and on focus, and is part
/// of the chip's name after the emoji and count.
#[component]
pub(super) fn ReactionChips(
    channel: ChannelId,
    id: MessageId,
    reactions: Vec<Reaction>,
) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let chips = reactions
        .into_iter()
        .map(|Reaction { emoji, count, me, names }| {
            let who = reactors(&names, count);
            let label = format!("{emoji} {count}");
            let link = link.clone();
            let toggle = move |_| outbox::react(chat, &link, channel, id, emoji.clone(), !me);
            view! {
                <button type="button" class="reaction" aria-pressed=me.to_string() on:click=toggle>
                    <span>{label}</span>
                    <span class="reaction-names">{who}</span>
                </button>
            }
        })
        .collect_view();
    view! { <div class="reactions">{chips}</div> }
}

/// "ana, bo and 3 others": who reacted, for a chip.
fn reactors(names: &[String], count: u32) -> String {
    let others = (count as usize).saturating_sub(names.len());
    match others {
        0 => names.join(", "),
        1 => format!("{} and 1 other", names.join(", ")),
        n => format!("{} and {n} others", names.join(", ")),
    }
}

/// Gives the message box the focus (after editing, or to write a reply).
pub(in crate::chat) fn focus_composer() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(composer) = document()
            .get_element_by_id("composer")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = composer.focus();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reactors;

    #[test]
    fn reactors_name_everyone_or_count_the_rest() {
        let names = ["ana".to_owned(), "bo".to_owned()];
        assert_eq!(reactors(&names, 2), "ana, bo");
        assert_eq!(reactors(&names, 3), "ana, bo and 1 other");
        assert_eq!(reactors(&names, 12), "ana, bo and 10 others");
    }
}
