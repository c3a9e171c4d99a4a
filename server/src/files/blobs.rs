//! Where files' bytes live: a blob per distinct content, named by its
//! SHA-256, written once and never changed (so it may be cached for good).
//!
//! [`Blobs`] is what the rest of the server sees; [`DirBlobs`] keeps them
//! in a directory of the data directory, so one binary and one directory
//! are still all Banter needs. An upload is written to a staging file on
//! the same filesystem first, and moved into place whole, so a blob is
//! never seen half written.
//!
//! An image's blob may have a second [`Rendition`], its thumbnail, kept
//! beside it and deleted with it: it is made from the blob's bytes, so it
//! belongs to them, not to any one file.

use std::{
    io,
    ops::Range,
    path::{Path, PathBuf},
};

use axum::body::Body;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::store::files::BlobHash;

/// Which bytes of a blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rendition {
    /// The bytes as stored (an image's without its metadata).
    Original,
    /// An image's thumbnail (`thumbs.rs`).
    Thumbnail,
}

/// The storage of files' bytes.
#[async_trait::async_trait]
pub trait Blobs: Send + Sync {
    /// The directory uploads are staged in (on this machine).
    fn staging(&self) -> &Path;

    /// Stores the staged file `staged` as `rendition` of the blob `hash`,
    /// unless it is stored already. `staged` may be gone afterwards.
    async fn put(&self, hash: &BlobHash, rendition: Rendition, staged: &Path) -> io::Result<()>;

    /// The bytes `range` of `rendition` of the blob `hash`, as a response
    /// body; `None` if there is no such blob.
    async fn read(
        &self,
        hash: &BlobHash,
        rendition: Rendition,
        range: Range<u64>,
    ) -> io::Result<Option<Body>>;

    /// How many bytes `rendition` of the blob `hash` has; `None` if there
    /// is no such blob.
    async fn size(&self, hash: &BlobHash, rendition: Rendition) -> io::Result<Option<u64>>;

    /// Deletes the blob `hash`, every rendition (nothing if it is not
    /// there).
    async fn delete(&self, hash: &BlobHash) -> io::Result<()>;
}

/// Blobs in a directory: `<root>/ab/cd/abcd…` (a thumbnail beside it,
/// `abcd….thumb`), so that no directory holds
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
        let staging = fresh_staging(root.join("staging"))?;
        Ok(Self { root, staging })
    }

    fn path(&self, hash: &BlobHash, rendition: Rendition) -> PathBuf {
        let [first, second, name] = segments(hash, rendition);
        self.root.join(first).join(second).join(name)
    }
}

/// Where `rendition` of the blob `hash` is kept, as three segments of a
/// path or key: `ab`, `cd`, and `abcd…` (or `abcd….thumb`).
pub(super) fn segments(hash: &BlobHash, rendition: Rendition) -> [String; 3] {
    let hex = hash.as_str();
    // A hash is 64 hex digits (`BlobHash`), so these are in bounds.
    let (first, second) = (hex.get(..2).unwrap_or("00"), hex.get(2..4).unwrap_or("00"));
    let name = match rendition {
        Rendition::Original => hex.to_owned(),
        Rendition::Thumbnail => format!("{hex}.thumb"),
    };
    [first.to_owned(), second.to_owned(), name]
}

/// `staging`, made if missing and emptied: whatever is there was left by
/// an upload that never finished.
pub(super) fn fresh_staging(staging: PathBuf) -> io::Result<PathBuf> {
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging)?;
    Ok(staging)
}

#[async_trait::async_trait]
impl Blobs for DirBlobs {
    fn staging(&self) -> &Path {
        &self.staging
    }

    async fn put(&self, hash: &BlobHash, rendition: Rendition, staged: &Path) -> io::Result<()> {
        let path = self.path(hash, rendition);
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::rename(staged, &path).await
    }

    async fn read(
        &self,
        hash: &BlobHash,
        rendition: Rendition,
        range: Range<u64>,
    ) -> io::Result<Option<Body>> {
        let mut file = match tokio::fs::File::open(self.path(hash, rendition)).await {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        file.seek(io::SeekFrom::Start(range.start)).await?;
        let part = file.take(range.end.saturating_sub(range.start));
        Ok(Some(Body::from_stream(ReaderStream::new(part))))
    }

    async fn size(&self, hash: &BlobHash, rendition: Rendition) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.path(hash, rendition)).await {
            Ok(metadata) => Ok(Some(metadata.len())),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn delete(&self, hash: &BlobHash) -> io::Result<()> {
        // The thumbnail first: a blob is never left without its original
        // while a thumbnail stays.
        for rendition in [Rendition::Thumbnail, Rendition::Original] {
            match tokio::fs::remove_file(self.path(hash, rendition)).await {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Rendition::*, *};

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
        blobs.put(&hash, Original, &staged).await.unwrap();
        assert!(!staged.exists(), "moved, not copied");

        // The same bytes again: the first copy stands, the second is left.
        let again = blobs.staging().join("two");
        std::fs::write(&again, "Привет, 日本語").unwrap();
        blobs.put(&hash, Original, &again).await.unwrap();
        let thumb = blobs.staging().join("thumb");
        std::fs::write(&thumb, "🦀").unwrap();
        blobs.put(&hash, Thumbnail, &thumb).await.unwrap();

        let whole = blobs
            .read(&hash, Original, 0..u64::MAX)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(body_text(whole).await, "Привет, 日本語");
        let part = blobs.read(&hash, Original, 14..23).await.unwrap().unwrap();
        assert_eq!(body_text(part).await, "日本語");
        assert_eq!(blobs.size(&hash, Thumbnail).await.unwrap(), Some(4));
        let small = blobs.read(&hash, Thumbnail, 0..4).await.unwrap().unwrap();
        assert_eq!(body_text(small).await, "🦀");

        blobs.delete(&hash).await.unwrap();
        for rendition in [Original, Thumbnail] {
            assert!(blobs.read(&hash, rendition, 0..1).await.unwrap().is_none());
            assert!(blobs.size(&hash, rendition).await.unwrap().is_none());
        }
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
