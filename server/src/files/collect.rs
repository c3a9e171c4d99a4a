//! The collector: deletes the bytes no file has any more, and forgets the
//! uploads nobody sent.
//!
//! Deleting a message forgets its files in the same transaction and lists
//! their blobs as orphans; so does forgetting an upload that waited a day
//! for its message. The collector takes the orphans and deletes each blob
//! that no file has, under the blob's lock (`store/files.rs`), so an upload
//! of the same bytes meanwhile keeps it. The list is in the database, so
//! nothing is forgotten across a restart, and any node may collect.

use std::{sync::Arc, time::Duration};

use tokio_util::sync::CancellationToken;

use super::Blobs;
use crate::store::{now_millis, Store, StoreError};

/// How long an upload waits for the message that carries it.
pub const PENDING_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// The most orphans looked at in one round.
const ROUND: u32 = 100;

/// What one collection did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Collected {
    /// Uploads forgotten, never sent.
    pub expired: u64,
    /// Blobs deleted.
    pub deleted: u64,
}

/// Forgets uploads pending longer than [`PENDING_FOR`], then deletes every
/// orphaned blob no file has.
pub async fn collect(store: &dyn Store, blobs: &dyn Blobs) -> Result<Collected, StoreError> {
    let pending_for = i64::try_from(PENDING_FOR.as_millis()).unwrap_or(i64::MAX);
    let mut collected = Collected {
        expired: store.expire_pending(now_millis() - pending_for).await?,
        deleted: 0,
    };
    loop {
        let orphans = store.orphan_blobs(ROUND).await?;
        for hash in &orphans {
            if store.collect_blob(hash, blobs.delete(hash)).await? {
                collected.deleted += 1;
            }
        }
        if orphans.len() < ROUND as usize {
            return Ok(collected);
        }
    }
}

/// Collects every `every`, until `shutdown`.
pub async fn run(
    store: Arc<dyn Store>,
    blobs: Arc<dyn Blobs>,
    every: Duration,
    shutdown: CancellationToken,
) {
    let mut ticks = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = shutdown.cancelled() => return,
        }
        match collect(store.as_ref(), blobs.as_ref()).await {
            Ok(Collected {
                expired: 0,
                deleted: 0,
            }) => {}
            Ok(collected) => tracing::info!(
                expired = collected.expired,
                deleted = collected.deleted,
                "collected files"
            ),
            Err(error) => tracing::error!(%error, "cannot collect files"),
        }
    }
}
