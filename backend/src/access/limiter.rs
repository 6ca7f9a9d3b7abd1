//! Login attempts, rate-limited: after [`MAX_FAILURES`] wrong passwords for one user name
//! within [`WINDOW`], or [`MAX_FAILURES_PER_ADDRESS`] from one address (higher, since many
//! people may share a proxy's address), further attempts are refused until the window moves
//! on, whether or not their password is right, so guessing cannot continue.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 10;
pub const MAX_FAILURES_PER_ADDRESS: usize = 100;
pub const WINDOW: Duration = Duration::from_secs(60);

/// What is counted: a key (`user:NAME`, `addr:IP`) and how many failures it may have.
pub type Counted = (String, usize);

/// Recent failures per key.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// `Err(seconds to wait)` when any of `keys` has used up its failures.
    pub fn check(&self, keys: &[Counted], now: Instant) -> Result<(), u64> {
        let mut failures = self.failures.lock().expect("limiter lock");
        let mut wait = None;
        for (key, max) in keys {
            let Some(times) = failures.get_mut(key) else {
                continue;
            };
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                times.pop_front();
            }
            if times.len() >= *max {
                let oldest = times.front().copied().unwrap_or(now);
                let left = WINDOW.saturating_sub(now.duration_since(oldest));
                wait = wait.max(Some(left.as_secs().max(1)));
            }
        }
        failures.retain(|_, times| !times.is_empty());
        wait.map_or(Ok(()), Err)
    }

    pub fn record_failure(&self, keys: &[Counted], now: Instant) {
        let mut failures = self.failures.lock().expect("limiter lock");
        for (key, _) in keys {
            failures.entry(key.clone()).or_default().push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_attempt_within_a_minute_is_refused_and_a_minute_later_allowed() {
        let limiter = LoginLimiter::default();
        let keys = vec![("user:alice".to_owned(), MAX_FAILURES)];
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            let at = start + Duration::from_secs(i as u64);
            assert_eq!(limiter.check(&keys, at), Ok(()), "attempt {}", i + 1);
            limiter.record_failure(&keys, at);
        }
        let eleventh = start + Duration::from_secs(30);
        assert_eq!(limiter.check(&keys, eleventh), Err(30));
        let bob = [("user:bob".to_owned(), MAX_FAILURES)];
        assert_eq!(limiter.check(&bob, eleventh), Ok(()));
        assert_eq!(limiter.check(&keys, start + WINDOW), Ok(()));
    }
}
