//! The request budget of one Connect cluster: at most so many calls in flight and so many
//! started per second, shared by everything that calls the cluster (the console, the
//! passthrough, the background loops). A caller over the budget waits its turn, up to
//! [`MAX_WAIT`]; past that it is refused with the number of seconds after which a retry may
//! get through, which the HTTP edge answers as 429 with `Retry-After`. The calls one request
//! makes share that wait: together they wait no longer than [`MAX_WAIT`] from the request's
//! start ([`wait_until`]).

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::cluster::RequestBudget;

/// The longest a call waits for its turn before it is refused.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(5);

/// The latest a call of a request that began `at` may wait until for its turn.
pub(crate) fn wait_until(at: std::time::Instant) -> Instant {
    Instant::from_std(at) + MAX_WAIT
}

/// Calls to one cluster admitted so far: a semaphore for concurrency, a token bucket for rate.
pub(crate) struct Budget {
    in_flight: std::sync::Arc<Semaphore>,
    rate: Mutex<Bucket>,
    max_wait: Duration,
}

/// A token bucket that may go below zero: each negative token is a caller already promised a
/// start time, so callers are served in the order they came.
struct Bucket {
    per_second: f64,
    tokens: f64,
    refilled_at: Instant,
}

/// A call refused because the budget is spent for longer than a caller may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverBudget {
    pub(crate) retry_after_s: u64,
}

impl Budget {
    pub(crate) fn new(limits: RequestBudget) -> Self {
        Self::with_max_wait(limits, MAX_WAIT)
    }

    pub(crate) fn with_max_wait(limits: RequestBudget, max_wait: Duration) -> Self {
        let per_second = f64::from(limits.per_second.max(1));
        Self {
            in_flight: std::sync::Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            // A full second's worth may start at once.
            rate: Mutex::new(Bucket {
                per_second,
                tokens: per_second,
                refilled_at: Instant::now(),
            }),
            max_wait,
        }
    }

    /// Waits for a start slot and a place among the calls in flight, until `until` at the
    /// latest (the call's request's deadline, if any) and no longer than a call may; the
    /// permit is held for the length of the call.
    pub(crate) async fn admit(
        &self,
        until: Option<Instant>,
    ) -> Result<OwnedSemaphorePermit, OverBudget> {
        let started = Instant::now();
        let max_wait = until.map_or(self.max_wait, |until| {
            until.saturating_duration_since(started).min(self.max_wait)
        });
        let delay = self.reserve_start(max_wait)?;
        tokio::time::sleep(delay).await;
        let left = max_wait.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, self.in_flight.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(OverBudget { retry_after_s: 1 }),
        }
    }

    /// How long the caller must wait to start, having taken a token; refused (and the token
    /// given back) when that is longer than `max_wait`.
    fn reserve_start(&self, max_wait: Duration) -> Result<Duration, OverBudget> {
        let mut bucket = self.rate.lock().expect("budget lock");
        let now = Instant::now();
        let earned = now.duration_since(bucket.refilled_at).as_secs_f64() * bucket.per_second;
        bucket.tokens = (bucket.tokens + earned).min(bucket.per_second);
        bucket.refilled_at = now;
        bucket.tokens -= 1.0;
        let wait = Duration::from_secs_f64((-bucket.tokens).max(0.0) / bucket.per_second);
        if wait > max_wait {
            bucket.tokens += 1.0;
            return Err(OverBudget {
                retry_after_s: wait.as_secs().max(1),
            });
        }
        Ok(wait)
    }

    /// How many calls may start right now without waiting (for tests).
    #[cfg(test)]
    fn available(&self) -> usize {
        self.in_flight.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_concurrent: usize, per_second: u32) -> RequestBudget {
        RequestBudget {
            max_concurrent,
            per_second,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn calls_past_the_rate_wait_their_turn_in_order() {
        let budget = Budget::new(limits(100, 10));
        let started = tokio::time::Instant::now();
        for _ in 0..10 {
            drop(budget.admit(None).await.unwrap());
        }
        assert_eq!(
            started.elapsed(),
            Duration::ZERO,
            "a second's worth starts at once"
        );

        drop(budget.admit(None).await.unwrap());
        drop(budget.admit(None).await.unwrap());

        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(199) && waited < Duration::from_millis(250),
            "two more at 10/s wait about 200 ms, waited {waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn callers_that_would_wait_too_long_are_refused_with_a_retry_time() {
        let budget = Budget::with_max_wait(limits(100, 2), Duration::from_secs(1));

        // All ask at once: two start now, two wait 0.5 s and 1 s, the fifth would wait 1.5 s.
        let answers = futures::future::join_all((0..5).map(|_| budget.admit(None))).await;

        let refused: Vec<_> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
        assert_eq!(refused, vec![&OverBudget { retry_after_s: 1 }]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_more_than_the_limit_are_in_flight_and_a_finished_call_frees_its_place() {
        let budget = Budget::with_max_wait(limits(2, 1000), Duration::from_millis(100));
        let first = budget.admit(None).await.unwrap();
        let _second = budget.admit(None).await.unwrap();
        assert_eq!(budget.available(), 0);

        assert_eq!(
            budget.admit(None).await.unwrap_err(),
            OverBudget { retry_after_s: 1 },
            "a third waits, then is refused"
        );
        drop(first);
        drop(budget.admit(None).await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn the_calls_of_one_request_together_wait_no_longer_than_one_call_may() {
        let budget = Budget::with_max_wait(limits(100, 1), Duration::from_secs(5));
        let until = Some(Instant::now() + Duration::from_millis(1500));

        // One a second: the first starts now, the second at 1 s, the third would at 2 s.
        drop(budget.admit(until).await.unwrap());
        drop(budget.admit(until).await.unwrap());
        let third = budget.admit(until).await;
        let of_no_request = budget.admit(None).await;

        assert_eq!(third.unwrap_err(), OverBudget { retry_after_s: 1 });
        assert!(
            of_no_request.is_ok(),
            "a call of no request still waits its own 5 s"
        );
    }
}
