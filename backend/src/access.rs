//! Access control: who is calling (a console session, an API token, a header set by a trusted
//! reverse proxy, or nobody in particular when Plugboard listens on loopback only), and whether
//! their grants allow the request. [`guard`] runs before every API route; [`policy`] says what
//! each route needs, and [`passthrough`] what a passthrough request asks of Connect.

pub mod guard;
pub mod host;
pub mod limiter;
pub mod login_failures;
pub mod passthrough;
pub mod passwords;
pub mod policy;
pub mod sessions;
pub mod tokens;
pub mod users;

use std::sync::Arc;

use api_types::{Grant, Me, Role};
use sha2::{Digest, Sha256};

pub use guard::{Guard, guard};

/// What the guard and the login route share; cheap to clone.
#[derive(Clone)]
pub struct Access {
    /// The installation's own secret, for tokens that need no storage (CSRF of proxy users);
    /// the history's fingerprint key.
    pub secret: Arc<Vec<u8>>,
}

impl Access {
    pub fn new(secret: Arc<Vec<u8>>) -> Self {
        Self { secret }
    }

    /// The caller when nobody signs in: an admin of everything, named as the history's actor.
    pub fn open_caller(&self, actor: &str) -> Me {
        Me {
            name: actor.to_owned(),
            grants: vec![Grant {
                role: Role::Admin,
                clusters: Vec::new(),
            }],
            via: api_types::SignedInVia::Open,
            csrf_token: None,
        }
    }
}

/// SHA-256 of `text`, as hex: how tokens and session ids are stored.
pub fn sha256_hex(text: &str) -> String {
    crate::random::hex(&Sha256::digest(text.as_bytes()))
}
