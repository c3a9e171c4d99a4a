//! Leaving: a named channel (from "Channel settings"), or a conversation
//! (from "Conversation settings"). A one-to-one conversation the server
//! only hides from the sidebar until someone writes in it again; a group
//! one, the leaver is out of, as out of a channel. Either
//! way it goes from this tab's sidebar at once (the server tells the
//! others), and General opens.

use leptos::prelude::*;
use reactive_stores::Store;

use super::{
    group::GroupName,
    invite::{Invite, GROUP_INVITE},
};
use crate::{
    chat::{
        dialogs::modal::Modal,
        link::Link,
        page::go_to,
        state::{Chat, ChatStoreFields},
    },
    model::ChannelId,
};

/// The dialog the header's settings button opens in a conversation: a
/// group's name and adding people to it, and leaving.
#[component]
pub(super) fn ConversationSettings(
    channel: Memo<ChannelId>,
    open: RwSignal<bool>,
    group: Memo<bool>,
) -> impl IntoView {
    let one_to_one = move || {
        view! {
            <Leave
                channel
                open
                what="Leave conversation"
                hint="It leaves your sidebar until someone writes in it again. Its messages stay."
            />
        }
    };
    view! {
        <Modal open title="Conversation settings">
            <Show when=move || group.get() fallback=one_to_one>
                <GroupName channel open />
                <Invite channel open words=GROUP_INVITE />
                <Leave
                    channel
                    open
                    what="Leave conversation"
                    hint="You stop receiving its messages, and cannot read it again unless someone in it adds you back."
                />
            </Show>
            <div class="dialog-actions">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}

/// The button that leaves `channel`, named `what`, with a `hint` of what
/// leaving does.
#[component]
pub(super) fn Leave(
    channel: Memo<ChannelId>,
    open: RwSignal<bool>,
    what: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let error = RwSignal::new(None::<String>);
    let leave = move |_| {
        let link = link.clone();
        let id = channel.get_untracked();
        leptos::task::spawn_local(async move {
            match link.leave_channel(id).await {
                Ok(()) => {
                    open.set(false);
                    chat.channels().write().retain(|c| c.id != id);
                    go_to(&format!("/c/{}", ChannelId::GENERAL));
                }
                Err(refused) => error.set(Some(refused.to_string())),
            }
        });
    };

    view! {
        <section class="settings-part" aria-labelledby="leave-title">
            <h3 id="leave-title" class="part-title">"Leave"</h3>
            {hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <button type="button" class="button subtle" on:click=leave>{what}</button>
        </section>
    }
}
