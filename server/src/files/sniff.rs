//! What a file is, decided from its bytes: never from its name or the type
//! the uploader claims, which anyone can set to anything.
//!
//! Only PNG, JPEG, GIF and WebP images whose header reads as one, of a
//! bounded size, are shown inline; the rest is served as a download
//! whatever it is (`download.rs`). An image's header is read, not its
//! pixels, and off the async runtime (the caller runs [`sniff`] on a
//! blocking thread).

use std::{io::Read, path::Path};

use app::protocol::INLINE_IMAGES;
use image::{ImageDecoder, ImageFormat, ImageReader};

/// The most pixels an image shown inline may have (8000 × 8000): the
/// browser decodes it whole, and so will thumbnails. Larger ones are
/// downloads.
pub const MAX_PIXELS: u64 = 64_000_000;

/// How much of a file's start is read to tell its type.
const HEAD_BYTES: usize = 8192;

/// What a file turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sniffed {
    /// Its media type: one of [`INLINE_IMAGES`] for an image shown inline.
    pub media: String,
    /// An image's size as shown (its orientation applied); 0 × 0 else.
    pub width: u32,
    pub height: u32,
    /// An image's EXIF orientation (1, as it is, to 8).
    pub orientation: u8,
}

impl Sniffed {
    fn other(media: &str) -> Self {
        Self {
            media: media.to_owned(),
            width: 0,
            height: 0,
            orientation: 1,
        }
    }

    /// Whether it is an image shown inline.
    pub fn is_image(&self) -> bool {
        INLINE_IMAGES.contains(&self.media.as_str())
    }

    /// The same file, found not to be an image after all: a download.
    pub fn not_an_image(self) -> Self {
        Self::other("application/octet-stream")
    }
}

/// What the file at `path` is. Blocking: it reads the file.
pub fn sniff(path: &Path) -> std::io::Result<Sniffed> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    let media = infer::get(&head).map(|kind| kind.mime_type());
    if let Some(media) = media.filter(|media| INLINE_IMAGES.contains(media)) {
        if let Some((width, height, orientation)) = image_size(path, media) {
            return Ok(Sniffed {
                media: media.to_owned(),
                width,
                height,
                orientation,
            });
        }
        // Says it is an image but its header does not read as one, or it
        // is too large to show: a download.
        return Ok(Sniffed::other("application/octet-stream"));
    }
    Ok(Sniffed::other(match media {
        Some(media) => media,
        None if looks_like_text(&head) => "text/plain",
        None => "application/octet-stream",
    }))
}

/// An image's size as shown and its EXIF orientation, from its header, if
/// it reads as `media` and is no larger than [`MAX_PIXELS`].
fn image_size(path: &Path, media: &str) -> Option<(u32, u32, u8)> {
    let format = ImageFormat::from_mime_type(media)?;
    let mut reader = ImageReader::open(path).ok()?;
    reader.set_format(format);
    let mut decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return None;
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms)
        .to_exif();
    Some(match turned(orientation) {
        true => (height, width, orientation),
        false => (width, height, orientation),
    })
}

/// Whether an image of EXIF `orientation` is turned a quarter (5 to 8), so
/// that it shows its height as its width.
pub fn turned(orientation: u8) -> bool {
    (5..=8).contains(&orientation)
}

/// Whether `head` reads as text: UTF-8 (a character cut at the end aside)
/// with no NUL.
fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // Only an incomplete character at the very end.
        Err(error) => error.error_len().is_none() && head.len() == HEAD_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(bytes: &[u8]) -> Sniffed {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        sniff(file.path()).unwrap()
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::RgbImage::new(width, height)
            .write_to(&mut std::io::Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn an_image_is_told_by_its_bytes_with_its_size() {
        assert_eq!(
            sniffed(&png(3, 2)),
            Sniffed {
                media: "image/png".into(),
                width: 3,
                height: 2,
                orientation: 1,
            }
        );
    }

    #[test]
    fn a_broken_image_or_a_script_is_a_download() {
        let mut broken = png(3, 2);
        broken.truncate(20);
        assert_eq!(sniffed(&broken).media, "application/octet-stream");
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert!(!INLINE_IMAGES.contains(&sniffed(svg).media.as_str()));
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert!(!INLINE_IMAGES.contains(&sniffed(html).media.as_str()));
    }

    #[test]
    fn text_and_other_bytes() {
        assert_eq!(
            sniffed("Привет 日本語 العربية 🦀\n".as_bytes()).media,
            "text/plain"
        );
        assert_eq!(sniffed(&[0, 1, 2, 3]).media, "application/octet-stream");
        assert_eq!(sniffed(b"%PDF-1.7\n").media, "application/pdf");
        assert_eq!(sniffed(b"").media, "application/octet-stream");
    }

    #[test]
    fn an_enormous_image_is_a_download() {
        // A PNG header that claims 100000 × 100000 pixels.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(sniffed(&bytes).media, "application/octet-stream");
    }
}
