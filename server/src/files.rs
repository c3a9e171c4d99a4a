//! Files shared in messages: uploads, downloads, and the storage of their
//! bytes.
//!
//! A file is uploaded first (`POST /channels/<id>/files`, its bytes as the
//! body), streamed to a staging file while it is hashed and counted, so
//! memory stays bounded whatever its size; its type is decided from its
//! bytes, and an image's size read from its header; an image loses its
//! metadata and gains a thumbnail. It is then recorded,
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
//! - [`form`]: the message box as a plain form, files and all.
//! - [`images`]: from staged bytes to what is stored.
//! - [`sniff`]: what a file is, from its bytes.
//! - [`strip`]: an image's metadata taken out.
//! - [`thumbs`]: an image's thumbnail.
//! - [`blobs`]: where the bytes live (a directory in the data directory),
//!   or [`s3`]: an S3-compatible bucket, for several nodes.
//! - [`collect`]: the collector.

pub mod blobs;
pub mod collect;
pub mod download;
pub mod form;
pub mod images;
mod names;
pub mod s3;
pub mod sniff;
mod strip;
pub mod thumbs;
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
    /// Images examined at once (off the async runtime).
    pub image_work: Arc<tokio::sync::Semaphore>,
    /// The longest an upload may take to examine (an image: to read,
    /// strip and make small).
    pub image_time: std::time::Duration,
}

/// How many uploads are examined at once: each is blocking work, and an
/// image's thumbnail costly (`thumbs.rs`).
const IMAGE_WORKERS: usize = 2;

impl Files {
    /// The files of `config`, with their bytes in `blobs`.
    pub fn new(config: &Config, blobs: Arc<dyn Blobs>) -> Self {
        Self {
            blobs,
            upload_limits: TokenBuckets::for_rate(config.rate_upload),
            max_size: config.max_file_size.as_u64(),
            max_per_user: config.max_storage_per_user.map(|size| size.as_u64()),
            image_work: Arc::new(tokio::sync::Semaphore::new(IMAGE_WORKERS)),
            image_time: std::time::Duration::from_millis(config.image_time_ms),
        }
    }
}

/// The upload and download routes; they need the session layer, and
/// uploads the same-site check.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOAD_ROUTE, post(upload::upload))
        // The form's parts are bounded one by one (`form.rs`).
        .route(
            form::FORM_ROUTE,
            post(form::post).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/files/{id}/{name}", get(download::download))
}

/// Whether `method` and `path` are an upload's (or the plain form's, which
/// carries files): it may take longer than other requests, so it keeps its
/// own deadline (see `accept.rs`).
pub fn is_upload(method: &http::Method, path: &str) -> bool {
    method == http::Method::POST
        && path
            .strip_prefix("/channels/")
            .and_then(|rest| {
                rest.strip_suffix("/files")
                    .or_else(|| rest.strip_suffix("/messages"))
            })
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uploads_are_uploads() {
        assert!(is_upload(&http::Method::POST, "/channels/12/files"));
        assert!(is_upload(&http::Method::POST, "/channels/12/messages"));
        assert!(!is_upload(&http::Method::POST, "/channels/12/members"));
        assert!(!is_upload(&http::Method::GET, "/channels/12/files"));
        assert!(!is_upload(&http::Method::POST, "/channels//files"));
        assert!(!is_upload(&http::Method::POST, "/channels/1/2/files"));
        assert!(!is_upload(&http::Method::POST, "/files/1/x"));
    }
}
