//! Signing up, logging in and logging out.
//!
//! A failed log-in always answers "invalid username or password", whether or
//! not the user exists, and takes as long either way: an unknown name is
//! checked against a decoy hash. Failures are limited per username and per
//! client address; sign-ups per client address.

use std::{net::IpAddr, time::Instant};

use app::{
    error::AppError,
    model::{Password, User, Username},
};
use http::request::Parts;
use tower_sessions::Session;

use super::{client_addr::client_addr, session};
use crate::{bus::Event, error::internal, state::AppState, store::StoreError};

impl AppState {
    /// Creates an account, signs it in, and returns the new user.
    pub async fn sign_up(
        &self,
        request: &Parts,
        username: Username,
        password: Password,
    ) -> Result<User, AppError> {
        let addr = self.client_addr(request);
        self.limits
            .signups
            .check(&addr, Instant::now())
            .map_err(too_many)?;

        let hash = self.passwords.hash(&password).await.map_err(internal)?;
        let user = match self.store.create_user(&username, &hash).await {
            Ok(user) => user,
            Err(StoreError::UsernameTaken) => return Err(AppError::UsernameTaken),
            Err(error) => return Err(internal(error)),
        };
        self.limits.signups.record(addr, Instant::now());
        self.announce_new_member().await;

        session::sign_in(request_session(request)?, user.id)
            .await
            .map_err(internal)?;
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
        let addr = self.client_addr(request);
        let name_key = username.trim().to_ascii_lowercase();
        let now = Instant::now();
        self.limits
            .login_by_name
            .check(&name_key, now)
            .map_err(too_many)?;
        self.limits
            .login_by_addr
            .check(&addr, now)
            .map_err(too_many)?;

        let credentials = match Username::parse(username) {
            Ok(name) => self
                .store
                .credentials(name.as_str())
                .await
                .map_err(internal)?,
            Err(_) => None,
        };
        let user = match credentials {
            Some((user, hash)) => {
                let valid = self
                    .passwords
                    .verify(password, &hash)
                    .await
                    .map_err(internal)?;
                valid.then_some(user)
            }
            None => {
                self.passwords
                    .verify_decoy(password)
                    .await
                    .map_err(internal)?;
                None
            }
        };

        let Some(user) = user else {
            let now = Instant::now();
            self.limits.login_by_name.record(name_key, now);
            self.limits.login_by_addr.record(addr, now);
            return Err(AppError::InvalidCredentials);
        };
        self.limits.login_by_name.clear(&name_key);
        session::sign_in(request_session(request)?, user.id)
            .await
            .map_err(internal)?;
        tracing::info!(user = %user.id, "logged in");
        Ok(user)
    }

    /// Ends this request's session only.
    pub async fn log_out(&self, request: &Parts) -> Result<(), AppError> {
        let session = request_session(request)?;
        let id = session.id();
        session::end(session).await.map_err(internal)?;
        if let Some(session) = id {
            // This browser's other tabs share the session: close their sockets.
            self.bus.publish(Event::EndSession { session });
        }
        Ok(())
    }

    /// The user signed in on this request's session.
    pub async fn current_user(&self, request: &Parts) -> Result<Option<User>, AppError> {
        let Some(id) = session::user_id(request_session(request)?)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        self.store.user(id).await.map_err(internal)
    }

    fn client_addr(&self, request: &Parts) -> IpAddr {
        client_addr(request, self.config.trust_forwarded_for)
    }
}

/// The session the session layer attached to the request.
fn request_session(request: &Parts) -> Result<&Session, AppError> {
    request.extensions.get::<Session>().ok_or_else(|| {
        tracing::error!("no session on a request that needs one: is the session layer missing?");
        AppError::Internal
    })
}

fn too_many(wait: std::time::Duration) -> AppError {
    // Round up, so that trying again after the stated time always works.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    AppError::TooManyAttempts {
        retry_after_secs: secs.max(1),
    }
}
