//! From staged bytes to what is stored: what the upload is, and for an
//! image, its bytes without metadata and its thumbnail.
//!
//! All of it is blocking and some of it costly, so it runs on a blocking
//! thread, a few at a time (the permit
//! goes with the work, so it is held until the work really ends), and
//! under a time limit: an image that takes longer is refused. An image
//! whose container or pixels do not read is kept as a download, as it
//! came; it is never shown.

use std::{io::Write, path::Path, sync::Arc, time::Duration};

use img_parts::Bytes;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use tokio::sync::Semaphore;

use super::{
    sniff::{sniff, Sniffed},
    strip::strip,
    thumbs::{needs_thumbnail, thumbnail},
};
use crate::store::files::BlobHash;

/// An upload's bytes, staged in a file of their own.
pub struct Staged {
    /// Deleted when dropped, unless the storage moved it away.
    pub file: NamedTempFile,
    pub hash: BlobHash,
    pub size: u64,
}

/// An upload as it will be stored.
pub struct Ready {
    pub staged: Staged,
    pub sniffed: Sniffed,
    /// An image's thumbnail, and its media type.
    pub thumb: Option<(NamedTempFile, &'static str)>,
}

/// Why an upload could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("the image took too long to read")]
    TooSlow,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("the work stopped: {0}")]
    Stopped(String),
}

/// `staged` examined, and if an image, stripped and made small, under a
/// permit of `workers`, in at most `time` (`--image-time-ms`).
pub async fn prepare(
    staged: Staged,
    staging: &Path,
    workers: &Arc<Semaphore>,
    time: Duration,
) -> Result<Ready, NotReady> {
    let permit = Arc::clone(workers)
        .acquire_owned()
        .await
        .map_err(|error| NotReady::Stopped(error.to_string()))?;
    let staging = staging.to_owned();
    let work = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        prepare_now(staged, &staging)
    });
    match tokio::time::timeout(time, work).await {
        Ok(Ok(ready)) => ready,
        Ok(Err(error)) => Err(NotReady::Stopped(error.to_string())),
        Err(_) => Err(NotReady::TooSlow),
    }
}

/// [`prepare`], on this thread.
fn prepare_now(staged: Staged, staging: &Path) -> Result<Ready, NotReady> {
    let sniffed = sniff(staged.file.path())?;
    if !sniffed.is_image() {
        return Ok(Ready {
            staged,
            sniffed,
            thumb: None,
        });
    }
    let original = Bytes::from(std::fs::read(staged.file.path())?);
    let Some(stripped) = strip(original.clone(), &sniffed.media, sniffed.orientation) else {
        return Ok(as_download(staged, sniffed));
    };
    let staged = if stripped == original {
        staged
    } else {
        stage(&stripped, staging)?
    };
    let size = staged.size;
    if !needs_thumbnail(&sniffed.media, sniffed.width, sniffed.height, size) {
        return Ok(Ready {
            staged,
            sniffed,
            thumb: None,
        });
    }
    let Ok(thumb) = thumbnail(&stripped, &sniffed.media) else {
        return Ok(as_download(staged, sniffed));
    };
    let thumb_file = stage(&thumb.bytes, staging)?.file;
    Ok(Ready {
        staged,
        sniffed,
        thumb: Some((thumb_file, thumb.media)),
    })
}

/// Not an image after all: a download.
fn as_download(staged: Staged, sniffed: Sniffed) -> Ready {
    Ready {
        staged,
        sniffed: sniffed.not_an_image(),
        thumb: None,
    }
}

/// `bytes`, staged and hashed.
fn stage(bytes: &[u8], staging: &Path) -> std::io::Result<Staged> {
    let mut file = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(staging)?;
    file.write_all(bytes)?;
    file.as_file().sync_data()?;
    Ok(Staged {
        file,
        hash: BlobHash::from_digest(&Sha256::digest(bytes)),
        size: bytes.len() as u64,
    })
}
