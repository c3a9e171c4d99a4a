//! Files attached in the composer. Each starts uploading as soon as it is
//! chosen (over plain HTTP, beside the WebSocket), with a progress bar and
//! a cancel button; a failed one says why and offers Retry. A message
//! written while its files upload shows as pending at once and is *held*
//! here: it goes once they are all stored, carrying their ids, and after
//! any message of its channel held before it, so messages keep the order
//! they were written in. Its words are never lost (a reload keeps them,
//! `outbox/persist.rs`).
//!
//! What the page always carries is only the list and the file picker: the
//! tray that shows the uploads and runs them ([`tray`]) is a chunk of its
//! own, fetched when the first file is chosen.

mod tray;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::{
    chat::state::Chat,
    model::ChannelId,
    protocol::{Attachment, ClientId},
};

pub use tray::upload_tray;

/// How far one file has gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Chosen, not started yet.
    Queued,
    /// This many bytes are sent.
    Sending(u64),
    Done(Attachment),
    /// Why not (the server's words, or the connection's).
    Failed(String),
}

/// One file chosen in the composer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// This page's own number for it.
    pub key: u32,
    /// Where it goes: the channel on screen when it was chosen.
    pub channel: ChannelId,
    pub name: String,
    pub size: u64,
    pub progress: Progress,
}

/// Whether a channel's files are ready to go with its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ready {
    /// All stored (none at all, perhaps).
    Yes(Vec<Attachment>),
    /// Some are still on their way.
    Waiting,
    /// One failed: it must be retried or removed first.
    Failed(String),
}

/// The files chosen in this page's composer, for every channel.
#[derive(Clone, Copy)]
pub struct Uploads {
    pub list: RwSignal<Vec<Upload>>,
    next: StoredValue<u32>,
    /// Messages held for their files, in the order written: each with its
    /// channel and the key its files come before.
    held: StoredValue<Vec<(ChannelId, ClientId, u32)>>,
    /// The chosen files themselves, until the tray starts them.
    #[cfg(feature = "hydrate")]
    pub(super) files: StoredValue<Vec<(u32, web_sys::File)>, LocalStorage>,
    /// The page's owner, and the uploads' requests once started under it
    /// (not under the tray, which goes with the message box when the page
    /// shows something else, while uploads and held messages go on).
    #[cfg(feature = "hydrate")]
    page: StoredValue<Option<Owner>>,
    #[cfg(feature = "hydrate")]
    running: StoredValue<Option<tray::running::Running>>,
}

