//! Metadata out of an image before anyone else sees it: where a photo was
//! taken, the camera and its serial number, the software, comments, the
//! embedded preview and any second picture (a phone's depth map).
//!
//! What is kept is what drawing the image needs: the pixels, the colour
//! profile (and a GIF's looping, [`gif`]), and the EXIF orientation (written back as the only tag, since
//! the image is shown turned as its camera meant). The containers are read
//! and written with `img-parts`; nothing is decoded, so stripping is
//! lossless and cheap. An image this cannot read is not shown inline
//! (`images.rs` makes it a download).

mod gif;

use img_parts::{
    jpeg::{markers, Jpeg, JpegSegment},
    png::{Png, PngChunk},
    riff::{RiffChunk, RiffContent},
    webp::{
        WebP, CHUNK_ALPH, CHUNK_ANIM, CHUNK_ANMF, CHUNK_EXIF, CHUNK_ICCP, CHUNK_VP8, CHUNK_VP8L,
        CHUNK_VP8X,
    },
    Bytes,
};

/// `image` with its metadata stripped, `orientation` (an EXIF value, 1 to
/// 8) kept; `None` if it does not read as `media`.
pub fn strip(image: Bytes, media: &str, orientation: u8) -> Option<Bytes> {
    let turned = (2..=8).contains(&orientation).then_some(orientation);
    match media {
        "image/jpeg" => strip_jpeg(image, turned),
        "image/png" => strip_png(image, turned),
        "image/webp" => strip_webp(image, turned),
        "image/gif" => gif::strip_gif(&image).map(Bytes::from),
        _ => None,
    }
}

/// The only EXIF kept: a TIFF header (big-endian) and one directory of one
/// entry, the orientation.
fn orientation_exif(orientation: u8) -> Bytes {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    tiff.extend_from_slice(&[0, 1]); // one entry
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]); // no next directory
    Bytes::from(tiff)
}

/// JPEG: only JFIF (APP0), the colour profile (APP2 `ICC_PROFILE`), Adobe's
/// colour transform (APP14) and what draws the image are kept; and nothing
/// after the end of the image, where phones put a second picture.
fn strip_jpeg(image: Bytes, orientation: Option<u8>) -> Option<Bytes> {
    let mut jpeg = Jpeg::from_bytes(image).ok()?;
    jpeg.segments_mut().retain(|segment| {
        let marker = segment.marker();
        match marker {
            markers::APP0 | markers::APP14 => true,
            markers::APP2 => segment.contents().starts_with(b"ICC_PROFILE\0"),
            markers::COM => false,
            _ => !(markers::APP0..=markers::APP15).contains(&marker),
        }
    });
    if let Some(orientation) = orientation {
        let mut contents = b"Exif\0\0".to_vec();
        contents.extend_from_slice(&orientation_exif(orientation));
        let after_jfif = usize::from(
            jpeg.segments()
                .first()
                .is_some_and(|s| s.marker() == markers::APP0),
        );
        jpeg.segments_mut().insert(
            after_jfif,
            JpegSegment::new_with_contents(markers::APP1, Bytes::from(contents)),
        );
    }
    // The first scan's data starts after the start marker and every
    // segment up to its header.
    let mut scans = 2;
    for segment in jpeg.segments() {
        scans += segment.len();
        if segment.has_entropy() {
            break;
        }
    }
    let out = jpeg.encoder().bytes();
    let end = out
        .get(scans..)
        .and_then(end_of_image)
        .map_or(out.len(), |end| scans + end);
    Some(out.slice(..end))
}

/// Where the image ends in `entropy` (the scans and what is between them,
/// from the first scan on): just after its end marker (`FF D9`), if it has
/// one. The scans' bytes never hold a marker (an `FF` in them is followed
/// by `00` or a restart marker); a segment between scans is skipped whole
/// by its length, so its contents are never taken for a marker.
fn end_of_image(entropy: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + 1 < entropy.len() {
        if entropy[at] != 0xff {
            at += 1;
            continue;
        }
        match entropy[at + 1] {
            // Stuffing, a restart, or fill before a marker.
            0x00 | markers::RST0..=markers::RST7 | 0xff => at += 1,
            markers::EOI => return Some(at + 2),
            // A segment between scans (a table, the next scan's header).
            _ => {
                let length = entropy.get(at + 2..at + 4)?;
                at += 2 + usize::from(u16::from_be_bytes([length[0], length[1]]));
            }
        }
    }
    None
}

