//! Creating a channel, public or private.

use leptos::{ev, prelude::*};
use leptos_router::hooks::use_navigate;
use reactive_stores::Store;

use super::{enter_channel, modal::Modal};
use crate::chat::{link::Link, state::Chat};

#[component]
pub fn NewChannelDialog(open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let private = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move || {
        if open.get() {
            name.set(String::new());
            private.set(false);
            error.set(None);
        }
    });

    let create = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let (link, navigate) = (link.clone(), navigate.clone());
        let wanted = name.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = link.create_channel(wanted, private.get_untracked()).await;
            enter_channel(answer, chat, open, error, navigate);
            busy.set(false);
        });
    };

    view! {
        <Modal open title="New channel">
            <form class="dialog-form" on:submit=create>
                <div class="field">
                    <label for="new-channel-name">"Channel name"</label>
                    <input
                        id="new-channel-name"
                        autocomplete="off"
                        maxlength="64"
                        required
                        prop:value=move || name.get()
                        on:input=move |event| name.set(event_target_value(&event))
                    />
                    <p class="field-hint">"2–32 letters, digits, spaces, _, - or ."</p>
                </div>
                <div class="field check-field">
                    <input
                        id="new-channel-private"
                        type="checkbox"
                        aria-describedby="new-channel-private-hint"
                        prop:checked=move || private.get()
                        on:change=move |event| private.set(event_target_checked(&event))
                    />
                    <label for="new-channel-private">"Private channel"</label>
                    <p class="field-hint" id="new-channel-private-hint">
                        "Only its members see it; they invite others in. This cannot be changed later."
                    </p>
                </div>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="dialog-actions">
                    <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || busy.get()>"Create"</button>
                </div>
            </form>
        </Modal>
    }
}