impl Uploads {
    pub fn new() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
            held: StoredValue::new(Vec::new()),
            #[cfg(feature = "hydrate")]
            files: StoredValue::new_local(Vec::new()),
            #[cfg(feature = "hydrate")]
            page: StoredValue::new(Owner::current()),
            #[cfg(feature = "hydrate")]
            running: StoredValue::new(None),
        }
    }

    /// The uploads' requests, started the first time they are asked for,
    /// under the page's owner, with `start`.
    #[cfg(feature = "hydrate")]
    pub(super) fn running(
        &self,
        start: impl FnOnce() -> tray::running::Running,
    ) -> tray::running::Running {
        if let Some(running) = self.running.get_value() {
            return running;
        }
        let started = match self.page.get_value() {
            Some(page) => page.with(start),
            None => start(),
        };
        self.running.set_value(Some(started));
        started
    }

    /// Adds the files of `input` (a file picker) for `channel`, and empties
    /// it, so that the same file can be chosen again.
    #[cfg(feature = "hydrate")]
    pub fn choose(&self, channel: ChannelId, input: &web_sys::HtmlInputElement) {
        let Some(chosen) = input.files() else { return };
        for index in 0..chosen.length() {
            if let Some(file) = chosen.get(index) {
                self.add(channel, file);
            }
        }
        input.set_value("");
    }

    /// Adds one file for `channel`.
    #[cfg(feature = "hydrate")]
    pub fn add(&self, channel: ChannelId, file: web_sys::File) {
        let key = self.next.get_value();
        self.next.set_value(key.wrapping_add(1));
        let upload = Upload {
            key,
            channel,
            name: file.name(),
            size: file.size() as u64,
            progress: Progress::Queued,
        };
        self.files.update_value(|files| files.push((key, file)));
        self.list.update(|list| list.push(upload));
    }

    /// Whether `channel` has any files chosen.
    pub fn any_in(&self, channel: ChannelId) -> bool {
        self.list
            .with(|list| list.iter().any(|u| u.channel == channel))
    }

    /// Whether a message of `channel` must be held: some of its files are
    /// on their way, or a message before it is held.
    pub fn must_hold(&self, channel: ChannelId) -> bool {
        self.held_before(channel) > 0 || self.ready(channel) == Ready::Waiting
    }

    /// Whether `channel`'s files not held for a message are all stored (and
    /// which they are).
    pub fn ready(&self, channel: ChannelId) -> Ready {
        let from = self.held_before(channel);
        self.list
            .with_untracked(|list| ready(list, channel, from..u32::MAX))
    }

    /// Forgets `channel`'s files not held for a message: they went with one.
    pub fn clear(&self, channel: ChannelId) {
        let from = self.held_before(channel);
        self.list
            .update(|list| list.retain(|u| u.channel != channel || u.key < from));
    }

    /// Holds `message`, written to `channel`, until the files chosen there
    /// so far are stored.
    pub fn hold(&self, channel: ChannelId, message: ClientId) {
        let until = self.next.get_value();
        self.held
            .update_value(|held| held.push((channel, message, until)));
    }

    /// Lets go of the held messages whose files are all stored, in the
    /// order written, each to `release` with its files.
    pub fn release_ready(&self, mut release: impl FnMut(ChannelId, ClientId, Vec<Attachment>)) {
        let mut kept: Vec<(ChannelId, ClientId, u32)> = Vec::new();
        for (channel, message, until) in self.held.get_value() {
            let blocked = kept.iter().any(|held| held.0 == channel);
            let files = match self
                .list
                .with_untracked(|list| ready(list, channel, 0..until))
            {
                Ready::Yes(files) if !blocked => files,
                _ => {
                    kept.push((channel, message, until));
                    continue;
                }
            };
            self.list
                .update(|list| list.retain(|u| u.channel != channel || u.key >= until));
            release(channel, message, files);
        }
        self.held.set_value(kept);
    }

    /// The key the files held in `channel` come before (0: none held).
    fn held_before(&self, channel: ChannelId) -> u32 {
        self.held.with_value(|held| {
            held.iter()
                .filter(|(c, ..)| *c == channel)
                .map(|(.., until)| *until)
                .max()
                .unwrap_or(0)
        })
    }
}

