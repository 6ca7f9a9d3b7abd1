//! What a connection is doing, for its time limits: when bytes last moved, when the head of the
//! request being received started (its first byte read while no request was in flight), and
//! how many requests are being answered. [`Tracked`] notes reads and writes of the socket; a
//! request counts as in flight from when hyper hands it over until its answer is ready.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

use crate::config::ServerLimits as Limits;

#[derive(Debug)]
struct State {
    last_moved: Instant,
    head_started: Option<Instant>,
    in_flight: usize,
}

/// One connection's activity; cheap to clone.
#[derive(Debug, Clone)]
pub(super) struct Activity(Arc<Mutex<State>>);

/// Holds a request in flight until dropped.
pub(super) struct InFlight(Activity);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.in_flight -= 1;
        state.last_moved = Instant::now();
    }
}

impl Activity {
    pub(super) fn new() -> Self {
        Self(Arc::new(Mutex::new(State {
            last_moved: Instant::now(),
            head_started: None,
            in_flight: 0,
        })))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.0
            .lock()
            .expect("never poisoned: no panics under the lock")
    }

    fn read(&self) {
        let mut state = self.lock();
        let now = Instant::now();
        state.last_moved = now;
        if state.in_flight == 0 && state.head_started.is_none() {
            state.head_started = Some(now);
        }
    }

    fn wrote(&self) {
        self.lock().last_moved = Instant::now();
    }

    /// A request's head has been read whole: it is in flight until the guard is dropped.
    pub(super) fn request_started(&self) -> InFlight {
        let mut state = self.lock();
        state.in_flight += 1;
        state.head_started = None;
        InFlight(self.clone())
    }

    /// Which limit the connection broke at this moment, if any.
    fn broken(&self, limits: Limits) -> Option<&'static str> {
        let state = self.lock();
        match state.head_started {
            Some(started) if started.elapsed() > limits.header_read_timeout => {
                Some("its request head took longer than the header-read timeout")
            }
            None if state.in_flight == 0
                && state.last_moved.elapsed() > limits.keep_alive_timeout =>
            {
                Some("idle for longer than the keep-alive timeout")
            }
            _ => None,
        }
    }

    /// Completes when the connection breaks a limit, saying which.
    pub(super) async fn limit_broken(&self, limits: Limits) -> &'static str {
        let tick = limits
            .header_read_timeout
            .min(limits.keep_alive_timeout)
            .div_f64(4.0)
            .clamp(Duration::from_millis(50), Duration::from_secs(1));
        loop {
            tokio::time::sleep(tick).await;
            if let Some(broken) = self.broken(limits) {
                return broken;
            }
        }
    }
}

/// A socket whose reads and writes are noted in an [`Activity`].
pub(super) struct Tracked<I> {
    io: I,
    activity: Activity,
}

impl<I> Tracked<I> {
    pub(super) fn new(io: I, activity: Activity) -> Self {
        Self { io, activity }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Tracked<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Tracked<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        header_read_timeout: Duration::from_secs(10),
        keep_alive_timeout: Duration::from_secs(60),
        max_connections: 1,
    };

    #[tokio::test(start_paused = true)]
    async fn a_slow_head_an_idle_connection_and_a_long_answer_are_told_apart() {
        let slow_head = Activity::new();
        slow_head.read();
        tokio::time::advance(Duration::from_secs(11)).await;
        slow_head.read();
        assert!(slow_head.broken(LIMITS).unwrap().contains("header-read"));

        let idle = Activity::new();
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(idle.broken(LIMITS), None);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(idle.broken(LIMITS).unwrap().contains("keep-alive"));

        let answering = Activity::new();
        answering.read();
        let in_flight = answering.request_started();
        tokio::time::advance(Duration::from_secs(120)).await;
        assert_eq!(
            answering.broken(LIMITS),
            None,
            "a slow answer is no idle connection"
        );
        drop(in_flight);
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(answering.broken(LIMITS), None);
        answering.read();
        tokio::time::advance(Duration::from_secs(11)).await;
        assert!(
            answering.broken(LIMITS).is_some(),
            "the next request's head is timed"
        );
    }
}
