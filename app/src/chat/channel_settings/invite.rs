//! Bringing people in: invitations to a channel, and adding people to a
//! group conversation, which are the same request worded two ways.

use leptos::{ev, prelude::*};

use crate::{
    chat::{
        dialogs::people_picker::{PeoplePicker, Picked},
        link::Link,
    },
    model::ChannelId,
};

/// How the part is worded.
#[derive(Clone, Copy)]
pub(super) struct InviteWords {
    title: &'static str,
    label: &'static str,
    button: &'static str,
    empty: &'static str,
    done: &'static str,
}

/// In a channel's settings.
pub(super) const CHANNEL_INVITE: InviteWords = InviteWords {
    title: "Invitations",
    label: "People to invite",
    button: "Invite people",
    empty: "Pick someone to invite first.",
    done: "Invited",
};

/// In a group conversation's settings.
pub(super) const GROUP_INVITE: InviteWords = InviteWords {
    title: "Add people",
    label: "People to add",
    button: "Add people",
    empty: "Pick someone to add first.",
    done: "Added",
};

/// Inviting people in: any member may.
#[component]
pub(super) fn Invite(
    channel: Memo<ChannelId>,
    open: RwSignal<bool>,
    words: InviteWords,
) -> impl IntoView {
    let link = expect_context::<Link>();
    let picked = Picked::default();
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let invite = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let users: Vec<_> = picked.0.get_untracked().iter().map(|u| u.id).collect();
        if users.is_empty() {
            error.set(Some(words.empty.to_owned()));
            return;
        }
        let link = link.clone();
        let id = channel.get_untracked();
        error.set(None);
        leptos::task::spawn_local(async move {
            let count = users.len();
            match link.invite(id, users).await {
                Ok(()) => {
                    picked.0.set(Vec::new());
                    status.set(match count {
                        1 => format!("{} 1 person.", words.done),
                        n => format!("{} {n} people.", words.done),
                    });
                }
                Err(refused) => error.set(Some(refused.to_string())),
            }
        });
    };

    view! {
        <form class="dialog-form settings-part" on:submit=invite aria-labelledby="invite-title">
            <h3 id="invite-title" class="part-title">{words.title}</h3>
            <PeoplePicker open picked id="invite-query" search="Find people" label=words.label />
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="form-status" role="status">{move || status.get()}</p>
            <div class="dialog-actions">
                <button type="submit" class="button primary">{words.button}</button>
            </div>
        </form>
    }
}
