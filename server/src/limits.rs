//! Rate limits, kept in memory on each node.
//!
//! Two shapes, for two needs:
//! - [`AttemptLimiter`], a sliding-window log, for log-ins and sign-ups: a
//!   log-in limit must be checked *before* the attempt but charged only *if it
//!   fails*, and must say exactly when the user may try again.
//! - [`TokenBuckets`], for message sends and other requests: a steady rate
//!   with bursts, configured as a [`Rate`] such as `30/min`.
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
        self.push(&mut attempts, key, now);
    }

    /// Checks and counts one attempt by `key` in one step, before the
    /// attempt is made, so that attempts running side by side cannot all
    /// pass the check before any of them is counted. `Err(wait)` as for
    /// [`check`](Self::check). The attempt stays counted unless the
    /// reservation is [refunded](Reservation::refund).
    pub fn reserve(&self, key: K, now: Instant) -> Result<Reservation<'_, K>, Duration> {
        let mut attempts = self.lock();
        if let Some(log) = attempts.get(&key) {
            if self.recent(log, now) >= self.limit {
                let oldest = log[log.len() - self.limit];
                return Err((oldest + self.window).saturating_duration_since(now));
            }
        }
        self.push(&mut attempts, key.clone(), now);
        Ok(Reservation {
            limiter: self,
            key,
            at: now,
        })
    }

    fn push(&self, attempts: &mut HashMap<K, VecDeque<Instant>>, key: K, now: Instant) {
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

/// An attempt counted by [`AttemptLimiter::reserve`]. Dropping it leaves
/// the attempt counted (an attempt cut short still counts); an attempt that
/// turned out not to count (a successful log-in) is refunded.
#[must_use = "an attempt stays counted unless refunded"]
#[derive(Debug)]
pub struct Reservation<'a, K: Hash + Eq + Clone> {
    limiter: &'a AttemptLimiter<K>,
    key: K,
    at: Instant,
}

impl<K: Hash + Eq + Clone> Reservation<'_, K> {
    /// Takes the attempt back off its key's count.
    pub fn refund(self) {
        let mut attempts = self.limiter.lock();
        if let Some(log) = attempts.get_mut(&self.key) {
            if let Some(index) = log.iter().rposition(|at| *at == self.at) {
                log.remove(index);
            }
            if log.is_empty() {
                attempts.remove(&self.key);
            }
        }
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
    /// `rate` tokens a second, at most `burst` saved up.
    pub fn new(rate: u32, burst: u32) -> Self {
        Self::with(f64::from(rate.max(1)), f64::from(burst.max(1)))
    }

    /// Buckets for `rate`: up to its count at once, refilled over its period.
    pub fn for_rate(rate: Rate) -> Self {
        let count = f64::from(rate.count.max(1));
        Self::with(count / rate.per.seconds(), count)
    }

    fn with(rate: f64, burst: f64) -> Self {
        Self {
            rate,
            burst,
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

/// A rate limit as configured: `count` per `per`, written `20/s`, `30/min`
/// or `10/h`. Up to `count` may come at once; the allowance refills evenly
/// over the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Period,
}

/// The period of a [`Rate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Second,
    Minute,
    Hour,
}

impl Period {
    fn seconds(self) -> f64 {
        match self {
            Period::Second => 1.0,
            Period::Minute => 60.0,
            Period::Hour => 3600.0,
        }
    }
}

impl std::str::FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("{text:?} is not a rate such as 20/s, 30/min or 10/h");
        let (count, per) = text.trim().split_once('/').ok_or_else(wrong)?;
        let count: u32 = count.trim().parse().map_err(|_| wrong())?;
        let per = match per.trim() {
            "s" | "sec" | "second" => Period::Second,
            "m" | "min" | "minute" => Period::Minute,
            "h" | "hour" => Period::Hour,
            _ => return Err(wrong()),
        };
        if count == 0 {
            return Err(format!("{text:?}: a rate must allow at least 1"));
        }
        Ok(Rate { count, per })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per = match self.per {
            Period::Second => "s",
            Period::Minute => "min",
            Period::Hour => "h",
        };
        write!(f, "{}/{per}", self.count)
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
    fn reserving_checks_and_counts_in_one_step() {
        let limiter = AttemptLimiter::new(2, MINUTE);
        let now = Instant::now();
        let first = limiter.reserve("k", now).unwrap();
        let _second = limiter.reserve("k", now).unwrap();
        assert_eq!(limiter.reserve("k", now).unwrap_err(), MINUTE);
        first.refund();
        assert!(limiter.reserve("k", now).is_ok(), "a refund frees its slot");
        assert!(limiter.reserve("k", now).is_err());
        assert!(limiter.reserve("other", now).is_ok());
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
    fn rates_read_as_written() {
        let rate: Rate = "30/min".parse().unwrap();
        assert_eq!(
            rate,
            Rate {
                count: 30,
                per: Period::Minute
            }
        );
        assert_eq!(rate.to_string(), "30/min");
        assert_eq!("20/s".parse::<Rate>().unwrap().to_string(), "20/s");
        assert_eq!(" 5 / h ".parse::<Rate>().unwrap().to_string(), "5/h");
        for bad in ["", "10", "x/s", "10/day", "0/s", "-1/s", "10/"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_rate_allows_its_count_at_once_then_refills_over_its_period() {
        let buckets = TokenBuckets::for_rate("6/min".parse().unwrap());
        let start = Instant::now();
        for _ in 0..6 {
            assert_eq!(buckets.take(&"u", start), Ok(()));
        }
        let wait = buckets.take(&"u", start).unwrap_err();
        assert!(
            wait.abs_diff(Duration::from_secs(10)) < Duration::from_millis(1),
            "one more every ten seconds: {wait:?}"
        );
        let later = start + Duration::from_millis(10_001);
        assert_eq!(buckets.take(&"u", later), Ok(()));
        assert!(buckets.take(&"u", later).is_err());
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
