//! Edits and reactions, sent like messages: shown at once (laid over the
//! message, `state/outgoing.rs`), sent over the link one at a time per
//! channel, and, while the link is down, kept to go out again, in order,
//! once it is back.

use leptos::prelude::*;
use reactive_stores::Store;

use super::{new_client_id, now, patiently};
use crate::{
    chat::{
        events::update_channel,
        link::{Link, LinkError},
        state::{Chat, ChatStoreFields, LinkStatus, Outgoing, Progress, Wish},
    },
    model::{ChannelId, MessageText},
    protocol::{MessageId, ProtocolError},
};

/// Replaces the text of one's own message.
pub fn edit(chat: Store<Chat>, link: &Link, channel: ChannelId, id: MessageId, text: MessageText) {
    let (text, at) = (text.into_string(), now());
    make(chat, link, channel, id, Wish::Edit { text, at });
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
        progress: Progress::Unsent,
    };
    update_channel(chat, channel, |c| c.add_outgoing(outgoing));
    send_next(chat, link.clone(), channel);
}

/// Sends each channel's changes not made yet, in order (the link is back).
pub(super) fn resume(chat: Store<Chat>, link: &Link) {
    let waiting: Vec<ChannelId> = chat
        .channels()
        .read_untracked()
        .iter()
        .filter(|c| c.outgoing.iter().any(|o| o.progress == Progress::Unsent))
        .map(|c| c.id)
        .collect();
    for channel in waiting {
        send_next(chat, link.clone(), channel);
    }
}

/// Sends `channel`'s next change, unless one is on its way already (its
/// answer sends the next).
fn send_next(chat: Store<Chat>, link: Link, channel: ChannelId) {
    let mut next = None;
    update_channel(chat, channel, |c| next = c.next_to_send());
    if let Some(outgoing) = next {
        leptos::task::spawn_local(deliver(chat, link, channel, outgoing));
    }
}

async fn deliver(chat: Store<Chat>, link: Link, channel: ChannelId, outgoing: Outgoing) {
    let made = patiently(|| {
        let link = link.clone();
        let (message, what) = (outgoing.message, outgoing.what.clone());
        async move {
            match what {
                Wish::Edit { text, .. } => link.edit_message(channel, message, text).await,
                Wish::React { emoji, add } => link.react(channel, message, emoji, add).await,
            }
        }
    })
    .await;
    let error = match made {
        Ok(rev) => {
            update_channel(chat, channel, |c| c.made(outgoing.id, rev));
            return send_next(chat, link, channel);
        }
        Err(LinkError::Offline) => {
            // Sent again, in its turn, once the link is back; or now, if it
            // came back while this one waited.
            update_channel(chat, channel, |c| c.unanswered(outgoing.id));
            if chat.link().get_untracked() == LinkStatus::Online {
                send_next(chat, link, channel);
            }
            return;
        }
        Err(LinkError::Refused(error)) => error,
        Err(LinkError::Unexpected) => ProtocolError::Internal,
    };
    update_channel(chat, channel, |c| c.drop_outgoing(outgoing.id));
    chat.notice().set(Some(error.to_string()));
    send_next(chat, link, channel);
}
