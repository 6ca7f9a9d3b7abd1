//! Passwords, hashed with argon2id (the crate's defaults) in PHC string form; hashing and
//! checking run on the blocking pool, since each takes tens of milliseconds of CPU.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use crate::error::ApiError;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;

/// The PHC string of `password`, or why it is refused.
pub async fn hash(password: String) -> Result<String, ApiError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(ApiError::BadRequest(format!(
            "a password needs at least {MIN_LENGTH} characters"
        )));
    }
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::BadRequest(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| ApiError::BadRequest(format!("cannot hash the password: {e}")))?
}

/// Whether `password` matches the PHC string `stored`.
pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_never_contains_it() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("correct horse"));
        assert!(verify("correct horse".into(), stored.clone()).await);
        assert!(!verify("wrong horse".into(), stored).await);
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(hash("short".into()).await.is_err());
    }
}
