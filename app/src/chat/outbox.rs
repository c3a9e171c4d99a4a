//! Sending messages. A message shows at once as pending, goes out over the
//! link, and becomes the stored message when acknowledged, or failed (with
//! Retry) when refused. Pending messages whose link dropped stay pending and
//! are sent again, in order and with their original client ids, once the link
//! is back; the server stores a resent id only once.
//!
//! Edits and reactions go the same way ([`changes`]).

mod changes;

pub use changes::{edit, react};

use std::future::Future;

use leptos::prelude::*;
use reactive_stores::Store;

use super::{
    events::update_channel,
    link::{Link, LinkError},
    state::{Chat, ChatStoreFields, Pending},
    time::{now, sleep},
};

use crate::{
    model::ChannelId,
    protocol::{Attachment, ClientId, FileId, ProtocolError, Quote},
};

/// How often a send, an edit or a reaction refused for speed is tried again
/// before giving up.
const RATE_RETRIES: u32 = 5;

/// Writes a message to `channel` (answering `reply_to`, carrying `files`,
/// uploaded already) and sends it. Its text is checked already, and may be
/// empty only if it carries files.
pub fn send(
    chat: Store<Chat>,
    link: &Link,
    channel: ChannelId,
    text: String,
    reply_to: Option<Quote>,
    files: Vec<Attachment>,
) {
    let pending = Pending {
        channel,
        client_id: new_client_id(),
        text,
        written: now(),
        reply_to,
        files,
        waiting: false,
    };
    update_channel(chat, channel, |c| c.add_pending(pending.clone()));
    leptos::task::spawn_local(deliver(chat, link.clone(), pending));
}

/// Writes a message whose files still upload: it shows as pending at once,
/// and goes when [`release`]d with them. Its client id.
pub fn hold(
    chat: Store<Chat>,
    channel: ChannelId,
    text: String,
    reply_to: Option<Quote>,
) -> ClientId {
    let client_id = new_client_id();
    let pending = Pending {
        channel,
        client_id,
        text,
        written: now(),
        reply_to,
        files: Vec::new(),
        waiting: true,
    };
    update_channel(chat, channel, |c| c.add_pending(pending));
    client_id
}

/// Sends a [`hold`]ing message, with its files stored now.
pub fn release(
    chat: Store<Chat>,
    link: &Link,
    channel: ChannelId,
    client_id: ClientId,
    files: Vec<Attachment>,
) {
    let mut released = None;
    update_channel(chat, channel, |c| released = c.release(client_id, files));
    if let Some(pending) = released {
        leptos::task::spawn_local(deliver(chat, link.clone(), pending));
    }
}

/// Sends a refused message again.
pub fn retry(chat: Store<Chat>, link: &Link, channel: ChannelId, client_id: ClientId) {
    let mut again = None;
    update_channel(chat, channel, |c| again = c.retry(client_id));
    if let Some(pending) = again {
        leptos::task::spawn_local(deliver(chat, link.clone(), pending));
    }
}

/// Sends every pending message again, in the order they were written, then
/// every edit and reaction not made yet (after a reconnection).
pub fn flush(chat: Store<Chat>, link: &Link) {
    let mut pending: Vec<Pending> = chat
        .channels()
        .read_untracked()
        .iter()
        .flat_map(|c| c.pending().cloned())
        .collect();
    pending.sort_by_key(|p| p.written);
    let sends: Vec<_> = pending
        .into_iter()
        .map(|p| deliver(chat, link.clone(), p))
        .collect();
    // One task, so that the requests leave in this order; the changes'
    // tasks start after it.
    leptos::task::spawn_local(async move {
        futures::future::join_all(sends).await;
    });
    changes::resume(chat, link);
}

async fn deliver(chat: Store<Chat>, link: Link, pending: Pending) {
    let me = chat.me().read_untracked().id;
    let Pending {
        channel,
        client_id,
        ref text,
        ref reply_to,
        ref files,
        ..
    } = pending;
    let reply_to = reply_to.as_ref().map(|quote| quote.id);
    let files: Vec<FileId> = files.iter().map(|file| file.id).collect();
    let sent =
        patiently(|| link.send_message(channel, client_id, text.clone(), reply_to, files.clone()))
            .await;
    match sent {
        Ok(message) => update_channel(chat, message.channel, |c| {
            c.merge(message, me);
        }),
        // Still pending: the outbox is flushed when the link is back.
        Err(LinkError::Offline) => {}
        Err(LinkError::Refused(error)) => fail(chat, &pending, error.to_string()),
        Err(LinkError::Unexpected) => fail(chat, &pending, ProtocolError::Internal.to_string()),
    }
}

/// Makes a request, waiting and trying again (up to [`RATE_RETRIES`] times)
/// while the server answers that this user is going too fast.
async fn patiently<T, F>(mut request: impl FnMut() -> F) -> Result<T, LinkError>
where
    F: Future<Output = Result<T, LinkError>>,
{
    let mut tries = 0;
    loop {
        match request().await {
            Err(LinkError::Refused(ProtocolError::RateLimited { retry_after_ms }))
                if tries < RATE_RETRIES =>
            {
                tries += 1;
                sleep(u32::try_from(retry_after_ms).unwrap_or(u32::MAX).max(50)).await;
            }
            answer => return answer,
        }
    }
}

fn fail(chat: Store<Chat>, pending: &Pending, reason: String) {
    update_channel(chat, pending.channel, |c| c.fail(pending.client_id, reason));
}

/// A fresh random client id (a version 4 UUID).
pub fn new_client_id() -> ClientId {
    #[cfg(feature = "hydrate")]
    {
        // getRandomValues works on plain-HTTP addresses too, unlike
        // crypto.randomUUID.
        let mut bytes = [0u8; 16];
        if let Ok(crypto) = window().crypto() {
            let _ = crypto.get_random_values_with_u8_array(&mut bytes);
        }
        if bytes == [0; 16] {
            for byte in &mut bytes {
                *byte = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        ClientId(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        ClientId(uuid::Uuid::new_v4())
    }
}

/// Keeping unsent messages across reloads, in the browser's local storage.
#[cfg(feature = "hydrate")]
pub mod persist;
