//! What an image costs the server: its thumbnail, from a 12-megapixel
//! photo (decoded, made small, encoded), on one core.
//!
//! `cargo bench -p bench --bench images`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use server::files::thumbs::thumbnail;

fn thumbnails(c: &mut Criterion) {
    let photo = bench::photo::photo(4000, 3000, 1).expect("a photo");
    let mut group = c.benchmark_group("images");
    group.sample_size(10);
    group.bench_function("thumbnail of a 12 MP JPEG", |b| {
        b.iter(|| thumbnail(black_box(&photo), "image/jpeg").expect("a thumbnail"))
    });
    group.finish();
    let thumb = thumbnail(&photo, "image/jpeg").expect("a thumbnail");
    println!(
        "a {} KiB photo makes a {} KiB thumbnail ({})",
        photo.len() / 1024,
        thumb.bytes.len() / 1024,
        thumb.media
    );
}

criterion_group!(benches, thumbnails);
criterion_main!(benches);
