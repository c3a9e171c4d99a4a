//! The write pipeline: one task stores every message and every change to a
//! message, and announces them.
//!
//! Sends, edits, deletes and reactions from all connections queue here. The
//! task takes whatever is waiting (up to [`MAX_BATCH`]) and stores it in one
//! transaction: one disk flush for the whole batch, which is what lets
//! SQLite acknowledge thousands of messages a second without weakening
//! durability. A batch of changes alone waits a moment for more while the
//! pipeline is busy ([`GATHER_CHANGES`]), so that a stream of reactions
//! makes a few transactions rather than one each, and a message does not
//! queue behind their flushes. The bus hears of what was made inside that
//! transaction and again after it commits, and announces it so that every
//! client receives a channel's changes in revision order (see
//! [`crate::bus`]); then each writer gets its answer, and the new messages
//! go on to [`crate::push`].

use std::{sync::Arc, time::Duration};

use tokio::{
    sync::{mpsc, oneshot},
    time::Instant,
};
use tracing::Instrument;

use crate::{
    bus::Bus,
    observe,
    push::Pusher,
    store::{Changed, NewChange, NewMessage, News, Store, Stored, Write, Written},
};

/// The most writes stored in one transaction.
pub const MAX_BATCH: usize = 256;

/// How long a batch of changes alone (no message in it) waits for more
/// writes to join it, when the pipeline committed a moment ago. A change
/// reaches a busy room with the room's next message or at the end of its
/// window anyway (`hub/batches.rs`), so these milliseconds go unseen; each
/// transaction they save is a disk flush that a message no longer waits
/// behind. A message joining the batch ends the wait.
const GATHER_CHANGES: Duration = Duration::from_millis(20);

/// The pipeline is busy if it committed this recently: only then do changes
/// wait for company (an idle server stores a lone reaction at once).
const BUSY: Duration = Duration::from_millis(100);

/// How many sends may wait for the pipeline before senders wait too.
const QUEUE: usize = 4096;

/// The pipeline could not store a batch (the error is logged).
#[derive(Debug, thiserror::Error)]
#[error("the message could not be stored")]
pub struct PipelineError;

struct Job {
    write: Write,
    reply: oneshot::Sender<Result<Written, PipelineError>>,
}

/// The handle senders use; cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    jobs: mpsc::Sender<Job>,
}

impl Pipeline {
    /// Starts the pipeline task. It runs until every handle is dropped.
    /// New messages go on to `pusher` once announced.
    pub fn start(store: Arc<dyn Store>, bus: Arc<dyn Bus>, pusher: Pusher) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(queue, store, bus, pusher));
        Self { jobs }
    }

    /// Stores a message (or finds the one already stored under its client
    /// id), and returns once it is committed and published.
    pub async fn store(&self, message: NewMessage) -> Result<Stored, PipelineError> {
        match self.write(Write::Message(message)).await? {
            Written::Message(stored) => Ok(stored),
            Written::Change(_) => Err(PipelineError),
        }
    }

    /// Makes a change to a message, and returns once it is committed and
    /// published.
    pub async fn change(&self, change: NewChange) -> Result<Changed, PipelineError> {
        match self.write(Write::Change(change)).await? {
            Written::Change(changed) => Ok(changed),
            Written::Message(_) => Err(PipelineError),
        }
    }

    async fn write(&self, write: Write) -> Result<Written, PipelineError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { write, reply })
            .await
            .map_err(|_| PipelineError)?;
        answer.await.map_err(|_| PipelineError)?
    }
}

async fn run(
    mut queue: mpsc::Receiver<Job>,
    store: Arc<dyn Store>,
    bus: Arc<dyn Bus>,
    pusher: Pusher,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut committed: Option<Instant> = None;
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        if committed.is_some_and(|at| at.elapsed() < BUSY) {
            gather_changes(&mut queue, &mut jobs).await;
        }
        let span = tracing::debug_span!("pipeline", batch = jobs.len());
        store_batch(&mut jobs, store.as_ref(), bus.as_ref(), &pusher)
            .instrument(span)
            .await;
        committed = Some(Instant::now());
    }
}

/// While `jobs` holds only changes, takes more writes for up to
/// [`GATHER_CHANGES`], until a message comes or the batch is full.
async fn gather_changes(queue: &mut mpsc::Receiver<Job>, jobs: &mut Vec<Job>) {
    let until = Instant::now() + GATHER_CHANGES;
    while jobs.len() < MAX_BATCH && jobs.iter().all(|job| matches!(job.write, Write::Change(_))) {
        let room = MAX_BATCH - jobs.len();
        match tokio::time::timeout_at(until, queue.recv_many(jobs, room)).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Stores one batch, announces what it made, and answers each writer.
async fn store_batch(jobs: &mut Vec<Job>, store: &dyn Store, bus: &dyn Bus, pusher: &Pusher) {
    let (writes, replies): (Vec<_>, Vec<_>) =
        jobs.drain(..).map(|job| (job.write, job.reply)).unzip();
    match store.write(&writes, bus).await {
        Ok(results) => {
            let news: Vec<_> = results
                .iter()
                .filter_map(|result| result.as_ref().ok()?.news())
                .collect();
            observe::batch_stored(writes.len(), &news);
            tracing::debug!(made = news.len(), "stored and committed");
            bus.committed(&news);
            pusher.stored(
                news.iter()
                    .filter_map(|news| match news {
                        News::Message(message) => Some(message.id),
                        News::Change(_) => None,
                    })
                    .collect(),
            );
            for (result, reply) in results.into_iter().zip(replies) {
                // A sender that went away no longer needs the answer.
                // (The store logged why a refused message failed.)
                let _ = reply.send(result.map_err(|_| PipelineError));
            }
        }
        Err(error) => {
            tracing::error!(%error, batch = writes.len(), "cannot store writes");
            for reply in replies {
                let _ = reply.send(Err(PipelineError));
            }
        }
    }
}
