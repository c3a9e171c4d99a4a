//! Files attached in the composer. Each starts uploading as soon as it is
//! chosen (over plain HTTP, beside the WebSocket), with a progress bar and
//! a cancel button; a failed one says why and offers Retry. The message
//! goes out once all of its channel's files are stored, carrying their
//! ids; its text waits in the box meanwhile, and is never lost.
//!
//! What the page always carries is only the list and the file picker: the
//! tray that shows the uploads and runs them ([`tray`]) is a chunk of its
//! own, fetched when the first file is chosen.

mod tray;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::{chat::state::Chat, model::ChannelId, protocol::Attachment};

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
    #[cfg(feature = "hydrate")]
    next: StoredValue<u32>,
    /// The chosen files themselves, until the tray starts them.
    #[cfg(feature = "hydrate")]
    pub(super) files: StoredValue<Vec<(u32, web_sys::File)>, LocalStorage>,
}

impl Uploads {
    pub fn new() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            #[cfg(feature = "hydrate")]
            next: StoredValue::new(0),
            #[cfg(feature = "hydrate")]
            files: StoredValue::new_local(Vec::new()),
        }
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

    /// Whether `channel`'s files are all stored (and which they are).
    pub fn ready(&self, channel: ChannelId) -> Ready {
        self.list.with_untracked(|list| ready(list, channel))
    }

    /// Forgets `channel`'s files: they went with a message.
    pub fn clear(&self, channel: ChannelId) {
        self.list
            .update(|list| list.retain(|u| u.channel != channel));
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

/// Whether the files of `channel` among `list` are ready to go.
fn ready(list: &[Upload], channel: ChannelId) -> Ready {
    let mut files = Vec::new();
    for upload in list.iter().filter(|u| u.channel == channel) {
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
        let Ready::Yes(files) = ready(&list, ChannelId(1)) else {
            panic!("not ready");
        };
        assert_eq!(files.iter().map(|f| f.id.0).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(ready(&list, ChannelId(2)), Ready::Waiting);
        assert_eq!(ready(&list, ChannelId(3)), Ready::Yes(Vec::new()));
        let failed = vec![
            upload(0, 1, done(7)),
            upload(1, 1, Progress::Failed("too large".into())),
        ];
        assert_eq!(
            ready(&failed, ChannelId(1)),
            Ready::Failed("f1: too large".into())
        );
    }
}
