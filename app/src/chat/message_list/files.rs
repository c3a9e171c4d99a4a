//! A message's files: images inline, laid out at their real aspect ratio
//! before they load (so the list never jumps), and other files as a card
//! with their type, name and size. Each has a link named "Download
//! <name>". Clicking an image opens it in the image viewer; without
//! JavaScript (or before the page has hydrated) the same link opens the
//! image itself. The links are `rel="external"`: files are not pages of
//! the app, so the router leaves them to the browser.

use leptos::prelude::*;

use super::dialogs::{open_while, MessageDialogs};
use crate::protocol::{human_size, Attachment};

/// The files of one message.
#[component]
pub(super) fn Attachments(files: Vec<Attachment>) -> impl IntoView {
    let shown = files
        .into_iter()
        .map(|file| match file.is_image() {
            true => view! { <ImageFile file /> }.into_any(),
            false => view! { <FileCard file /> }.into_any(),
        })
        .collect_view();
    view! { <div class="attachments">{shown}</div> }
}

/// An image, shown at most 360 × 240 CSS pixels, its shape kept, above
/// its download link.
#[component]
fn ImageFile(file: Attachment) -> impl IntoView {
    let dialogs = use_context::<MessageDialogs>();
    let url = file.url();
    let download = format!("Download {}", file.name);
    let name = file.name.clone();
    let view_it = {
        let file = file.clone();
        move |event: leptos::ev::MouseEvent| {
            // A modified click opens a tab, as links do.
            if let Some(dialogs) = dialogs.filter(|_| !modified(&event)) {
                event.prevent_default();
                dialogs.viewing.set(Some(file.clone()));
            }
        }
    };
    view! {
        <div class="file image-file">
            <a href=url.clone() rel="external" class="image-link" on:click=view_it>
                <img
                    src=file.thumb_url()
                    alt=file.name.clone()
                    width=file.width
                    height=file.height
                    loading="lazy"
                />
            </a>
            <a href=file_download_url(&url) rel="external" aria-label=download class="file-download">
                <span class="file-name" dir="auto">{name}</span>
                <span class="file-size">{human_size(file.size)}</span>
            </a>
        </div>
    }
}

/// Any other file: a card of its type, name and size, which is its
/// download link.
#[component]
fn FileCard(file: Attachment) -> impl IntoView {
    let download = format!("Download {}", file.name);
    let (label, url) = (kind(&file), file_download_url(&file.url()));
    view! {
        <div class="file file-card">
            <a href=url rel="external" aria-label=download class="file-download">
                <span class="file-type" aria-hidden="true">{label}</span>
                <span class="file-name" dir="auto">{file.name}</span>
                <span class="file-size">{human_size(file.size)}</span>
            </a>
        </div>
    }
}

/// Whether a click asks for a new tab or window.
fn modified(event: &leptos::ev::MouseEvent) -> bool {
    event.ctrl_key() || event.meta_key() || event.shift_key() || event.button() != 0
}

/// A short label for a file's type, shown as its icon (in capitals, by
/// the style sheet): its extension, if it has a short one.
fn kind(file: &Attachment) -> String {
    file.name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| (1..=4).contains(&ext.chars().count()))
        .unwrap_or("file")
        .to_owned()
}

/// Where the file at `url` downloads from as a download, even an image
/// (which `url` alone shows): the server then says "attachment".
fn file_download_url(url: &str) -> String {
    format!("{url}?download")
}

/// The image viewer: the full image, its name, and a download link.
#[component]
pub(super) fn ImageViewer() -> impl IntoView {
    let dialogs = expect_context::<MessageDialogs>();
    let open = open_while(dialogs.viewing);
    let shown = move || {
        dialogs.viewing.get().map(|file| {
            let url = file.url();
            view! {
                <img class="viewer-image" src=url.clone() alt=file.name.clone()
                    width=file.width height=file.height />
                <div class="dialog-actions">
                    <a href=file_download_url(&url) rel="external" class="button subtle"
                        aria-label=format!("Download {}", file.name)>"Download"</a>
                    <button type="button" class="button" on:click=move |_| open.set(false)>
                        "Close"
                    </button>
                </div>
            }
        })
    };
    view! {
        <crate::chat::dialogs::modal::Modal open title="Image viewer">
            {shown}
        </crate::chat::dialogs::modal::Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::FileId;

    #[test]
    fn a_file_is_labelled_by_its_extension() {
        let file = |name: &str, media: &str| Attachment {
            id: FileId(1),
            name: name.into(),
            size: 1,
            media: media.into(),
            width: 0,
            height: 0,
        };
        assert_eq!(kind(&file("отчёт.pdf", "application/pdf")), "pdf");
        assert_eq!(kind(&file("notes", "text/plain")), "file");
        assert_eq!(kind(&file("a.verylongext", "application/pdf")), "file");
        assert_eq!(kind(&file("日本.文書", "application/pdf")), "文書");
    }
}