/// PNG: only the chunks that draw the image (its pixels, palette,
/// transparency, colour, animation) are kept: not text (where software
/// writes comments, XMP and its own name), EXIF but the orientation, the
/// time, or anything unknown.
fn strip_png(image: Bytes, orientation: Option<u8>) -> Option<Bytes> {
    const DRAWN: [&[u8; 4]; 19] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
        b"cICP", b"mDCV", b"cLLI", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"hIST",
    ];
    let mut png = Png::from_bytes(image).ok()?;
    png.chunks_mut()
        .retain(|chunk| DRAWN.contains(&&chunk.kind()));
    if let Some(orientation) = orientation {
        // EXIF goes before the image data.
        let at = png
            .chunks()
            .iter()
            .position(|chunk| &chunk.kind() == b"IDAT")?;
        png.chunks_mut()
            .insert(at, PngChunk::new(*b"eXIf", orientation_exif(orientation)));
    }
    Some(png.encoder().bytes())
}

/// WebP: only the chunks that draw the image (its frames, alpha, colour
/// profile) are kept: not EXIF but the orientation, XMP, or anything
/// unknown; and the extended header's flags say so.
fn strip_webp(image: Bytes, orientation: Option<u8>) -> Option<Bytes> {
    const EXIF_FLAG: u8 = 0b0000_1000;
    const XMP_FLAG: u8 = 0b0000_0100;
    const DRAWN: [[u8; 4]; 7] = [
        CHUNK_VP8, CHUNK_VP8L, CHUNK_VP8X, CHUNK_ALPH, CHUNK_ANIM, CHUNK_ANMF, CHUNK_ICCP,
    ];
    let mut webp = WebP::from_bytes(image).ok()?;
    webp.chunks_mut()
        .retain(|chunk| DRAWN.contains(&chunk.id()));
    // Metadata needs the extended header, so without it there was none.
    let Some(header) = webp.chunks_mut().iter_mut().find(|c| c.id() == CHUNK_VP8X) else {
        return Some(webp.encoder().bytes());
    };
    let mut flags = header.content().data()?.to_vec();
    let first = flags.first_mut()?;
    *first &= !(EXIF_FLAG | XMP_FLAG);
    if orientation.is_some() {
        *first |= EXIF_FLAG;
    }
    *header = RiffChunk::new(CHUNK_VP8X, RiffContent::Data(Bytes::from(flags)));
    if let Some(orientation) = orientation {
        webp.chunks_mut().push(RiffChunk::new(
            CHUNK_EXIF,
            RiffContent::Data(orientation_exif(orientation)),
        ));
    }
    Some(webp.encoder().bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageDecoder, ImageFormat};
    use img_parts::webp::CHUNK_XMP;
    use proptest::prelude::*;

    /// The secrets a camera writes, which must not survive.
    const SECRET: &[u8] = b"GPS 35.6895 N 139.6917 E \xe6\x9d\xb1\xe4\xba\xac";

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::RgbImage::from_fn(6, 4, |x, y| image::Rgb([x as u8 * 40, y as u8 * 60, 90]))
            .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn orientation_of(bytes: &[u8], format: ImageFormat) -> image::metadata::Orientation {
        let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes));
        reader.set_format(format);
        let mut decoder = reader.into_decoder().unwrap();
        decoder.orientation().unwrap()
    }

    /// A JPEG as a phone writes it: EXIF with a location, XMP, a comment,
    /// and a second picture after the end.
    pub(crate) fn camera_jpeg() -> Vec<u8> {
        let plain = encoded(ImageFormat::Jpeg);
        let mut exif = b"Exif\0\0".to_vec();
        let tiff = orientation_exif(6);
        exif.extend_from_slice(&tiff[..tiff.len() - 4]);
        exif.extend_from_slice(&[0, 0, 0, 0]);
        exif.extend_from_slice(SECRET);
        let segment = |marker: u8, body: &[u8]| {
            let mut s = vec![0xff, marker];
            s.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
            s.extend_from_slice(body);
            s
        };
        let mut jpeg = plain[..2].to_vec();
        jpeg.extend(segment(markers::APP1, &exif));
        let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
        xmp.extend_from_slice(SECRET);
        jpeg.extend(segment(markers::APP1, &xmp));
        jpeg.extend(segment(markers::COM, SECRET));
        jpeg.extend_from_slice(&plain[2..]);
        jpeg.extend_from_slice(&[0xff, 0xd8, 0xff, 0xfe, 0, 10]);
        jpeg.extend_from_slice(SECRET);
        jpeg
    }

    #[test]
    fn a_photo_keeps_its_pixels_and_orientation_and_loses_the_rest() {
        let camera = camera_jpeg();
        assert!(contains(&camera, SECRET));
        assert_eq!(
            orientation_of(&camera, ImageFormat::Jpeg),
            image::metadata::Orientation::Rotate90
        );
        let stripped = strip(Bytes::from(camera.clone()), "image/jpeg", 6).unwrap();
        assert!(
            !contains(&stripped, SECRET),
            "nothing of the metadata is left"
        );
        assert!(!contains(&stripped, b"http://ns.adobe.com"));
        assert_eq!(
            orientation_of(&stripped, ImageFormat::Jpeg),
            image::metadata::Orientation::Rotate90
        );
        assert!(
            stripped.ends_with(&[0xff, 0xd9]),
            "the second picture is gone"
        );
        let before = image::load_from_memory(&camera).unwrap();
        let after = image::load_from_memory(&stripped).unwrap();
        assert_eq!(before.to_rgb8(), after.to_rgb8(), "the same pixels");
    }

    #[test]
    fn a_png_loses_its_text_and_keeps_its_pixels() {
        let plain = encoded(ImageFormat::Png);
        let mut text = b"Comment\0".to_vec();
        text.extend_from_slice(SECRET);
        let mut png = Png::from_bytes(Bytes::from(plain.clone())).unwrap();
        png.chunks_mut()
            .insert(1, PngChunk::new(*b"tEXt", Bytes::from(text)));
        let with_text = png.encoder().bytes();
        assert!(contains(&with_text, SECRET));

        let stripped = strip(with_text, "image/png", 1).unwrap();
        assert!(!contains(&stripped, SECRET));
        assert_eq!(&stripped[..], &plain[..], "nothing else changed");
        let turned = strip(Bytes::from(plain), "image/png", 8).unwrap();
        assert_eq!(
            orientation_of(&turned, ImageFormat::Png),
            image::metadata::Orientation::Rotate270
        );
    }

    #[test]
    fn a_webp_loses_its_metadata_and_its_flags_say_so() {
        let plain = encoded(ImageFormat::WebP);
        let mut webp = WebP::from_bytes(Bytes::from(plain)).unwrap();
        // The extended header, saying there is EXIF and XMP.
        let mut header = vec![EXIF_AND_XMP, 0, 0, 0];
        header.extend_from_slice(&[5, 0, 0, 3, 0, 0]);
        webp.chunks_mut().insert(
            0,
            RiffChunk::new(CHUNK_VP8X, RiffContent::Data(Bytes::from(header))),
        );
        for id in [CHUNK_EXIF, CHUNK_XMP] {
            webp.chunks_mut()
                .push(RiffChunk::new(id, RiffContent::Data(Bytes::from(SECRET))));
        }
        let with_metadata = webp.encoder().bytes();
        assert!(contains(&with_metadata, SECRET));

        let stripped = strip(with_metadata, "image/webp", 1).unwrap();
        assert!(!contains(&stripped, SECRET));
        let read = WebP::from_bytes(stripped.clone()).unwrap();
        let flags = read
            .chunk_by_id(CHUNK_VP8X)
            .unwrap()
            .content()
            .data()
            .unwrap()[0];
        assert_eq!(flags & EXIF_AND_XMP, 0);
        image::load_from_memory_with_format(&stripped, ImageFormat::WebP).unwrap();
    }

    const EXIF_AND_XMP: u8 = 0b0000_1100;

    #[test]
    fn what_is_not_the_image_it_says_is_refused() {
        let png = encoded(ImageFormat::Png);
        assert!(strip(Bytes::from(png.clone()), "image/jpeg", 1).is_none());
        assert!(strip(Bytes::from(png), "image/svg+xml", 1).is_none());
        assert!(strip(Bytes::from_static(b"\x89PNG\r\n\x1a\n"), "image/png", 6).is_none());
    }

    #[test]
    fn the_end_of_an_image_is_found_past_tables_that_look_like_it() {
        // A table between scans whose contents hold FF D9.
        let entropy = [
            0x12, 0xff, 0x00, 0xff, 0xc4, 0, 4, 0xff, 0xd9, 0x34, 0xff, 0xd9, 9, 9,
        ];
        assert_eq!(end_of_image(&entropy), Some(12));
        assert_eq!(end_of_image(&[0xff, 0xd0, 0xff]), None);
        assert_eq!(end_of_image(&[0xff, 0xc4, 0xff]), None);
    }

    proptest! {
        #[test]
        fn any_bytes_are_stripped_or_refused_without_a_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
            head in 0usize..4,
            orientation in 0u8..10,
        ) {
            let heads: [&[u8]; 4] = [b"", b"\xff\xd8", b"\x89PNG\r\n\x1a\n", b"RIFF\x20\0\0\0WEBP"];
            let mut image = heads[head].to_vec();
            image.extend_from_slice(&bytes);
            for media in ["image/jpeg", "image/png", "image/webp", "image/gif"] {
                let _ = strip(Bytes::from(image.clone()), media, orientation);
            }
            let _ = end_of_image(&bytes);
        }
    }
}
