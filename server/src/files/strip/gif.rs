//! GIF: a GIF has no EXIF, but it may carry comments, and application
//! blocks where software writes XMP (which can say where and by whom). Only
//! what draws the image is kept: its screen and colour tables, each frame
//! and its timing, and the blocks that make it loop or give its colours a
//! profile. GIF has no crate that rewrites its blocks, so this walks them:
//! a header, then blocks of sub-blocks each prefixed by its length.

/// Application blocks kept: looping (two spellings) and a colour profile.
const KEPT_APPLICATIONS: [&[u8; 11]; 3] = [b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"];

/// `gif` with only its drawing blocks, if it reads as a GIF to its end.
pub fn strip_gif(gif: &[u8]) -> Option<Vec<u8>> {
    if !(gif.starts_with(b"GIF87a") || gif.starts_with(b"GIF89a")) {
        return None;
    }
    // The header and the logical screen, with its colour table if any.
    let screen = *gif.get(10)?;
    let mut at = 13 + colour_table(screen);
    let mut out = gif.get(..at)?.to_vec();
    loop {
        match *gif.get(at)? {
            // The trailer: anything after it is dropped.
            0x3b => {
                out.push(0x3b);
                return Some(out);
            }
            // A frame: its descriptor, colour table, code size and data.
            0x2c => {
                let packed = *gif.get(at + 9)?;
                let data = at + 10 + colour_table(packed) + 1;
                let end = sub_blocks_end(gif, data)?;
                out.extend_from_slice(gif.get(at..end)?);
                at = end;
            }
            0x21 => {
                let label = *gif.get(at + 1)?;
                let end = sub_blocks_end(gif, at + 2)?;
                let kept = match label {
                    // A frame's timing and transparency; text drawn on it.
                    0xf9 | 0x01 => true,
                    0xff => gif
                        .get(at + 3..at + 14)
                        .is_some_and(|id| KEPT_APPLICATIONS.iter().any(|kept| kept[..] == *id)),
                    // Comments, and anything unknown.
                    _ => false,
                };
                if kept {
                    out.extend_from_slice(gif.get(at..end)?);
                }
                at = end;
            }
            _ => return None,
        }
    }
}

/// The size of the colour table a packed field announces.
fn colour_table(packed: u8) -> usize {
    match packed & 0x80 {
        0 => 0,
        _ => 3 << ((packed & 0x07) + 1),
    }
}

/// Where the sub-blocks starting at `at` end (just past the empty one).
fn sub_blocks_end(gif: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let size = usize::from(*gif.get(at)?);
        at += 1 + size;
        if size == 0 {
            return Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = "GPS 35.6895 N 東京 Москва".as_bytes();

    fn gif() -> Vec<u8> {
        let mut bytes = Vec::new();
        let frame = image::RgbaImage::from_fn(4, 3, |x, y| {
            image::Rgba([x as u8 * 60, y as u8 * 80, 9, 255])
        });
        {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
            encoder
                .set_repeat(image::codecs::gif::Repeat::Infinite)
                .unwrap();
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
        bytes
    }

    /// `block`'s bytes as sub-blocks.
    fn sub_blocks(block: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for part in block.chunks(255) {
            out.push(part.len() as u8);
            out.extend_from_slice(part);
        }
        out.push(0);
        out
    }

    #[test]
    fn comments_and_xmp_go_and_the_loop_stays() {
        let plain = gif();
        let mut comment = vec![0x21, 0xfe];
        comment.extend(sub_blocks(SECRET));
        let mut xmp = vec![0x21, 0xff, 11];
        xmp.extend_from_slice(b"XMP DataXMP");
        xmp.extend(sub_blocks(SECRET));
        // Both before the last byte (the trailer), and junk after it.
        let mut marked = plain[..plain.len() - 1].to_vec();
        marked.extend(comment);
        marked.extend(xmp);
        marked.push(0x3b);
        marked.extend_from_slice(SECRET);
        let contains = |bytes: &[u8], part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        assert!(contains(&marked, SECRET));

        let stripped = strip_gif(&marked).unwrap();
        assert!(!contains(&stripped, SECRET));
        assert!(!contains(&stripped, b"XMP DataXMP"));
        assert!(contains(&stripped, b"NETSCAPE2.0"), "it still loops");
        assert_eq!(stripped, plain, "nothing else changed");
    }

    #[test]
    fn what_does_not_read_as_a_gif_is_refused() {
        let plain = gif();
        assert!(strip_gif(&plain[..plain.len() - 1]).is_none(), "no trailer");
        assert!(strip_gif(&plain[..20]).is_none());
        assert!(strip_gif(b"\x89PNG\r\n\x1a\n").is_none());
    }

    proptest! {
        #[test]
        fn any_bytes_are_stripped_or_refused_without_a_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..300)
        ) {
            let mut gif = b"GIF89a".to_vec();
            gif.extend_from_slice(&bytes);
            let _ = strip_gif(&gif);
        }
    }
}
