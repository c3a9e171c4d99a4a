//! The sidebar's dialogs: new channel, browse channels, new message. Each is
//! a real modal `<dialog>`: it traps focus, Escape closes it, and focus goes
//! back to the button that opened it.

mod browse;
mod modal;
mod new_channel;
mod new_message;
mod search;

pub use browse::BrowseChannelsDialog;
pub use new_channel::NewChannelDialog;
pub use new_message::NewMessageDialog;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use reactive_stores::Store;

use super::{events::add_or_refresh, link::LinkError, state::Chat};
use crate::protocol::ChannelSummary;

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
