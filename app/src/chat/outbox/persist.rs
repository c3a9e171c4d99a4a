//! Keeping unsent messages across reloads, in the browser's local storage:
//! each as an array, `[pending, refusal]`, the pending message itself an
//! array of its fields, under `banter.outbox.2.<user>`.
//!
//! Pages from before kept them as objects of named fields under
//! `banter.outbox.<user>`. Reading those takes a decoder that matches field
//! names, which only such a leftover needs: it is a chunk of its own
//! ([`restore_saved_before`]), fetched only when the old key is there, so
//! what an older page left unsent is still sent, once.

use leptos::prelude::*;
use reactive_stores::Store;

use super::super::{
    events::update_channel,
    link::Link,
    state::{Chat, ChatStoreFields, Entry, LinkStatus, Pending},
};
use crate::model::UserId;

/// A message waiting in storage, and why it was refused, if it was.
type Saved = (Pending, Option<String>);

/// Keeps this user's unsent messages in storage, and brings back those a
/// previous page left. Call it before starting the link: the restored
/// messages are then in the outbox when it is first flushed.
pub fn keep(chat: Store<Chat>, link: Link) {
    Effect::new(move |restored: Option<()>| {
        let me = chat.me().read_untracked().id;
        if restored.is_none() {
            restore(chat, load(&key(me)));
            if stored(&old_key(me)).is_some() {
                let link = link.clone();
                leptos::task::spawn_local(async move {
                    restore_saved_before(chat, link).await;
                });
            }
        }
        let saved: Vec<Saved> = chat
            .channels()
            .read()
            .iter()
            .flat_map(|channel| channel.entries.iter())
            .filter_map(|entry| match entry {
                Entry::Pending(pending) => Some((pending.clone(), None)),
                Entry::Failed { pending, reason } => Some((pending.clone(), Some(reason.clone()))),
                Entry::Stored(_) => None,
            })
            .collect();
        save(me, &saved);
    });
}

/// Puts saved messages back into their channels, unless they are there.
/// One that was waiting for its files lost them with the page: it comes
/// back refused, its words kept, and Retry sends them alone.
fn restore(chat: Store<Chat>, saved: Vec<Saved>) {
    for (mut pending, mut refused) in saved {
        if pending.waiting {
            pending.waiting = false;
            refused = Some("its files were still uploading when the page closed".into());
        }
        update_channel(chat, pending.channel, |channel| {
            if channel
                .entries
                .iter()
                .all(|e| e.key().1 != pending.client_id)
            {
                let client_id = pending.client_id;
                channel.add_pending(pending);
                if let Some(reason) = refused {
                    channel.fail(client_id, reason);
                }
            }
        });
    }
}

fn key(me: UserId) -> String {
    format!("banter.outbox.2.{me}")
}

/// Where pages from before kept them.
fn old_key(me: UserId) -> String {
    format!("banter.outbox.{me}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn stored(key: &str) -> Option<String> {
    storage().and_then(|storage| storage.get_item(key).ok().flatten())
}

fn load(key: &str) -> Vec<Saved> {
    stored(key)
        // From bytes, like the socket's frames (see socket.rs).
        .and_then(|json| serde_json::from_slice(json.as_bytes()).ok())
        .unwrap_or_default()
}

fn save(me: UserId, saved: &[Saved]) {
    let Some(storage) = storage() else { return };
    // Storage may be full or disabled; the outbox then lives in the page only.
    let _ = match saved {
        [] => storage.remove_item(&key(me)),
        _ => match serde_json::to_string(saved) {
            Ok(json) => storage.set_item(&key(me), &json),
            Err(_) => Ok(()),
        },
    };
}

/// Brings back what a page from before left unsent, sends it if the link
/// is up (otherwise the next flush does), and forgets the old key.
async fn restore_saved_before(chat: Store<Chat>, link: Link) {
    let _ = from_before(chat, link).await;
}

crate::split_view!(
    fn from_before(chat: Store<Chat>, link: Link) {
        /// A message as pages from before kept it.
        #[derive(serde::Deserialize)]
        struct Before {
            pending: PendingBefore,
            refused: Option<String>,
        }
        #[derive(serde::Deserialize)]
        struct PendingBefore {
            channel: crate::model::ChannelId,
            client_id: crate::protocol::ClientId,
            text: String,
            written: crate::protocol::Millis,
            #[serde(default)]
            reply_to: Option<crate::protocol::Quote>,
        }
        let me = chat.me().read_untracked().id;
        let before: Vec<Before> = stored(&old_key(me))
            .and_then(|json| serde_json::from_slice(json.as_bytes()).ok())
            .unwrap_or_default();
        let saved = before.into_iter().map(
            |Before {
                 pending: p,
                 refused,
             }| {
                let pending = Pending {
                    channel: p.channel,
                    client_id: p.client_id,
                    text: p.text,
                    written: p.written,
                    reply_to: p.reply_to,
                    files: Vec::new(),
                    waiting: false,
                };
                (pending, refused)
            },
        );
        restore(chat, saved.collect());
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&old_key(me));
        }
        if chat.link().get_untracked() == LinkStatus::Online {
            crate::chat::outbox::flush(chat, &link);
        }
        ().into_any()
    }
);
