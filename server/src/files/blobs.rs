//! Where files' bytes live: a blob per distinct content, named by its
//! SHA-256, written once and never changed (so it may be cached for good).
//!
//! [`Blobs`] is what the rest of the server sees; [`DirBlobs`] keeps them
//! in a directory of the data directory, so one binary and one directory
//! are still all Banter needs. An upload is written to a staging file on
//! the same filesystem first, and moved into place whole, so a blob is
//! never seen half written.

use std::{
    io,
    ops::Range,
    path::{Path, PathBuf},
};

use axum::body::Body;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::store::files::BlobHash;

/// The storage of files' bytes.
#[async_trait::async_trait]
pub trait Blobs: Send + Sync {
    /// The directory uploads are staged in (on this machine).
    fn staging(&self) -> &Path;

    /// Stores the staged file `staged` as the blob `hash`, unless it is
    /// stored already. `staged` may be gone afterwards.
    async fn put(&self, hash: &BlobHash, staged: &Path) -> io::Result<()>;

    /// The bytes `range` of the blob `hash`, as a response body; `None` if
    /// there is no such blob.
    async fn read(&self, hash: &BlobHash, range: Range<u64>) -> io::Result<Option<Body>>;

    /// Deletes the blob `hash` (nothing if it is not there).
    async fn delete(&self, hash: &BlobHash) -> io::Result<()>;
}

/// Blobs in a directory: `<root>/ab/cd/abcd…`, so that no directory holds
/// more than a few thousand entries however many files there are.
#[derive(Debug)]
pub struct DirBlobs {
    root: PathBuf,
    staging: PathBuf,
}

impl DirBlobs {
    /// The blobs under `root` (made if missing), staging in
    /// `<root>/staging`, which is emptied: whatever is there was left by an
    /// upload that never finished.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        let staging = root.join("staging");
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(Self { root, staging })
    }

    fn path(&self, hash: &BlobHash) -> PathBuf {
        let hex = hash.as_str();
        // A hash is 64 hex digits (`BlobHash`), so these are in bounds.
        let (first, second) = (hex.get(..2).unwrap_or("00"), hex.get(2..4).unwrap_or("00"));
        self.root.join(first).join(second).join(hex)
    }
}

#[async_trait::async_trait]
impl Blobs for DirBlobs {
    fn staging(&self) -> &Path {
        &self.staging
    }

    async fn put(&self, hash: &BlobHash, staged: &Path) -> io::Result<()> {
        let path = self.path(hash);
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(staged, &path).await
    }

    async fn read(&self, hash: &BlobHash, range: Range<u64>) -> io::Result<Option<Body>> {
        let mut file = match tokio::fs::File::open(self.path(hash)).await {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        file.seek(io::SeekFrom::Start(range.start)).await?;
        let part = file.take(range.end.saturating_sub(range.start));
        Ok(Some(Body::from_stream(ReaderStream::new(part))))
    }

    async fn delete(&self, hash: &BlobHash) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(hash)).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_text(body: Body) -> String {
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_blob_is_put_once_read_in_parts_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = DirBlobs::open(dir.path().join("files")).unwrap();
        let hash = BlobHash::from_digest(&[7; 32]);
        let staged = blobs.staging().join("one");
        std::fs::write(&staged, "Привет, 日本語").unwrap();
        blobs.put(&hash, &staged).await.unwrap();
        assert!(!staged.exists(), "moved, not copied");

        // The same bytes again: the first copy stands, the second is left.
        let again = blobs.staging().join("two");
        std::fs::write(&again, "Привет, 日本語").unwrap();
        blobs.put(&hash, &again).await.unwrap();

        let whole = blobs.read(&hash, 0..u64::MAX).await.unwrap().unwrap();
        assert_eq!(body_text(whole).await, "Привет, 日本語");
        let part = blobs.read(&hash, 14..23).await.unwrap().unwrap();
        assert_eq!(body_text(part).await, "日本語");

        blobs.delete(&hash).await.unwrap();
        assert!(blobs.read(&hash, 0..1).await.unwrap().is_none());
        blobs.delete(&hash).await.unwrap();
    }

    #[test]
    fn staging_is_emptied_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = DirBlobs::open(dir.path()).unwrap();
        std::fs::write(blobs.staging().join("left"), "x").unwrap();
        let blobs = DirBlobs::open(dir.path()).unwrap();
        assert_eq!(std::fs::read_dir(blobs.staging()).unwrap().count(), 0);
    }
}