/// Takes the files pasted or dropped anywhere on the chat page, for the
/// channel open: started by the page's extras (`extras.rs`), so that
/// their code waits with them.
pub fn catch_files(chat: Store<Chat>, uploads: Uploads) {
    #[cfg(feature = "hydrate")]
    {
        use crate::chat::state::ChatStoreFields;
        use leptos::ev;
        let take = move |data: Option<web_sys::DataTransfer>| {
            let open = chat.open().get_untracked();
            let files = data.and_then(|data| data.files());
            let (Some(channel), Some(files)) = (open, files) else {
                return false;
            };
            for index in 0..files.length() {
                if let Some(file) = files.get(index) {
                    uploads.add(channel, file);
                }
            }
            files.length() > 0
        };
        let pasted = window_event_listener(ev::paste, move |event| {
            // A paste of text is left to the box.
            if take(event.clipboard_data()) {
                event.prevent_default();
            }
        });
        // Dropping files on the page attaches them, rather than leaving
        // the chat to show them.
        let dragged = window_event_listener(ev::dragover, move |event| {
            if chat.open().get_untracked().is_some() {
                event.prevent_default();
            }
        });
        let dropped = window_event_listener(ev::drop, move |event| {
            if chat.open().get_untracked().is_some() {
                event.prevent_default();
                take(event.data_transfer());
            }
        });
        on_cleanup(move || {
            pasted.remove();
            dragged.remove();
            dropped.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (chat, uploads);
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether the files of `channel` among `list`, of `keys`, are ready to go.
fn ready(list: &[Upload], channel: ChannelId, keys: std::ops::Range<u32>) -> Ready {
    let mut files = Vec::new();
    for upload in list
        .iter()
        .filter(|u| u.channel == channel && keys.contains(&u.key))
    {
        match &upload.progress {
            Progress::Done(file) => files.push(file.clone()),
            Progress::Failed(why) => return Ready::Failed(format!("{}: {why}", upload.name)),
            Progress::Queued | Progress::Sending(_) => return Ready::Waiting,
        }
    }
    Ready::Yes(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::FileId;

    fn upload(key: u32, channel: i64, progress: Progress) -> Upload {
        Upload {
            key,
            channel: ChannelId(channel),
            name: format!("f{key}"),
            size: 1,
            progress,
        }
    }

    fn done(id: i64) -> Progress {
        Progress::Done(Attachment {
            id: FileId(id),
            name: "x".into(),
            size: 1,
            media: "text/plain".into(),
            width: 0,
            height: 0,
        })
    }

    #[test]
    fn a_message_waits_for_every_file_of_its_channel() {
        let list = vec![
            upload(0, 1, done(7)),
            upload(1, 2, Progress::Sending(0)),
            upload(2, 1, done(8)),
        ];
        let all = 0..u32::MAX;
        let Ready::Yes(files) = ready(&list, ChannelId(1), all.clone()) else {
            panic!("not ready");
        };
        assert_eq!(files.iter().map(|f| f.id.0).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(ready(&list, ChannelId(2), all.clone()), Ready::Waiting);
        assert_eq!(
            ready(&list, ChannelId(3), all.clone()),
            Ready::Yes(Vec::new())
        );
        // Only the keys asked about count.
        let Ready::Yes(files) = ready(&list, ChannelId(1), 1..3) else {
            panic!("not ready");
        };
        assert_eq!(files.iter().map(|f| f.id.0).collect::<Vec<_>>(), [8]);
        let failed = vec![
            upload(0, 1, done(7)),
            upload(1, 1, Progress::Failed("too large".into())),
        ];
        assert_eq!(
            ready(&failed, ChannelId(1), all),
            Ready::Failed("f1: too large".into())
        );
    }

    #[test]
    fn held_messages_go_in_the_order_written_each_with_its_files() {
        Owner::new().with(held_messages_keep_their_order);
    }

    fn held_messages_keep_their_order() {
        let uploads = Uploads::new();
        let (first, second) = (
            ClientId(uuid::Uuid::from_u128(1)),
            ClientId(uuid::Uuid::from_u128(2)),
        );
        let general = ChannelId(1);
        uploads.list.set(vec![upload(0, 1, Progress::Sending(0))]);
        uploads.next.set_value(1);
        assert!(uploads.must_hold(general));
        uploads.hold(general, first);
        // The second has a file of its own, stored already, but waits.
        uploads.list.update(|list| list.push(upload(1, 1, done(9))));
        uploads.next.set_value(2);
        assert!(uploads.must_hold(general));
        uploads.hold(general, second);
        let mut released = Vec::new();
        uploads.release_ready(|_, message, files| released.push((message, files.len())));
        assert!(released.is_empty());

        uploads.list.update(|list| list[0].progress = done(8));
        uploads.release_ready(|_, message, files| {
            released.push((message, files.iter().map(|f| f.id.0).sum::<i64>() as usize))
        });
        assert_eq!(released, [(first, 8), (second, 9)]);
        assert!(uploads.list.get_untracked().is_empty());
        assert!(!uploads.must_hold(general));
    }
}
