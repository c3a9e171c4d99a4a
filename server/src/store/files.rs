//! Files: what is recorded of each upload, who may download it, and when
//! its bytes may go.
//!
//! # Why a lock per blob
//! The bytes live outside the database (`files/blobs.rs`), once per hash,
//! however many files share them. Two things touch a blob: an upload that
//! records a file and puts its bytes, and the collector that deletes bytes
//! no file has any more. If the collector found no file, and an upload of
//! the same bytes then recorded one and saw its blob already there, the
//! collector would delete bytes that a file needs. So both run under one
//! lock per hash, held by a transaction: the upload records its file and
//! puts its bytes; the collector looks for files and deletes the bytes;
//! never the one in the middle of the other. (SQLite's writers take turns
//! anyway; on PostgreSQL it is an advisory lock.)

use app::{
    model::{ChannelId, UserId},
    protocol::{Attachment, FileId},
};
use futures::future::BoxFuture;

use super::{attachments::attachment, db::Tx, now_millis, SqlStore, StoreError};

/// The first half of the advisory locks blobs take ("blob"), so that they
/// share no key with other locks.
const BLOB_LOCKS: i32 = 0x626c_6f62;

/// A blob's name: the SHA-256 of its bytes, in lowercase hex. Nothing else
/// can be one, so it is safe as a file name or an object key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlobHash(String);

impl BlobHash {
    /// `hex` if it is 64 lowercase hex digits.
    pub fn parse(hex: &str) -> Option<Self> {
        let valid = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| Self(hex.to_owned()))
    }

    /// The hash of bytes, as `sha2` gives it.
    pub fn from_digest(digest: &[u8]) -> Self {
        Self(digest.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This blob's advisory lock key: its first four bytes.
    fn lock_key(&self) -> i32 {
        let prefix = self.0.get(..8).unwrap_or("0");
        u32::from_str_radix(prefix, 16).map_or(0, |key| i32::from_le_bytes(key.to_le_bytes()))
    }
}

/// An upload to record.
#[derive(Clone, Debug)]
pub struct NewFile {
    pub channel: ChannelId,
    pub uploader: UserId,
    pub hash: BlobHash,
    pub name: String,
    pub size: u64,
    pub media: String,
    pub width: u32,
    pub height: u32,
    /// The media type of an image's thumbnail, if it has one (a small
    /// image is its own).
    pub thumb: Option<&'static str>,
}

/// A file as a download needs it.
#[derive(Clone, Debug)]
pub struct StoredFile {
    pub attachment: Attachment,
    pub hash: BlobHash,
    /// The media type of its thumbnail, if it has one.
    pub thumb: Option<String>,
}

/// Files.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Records `file`, pending until a message carries it, and runs `put`
    /// (which stores its bytes) under its blob's lock: if `put` fails,
    /// nothing is recorded.
    async fn add_file(
        &self,
        file: &NewFile,
        put: BoxFuture<'_, std::io::Result<()>>,
    ) -> Result<Attachment, StoreError>;

    /// The bytes of every file `user` uploaded, shared or not.
    async fn uploaded_bytes(&self, user: UserId) -> Result<u64, StoreError>;

    /// The file `id`, if `viewer` may download it: they are a member of
    /// its channel, and a message that stands carries it, or it is their
    /// own upload waiting for its message.
    async fn file_for(&self, id: FileId, viewer: UserId) -> Result<Option<StoredFile>, StoreError>;

    /// Forgets the uploads made before `before` (Unix milliseconds) that
    /// no message carries; their blobs go to the collector.
    async fn expire_pending(&self, before: i64) -> Result<u64, StoreError>;

    /// Up to `limit` blobs that may no longer be needed.
    async fn orphan_blobs(&self, limit: u32) -> Result<Vec<BlobHash>, StoreError>;

    /// Runs `delete` (which deletes the blob's bytes) if no file has the
    /// blob `hash`, under its lock, and takes it off the orphans: whether
    /// it was deleted.
    async fn collect_blob(
        &self,
        hash: &BlobHash,
        delete: BoxFuture<'_, std::io::Result<()>>,
    ) -> Result<bool, StoreError>;
}

