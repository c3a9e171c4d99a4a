//! Password hashing: argon2id with OWASP's parameters (19 MiB of memory, 2
//! iterations, 1 lane).
//!
//! Hashing is deliberately slow and memory-hungry, so it runs on the blocking
//! thread pool, never on the async workers, and a semaphore bounds how many
//! hashes run at once: a burst of log-ins then queues instead of allocating
//! 19 MiB per request without limit.

use std::sync::Arc;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash as Phc, SaltString},
    Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version,
};
use tokio::sync::{OnceCell, Semaphore};

use app::model::Password;

pub use crate::store::PasswordHash;

/// Hashing or verifying could not run.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(argon2::password_hash::Error),
    #[error("the hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the hashing pool is closed")]
    Closed,
}

/// Hashes and verifies passwords; cheap to clone.
#[derive(Clone)]
pub struct Passwords {
    /// Bounds the hashes running at once (each holds 19 MiB).
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when a log-in names an
    /// unknown user, so that the answer takes as long as for a known one.
    decoy: Arc<OnceCell<PasswordHash>>,
}

impl Default for Passwords {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            permits: Arc::new(Semaphore::new(cores.max(2))),
            decoy: Arc::new(OnceCell::new()),
        }
    }
}

fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's bounds.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Passwords {
    /// Hashes a new password with a fresh salt.
    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        self.hash_raw(password.expose()).await
    }

    async fn hash_raw(&self, password: &str) -> Result<PasswordHash, HashError> {
        let password = password.to_owned();
        self.blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| PasswordHash::new(hash.to_string()))
                .map_err(HashError::Argon2)
        })
        .await
    }

    /// Whether `password` matches `hash`. A mismatch is `Ok(false)`.
    pub async fn verify(&self, password: &str, hash: &PasswordHash) -> Result<bool, HashError> {
        let password = password.to_owned();
        let hash = hash.clone();
        self.blocking(move || {
            let parsed = Phc::new(hash.as_str()).map_err(HashError::Argon2)?;
            match argon2().verify_password(password.as_bytes(), &parsed) {
                Ok(()) => Ok(true),
                Err(argon2::password_hash::Error::Password) => Ok(false),
                Err(error) => Err(HashError::Argon2(error)),
            }
        })
        .await
    }

    /// Spends the time a verification takes, for a log-in that names no
    /// existing user.
    pub async fn verify_decoy(&self, password: &str) -> Result<(), HashError> {
        let decoy = self
            .decoy
            .get_or_try_init(|| self.hash_raw("no account has this password"))
            .await?;
        self.verify(password, decoy).await.map(|_| ())
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        tokio::task::spawn_blocking(work).await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = Passwords::default();
        let password = Password::parse("correct horse".into()).unwrap();
        let hash = passwords.hash(&password).await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(passwords.verify("correct horse", &hash).await.unwrap());
        assert!(!passwords.verify("wrong horse", &hash).await.unwrap());
        assert!(!format!("{hash:?}").contains("argon2"));
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ() {
        let passwords = Passwords::default();
        let password = Password::parse("correct horse".into()).unwrap();
        let a = passwords.hash(&password).await.unwrap();
        let b = passwords.hash(&password).await.unwrap();
        assert_ne!(a.as_str(), b.as_str());
    }

    #[tokio::test]
    async fn the_decoy_verifies_nothing_and_does_not_fail() {
        let passwords = Passwords::default();
        passwords.verify_decoy("anything at all").await.unwrap();
    }
}
