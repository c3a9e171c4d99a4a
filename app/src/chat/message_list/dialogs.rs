//! The dialogs a message's actions open, once for the whole list: which
//! message each is for lives in [`MessageDialogs`], which the rows set. Also
//! the line that says why a reaction, an edit or a delete was refused.
//!
//! Each dialog's code is fetched when it is first opened ([`crate::split`]).

use leptos::{prelude::*, task::spawn_local};
use reactive_stores::Store;

use super::{files::ImageViewer, picker::ReactionPicker};
use crate::{
    chat::{
        dialogs::modal::Modal,
        link::Link,
        state::{Chat, ChatStoreFields},
    },
    model::ChannelId,
    protocol::{Attachment, MessageId},
    split::Deferred,
};

/// Which message each dialog is open for.
#[derive(Clone, Copy)]
pub(super) struct MessageDialogs {
    pub channel: Memo<ChannelId>,
    pub deleting: RwSignal<Option<MessageId>>,
    /// Whether the message being deleted is someone else's, which a
    /// moderator removes.
    pub removing: RwSignal<bool>,
    pub reacting: RwSignal<Option<MessageId>>,
    /// The image the viewer shows.
    pub viewing: RwSignal<Option<Attachment>>,
}

impl MessageDialogs {
    /// Makes the list's dialogs' state, for its rows to reach as context.
    pub fn provide(channel: Memo<ChannelId>) -> Self {
        let dialogs = Self {
            channel,
            deleting: RwSignal::new(None),
            removing: RwSignal::new(false),
            reacting: RwSignal::new(None),
            viewing: RwSignal::new(None),
        };
        provide_context(dialogs);
        dialogs
    }
}

/// A modal that is open while `target` holds a message.
pub(super) fn open_while<T: Send + Sync + 'static>(target: RwSignal<Option<T>>) -> RwSignal<bool> {
    let open = RwSignal::new(false);
    // Each is set only when it differs, or the two would wake each other
    // for ever.
    Effect::new(move || {
        let wanted = target.with(Option::is_some);
        if open.get_untracked() != wanted {
            open.set(wanted);
        }
    });
    Effect::new(move || {
        if !open.get() && target.with_untracked(Option::is_some) {
            target.set(None);
        }
    });
    open
}

/// The dialogs, and the refusal line, of the list.
#[component]
pub(super) fn ListDialogs() -> impl IntoView {
    let dialogs = expect_context::<MessageDialogs>();
    let notice = expect_context::<Store<Chat>>().notice();
    view! {
        <Deferred when=move || dialogs.deleting.with(Option::is_some) view=delete_dialog
            preload=delete_dialog::preload />
        <Deferred when=move || dialogs.reacting.with(Option::is_some) view=reaction_picker
            preload=reaction_picker::preload />
        <Deferred when=move || dialogs.viewing.with(Option::is_some) view=image_viewer
            preload=image_viewer::preload />
        {move || notice.get().map(|text| view! {
            <p class="form-error list-notice" role="alert">
                {text}
                <button type="button" class="button subtle small"
                    on:click=move |_| notice.set(None)>"Dismiss"</button>
            </p>
        })}
    }
}

crate::split_view!(
    fn delete_dialog() {
        view! { <DeleteDialog /> }.into_any()
    }
);

crate::split_view!(
    fn image_viewer() {
        view! { <ImageViewer /> }.into_any()
    }
);

crate::split_view!(
    fn reaction_picker() {
        view! { <ReactionPicker /> }.into_any()
    }
);

/// "Delete message?": deleting takes the text out of the database, so it is
/// asked once more. A moderator removing someone else's message is asked
/// the same, in words of removing.
#[component]
fn DeleteDialog() -> impl IntoView {
    let dialogs = expect_context::<MessageDialogs>();
    let link = expect_context::<Link>();
    let open = open_while(dialogs.deleting);
    let error = RwSignal::new(None::<String>);
    let delete = move |_| {
        let Some(message) = dialogs.deleting.get_untracked() else {
            return;
        };
        let (link, channel) = (link.clone(), dialogs.channel.get_untracked());
        spawn_local(async move {
            match link.delete_message(channel, message).await {
                Ok(_) => {
                    error.set(None);
                    open.set(false);
                }
                Err(refused) => error.set(Some(refused.to_string())),
            }
        });
    };
    view! {
        <Modal open title="Delete message?">
            <p>
                {move || match dialogs.removing.get() {
                    true => "As a moderator, you remove it for everyone; its place will say a moderator removed it.",
                    false => "The message will be removed for everyone.",
                }}
                " This cannot be undone."
            </p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="dialog-actions">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button type="button" class="button danger" on:click=delete>
                    {move || if dialogs.removing.get() { "Remove" } else { "Delete" }}
                </button>
            </div>
        </Modal>
    }
}
