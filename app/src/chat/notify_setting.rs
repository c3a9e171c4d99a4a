//! The channel header's "Notifications" setting: all messages, mentions
//! only, or nothing. The server keeps it per membership and tells every tab
//! of the user, so a change here shows at once everywhere.
//!
//! It is a plain `<select>` in a form that posts to [`set_notify`], with a
//! "Save" button shown until the page is hydrated: a reader without
//! JavaScript (or before the WebAssembly arrives) saves with it. Once
//! hydrated, choosing an option saves it over the WebSocket: that part,
//! [`follow`], comes with the chat's extras (`extras.rs`), fetched once the
//! page is up, and follows the pick list by itself. A choice made before it
//! arrived is saved when it does.

use leptos::{prelude::*, server_fn::ServerFn};
use reactive_stores::Store;

use super::state::{ChannelStateStoreFields, Chat, ChatStoreFields};
use crate::{error::AppError, model::ChannelId, protocol::NotifyLevel};

/// The pick list's id.
const SELECT_ID: &str = "notify-setting";

/// Sets the notification setting from the plain form, then shows the
/// channel again.
#[server(endpoint = "notify")]
pub async fn set_notify(channel: ChannelId, notify: String) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let notify = NotifyLevel::parse(&notify).ok_or(AppError::Chat(
                crate::protocol::ProtocolError::BadRequest {
                    detail: "unknown notification setting".into(),
                },
            ))?;
            let (backend, request) = crate::backend::request_context()?;
            backend.set_notify(&request, channel, notify).await?;
            leptos_axum::redirect(&format!("/c/{}", channel.0));
            Ok(())
        }
        .await,
    )
}

/// The setting for `channel`, in its header.
#[component]
pub fn NotifySetting(channel: Memo<ChannelId>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let id = channel.get_untracked();
    // As the setting stands now; once hydrated, `follow` keeps it current.
    let now = chat
        .channels()
        .at_key(id)
        .notify()
        .try_get_untracked()
        .unwrap_or_default();
    let option = move |level: NotifyLevel| {
        let value = level.as_str().to_owned();
        view! { <option value=value selected=now == level>{level.label()}</option> }
    };

    view! {
        <form class="notify-setting" method="post" action=SetNotify::url()>
            // Posted only before the page is hydrated, when no other
            // channel can have been opened yet.
            <input type="hidden" name="channel" value=id.0.to_string() />
            // Apart from the pick list, so that the label alone names it.
            <label for=SELECT_ID class="notify-label">
                <span class="bell" aria-hidden="true"></span>
                <span class="notify-label-text">"Notifications"</span>
            </label>
            <select id=SELECT_ID name="notify">
                {option(NotifyLevel::All)}
                {option(NotifyLevel::Mentions)}
                {option(NotifyLevel::Nothing)}
            </select>
            <button type="submit" class="button subtle small notify-save">"Save"</button>
        </form>
    }
}

/// Saves a choice over the WebSocket (a refusal shows as the chat's
/// notice), and shows the setting of the open channel as it stands
/// (changed on another tab, or another channel opened).
pub fn follow(chat: Store<Chat>) {
    #[cfg(feature = "hydrate")]
    browser::follow(chat);
    #[cfg(not(feature = "hydrate"))]
    let _ = chat;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::{ev, prelude::*, wasm_bindgen::JsCast};
    use reactive_stores::Store;
    use web_sys::HtmlSelectElement;

    use super::SELECT_ID;
    use crate::{
        chat::{
            events::update_channel,
            link::Link,
            state::{ChannelStateStoreFields, Chat, ChatStoreFields},
        },
        protocol::NotifyLevel,
    };

    fn select() -> Option<HtmlSelectElement> {
        document().get_element_by_id(SELECT_ID)?.dyn_into().ok()
    }

    pub(super) fn follow(chat: Store<Chat>) {
        let link = expect_context::<Link>();
        let current = move || {
            let channel = chat.open().get()?;
            chat.channels().at_key(channel).notify().try_get()
        };
        let save = move |notify: NotifyLevel| {
            let Some(id) = chat.open().get_untracked() else {
                return;
            };
            let before = untrack(current).unwrap_or_default();
            if notify == before {
                return;
            }
            update_channel(chat, id, |c| c.notify = notify);
            let link = link.clone();
            leptos::task::spawn_local(async move {
                if let Err(refused) = link.set_notify(id, notify).await {
                    update_channel(chat, id, |c| c.notify = before);
                    chat.notice().set(Some(refused.to_string()));
                }
            });
        };
        // A choice made before this arrived.
        if let Some(chosen) = select().and_then(|s| NotifyLevel::parse(&s.value())) {
            save.clone()(chosen);
        }
        Effect::new(move || {
            if let (Some(level), Some(select)) = (current(), select()) {
                select.set_value(level.as_str());
            }
        });
        let handle = window_event_listener(ev::change, move |event| {
            let picked = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlSelectElement>().ok())
                .filter(|select| select.id() == SELECT_ID)
                .and_then(|select| NotifyLevel::parse(&select.value()));
            if let Some(notify) = picked {
                save(notify);
            }
        });
        on_cleanup(move || handle.remove());
    }
}
