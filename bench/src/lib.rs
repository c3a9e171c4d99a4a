//! What the benchmarks share beside `banter-load`: photos to upload.

pub mod photo;
