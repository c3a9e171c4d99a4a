//! Signing up, logging in and logging out.
//!
//! A failed log-in always answers "invalid username or password", whether or
//! not the user exists, and takes as long either way: an unknown name is
//! checked against a decoy hash. Failures are limited per username and per
//! client address; sign-ups per client address.

use std::{net::IpAddr, time::Instant};

use app::{
    error::{AppError, Refusal},
    model::{Password, User, Username},
};
use http::request::Parts;
use tower_sessions::Session;

use super::{
    client_addr::client_addr,
    session::{self, Claim},
};
use crate::{
    bus::Event,
    error::internal,
    observe,
    state::AppState,
    store::{Store, StoreError},
};

impl AppState {
    /// Creates an account, signs it in, and returns the new user.
    pub async fn sign_up(
        &self,
        request: &Parts,
        username: Username,
        password: Password,
    ) -> Result<User, AppError> {
        let result = self.create_account(request, username, password).await;
        observe::account_outcome(observe::Account::SignUp, &result);
        result
    }

    async fn create_account(
        &self,
        request: &Parts,
        username: Username,
        password: Password,
    ) -> Result<User, AppError> {
        let addr = self.client_addr(request);
        // Counted before the (slow) hash, so parallel sign-ups cannot all
        // pass; refunded if no account was made.
        let attempt = self
            .limits
            .signups
            .reserve(addr, Instant::now())
            .map_err(too_many)?;

        let hash = self.passwords.hash(&password).await.map_err(internal)?;
        let user = match self.store.create_user(&username, &hash).await {
            Ok(user) => user,
            Err(error) => {
                attempt.refund();
                return Err(match error {
                    StoreError::UsernameTaken => AppError::UsernameTaken,
                    StoreError::UsernameLooksLike => AppError::UsernameLooksLike,
                    StoreError::UsernameHeld => Refusal::UsernameHeld.into(),
                    error => internal(error),
                });
            }
        };
        drop(attempt);
        self.announce_new_member().await;
        let claim = Claim {
            user: user.id,
            epoch: 0,
        };
        self.sign_in(request, claim).await?;
        tracing::info!(user = %user.id, "signed up");
        Ok(user)
    }

    /// Checks the credentials and signs the user in.
    pub async fn log_in(
        &self,
        request: &Parts,
        username: &str,
        password: &str,
    ) -> Result<User, AppError> {
        let result = self.check_credentials(request, username, password).await;
        observe::account_outcome(observe::Account::LogIn, &result);
        result
    }

    async fn check_credentials(
        &self,
        request: &Parts,
        username: &str,
        password: &str,
    ) -> Result<User, AppError> {
        let addr = self.client_addr(request);
        let name_key = username.trim().to_ascii_lowercase();
        let now = Instant::now();
        // Each attempt is counted as a failure before the password is
        // checked (argon2 takes a while, and attempts queue for it), so that
        // parallel attempts cannot all pass the check; a success gives both
        // back.
        let by_name = self
            .limits
            .login_by_name
            .reserve(name_key.clone(), now)
            .map_err(too_many)?;
        let by_addr = match self.limits.login_by_addr.reserve(addr, now) {
            Ok(reservation) => reservation,
            Err(wait) => {
                by_name.refund();
                return Err(too_many(wait));
            }
        };

        let credentials = match Username::parse(username) {
            Ok(name) => self
                .store
                .credentials(name.as_str())
                .await
                .map_err(internal)?,
            Err(_) => None,
        };
        let found = match credentials {
            Some(found) => {
                let valid = self
                    .passwords
                    .verify(password, &found.hash)
                    .await
                    .map_err(internal)?;
                valid.then_some(found)
            }
            None => {
                self.passwords
                    .verify_decoy(password)
                    .await
                    .map_err(internal)?;
                None
            }
        };

        let Some(found) = found else {
            // Both reservations stay counted: this was a failure.
            return Err(AppError::InvalidCredentials);
        };
        by_addr.refund();
        drop(by_name);
        self.limits.login_by_name.clear(&name_key);
        // Said only to someone who knows the password.
        if found.deactivated {
            return Err(Refusal::AccountDeactivated.into());
        }
        let user = found.user;
        let claim = Claim {
            user: user.id,
            epoch: found.epoch,
        };
        self.sign_in(request, claim).await?;
        tracing::info!(user = %user.id, "logged in");
        Ok(user)
    }

    /// Signs `user` in on this request's session under a fresh id. Sockets
    /// still open under the old id (this browser's other tabs, perhaps of
    /// someone else) are closed: they belonged to a session that is gone.
    async fn sign_in(&self, request: &Parts, claim: Claim) -> Result<(), AppError> {
        let session = request_session(request)?;
        let old = session.id();
        let new = session::sign_in(session, claim).await.map_err(internal)?;
        if let Some(new) = new {
            self.list_session(request, claim.user, &new).await;
        }
        if let Some(session) = old {
            self.session_ended(&session).await;
            self.bus.publish(Event::EndSession { session });
        }
        Ok(())
    }

    /// Ends this request's session only.
    pub async fn log_out(&self, request: &Parts) -> Result<(), AppError> {
        let session = request_session(request)?;
        let id = session.id();
        session::end(session).await.map_err(internal)?;
        if let Some(session) = id {
            self.session_ended(&session).await;
            // This browser's other tabs share the session: close their sockets.
            self.bus.publish(Event::EndSession { session });
        }
        Ok(())
    }

    /// The user signed in on this request's session.
    pub async fn current_user(&self, request: &Parts) -> Result<Option<User>, AppError> {
        let address = self.client_addr(request);
        self.session_user(request_session(request)?, address)
            .await
            .map_err(internal)
    }

    pub(super) fn client_addr(&self, request: &Parts) -> IpAddr {
        client_addr(request, self.config.trust_forwarded_for)
    }
}

/// The session the session layer attached to the request.
pub(super) fn request_session(request: &Parts) -> Result<&Session, AppError> {
    request.extensions.get::<Session>().ok_or_else(|| {
        tracing::error!("no session on a request that needs one: is the session layer missing?");
        AppError::Internal
    })
}

pub(super) fn too_many(wait: std::time::Duration) -> AppError {
    // Round up, so that trying again after the stated time always works.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    AppError::TooManyAttempts {
        retry_after_secs: secs.max(1),
    }
}

/// Gives every user from before look-alike keys theirs, so that new names are
/// checked against them too. A user whose key another already holds (two
/// look-alike names from before) gets a key of their own that nothing else
/// can collide with.
pub async fn backfill_lookalike_keys(store: &dyn Store) -> Result<(), StoreError> {
    loop {
        let users = store.users_without_lookalike_key(1000).await?;
        if users.is_empty() {
            return Ok(());
        }
        for user in users {
            let key = match Username::parse(&user.username) {
                Ok(name) => name.lookalike_key(),
                Err(_) => format!("#{}", user.id),
            };
            if !store.set_lookalike_key(user.id, &key).await? {
                // `#` is in no username, so no skeleton holds it.
                store
                    .set_lookalike_key(user.id, &format!("#{}", user.id))
                    .await?;
            }
        }
    }
}
