//! Edits and reactions, sent like messages: shown at once (laid over the
//! message, `state/outgoing.rs`), sent over the link, and, while the link
//! is down, kept to go out again, in order, once it is back.

use std::future::Future;

use leptos::prelude::*;
use reactive_stores::Store;

use super::{new_client_id, patiently};
use crate::{
    chat::{
        events::update_channel,
        link::{Link, LinkError},
        state::{Chat, ChatStoreFields, Outgoing, Wish},
    },
    model::{ChannelId, MessageText},
    protocol::{MessageId, ProtocolError},
};

/// Replaces the text of one's own message.
pub fn edit(chat: Store<Chat>, link: &Link, channel: ChannelId, id: MessageId, text: MessageText) {
    make(chat, link, channel, id, Wish::Edit(text.into_string()));
}

/// Adds (or takes back) one's reaction to a message.
pub fn react(
    chat: Store<Chat>,
    link: &Link,
    channel: ChannelId,
    id: MessageId,
    emoji: String,
    add: bool,
) {
    make(chat, link, channel, id, Wish::React { emoji, add });
}

fn make(chat: Store<Chat>, link: &Link, channel: ChannelId, message: MessageId, what: Wish) {
    let outgoing = Outgoing {
        id: new_client_id(),
        message,
        what,
        made: None,
    };
    update_channel(chat, channel, |c| c.add_outgoing(outgoing.clone()));
    leptos::task::spawn_local(deliver(chat, link.clone(), channel, outgoing));
}

/// The changes not made yet, of every channel, to send again (the link is
/// back). Each channel's go in the order they were made.
pub(super) fn unsent(chat: Store<Chat>, link: &Link) -> Vec<impl Future<Output = ()>> {
    chat.channels()
        .read_untracked()
        .iter()
        .flat_map(|c| c.unsent().map(|o| (c.id, o.clone())))
        .map(|(channel, outgoing)| deliver(chat, link.clone(), channel, outgoing))
        .collect()
}

async fn deliver(chat: Store<Chat>, link: Link, channel: ChannelId, outgoing: Outgoing) {
    let made = patiently(|| {
        let link = link.clone();
        let (message, what) = (outgoing.message, outgoing.what.clone());
        async move {
            match what {
                Wish::Edit(text) => link.edit_message(channel, message, text).await,
                Wish::React { emoji, add } => link.react(channel, message, emoji, add).await,
            }
        }
    })
    .await;
    let error = match made {
        Ok(rev) => return update_channel(chat, channel, |c| c.made(outgoing.id, rev)),
        // Still outgoing: sent again when the link is back.
        Err(LinkError::Offline) => return,
        Err(LinkError::Refused(error)) => error,
        Err(LinkError::Unexpected) => ProtocolError::Internal,
    };
    update_channel(chat, channel, |c| c.drop_outgoing(outgoing.id));
    chat.notice().set(Some(error.to_string()));
}
