//! The sidebar's dialogs: new channel, browse channels, new message (and
//! the [`modal`] every dialog is, the message list's too). Each is
//! a real modal `<dialog>`: it traps focus, Escape closes it, and focus goes
//! back to the button that opened it.
//!
//! Their code is fetched when one is first opened ([`crate::split`]).

mod browse;
pub(super) mod modal;
mod new_channel;
mod new_message;
pub(super) mod people_picker;
pub(super) mod search;

use browse::BrowseChannelsDialog;
use new_channel::NewChannelDialog;
use new_message::NewMessageDialog;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use reactive_stores::Store;

use super::{events::add_or_refresh, link::LinkError, state::Chat};
use crate::protocol::ChannelSummary;

crate::split_view!(
    /// "New channel", open while `open` is true.
    pub fn new_channel_dialog(open: RwSignal<bool>) {
        view! { <NewChannelDialog open /> }.into_any()
    }
);

crate::split_view!(
    /// "Browse channels", open while `open` is true.
    pub fn browse_channels_dialog(open: RwSignal<bool>) {
        view! { <BrowseChannelsDialog open /> }.into_any()
    }
);

crate::split_view!(
    /// "New message", open while `open` is true.
    pub fn new_message_dialog(open: RwSignal<bool>) {
        view! { <NewMessageDialog open /> }.into_any()
    }
);

/// Acts on the answer to a request that puts the user in a channel
/// (creating, joining, or opening a conversation): the channel goes into the
/// sidebar, the dialog closes and the channel opens; a refusal shows in the
/// dialog instead.
fn enter_channel(
    answer: Result<ChannelSummary, LinkError>,
    chat: Store<Chat>,
    open: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    navigate: impl Fn(&str, NavigateOptions),
) {
    match answer {
        Ok(channel) => {
            let id = channel.id;
            add_or_refresh(chat, channel);
            open.set(false);
            navigate(&format!("/c/{id}"), NavigateOptions::default());
        }
        Err(refused) => error.set(Some(refused.to_string())),
    }
}
