//! A group conversation's own settings: its name, which any member gives
//! or changes (until then the sidebar names it by its members).

use leptos::{ev, prelude::*};
use reactive_stores::Store;

use crate::{
    chat::{
        link::Link,
        state::{Chat, ChatStoreFields},
    },
    model::ChannelId,
    protocol::{ChannelChange, ChannelKind},
};

/// The group's name, editable by any member.
#[component]
pub(super) fn GroupName(channel: Memo<ChannelId>, open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new("");
    // Filled in with the name given (none: the field is empty, and shows
    // the members' names as its placeholder) each time the dialog opens.
    let given = move || {
        chat.channels()
            .at_key(channel.get_untracked())
            .try_with_untracked(|c| match &c.kind {
                ChannelKind::Group { name, .. } => (name.clone(), c.name().to_owned()),
                _ => Default::default(),
            })
            .unwrap_or_default()
    };
    let placeholder = RwSignal::new(String::new());
    Effect::new(move || {
        if open.get() {
            let (now, shown) = given();
            name.set(now);
            placeholder.set(shown);
            error.set(None);
            status.set("");
        }
    });
    let save = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let link = link.clone();
        let (id, wanted) = (channel.get_untracked(), name.get_untracked());
        error.set(None);
        status.set("");
        leptos::task::spawn_local(async move {
            match link
                .configure(id, ChannelChange::Rename { name: wanted })
                .await
            {
                Ok(()) => status.set("Saved."),
                Err(refused) => error.set(Some(refused.to_string())),
            }
        });
    };

    view! {
        <form class="dialog-form" on:submit=save>
            <div class="field">
                <label for="group-name">"Name"</label>
                <input
                    id="group-name"
                    autocomplete="off"
                    maxlength="64"
                    required
                    aria-describedby="group-name-hint"
                    placeholder=move || placeholder.get()
                    prop:value=move || name.get()
                    on:input=move |event| name.set(event_target_value(&event))
                />
                <p class="field-hint" id="group-name-hint">
                    "Anyone in the conversation can name it. Without a name it is called by its members."
                </p>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="form-status" role="status">{move || status.get()}</p>
            <div class="dialog-actions">
                <button type="submit" class="button primary">"Save"</button>
            </div>
        </form>
    }
}
