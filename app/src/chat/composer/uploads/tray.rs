//! The tray above the message box: each file chosen for the channel on
//! screen, with a progress bar named after it while it uploads, and
//! buttons to remove it or, once failed, to retry it. It runs the uploads
//! too: one `XMLHttpRequest` per file (the one browser request that
//! reports how much of its body is sent).

use leptos::prelude::*;

use super::{Progress, Upload, Uploads};
use crate::model::ChannelId;

crate::split_view!(
    /// The tray, a chunk of its own (see `uploads.rs`).
    pub fn upload_tray(uploads: Uploads, channel: Memo<ChannelId>) {
        view! { <Tray uploads channel /> }.into_any()
    }
);

#[component]
fn Tray(uploads: Uploads, channel: Memo<ChannelId>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let running = uploads.running(move || {
        // A message held for its files goes once they are in: the tray
        // is there whenever a file is (and this code is in its chunk).
        let chat = expect_context::<reactive_stores::Store<crate::chat::state::Chat>>();
        let link = expect_context::<crate::chat::link::Link>();
        Effect::new(move || {
            uploads.list.track();
            uploads.release_ready(|channel, message, files| {
                crate::chat::outbox::release(chat, &link, channel, message, files);
            });
        });
        running::Running::start(uploads)
    });
    let remove = move |key: u32| {
        #[cfg(feature = "hydrate")]
        running.stop(key);
        uploads.list.update(|list| list.retain(|u| u.key != key));
    };
    let retry = move |key: u32| {
        #[cfg(feature = "hydrate")]
        running.retry(key);
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    };
    let shown = move || {
        uploads
            .list
            .get()
            .into_iter()
            .filter(|u| u.channel == channel.get())
            .map(|upload| item(upload, remove, retry))
            .collect_view()
    };
    view! {
        <ul class="uploads" aria-label="Files to send" hidden=move || !uploads.any_in(channel.get())>
            {shown}
        </ul>
    }
}

/// One file of the tray.
fn item(
    upload: Upload,
    remove: impl Fn(u32) + Copy + 'static,
    retry: impl Fn(u32) + Copy + 'static,
) -> impl IntoView {
    let Upload {
        key,
        name,
        size,
        progress,
        ..
    } = upload;
    let state = match progress {
        Progress::Queued | Progress::Sending(_) => {
            let sent = match progress {
                Progress::Sending(sent) => sent,
                _ => 0,
            };
            view! {
                <progress class="upload-progress" aria-label=name.clone()
                    max=size.max(1).to_string() value=sent.to_string()></progress>
            }
            .into_any()
        }
        Progress::Done(_) => view! { <span class="upload-ready">"Ready"</span> }.into_any(),
        Progress::Failed(why) => view! {
            <span class="form-error" role="alert">{why}</span>
            <button type="button" class="button subtle small"
                aria-label=format!("Retry {name}") on:click=move |_| retry(key)>"Retry"</button>
        }
        .into_any(),
    };
    view! {
        <li class="upload">
            <span class="upload-name" dir="auto">{name.clone()}</span>
            {state}
            <button type="button" class="button subtle small upload-remove"
                aria-label=format!("Remove {name}") on:click=move |_| remove(key)>"✕"</button>
        </li>
    }
}

#[cfg(feature = "hydrate")]
pub(super) mod running {
    //! The requests themselves, in the browser.

    use std::collections::HashMap;

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{File, ProgressEvent, XmlHttpRequest};

    use super::super::{Progress, Uploads};
    use crate::protocol::{upload_url, Attachment};

    /// One file's request, and what it needs to be retried.
    struct Request {
        file: File,
        channel: crate::model::ChannelId,
        xhr: Option<XmlHttpRequest>,
        _handlers: Vec<Closure<dyn FnMut(ProgressEvent)>>,
    }

    /// The requests of the tray.
    #[derive(Clone, Copy)]
    pub struct Running {
        uploads: Uploads,
        requests: StoredValue<HashMap<u32, Request>, LocalStorage>,
    }

