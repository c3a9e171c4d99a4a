//! The hub's end of one connection: a bounded queue of frames it never
//! waits on, and a signal to close that the connection's task awaits.

use std::{
    future::Future,
    sync::{Arc, OnceLock},
    task::Poll,
};

use futures::task::AtomicWaker;
use tokio::sync::mpsc;

use crate::frame::Frame;

/// Why the hub asks a connection to close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The session was logged out: the client must sign in again.
    SessionEnded,
    /// The connection's queue overflowed: reconnect and catch up.
    Lagging,
}

/// Set once by the hub, awaited by the connection task (and only by it: it
/// wakes one waiter, which keeps waiting as cheap as an atomic load).
#[derive(Debug, Default)]
pub struct CloseSignal {
    pub(super) reason: OnceLock<CloseReason>,
    waker: AtomicWaker,
}

impl CloseSignal {
    pub(super) fn close(&self, reason: CloseReason) {
        if self.reason.set(reason).is_ok() {
            self.waker.wake();
        }
    }

    /// Resolves with the reason once the hub asks the connection to close.
    pub fn closed(&self) -> impl Future<Output = CloseReason> + '_ {
        std::future::poll_fn(|cx| {
            if let Some(reason) = self.reason.get() {
                return Poll::Ready(*reason);
            }
            self.waker.register(cx.waker());
            // Checked again: a close in between has woken no one.
            match self.reason.get() {
                Some(reason) => Poll::Ready(*reason),
                None => Poll::Pending,
            }
        })
    }
}

/// Where the hub puts one connection's frames, and how it asks it to close
/// (the connection task holds the other ends).
#[derive(Debug)]
pub(super) struct Outlet {
    pub(super) frames: mpsc::Sender<Frame>,
    pub(super) close: Arc<CloseSignal>,
}

impl Outlet {
    pub(super) fn push(&self, frame: &Frame) {
        match self.frames.try_send(frame.clone()) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.close.close(CloseReason::Lagging),
            // The task has ended and is about to unregister.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}
