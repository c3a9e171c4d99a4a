//! Polling one branch of a connection's loop only when it was woken.
//!
//! `select!` polls every branch each time the task wakes, whatever woke it.
//! On a connection that mostly receives the hub's frames, that means reading
//! the socket (locking its halves, zeroing a buffer, asking the reactor) on
//! every frame, only to find nothing there. [`Woken`] wraps a stream so that
//! it is polled again only after it returned an item or woke its task
//! itself: between, a poll costs an atomic load. A future (the server's
//! shutdown, which locks a list of waiters on every poll) is wrapped alike.

use std::{
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::{Context, Poll, Wake, Waker},
};

use futures::{task::AtomicWaker, Stream};

/// A stream or future polled only when it has something to say.
pub struct Woken<S> {
    inner: S,
    signal: Arc<Signal>,
    /// Wakes `signal`: handed to `inner` in place of the task's waker.
    waker: Waker,
}

/// Set by the inner stream's waker; wakes the task that polls [`Woken`].
struct Signal {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

impl<S> Woken<S> {
    pub fn new(inner: S) -> Self {
        let signal = Arc::new(Signal {
            // Not polled yet: it must be, once.
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        let waker = Waker::from(signal.clone());
        Self {
            inner,
            signal,
            waker,
        }
    }

    /// Polls `inner` with `poll` if it woke since it was last pending.
    fn poll_inner<T>(
        &mut self,
        cx: &Context<'_>,
        poll: impl FnOnce(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
    ) -> Poll<T>
    where
        S: Unpin,
    {
        self.signal.task.register(cx.waker());
        // Cleared before the poll: a wake during it sets it again.
        if !self.signal.woken.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        let ready = poll(
            Pin::new(&mut self.inner),
            &mut Context::from_waker(&self.waker),
        );
        if ready.is_ready() {
            // More may be buffered already, with no wake to come for it.
            self.signal.woken.store(true, Ordering::Release);
        }
        ready
    }
}

impl<S: Stream + Unpin> Stream for Woken<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_inner(cx, Stream::poll_next)
    }
}

impl<F: Future + Unpin> Future for Woken<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().poll_inner(cx, Future::poll)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use futures::{channel::mpsc, StreamExt};

    use super::*;

    /// Counts how often the inner stream is polled.
    struct Counted<S> {
        inner: S,
        polls: Arc<AtomicUsize>,
    }

    impl<S: Stream + Unpin> Stream for Counted<S> {
        type Item = S::Item;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
            self.polls.fetch_add(1, Ordering::Relaxed);
            Pin::new(&mut self.inner).poll_next(cx)
        }
    }

    #[tokio::test]
    async fn polls_the_stream_only_after_it_woke_or_yielded() {
        let (tx, rx) = mpsc::unbounded::<u32>();
        let polls = Arc::new(AtomicUsize::new(0));
        let mut stream = Woken::new(Counted {
            inner: rx,
            polls: polls.clone(),
        });
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);

        assert!(stream.poll_next_unpin(&mut cx).is_pending());
        assert_eq!(polls.load(Ordering::Relaxed), 1, "polled once at first");
        for _ in 0..10 {
            assert!(stream.poll_next_unpin(&mut cx).is_pending());
        }
        assert_eq!(polls.load(Ordering::Relaxed), 1, "not polled unwoken");

        tx.unbounded_send(1).unwrap();
        tx.unbounded_send(2).unwrap();
        assert_eq!(stream.next().await, Some(1));
        assert_eq!(stream.next().await, Some(2), "buffered items still come");
        drop(tx);
        assert_eq!(stream.next().await, None, "and so does the end");
    }
}
