//! Blobs in an S3-compatible object store, for several nodes: each node
//! stages uploads on its own disk and puts them in the one bucket, so a
//! file uploaded through one node downloads through any.
//!
//! Chosen by `--storage-url s3://<bucket>/<prefix>` (`BANTER_STORAGE_URL`);
//! the usual `AWS_*` variables say the rest (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and for a store that is not
//! Amazon's, `AWS_ENDPOINT_URL`, with `AWS_ALLOW_HTTP=true` for plain
//! HTTP). The keys mirror the directory's: `<prefix>/ab/cd/<hash>`, and
//! `.thumb` beside it. `object_store` signs, retries and streams; a put
//! goes up in parts, so memory stays bounded whatever the file.

use std::{io, ops::Range, path::Path, sync::Arc};

use axum::body::Body;
use futures::TryStreamExt;
use object_store::{
    aws::AmazonS3Builder, buffered::BufWriter, path::Path as Key, GetOptions, GetRange, ObjectStore,
};
use tokio::io::AsyncWriteExt;

use super::blobs::{fresh_staging, segments, Blobs, Rendition};
use crate::store::files::BlobHash;

/// Blobs in an S3 bucket, under a prefix.
#[derive(Debug)]
pub struct S3Blobs {
    store: Arc<dyn ObjectStore>,
    prefix: Key,
    staging: std::path::PathBuf,
}

impl S3Blobs {
    /// The bucket and prefix of `url` (`s3://bucket/prefix`), with the
    /// `AWS_*` variables and then `options` (keys as `object_store` names
    /// them: `aws_endpoint`, `aws_allow_http`, …); uploads staged in
    /// `staging`, which is emptied. Checks the bucket answers.
    pub async fn open(
        url: &str,
        options: &[(String, String)],
        staging: impl Into<std::path::PathBuf>,
    ) -> io::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|error| invalid(format!("{url}: {error}")))?;
        if parsed.scheme() != "s3" {
            return Err(invalid(format!("{url}: only s3:// is known")));
        }
        let mut builder = AmazonS3Builder::from_env().with_url(url);
        for (key, value) in options {
            let key = key
                .parse()
                .map_err(|error| invalid(format!("{key}: {error}")))?;
            builder = builder.with_config(key, value);
        }
        let store: Arc<dyn ObjectStore> = Arc::new(builder.build().map_err(io::Error::other)?);
        let prefix = Key::from(parsed.path().trim_matches('/'));
        // A key that is never written: "not found" says the bucket answers.
        match store.head(&prefix.child("banter-probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => return Err(io::Error::other(format!("{url}: {error}"))),
        }
        Ok(Self {
            store,
            prefix,
            staging: fresh_staging(staging.into())?,
        })
    }

    fn key(&self, hash: &BlobHash, rendition: Rendition) -> Key {
        let [first, second, name] = segments(hash, rendition);
        self.prefix.child(first).child(second).child(name)
    }

    async fn size_of(&self, key: &Key) -> io::Result<Option<u64>> {
        match self.store.head(key).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(io::Error::other(error)),
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[async_trait::async_trait]
impl Blobs for S3Blobs {
    fn staging(&self) -> &Path {
        &self.staging
    }

    async fn put(&self, hash: &BlobHash, rendition: Rendition, staged: &Path) -> io::Result<()> {
        let key = self.key(hash, rendition);
        if self.size_of(&key).await?.is_some() {
            return Ok(());
        }
        let mut file = tokio::fs::File::open(staged).await?;
        let mut upload = BufWriter::new(Arc::clone(&self.store), key);
        tokio::io::copy(&mut file, &mut upload).await?;
        upload.shutdown().await
    }

    async fn read(
        &self,
        hash: &BlobHash,
        rendition: Rendition,
        range: Range<u64>,
    ) -> io::Result<Option<Body>> {
        let range = match range.end {
            u64::MAX => GetRange::Offset(range.start),
            _ => GetRange::Bounded(range),
        };
        let options = GetOptions {
            range: Some(range),
            ..GetOptions::default()
        };
        match self
            .store
            .get_opts(&self.key(hash, rendition), options)
            .await
        {
            Ok(found) => Ok(Some(Body::from_stream(
                found.into_stream().map_err(io::Error::other),
            ))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(io::Error::other(error)),
        }
    }

    async fn size(&self, hash: &BlobHash, rendition: Rendition) -> io::Result<Option<u64>> {
        self.size_of(&self.key(hash, rendition)).await
    }

    async fn delete(&self, hash: &BlobHash) -> io::Result<()> {
        for rendition in [Rendition::Thumbnail, Rendition::Original] {
            match self.store.delete(&self.key(hash, rendition)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(io::Error::other(error)),
            }
        }
        Ok(())
    }
}
