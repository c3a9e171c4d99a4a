//! "Channel settings", opened from a named channel's header: its name and
//! topic (for its moderators), whether it is private (chosen when it was
//! created, shown here), inviting people in (any member), archiving or
//! restoring it (its owner), and leaving it. The server checks each of these again
//! (`server/src/store/channel_settings.rs`); what changed reaches every
//! member's tabs as a `ChannelUpdated` event, this one's too.
//!
//! In a conversation the same button opens "Conversation settings": a
//! group's name and adding people to it (`group.rs`), and leaving
//! (`leaving.rs`).
//!
//! Its code is a chunk of its own, fetched when first opened.

mod group;
mod invite;
mod leaving;

use leptos::{ev, prelude::*};
use reactive_stores::Store;

use invite::{Invite, CHANNEL_INVITE};
use leaving::{ConversationSettings, Leave};

use super::{
    dialogs::modal::Modal,
    link::Link,
    people::People,
    state::{ChannelStateStoreFields, Chat, ChatStoreFields},
};
use crate::{
    model::ChannelId,
    protocol::{ChannelChange, Standing},
};

crate::split_view!(
    /// The dialog for `channel`, open while `open` is true.
    pub fn channel_settings_dialog(channel: Memo<ChannelId>, open: RwSignal<bool>) {
        view! { <ChannelSettings channel open /> }.into_any()
    }
);

#[component]
fn ChannelSettings(channel: Memo<ChannelId>, open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let people = expect_context::<People>();
    let state = move || chat.channels().at_key(channel.get());
    let archived = move || state().kind().try_with(|k| k.is_archived()) == Some(true);
    let private = move || state().try_with(|c| c.is_private()) == Some(true);
    // Where the user stands, as the member list (always loaded for the open
    // channel) says.
    let you = Memo::new(move |_| {
        people.members.with(|list| {
            list.as_ref()
                .filter(|list| list.channel == channel.get())
                .map_or(Standing::Member, |list| list.you)
        })
    });
    let moderates = move || you.get() >= Standing::Moderator;
    let owns = move || you.get() >= Standing::Owner;

    // Kept while the channel is gone from the list (just left), so that
    // the dialog does not switch to the other kind's parts as it closes.
    let direct = Memo::new(move |was: Option<&bool>| {
        state()
            .try_with(|c| c.is_direct())
            .unwrap_or(was.copied().unwrap_or(false))
    });
    let group = Memo::new(move |was: Option<&bool>| {
        state()
            .try_with(|c| c.is_group())
            .unwrap_or(was.copied().unwrap_or(false))
    });

    view! {
        <Show when=move || !direct.get() fallback=move || view! { <ConversationSettings channel open group /> }>
        <Modal open title="Channel settings">
            <Details channel open moderates />
            <div class="field check-field">
                <input
                    id="channel-private"
                    type="checkbox"
                    disabled
                    aria-describedby="channel-private-hint"
                    prop:checked=private
                />
                <label for="channel-private">"Private channel"</label>
                <p class="field-hint" id="channel-private-hint">
                    {move || match private() {
                        true => "Only its members see it. Chosen when it was created.",
                        false => "Anyone can find and join it. Chosen when it was created.",
                    }}
                </p>
            </div>
            <Show when=move || !archived()>
                <Invite channel open words=CHANNEL_INVITE />
            </Show>
            // General stays open, and everyone stays in it.
            <Show when=move || channel.get() != ChannelId::GENERAL>
                <Archive channel archived=Signal::derive(archived) owns=Signal::derive(owns) />
                <Leave channel open what="Leave channel" />
            </Show>
            <div class="dialog-actions">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Modal>
        </Show>
    }
}

/// The name and the topic, editable by moderators.
#[component]
fn Details(
    channel: Memo<ChannelId>,
    open: RwSignal<bool>,
    moderates: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let name = RwSignal::new(String::new());
    let topic = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new("");
    let busy = RwSignal::new(false);
    let read = move |part: fn(&super::state::ChannelState) -> String| {
        chat.channels()
            .at_key(channel.get_untracked())
            .try_with_untracked(part)
            .unwrap_or_default()
    };
    // Filled in as the channel is each time the dialog opens.
    Effect::new(move || {
        if open.get() {
            name.set(read(|c| c.name().to_owned()));
            topic.set(read(|c| c.topic().to_owned()));
            error.set(None);
            status.set("");
        }
    });
    let save = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let link = link.clone();
        let id = channel.get_untracked();
        let mut changes = Vec::new();
        if name.get_untracked().trim() != read(|c| c.name().to_owned()) {
            changes.push(ChannelChange::Rename {
                name: name.get_untracked(),
            });
        }
        if topic.get_untracked().trim() != read(|c| c.topic().to_owned()) {
            changes.push(ChannelChange::Topic {
                topic: topic.get_untracked(),
            });
        }
        busy.set(true);
        error.set(None);
        status.set("");
        leptos::task::spawn_local(async move {
            for change in changes {
                if let Err(refused) = link.configure(id, change).await {
                    error.set(Some(refused.to_string()));
                    busy.set(false);
                    return;
                }
            }
            status.set("Saved.");
            busy.set(false);
        });
    };

    view! {
        <form class="dialog-form" on:submit=save>
            <fieldset class="plain-fieldset" disabled=move || !moderates()>
                <div class="field">
                    <label for="channel-name">"Name"</label>
                    <input
                        id="channel-name"
                        autocomplete="off"
                        maxlength="64"
                        required
                        prop:value=move || name.get()
                        on:input=move |event| name.set(event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="channel-topic">"Topic"</label>
                    <input
                        id="channel-topic"
                        autocomplete="off"
                        maxlength="250"
                        placeholder="What it is about"
                        prop:value=move || topic.get()
                        on:input=move |event| topic.set(event_target_value(&event))
                    />
                </div>
            </fieldset>
            <Show when=move || !moderates()>
                <p class="field-hint">"Only the channel's moderators can change its name and topic."</p>
            </Show>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="form-status" role="status">{move || status.get()}</p>
            <div class="dialog-actions">
                <button type="submit" class="button primary" disabled=move || busy.get() || !moderates()>
                    "Save"
                </button>
            </div>
        </form>
    }
}

/// Archiving (read-only) and restoring: the owner may.
#[component]
fn Archive(channel: Memo<ChannelId>, archived: Signal<bool>, owns: Signal<bool>) -> impl IntoView {
    let link = expect_context::<Link>();
    let error = RwSignal::new(None::<String>);
    let toggle = move |_| {
        let link = link.clone();
        let (id, now) = (channel.get_untracked(), archived.get_untracked());
        error.set(None);
        leptos::task::spawn_local(async move {
            let change = ChannelChange::Archive { archived: !now };
            if let Err(refused) = link.configure(id, change).await {
                error.set(Some(refused.to_string()));
            }
        });
    };

    view! {
        <section class="settings-part" aria-labelledby="archive-title">
            <h3 id="archive-title" class="part-title">"Archive"</h3>
            <p class="field-hint">
                {move || match archived.get() {
                    true => "Archived: it can be read and searched, not written in.",
                    false => "An archived channel can be read and searched, not written in, until it is restored.",
                }}
            </p>
            <Show when=move || !owns.get()>
                <p class="field-hint">"Only the channel's owner can archive or restore it."</p>
            </Show>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <button type="button" class="button subtle" disabled=move || !owns.get() on:click=toggle>
                {move || match archived.get() {
                    true => "Restore channel",
                    false => "Archive channel",
                }}
            </button>
        </section>
    }
}
