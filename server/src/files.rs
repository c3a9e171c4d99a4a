//! Files shared in messages: uploads, downloads, and the storage of their
//! bytes.
//!
//! A file is uploaded first (`POST /channels/<id>/files`, its bytes as the
//! body), streamed to a staging file while it is hashed and counted, so
//! memory stays bounded whatever its size; its type is decided from its
//! bytes, and an image's size read from its header. It is then recorded,
//! pending, and its bytes put in the [`blobs`] storage under their hash.
//! The message that carries it names its id (`store/files.rs` checks it is
//! the sender's, in that channel, not sent yet). Only members of the
//! channel download it (`GET /files/<id>/<name>`), with headers that never
//! let it run as part of the site. Deleting the message forgets its files;
//! the [`collect`]or deletes bytes no file has any more, and pending
//! uploads nobody sent.
//!
//! - [`upload`]: the upload endpoint and its limits.
//! - [`download`]: the download endpoint (ranges, ETags, safe headers).
//! - [`sniff`]: what a file is, from its bytes.
//! - [`blobs`]: where the bytes live (a directory in the data directory).
//! - [`collect`]: the collector.

pub mod blobs;
pub mod collect;
pub mod download;
mod names;
pub mod sniff;
pub mod upload;

use std::sync::Arc;

use app::{model::UserId, protocol::UPLOAD_ROUTE};
use axum::{
    routing::{get, post},
    Router,
};

use crate::{config::Config, limits::TokenBuckets, state::AppState};

pub use blobs::Blobs;

/// What the file endpoints share: the storage, and the limits of uploads.
pub struct Files {
    pub blobs: Arc<dyn Blobs>,
    /// Uploads per user.
    pub upload_limits: TokenBuckets<UserId>,
    /// The largest file, in bytes.
    pub max_size: u64,
    /// The most bytes one user's uploads may hold, if bounded.
    pub max_per_user: Option<u64>,
    /// Image headers read at once (off the async runtime).
    pub image_work: tokio::sync::Semaphore,
}

/// How many images are looked into at once: each is a blocking read.
const IMAGE_WORKERS: usize = 2;

impl Files {
    /// The files of `config`, with their bytes in `blobs`.
    pub fn new(config: &Config, blobs: Arc<dyn Blobs>) -> Self {
        Self {
            blobs,
            upload_limits: TokenBuckets::for_rate(config.rate_upload),
            max_size: config.max_file_size.as_u64(),
            max_per_user: config.max_storage_per_user.map(|size| size.as_u64()),
            image_work: tokio::sync::Semaphore::new(IMAGE_WORKERS),
        }
    }
}

/// The upload and download routes; they need the session layer, and
/// uploads the same-site check.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOAD_ROUTE, post(upload::upload))
        .route("/files/{id}/{name}", get(download::download))
}

/// Whether `method` and `path` are an upload's: it may take longer than
/// other requests, so it keeps its own deadline (see `accept.rs`).
pub fn is_upload(method: &http::Method, path: &str) -> bool {
    method == http::Method::POST
        && path
            .strip_prefix("/channels/")
            .and_then(|rest| rest.strip_suffix("/files"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uploads_are_uploads() {
        assert!(is_upload(&http::Method::POST, "/channels/12/files"));
        assert!(!is_upload(&http::Method::GET, "/channels/12/files"));
        assert!(!is_upload(&http::Method::POST, "/channels//files"));
        assert!(!is_upload(&http::Method::POST, "/channels/1/2/files"));
        assert!(!is_upload(&http::Method::POST, "/files/1/x"));
    }
}
