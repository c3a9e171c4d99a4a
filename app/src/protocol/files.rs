//! Files shared in messages, as both sides see them: an upload's id, what a
//! message carries of each file, the limits, and the paths that upload and
//! serve them.
//!
//! A file travels beside the WebSocket, not over it: the browser uploads it
//! with a plain HTTP request (its bytes never fill a frame), gets its id,
//! and sends the message with the ids of its files. Only then do other
//! members see it, and only members may download it.

use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use crate::model::ChannelId;

crate::id_type!(
    /// A stored file's id.
    FileId
);

/// One file of a message.
///
/// On the wire an array, like the message around it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize_tuple, Deserialize_tuple)]
pub struct Attachment {
    pub id: FileId,
    /// The name it was uploaded with, as the download is named.
    pub name: String,
    /// In bytes.
    pub size: u64,
    /// Its type, decided by the server from its bytes: one of
    /// [`INLINE_IMAGES`] for an image shown in the message, else what it is
    /// served as (a download).
    pub media: String,
    /// An image's size in pixels as shown (its EXIF orientation applied);
    /// 0 for other files.
    pub width: u32,
    pub height: u32,
}

impl Attachment {
    /// Whether it is an image the page shows inline.
    pub fn is_image(&self) -> bool {
        INLINE_IMAGES.contains(&self.media.as_str()) && self.width > 0 && self.height > 0
    }

    /// Where it downloads from (members only).
    pub fn url(&self) -> String {
        file_url(self.id, &self.name)
    }

    /// Where an image's thumbnail downloads from: what a message shows.
    pub fn thumb_url(&self) -> String {
        format!("{}?thumb", self.url())
    }
}

/// The image types shown inline: every other file is a download, whatever
/// it claims to be.
pub const INLINE_IMAGES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The most files one message carries.
pub const MAX_FILES: usize = 10;

/// The most characters of a file's name that are kept.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// The path files download from: `/files/<id>/<name>`. The name is there
/// for whoever saves or shares the link; the id alone decides the file.
pub const FILES_PATH: &str = "/files";

/// Where the file `id` named `name` downloads from.
pub fn file_url(id: FileId, name: &str) -> String {
    let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("{FILES_PATH}/{id}/{name}")
}

/// Where a file is uploaded to `channel`: `POST` its bytes as the body,
/// with its name in the query (`?name=…`).
pub fn upload_url(channel: ChannelId, name: &str) -> String {
    let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("/channels/{channel}/files?name={name}")
}

/// Where the message box posts as a plain form (`multipart/form-data`:
/// `client_id`, `text`, and `files`), without JavaScript.
pub fn message_form_url(channel: ChannelId) -> String {
    format!("/channels/{channel}/messages")
}

/// The route of [`upload_url`], for the router.
pub const UPLOAD_ROUTE: &str = "/channels/{channel}/files";

/// The size of `bytes` as people read it: "512 B", "1.5 KB", "25 MB".
/// (In whole numbers of 64 bits: formatting a float, or a wider integer,
/// would bring its code into the browser's WebAssembly.)
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut unit = 0;
    let mut scale: u64 = 1000;
    while bytes / scale >= 1000 && unit + 1 < UNITS.len() {
        scale *= 1000;
        unit += 1;
    }
    // In tenths of the unit, rounded.
    let whole = bytes / scale;
    let tenths = whole * 10 + ((bytes % scale) * 10 + scale / 2) / scale;
    match tenths < 100 {
        true => format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit]),
        false => format!("{} {}", (tenths + 5) / 10, UNITS[unit]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_any_name_safely() {
        assert_eq!(
            file_url(FileId(7), "отчёт 日本.pdf"),
            "/files/7/%D0%BE%D1%82%D1%87%D1%91%D1%82+%E6%97%A5%E6%9C%AC.pdf"
        );
        assert_eq!(file_url(FileId(7), "../a?b#c"), "/files/7/..%2Fa%3Fb%23c");
        assert_eq!(
            upload_url(ChannelId(3), "a&b=c.png"),
            "/channels/3/files?name=a%26b%3Dc.png"
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1500), "1.5 KB");
        assert_eq!(human_size(25 * 1024 * 1024), "26 MB");
        assert_eq!(human_size(u64::MAX), "18446744 TB");
    }

    #[test]
    fn only_the_four_image_types_with_a_size_show_inline() {
        let file = |media: &str, width| Attachment {
            id: FileId(1),
            name: "x".into(),
            size: 1,
            media: media.into(),
            width,
            height: width,
        };
        assert!(file("image/png", 10).is_image());
        assert!(!file("image/png", 0).is_image());
        assert!(!file("image/svg+xml", 10).is_image());
        assert!(!file("text/html", 10).is_image());
    }
}
