//! Photo-like JPEGs for the file benchmarks: smooth light with grain, as a
//! camera's are, so they compress as photos do (a flat colour would
//! flatter every figure).

use image::{codecs::jpeg::JpegEncoder, ImageResult, RgbImage};

/// A `width` × `height` JPEG of quality 90, different for each `seed`.
pub fn photo(width: u32, height: u32, seed: u32) -> ImageResult<Vec<u8>> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut grain = move || {
        // xorshift32: cheap, and enough for grain.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 24) as i32 - 12
    };
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let tint = (seed % 7) as f32 * 20.0;
        let base = [
            60.0 + 150.0 * fx + tint,
            80.0 + 120.0 * fy,
            200.0 - 120.0 * fx * fy,
        ];
        image::Rgb(base.map(|v| (v as i32 + grain()).clamp(0, 255) as u8))
    });
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90).encode_image(&pixels)?;
    Ok(bytes)
}