/// Waits for the lock of the blob `hash` (PostgreSQL; SQLite's writers
/// hold the whole database).
async fn lock_blob(tx: &mut Tx<'_>, hash: &BlobHash) -> Result<(), StoreError> {
    if tx.dialect().locks_rows() {
        tx.sql("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(BLOB_LOCKS)
            .bind(hash.lock_key())
            .execute()
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl FileStore for SqlStore {
    async fn add_file(
        &self,
        file: &NewFile,
        put: BoxFuture<'_, std::io::Result<()>>,
    ) -> Result<Attachment, StoreError> {
        let mut tx = self.db.begin().await?;
        lock_blob(&mut tx, &file.hash).await?;
        let id: i64 = tx
            .sql(
                "INSERT INTO files (channel_id, uploader_id, hash, name, size, media, width,
                                    height, thumb_media, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(file.channel)
            .bind(file.uploader)
            .bind(file.hash.as_str())
            .bind(file.name.as_str())
            .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
            .bind(file.media.as_str())
            .bind(i64::from(file.width))
            .bind(i64::from(file.height))
            .bind(file.thumb)
            .bind(now_millis())
            .scalar()
            .await?;
        // Wanted again: not the collector's any more.
        tx.sql("DELETE FROM orphan_blobs WHERE hash = $1")
            .bind(file.hash.as_str())
            .execute()
            .await?;
        put.await.map_err(StoreError::Blob)?;
        tx.commit().await?;
        Ok(attachment((
            id,
            file.name.clone(),
            i64::try_from(file.size).unwrap_or(i64::MAX),
            file.media.clone(),
            i64::from(file.width),
            i64::from(file.height),
        )))
    }

    async fn uploaded_bytes(&self, user: UserId) -> Result<u64, StoreError> {
        let total: i64 = self
            .db
            .sql("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files WHERE uploader_id = $1")
            .bind(user)
            .scalar()
            .await?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    async fn file_for(&self, id: FileId, viewer: UserId) -> Result<Option<StoredFile>, StoreError> {
        type Row = (i64, String, i64, String, i64, i64, String, Option<String>);
        let row: Option<Row> = self
            .db
            .sql(
                "SELECT f.id, f.name, f.size, f.media, f.width, f.height, f.hash, f.thumb_media
                 FROM files f
                 JOIN memberships ms ON ms.channel_id = f.channel_id AND ms.user_id = $2
                 LEFT JOIN messages m ON m.id = f.message_id
                 WHERE f.id = $1
                   AND ((m.id IS NOT NULL AND m.deleted_at IS NULL)
                        OR (f.message_id IS NULL AND f.uploader_id = $2))",
            )
            .bind(id)
            .bind(viewer)
            .fetch_optional()
            .await?;
        Ok(
            row.and_then(|(id, name, size, media, width, height, hash, thumb)| {
                Some(StoredFile {
                    attachment: attachment((id, name, size, media, width, height)),
                    hash: BlobHash::parse(&hash)?,
                    thumb,
                })
            }),
        )
    }

    async fn expire_pending(&self, before: i64) -> Result<u64, StoreError> {
        let mut tx = self.db.begin().await?;
        tx.sql(
            "INSERT INTO orphan_blobs (hash, since)
             SELECT DISTINCT hash, $2 FROM files WHERE message_id IS NULL AND created_at < $1
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(before)
        .bind(now_millis())
        .execute()
        .await?;
        let gone = tx
            .sql("DELETE FROM files WHERE message_id IS NULL AND created_at < $1")
            .bind(before)
            .execute()
            .await?;
        tx.commit().await?;
        Ok(gone)
    }

    async fn orphan_blobs(&self, limit: u32) -> Result<Vec<BlobHash>, StoreError> {
        let hashes: Vec<String> = self
            .db
            .sql("SELECT hash FROM orphan_blobs ORDER BY since, hash LIMIT $1")
            .bind(i64::from(limit))
            .scalars()
            .await?;
        Ok(hashes.iter().filter_map(|h| BlobHash::parse(h)).collect())
    }

    async fn collect_blob(
        &self,
        hash: &BlobHash,
        delete: BoxFuture<'_, std::io::Result<()>>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        lock_blob(&mut tx, hash).await?;
        let wanted: i64 = tx
            .sql("SELECT COUNT(*) FROM files WHERE hash = $1")
            .bind(hash.as_str())
            .scalar()
            .await?;
        if wanted == 0 {
            delete.await.map_err(StoreError::Blob)?;
        }
        tx.sql("DELETE FROM orphan_blobs WHERE hash = $1")
            .bind(hash.as_str())
            .execute()
            .await?;
        tx.commit().await?;
        Ok(wanted == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sha256_in_lowercase_hex_names_a_blob() {
        let hex = "ab".repeat(32);
        assert!(BlobHash::parse(&hex).is_some());
        assert!(BlobHash::parse(&hex.to_uppercase()).is_none());
        assert!(BlobHash::parse(&hex[1..]).is_none());
        assert!(BlobHash::parse(&format!("../{}", &hex[3..])).is_none());
        assert!(BlobHash::parse("").is_none());
        assert_eq!(BlobHash::from_digest(&[0xab; 32]).as_str(), hex);
    }

    #[test]
    fn lock_keys_differ_with_the_hash() {
        let a = BlobHash::parse(&"ab".repeat(32)).unwrap();
        let b = BlobHash::parse(&"cd".repeat(32)).unwrap();
        assert_ne!(a.lock_key(), b.lock_key());
    }
}
