//! Attempts counted per key within a [`WINDOW`], in memory: spec plans per caller (each of
//! which counts, since a plan tells whether a guessed secret is right). Sign-ins follow the
//! same rules, counted in the database so that they hold across replicas
//! ([`super::login_failures`]).
//!
//! Login attempts, rate-limited: after [`MAX_FAILURES`] wrong passwords for one user name
//! within [`WINDOW`], or [`MAX_FAILURES_PER_ADDRESS`] from one address (higher, since many
//! people may share a proxy's address), further attempts are refused until the window moves
//! on, whether or not their password is right, so guessing cannot continue.
//!
//! Checking and counting are one step: an attempt is counted as a failure when it begins and
//! forgiven if its password was right, so a burst of concurrent attempts cannot all pass the
//! check before any of them is counted. Entries older than the window are forgotten, and the
//! number of names and addresses remembered is capped.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 10;
pub const MAX_FAILURES_PER_ADDRESS: usize = 100;
pub const WINDOW: Duration = Duration::from_secs(60);
/// The most names and addresses remembered at once; past it the stalest are forgotten.
pub const MAX_KEYS: usize = 100_000;

/// What is counted: a key (`user:NAME`, `addr:IP`) and how many failures it may have.
pub type Counted = (String, usize);

/// Recent attempts per key.
#[derive(Default)]
pub struct AttemptLimiter {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    failures: HashMap<String, VecDeque<Instant>>,
    swept_at: Option<Instant>,
}

/// An attempt under way, counted as a failure until [`AttemptLimiter::forgive`] says otherwise.
pub struct Attempt {
    keys: Vec<String>,
    at: Instant,
}

impl AttemptLimiter {
    /// Begins an attempt: `Err(seconds to wait)` when any of `keys` has used up its failures,
    /// else the attempt, already counted against each key.
    pub fn begin(&self, keys: &[Counted], now: Instant) -> Result<Attempt, u64> {
        let mut state = self.state.lock().expect("limiter lock");
        state.sweep(now);
        let mut wait = None;
        for (key, max) in keys {
            let Some(times) = state.failures.get_mut(key) else {
                continue;
            };
            forget_before(times, now);
            if times.len() >= *max {
                let oldest = times.front().copied().unwrap_or(now);
                let left = WINDOW.saturating_sub(now.duration_since(oldest));
                wait = wait.max(Some(left.as_secs().max(1)));
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        for (key, _) in keys {
            state
                .failures
                .entry(key.clone())
                .or_default()
                .push_back(now);
        }
        state.cap();
        Ok(Attempt {
            keys: keys.iter().map(|(k, _)| k.clone()).collect(),
            at: now,
        })
    }

    /// The attempt's password was right: it does not count.
    pub fn forgive(&self, attempt: &Attempt) {
        let mut state = self.state.lock().expect("limiter lock");
        for key in &attempt.keys {
            if let Some(times) = state.failures.get_mut(key)
                && let Some(i) = times.iter().position(|t| *t == attempt.at)
            {
                times.remove(i);
            }
        }
    }

    /// How many names and addresses are remembered.
    pub fn remembered(&self) -> usize {
        self.state.lock().expect("limiter lock").failures.len()
    }
}

fn forget_before(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

impl State {
    /// At most once a second, forgets every entry older than the window.
    fn sweep(&mut self, now: Instant) {
        if self
            .swept_at
            .is_some_and(|at| now.duration_since(at) < Duration::from_secs(1))
        {
            return;
        }
        self.swept_at = Some(now);
        self.failures.retain(|_, times| {
            forget_before(times, now);
            !times.is_empty()
        });
    }

    /// Past [`MAX_KEYS`], forgets the keys whose newest failure is oldest.
    fn cap(&mut self) {
        if self.failures.len() <= MAX_KEYS {
            return;
        }
        let mut newest: Vec<(Instant, String)> = self
            .failures
            .iter()
            .filter_map(|(k, times)| Some((*times.back()?, k.clone())))
            .collect();
        newest.sort();
        let excess = self.failures.len() - MAX_KEYS;
        for (_, key) in newest.into_iter().take(excess) {
            self.failures.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_attempt_within_a_minute_is_refused_and_a_minute_later_allowed() {
        let limiter = AttemptLimiter::default();
        let keys = vec![("user:alice".to_owned(), MAX_FAILURES)];
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            let at = start + Duration::from_secs(i as u64);
            assert!(limiter.begin(&keys, at).is_ok(), "attempt {}", i + 1);
        }
        let eleventh = start + Duration::from_secs(30);
        assert_eq!(limiter.begin(&keys, eleventh).err(), Some(30));
        let bob = [("user:bob".to_owned(), MAX_FAILURES)];
        assert!(limiter.begin(&bob, eleventh).is_ok());
        assert!(limiter.begin(&keys, start + WINDOW).is_ok());
    }

    #[test]
    fn attempts_in_flight_count_before_they_finish_and_a_right_password_is_forgiven() {
        let limiter = AttemptLimiter::default();
        let keys = vec![("user:carol".to_owned(), 3)];
        let now = Instant::now();
        let in_flight: Vec<Attempt> = (0..3).map(|_| limiter.begin(&keys, now).unwrap()).collect();
        assert!(
            limiter.begin(&keys, now).is_err(),
            "a fourth concurrent attempt"
        );
        for attempt in in_flight {
            limiter.forgive(&attempt);
        }
        assert!(limiter.begin(&keys, now).is_ok());
    }

    #[test]
    fn old_entries_are_forgotten_whatever_key_is_asked_next() {
        let limiter = AttemptLimiter::default();
        let start = Instant::now();
        for i in 0..50 {
            let key = vec![(format!("user:name{i}"), MAX_FAILURES)];
            limiter.begin(&key, start).unwrap();
        }
        assert_eq!(limiter.remembered(), 50);
        let later = start + WINDOW + Duration::from_secs(1);
        limiter
            .begin(&[("user:other".to_owned(), MAX_FAILURES)], later)
            .unwrap();
        assert_eq!(limiter.remembered(), 1);
    }
}
