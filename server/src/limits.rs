//! Rate limits, kept in memory on each node.
//!
//! Two shapes, for two needs:
//! - [`AttemptLimiter`], a sliding-window log, for log-ins and sign-ups: a
//!   log-in limit must be checked *before* the attempt but charged only *if it
//!   fails*, and must say exactly when the user may try again.
//! - [`TokenBuckets`], for message sends: a steady rate with bursts.
//!
//! Both are a mutex around a map, pruned as it grows, so memory stays bounded
//! by the number of recently active keys. (A rate-limiting crate would bring
//! a dozen dependencies for these few lines, and would not offer the
//! check-then-charge that log-ins need.)

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

/// Prune stale keys once a map holds this many.
const PRUNE_AT: usize = 4096;

/// How many attempts each key may make within a window.
#[derive(Debug)]
pub struct AttemptLimiter<K> {
    limit: usize,
    window: Duration,
    /// The instants of the recent attempts of each key, oldest first. A plain
    /// mutex: every critical section is a few map operations.
    attempts: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Hash + Eq + Clone> AttemptLimiter<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX).max(1),
            window,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `key` has used all its attempts in the window: `wait`
    /// is how long until the oldest of them leaves it.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let attempts = self.lock();
        match attempts.get(key) {
            Some(log) if self.recent(log, now) >= self.limit => {
                let oldest = log[log.len() - self.limit];
                Err((oldest + self.window).saturating_duration_since(now))
            }
            _ => Ok(()),
        }
    }

    /// Counts one attempt by `key`.
    pub fn record(&self, key: K, now: Instant) {
        let mut attempts = self.lock();
        if attempts.len() >= PRUNE_AT {
            let window = self.window;
            attempts.retain(|_, log| {
                log.back()
                    .is_some_and(|last| now.duration_since(*last) < window)
            });
        }
        let log = attempts.entry(key).or_default();
        log.push_back(now);
        while log.len() > self.limit {
            log.pop_front();
        }
    }

    /// Forgets the attempts of `key` (after a successful log-in).
    pub fn clear(&self, key: &K) {
        self.lock().remove(key);
    }

    fn recent(&self, log: &VecDeque<Instant>, now: Instant) -> usize {
        log.iter()
            .filter(|at| now.duration_since(**at) < self.window)
            .count()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, VecDeque<Instant>>> {
        // The map stays consistent even if a holder panicked.
        self.attempts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A token bucket per key: `rate` tokens a second, at most `burst` saved up.
#[derive(Debug)]
pub struct TokenBuckets<K> {
    rate: f64,
    burst: f64,
    /// Each key's tokens and when they were counted.
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq + Clone> TokenBuckets<K> {
    pub fn new(rate: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(rate.max(1)),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token of `key`'s, or says how long until one is available.
    pub fn take(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= PRUNE_AT {
            // A bucket that has refilled completely is the same as no bucket.
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key.clone()).or_insert((self.burst, now));
        let refilled = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * self.rate)
            .min(self.burst);
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            *at = now;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - refilled) / self.rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn allows_the_limit_then_refuses_until_the_oldest_expires() {
        let limiter = AttemptLimiter::new(3, 15 * MINUTE);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.check(&"k", start + i * MINUTE), Ok(()));
            limiter.record("k", start + i * MINUTE);
        }
        let now = start + 5 * MINUTE;
        assert_eq!(limiter.check(&"k", now), Err(10 * MINUTE));
        assert_eq!(limiter.check(&"other", now), Ok(()));
        assert_eq!(limiter.check(&"k", start + 15 * MINUTE), Ok(()));
    }

    #[test]
    fn clearing_a_key_lifts_its_limit() {
        let limiter = AttemptLimiter::new(1, MINUTE);
        let now = Instant::now();
        limiter.record("k", now);
        assert!(limiter.check(&"k", now).is_err());
        limiter.clear(&"k");
        assert_eq!(limiter.check(&"k", now), Ok(()));
    }

    #[test]
    fn buckets_allow_a_burst_then_the_rate() {
        let buckets = TokenBuckets::new(10, 20);
        let start = Instant::now();
        for _ in 0..20 {
            assert_eq!(buckets.take(&"u", start), Ok(()));
        }
        let wait = buckets.take(&"u", start).unwrap_err();
        assert!(
            wait > Duration::from_millis(90) && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        assert_eq!(
            buckets.take(&"u", start + Duration::from_millis(100)),
            Ok(())
        );
        assert!(buckets
            .take(&"u", start + Duration::from_millis(100))
            .is_err());
        assert_eq!(buckets.take(&"other", start), Ok(()));
    }

    #[test]
    fn stale_keys_are_pruned() {
        let limiter = AttemptLimiter::new(1, MINUTE);
        let start = Instant::now();
        for key in 0..PRUNE_AT {
            limiter.record(key, start);
        }
        limiter.record(usize::MAX, start + 2 * MINUTE);
        assert_eq!(limiter.lock().len(), 1);
    }
}
