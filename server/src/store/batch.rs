//! How a batch of writes is stored: together or each on its own, and who
//! hears of what it made before its transaction commits.

use super::{db::Tx, News, StoreError};

/// How a store writes a batch: all in one go, as it normally does, or (once
/// a row has failed that) each write under a savepoint of its own, so that
/// the write the database refuses fails alone. Savepoints cost two
/// statements a write, so they are only paid for when needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    Together,
    Each,
}

impl Isolation {
    /// Runs one write's `step` in `tx`: as it is when `Together` (its
    /// failure fails the batch), or under a savepoint of its own when
    /// `Each` (its failure is rolled back and returned as its result).
    pub(crate) async fn run<T>(
        self,
        tx: &mut Tx<'_>,
        step: impl AsyncFnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<Result<T, StoreError>, StoreError> {
        if self == Isolation::Together {
            return Ok(Ok(step(tx).await?));
        }
        let mut savepoint = tx.savepoint().await?;
        let result = step(&mut savepoint).await;
        match &result {
            Ok(_) => savepoint.commit().await?,
            Err(error) => {
                tracing::warn!(%error, "a write was refused");
                savepoint.rollback().await?;
            }
        }
        Ok(result)
    }
}

/// Told of what a batch made (new messages, changes) inside the transaction
/// that stores it, before it commits: what it writes there commits with
/// them, or not at all. The bus of several nodes announces this way, so
/// that it announces exactly what was stored, in commit order.
#[async_trait::async_trait]
pub trait Announce: Send + Sync {
    /// Nothing, unless the implementation has something to write.
    async fn in_transaction(&self, _: &mut Tx<'_>, _: &[News<'_>]) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Nobody to tell inside the transaction.
pub struct Silent;

impl Announce for Silent {}
