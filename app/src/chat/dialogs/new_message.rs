//! Starting (or reopening) a private conversation: with one person, or a
//! group conversation with two to eight others. People are picked as the
//! options of a listbox, and "Start conversation" opens the conversation of
//! exactly those people, created on first use.

use leptos::{ev, prelude::*};
use leptos_router::hooks::use_navigate;
use reactive_stores::Store;

use super::{
    enter_channel,
    modal::Modal,
    people_picker::{PeoplePicker, Picked},
};
use crate::{
    chat::{link::Link, state::Chat},
    protocol::MAX_GROUP,
};

#[component]
pub fn NewMessageDialog(open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let picked = Picked::default();
    let error = RwSignal::new(None::<String>);
    // A new start each time the dialog opens.
    Effect::new(move || {
        if open.get() {
            picked.0.set(Vec::new());
            error.set(None);
        }
    });

    let navigate = use_navigate();
    let start = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let users = picked.ids();
        let refusal = match users.len() {
            0 => Some("Pick someone to write to first.".to_owned()),
            n if n >= MAX_GROUP => Some(format!(
                "A group conversation holds at most {MAX_GROUP} people, you included."
            )),
            _ => None,
        };
        if refusal.is_some() {
            return error.set(refusal);
        }
        let (link, navigate) = (link.clone(), navigate.clone());
        error.set(None);
        leptos::task::spawn_local(async move {
            let answer = match users.as_slice() {
                [one] => link.open_direct(*one).await,
                _ => link.open_group(users).await,
            };
            enter_channel(answer, chat, open, error, navigate);
        });
    };
    let hint = move || {
        let count = picked.0.with(Vec::len);
        match count {
            0 => "Pick one person, or several to start a group.".to_owned(),
            1 => "A conversation of the two of you.".to_owned(),
            n if n < MAX_GROUP => format!("A group of {} people, you included.", n + 1),
            _ => format!("At most {} others in a group.", MAX_GROUP - 1),
        }
    };

    view! {
        <Modal open title="New message">
            <form class="dialog-form" on:submit=start>
                <PeoplePicker open picked id="people-query" search="Search people" label="People" />
                <p class="field-hint" aria-live="polite">{hint}</p>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-actions">
                    <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Close"</button>
                    <button type="submit" class="button primary">"Start conversation"</button>
                </div>
            </form>
        </Modal>
    }
}
