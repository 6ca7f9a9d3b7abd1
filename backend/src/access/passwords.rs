//! Passwords, hashed with argon2id (the crate's defaults: 19 MiB and tens of milliseconds of
//! CPU each) in PHC string form. Hashing and checking run on a small pool of threads of their
//! own with a short queue, so a flood of sign-ins is refused quickly (503) instead of piling
//! up. Each of the [`WORKERS`] threads allocates argon2's memory once and reuses it: memory
//! stays flat however many sign-ins come (allocating 19 MiB per check let the allocator keep
//! growing its per-thread heaps). A name that is not a user is checked against a dummy hash,
//! so it takes as long to refuse as a wrong password.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
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
        hash_here(password.as_bytes())
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
        let matches = verify_here(password.as_bytes(), &stored);
        known && matches
    })
    .await
}

/// A hash of a random password, made once, with the same parameters as every real one.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_here(crate::random::random_hex(16).as_bytes())
            .expect("argon2 hashes a random password")
    })
}

thread_local! {
    /// This thread's argon2 memory: allocated once, at the largest cost met, and reused.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 with `count` blocks of this thread's memory.
fn with_blocks<T>(count: usize, run: impl FnOnce(&mut [Block]) -> T) -> T {
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < count {
            blocks.resize(count, Block::default());
        }
        run(&mut blocks[..count])
    })
}

/// Argon2id with the crate's default cost and a random salt, as a PHC string.
fn hash_here(password: &[u8]) -> Result<String, String> {
    let params = Params::default();
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_blocks(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password, &salt, &mut output, blocks)
    })
    .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&output).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Whether `password` hashes to the PHC string `stored` (algorithm, version and cost as it
/// names them); the comparison takes the same time wherever the outputs differ.
fn verify_here(password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let algorithm = Algorithm::try_from(phc.algorithm.as_str());
    let version = phc
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&phc))
    else {
        return false;
    };
    let mut output = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let computed = with_blocks(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password, salt, &mut output, blocks)
    });
    computed.is_ok() && Output::new(&output).is_ok_and(|output| output == *expected)
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

    #[test]
    fn hashes_made_by_the_crate_itself_verify_here() {
        use argon2::PasswordHasher;
        let stored = Argon2::default()
            .hash_password(b"older hash")
            .unwrap()
            .to_string();
        assert!(verify_here(b"older hash", &stored));
        assert!(!verify_here(b"other", &stored));
        assert!(!verify_here(b"older hash", "not a phc string"));
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