    impl Running {
        /// Starts each file as it is chosen.
        pub fn start(uploads: Uploads) -> Self {
            let running = Self {
                uploads,
                requests: StoredValue::new_local(HashMap::new()),
            };
            Effect::new(move || {
                // Files no longer listed (sent, or removed) need their
                // requests no more.
                let listed: Vec<u32> = uploads
                    .list
                    .with(|list| list.iter().map(|u| u.key).collect());
                running
                    .requests
                    .update_value(|requests| requests.retain(|key, _| listed.contains(key)));
                let chosen = uploads
                    .files
                    .try_update_value(std::mem::take)
                    .unwrap_or_default();
                for (key, file) in chosen {
                    let channel = uploads.list.with_untracked(|list| {
                        list.iter().find(|u| u.key == key).map(|u| u.channel)
                    });
                    if let Some(channel) = channel {
                        running.send(key, channel, file);
                    }
                }
            });
            running
        }

        /// Aborts `key`'s request, if it runs.
        pub fn stop(&self, key: u32) {
            // Taken out first: aborting calls its handlers at once, which
            // must still be there, and which touch the requests.
            let request = self
                .requests
                .try_update_value(|requests| requests.remove(&key))
                .flatten();
            if let Some(xhr) = request.as_ref().and_then(|r| r.xhr.as_ref()) {
                let _ = xhr.abort();
            }
            drop(request);
        }

        /// Sends `key`'s file again.
        pub fn retry(&self, key: u32) {
            let again = self
                .requests
                .try_update_value(|requests| requests.remove(&key))
                .flatten();
            if let Some(request) = again {
                self.send(key, request.channel, request.file);
            }
        }

        fn set(&self, key: u32, progress: Progress) {
            self.uploads.list.update(|list| {
                if let Some(upload) = list.iter_mut().find(|u| u.key == key) {
                    upload.progress = progress;
                }
            });
        }

        fn send(&self, key: u32, channel: crate::model::ChannelId, file: File) {
            let this = *self;
            this.set(key, Progress::Sending(0));
            let Ok(xhr) = XmlHttpRequest::new() else {
                this.set(key, Progress::Failed("this browser cannot upload".into()));
                return;
            };
            let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
                this.set(key, Progress::Sending(event.loaded() as u64));
            });
            let finished = {
                let xhr = xhr.clone();
                Closure::<dyn FnMut(ProgressEvent)>::new(move |_: ProgressEvent| {
                    this.set(key, outcome(&xhr));
                    this.requests.update_value(|requests| {
                        if let Some(request) = requests.get_mut(&key) {
                            request.xhr = None;
                        }
                    });
                })
            };
            if let Ok(upload) = xhr.upload() {
                upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
            }
            xhr.set_onloadend(Some(finished.as_ref().unchecked_ref()));
            let started = xhr
                .open("POST", &upload_url(channel, &file.name()))
                .and_then(|()| xhr.send_with_opt_blob(Some(&file)));
            if started.is_err() {
                this.set(key, Progress::Failed("the connection was lost".into()));
            }
            let request = Request {
                file,
                channel,
                xhr: Some(xhr),
                _handlers: vec![progress, finished],
            };
            self.requests.update_value(|requests| {
                requests.insert(key, request);
            });
        }
    }

    /// What a finished request says.
    fn outcome(xhr: &XmlHttpRequest) -> Progress {
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        match xhr.status().unwrap_or(0) {
            201 => match serde_json::from_slice::<Attachment>(text.as_bytes()) {
                Ok(file) => Progress::Done(file),
                Err(_) => Progress::Failed("the server's answer was not understood".into()),
            },
            0 => Progress::Failed("the connection was lost".into()),
            _ if !text.is_empty() && text.len() < 300 => Progress::Failed(text),
            status => Progress::Failed(format!("the server refused it ({status})")),
        }
    }
}
