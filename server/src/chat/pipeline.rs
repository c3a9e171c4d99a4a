//! The message pipeline: one task stores every message and announces it.
//!
//! Sends from all connections queue here. The task takes whatever is waiting
//! (up to [`MAX_BATCH`]) and stores it in one transaction: one disk flush for
//! the whole batch, which is what lets SQLite acknowledge thousands of
//! messages a second without weakening durability. The bus hears of the new
//! messages inside that transaction and again after it commits, and
//! announces them so that every client receives a channel's messages in seq
//! order (see [`crate::bus`]); then each sender gets its answer.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::{
    bus::Bus,
    observe,
    store::{NewMessage, Store, Stored},
};

/// The most messages stored in one transaction.
pub const MAX_BATCH: usize = 256;

/// How many sends may wait for the pipeline before senders wait too.
const QUEUE: usize = 4096;

/// The pipeline could not store a batch (the error is logged).
#[derive(Debug, thiserror::Error)]
#[error("the message could not be stored")]
pub struct PipelineError;

struct Job {
    message: NewMessage,
    reply: oneshot::Sender<Result<Stored, PipelineError>>,
}

/// The handle senders use; cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    jobs: mpsc::Sender<Job>,
}

impl Pipeline {
    /// Starts the pipeline task. It runs until every handle is dropped.
    pub fn start(store: Arc<dyn Store>, bus: Arc<dyn Bus>) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(queue, store, bus));
        Self { jobs }
    }

    /// Stores a message (or finds the one already stored under its client
    /// id), and returns once it is committed and published.
    pub async fn store(&self, message: NewMessage) -> Result<Stored, PipelineError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { message, reply })
            .await
            .map_err(|_| PipelineError)?;
        answer.await.map_err(|_| PipelineError)?
    }
}

async fn run(mut queue: mpsc::Receiver<Job>, store: Arc<dyn Store>, bus: Arc<dyn Bus>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let span = tracing::debug_span!("pipeline", batch = jobs.len());
        store_batch(&mut jobs, store.as_ref(), bus.as_ref())
            .instrument(span)
            .await;
    }
}

/// Stores one batch, announces its new messages, and answers each sender.
async fn store_batch(jobs: &mut Vec<Job>, store: &dyn Store, bus: &dyn Bus) {
    let (messages, replies): (Vec<_>, Vec<_>) =
        jobs.drain(..).map(|job| (job.message, job.reply)).unzip();
    match store.insert_messages(&messages, bus).await {
        Ok(results) => {
            let new: Vec<_> = results
                .iter()
                .filter_map(|result| match result {
                    Ok(Stored::New(message)) => Some(message),
                    _ => None,
                })
                .collect();
            observe::batch_stored(messages.len(), new.len());
            tracing::debug!(new = new.len(), "stored and committed");
            bus.committed(&new);
            for (result, reply) in results.into_iter().zip(replies) {
                // A sender that went away no longer needs the answer.
                // (The store logged why a refused message failed.)
                let _ = reply.send(result.map_err(|_| PipelineError));
            }
        }
        Err(error) => {
            tracing::error!(%error, batch = messages.len(), "cannot store messages");
            for reply in replies {
                let _ = reply.send(Err(PipelineError));
            }
        }
    }
}
