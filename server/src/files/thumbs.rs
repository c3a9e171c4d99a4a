//! Thumbnails: what a channel shows of an image, so a page of photos costs
//! kilobytes, not the megabytes of the photos.
//!
//! A message shows an image at most 360 × 240 CSS pixels
//! (`style/main.css`), so its thumbnail fits twice that, for screens of
//! two device pixels to one. An image already that small, in few bytes,
//! is its own thumbnail; so is a GIF of a few megabytes, which would lose
//! its animation. Decoding is bounded in pixels and memory (a
//! decompression bomb is refused, not decoded), and runs on a blocking
//! thread under `images.rs`'s time limit. A thumbnail has no metadata; it
//! is turned as the image is shown. It is a JPEG, or a PNG if it has
//! transparency.

use std::io::Cursor;

use image::{
    codecs::{
        jpeg::JpegEncoder,
        png::{CompressionType, FilterType, PngEncoder},
    },
    imageops::FilterType as Resize,
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, ImageResult, Limits,
};

use super::sniff::{turned, MAX_PIXELS};

/// The box a thumbnail fits, in pixels: twice what a message shows.
pub const THUMB_WIDTH: u32 = 720;
pub const THUMB_HEIGHT: u32 = 480;

/// An image of at most this many bytes that fits the box is shown itself.
const SMALL: u64 = 256 * 1024;

/// A GIF of at most this many bytes is shown itself, animated.
const SMALL_GIF: u64 = 2 * 1024 * 1024;

/// The most a decoder may allocate: a [`MAX_PIXELS`] image of four bytes
/// a pixel, and room for its tables.
const MAX_ALLOC: u64 = MAX_PIXELS * 4 + 16 * 1024 * 1024;

/// JPEG quality of thumbnails: photos look as they do, in few bytes.
const QUALITY: u8 = 82;

/// A thumbnail, encoded.
#[derive(Debug)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub media: &'static str,
}

/// Whether an image of `media`, shown `width` × `height`, of `size` bytes
/// needs a thumbnail.
pub fn needs_thumbnail(media: &str, width: u32, height: u32, size: u64) -> bool {
    if media == "image/gif" {
        return size > SMALL_GIF;
    }
    width > THUMB_WIDTH || height > THUMB_HEIGHT || size > SMALL
}

/// The thumbnail of `image`, of `media`: decoded under limits, made to fit
/// the box, turned as its EXIF says, and encoded. Blocking, and costly.
pub fn thumbnail(image: &[u8], media: &str) -> ImageResult<Thumbnail> {
    let format = ImageFormat::from_mime_type(media).ok_or_else(unsupported)?;
    let mut reader = ImageReader::new(Cursor::new(image));
    reader.set_format(format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation()?;
    let full = DynamicImage::from_decoder(decoder)?;
    // Made small first, then turned: turning the small one is cheap.
    let (width, height) = match turned(orientation.to_exif()) {
        true => (THUMB_HEIGHT, THUMB_WIDTH),
        false => (THUMB_WIDTH, THUMB_HEIGHT),
    };
    let mut small = if full.width() > width || full.height() > height {
        full.resize(width, height, Resize::Triangle)
    } else {
        full
    };
    small.apply_orientation(orientation);
    encode(&small)
}

/// The limits of decoding an upload.
fn limits() -> Limits {
    let mut limits = Limits::default();
    let side = u32::try_from(MAX_PIXELS).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// `small` as a JPEG, or a PNG if some of it is see-through.
fn encode(small: &DynamicImage) -> ImageResult<Thumbnail> {
    let mut bytes = Vec::new();
    let transparent = small.color().has_alpha() && small.to_rgba8().pixels().any(|p| p.0[3] < 255);
    if transparent {
        let png =
            PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, FilterType::Adaptive);
        small.write_with_encoder(png)?;
        return Ok(Thumbnail {
            bytes,
            media: "image/png",
        });
    }
    let jpeg = JpegEncoder::new_with_quality(&mut bytes, QUALITY);
    DynamicImage::ImageRgb8(small.to_rgb8()).write_with_encoder(jpeg)?;
    Ok(Thumbnail {
        bytes,
        media: "image/jpeg",
    })
}

fn unsupported() -> image::ImageError {
    image::ImageError::Unsupported(image::error::UnsupportedError::from_format_and_kind(
        image::error::ImageFormatHint::Unknown,
        image::error::UnsupportedErrorKind::Format(image::error::ImageFormatHint::Unknown),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn small_images_are_their_own_thumbnails() {
        assert!(!needs_thumbnail("image/png", 720, 480, 200_000));
        assert!(needs_thumbnail("image/png", 721, 10, 1000));
        assert!(needs_thumbnail("image/jpeg", 10, 481, 1000));
        assert!(needs_thumbnail("image/jpeg", 100, 100, SMALL + 1));
        assert!(!needs_thumbnail("image/gif", 4000, 3000, SMALL_GIF));
        assert!(needs_thumbnail("image/gif", 10, 10, SMALL_GIF + 1));
    }

    #[test]
    fn a_photo_fits_the_box_keeping_its_shape() {
        let photo = DynamicImage::ImageRgb8(image::RgbImage::from_fn(2000, 1000, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        let thumb = thumbnail(&encoded(photo, ImageFormat::Jpeg), "image/jpeg").unwrap();
        assert_eq!(thumb.media, "image/jpeg");
        let read = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!((read.width(), read.height()), (720, 360));
    }

    #[test]
    fn transparency_stays_a_png() {
        let logo = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(1600, 1600, |x, _| {
            image::Rgba([200, 30, 30, if x < 800 { 0 } else { 255 }])
        }));
        let thumb = thumbnail(&encoded(logo, ImageFormat::Png), "image/png").unwrap();
        assert_eq!(thumb.media, "image/png");
        let read = image::load_from_memory(&thumb.bytes).unwrap();
        assert_eq!((read.width(), read.height()), (480, 480));
        // An opaque PNG (a screenshot) becomes a JPEG.
        let screenshot = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            1000,
            800,
            image::Rgba([1, 2, 3, 255]),
        ));
        let thumb = thumbnail(&encoded(screenshot, ImageFormat::Png), "image/png").unwrap();
        assert_eq!(thumb.media, "image/jpeg");
    }

    #[test]
    fn broken_pixels_are_an_error() {
        let mut bytes = encoded(
            DynamicImage::ImageRgb8(image::RgbImage::new(800, 600)),
            ImageFormat::Png,
        );
        bytes.truncate(bytes.len() / 2);
        assert!(thumbnail(&bytes, "image/png").is_err());
        assert!(thumbnail(b"not an image", "image/svg+xml").is_err());
    }
}
