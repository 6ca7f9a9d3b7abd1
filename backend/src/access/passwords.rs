//! Passwords, hashed with argon2id (the crate's defaults: 19 MiB and tens of milliseconds of
//! CPU each) in PHC string form. Hashing and checking run on a small pool of threads of their
//! own with a short queue, so a flood of sign-ins costs at most [`WORKERS`] hashes' memory at
//! once and is refused quickly (503) instead of piling up; and a name that is not a user is
//! checked against a dummy hash, so it takes as long to refuse as a wrong password.

use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;
/// Threads that hash; each holds one hash's memory at a time.
pub const WORKERS: usize = 2;
/// Jobs that may wait for a thread; more are refused at once.
pub const QUEUE: usize = 8;

type Job = Box<dyn FnOnce() + Send>;

/// The pool's queue, started on first use.
fn pool() -> &'static SyncSender<Job> {
    static POOL: OnceLock<SyncSender<Job>> = OnceLock::new();
    POOL.get_or_init(|| start_pool(WORKERS, QUEUE))
}

fn start_pool(workers: usize, queue: usize) -> SyncSender<Job> {
    let (sender, receiver) = sync_channel::<Job>(queue);
    let receiver = Arc::new(Mutex::new(receiver));
    for i in 0..workers {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || work(&receiver))
            .expect("the operating system starts a thread");
    }
    sender
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let job = jobs.lock().expect("pool lock").recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `job` on `pool`; `Busy` when its queue is full.
async fn on_pool<T: Send + 'static>(
    pool: &SyncSender<Job>,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let (done, answer) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(job());
    });
    match pool.try_send(job) {
        Ok(()) => answer.await.map_err(|_| ApiError::Busy),
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(ApiError::Busy),
    }
}

/// The PHC string of `password`, or why it is refused.
pub async fn hash(password: String) -> Result<String, ApiError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(ApiError::BadRequest(format!(
            "a password needs at least {MIN_LENGTH} characters"
        )));
    }
    on_pool(pool(), move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::BadRequest(format!("cannot hash the password: {e}")))
    })
    .await?
}

/// Whether `password` matches the PHC string `stored`; with no stored hash (no such user), a
/// dummy one is checked so that the answer takes as long. `Busy` when too many checks wait.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    on_pool(pool(), move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = PasswordHash::new(&stored).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        known && matches
    })
    .await
}

/// A hash of a random password, made once, with the same parameters as every real one.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(super::random_hex(16).as_bytes())
            .map(|h| h.to_string())
            .expect("argon2 hashes a random password")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_never_contains_it() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("correct horse"));
        assert!(
            verify("correct horse".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse".into(), Some(stored)).await.unwrap());
        assert!(!verify("any password".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(hash("short".into()).await.is_err());
    }

    #[tokio::test]
    async fn a_flood_beyond_the_queue_is_refused_at_once() {
        let pool = start_pool(1, 2);
        let slow = || std::thread::sleep(std::time::Duration::from_millis(200));
        let jobs = (0..10).map(|_| on_pool(&pool, slow));
        let answers = futures::future::join_all(jobs).await;
        let busy = answers
            .iter()
            .filter(|a| matches!(a, Err(ApiError::Busy)))
            .count();
        assert!((7..=8).contains(&busy), "{busy} of 10 were refused as busy");
    }
}
