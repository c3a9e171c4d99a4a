//! Limits on attempts: failed log-ins per username and per address, sign-ups
//! per address.
//!
//! A sliding-window log rather than a token bucket: a log-in limit must be
//! checked *before* the attempt but charged only *if it fails*, and must tell
//! the user exactly when they may try again. Each key keeps at most `limit`
//! instants, so memory is bounded per key; keys whose window has passed are
//! pruned as new attempts arrive.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::config::Config;

/// The window of the log-in failure limits.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The window of the sign-up limit.
pub const SIGNUP_WINDOW: Duration = Duration::from_secs(60 * 60);

/// The attempt limits of accounts.
#[derive(Debug)]
pub struct AuthLimits {
    /// Failed log-ins per username (lower-cased).
    pub login_by_name: AttemptLimiter<String>,
    /// Failed log-ins per client address.
    pub login_by_addr: AttemptLimiter<IpAddr>,
    /// Sign-ups per client address.
    pub signups: AttemptLimiter<IpAddr>,
}

impl AuthLimits {
    pub fn new(config: &Config) -> Self {
        Self {
            login_by_name: AttemptLimiter::new(config.login_failures, LOGIN_WINDOW),
            login_by_addr: AttemptLimiter::new(config.login_failures, LOGIN_WINDOW),
            signups: AttemptLimiter::new(config.signups_per_hour, SIGNUP_WINDOW),
        }
    }
}

/// How many attempts each key may make within a window.
#[derive(Debug)]
pub struct AttemptLimiter<K> {
    limit: usize,
    window: Duration,
    /// The instants of the recent attempts of each key, oldest first. A plain
    /// mutex: every critical section is a few map operations.
    attempts: Mutex<HashMap<K, VecDeque<Instant>>>,
}

/// Prune stale keys once the map holds this many.
const PRUNE_AT: usize = 4096;

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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, VecDeque<Instant>>> {
        // The map stays consistent even if a holder panicked.
        self.attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
