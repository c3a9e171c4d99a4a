//! Signing a user out of every session but the one asking: after a
//! password change, and on "Sign out everywhere else".
//!
//! One transaction bumps the user's session epoch (so that every other
//! session falls, listed or not), sets the new password if there is one, and
//! deletes the other sessions with their push subscriptions; the asking
//! session then carries the new epoch, and the bus closes the user's other
//! sockets on every node. A command run beside the servers (`banter admin`)
//! has no bus: it records the sign-out in `sign_outs`, which every node
//! reads each second ([`watch_sign_outs`]).

use std::time::Duration;

use app::{
    error::{AppError, Refusal},
    model::{Password, User},
};
use http::request::Parts;
use tower_sessions::session::Id as SessionId;

use super::{accounts::request_session, session};
use crate::{
    bus::Event,
    error::internal,
    state::AppState,
    store::{accounts::SignOut, PasswordHash},
};

/// How often each node reads `sign_outs`.
const READ_SIGN_OUTS_EVERY: Duration = Duration::from_secs(1);

impl AppState {
    /// Sets the signed-in user's password, if `current` is theirs, and
    /// signs every other session of theirs out.
    pub async fn change_password(
        &self,
        request: &Parts,
        current: &str,
        new: String,
    ) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        let new = Password::parse(new)?;
        self.check_password(&me, current).await?;
        let hash = self.passwords.hash(&new).await.map_err(internal)?;
        self.sign_out_others(request, &me, Some(&hash)).await?;
        tracing::info!(user = %me.id, "changed their password");
        Ok(())
    }

    /// Checks that `given` is `me`'s password (the signed-in user's, asked
    /// again before what only they should do); guesses are limited as
    /// logging in is.
    pub(super) async fn check_password(&self, me: &User, given: &str) -> Result<(), AppError> {
        let name_key = me.username.to_ascii_lowercase();
        let attempt = self
            .limits
            .login_by_name
            .reserve(name_key, std::time::Instant::now())
            .map_err(super::accounts::too_many)?;
        let hash = self
            .store
            .password_of(me.id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotSignedIn)?;
        let valid = self
            .passwords
            .verify(given, &hash)
            .await
            .map_err(internal)?;
        if !valid {
            return Err(Refusal::WrongPassword.into());
        }
        attempt.refund();
        Ok(())
    }

    /// Signs every session of the signed-in user but this one out.
    pub async fn sign_out_elsewhere(&self, request: &Parts) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        self.sign_out_others(request, &me, None).await?;
        tracing::info!(user = %me.id, "signed out everywhere else");
        Ok(())
    }

    async fn sign_out_others(
        &self,
        request: &Parts,
        me: &User,
        password: Option<&PasswordHash>,
    ) -> Result<(), AppError> {
        let session = request_session(request)?;
        let keep = session.id();
        let kept = keep.as_ref().map(SessionId::to_string);
        let out = SignOut {
            password,
            ..SignOut::elsewhere(me.id, kept.as_deref())
        };
        let epoch = self
            .store
            .sign_out(&out)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotSignedIn)?;
        session::carry_epoch(session, epoch)
            .await
            .map_err(internal)?;
        self.bus.publish(Event::SignOut {
            user: me.id,
            except: keep,
        });
        Ok(())
    }
}

/// Closes, on this node, the sockets of users signed out by a command run
/// beside the servers, as `sign_outs` records them; runs until shutdown.
pub async fn watch_sign_outs(state: AppState) {
    let mut last = match state.store.last_sign_out().await {
        Ok(last) => last,
        Err(error) => {
            tracing::warn!(%error, "cannot read sign-outs; reading them from the start");
            0
        }
    };
    let mut tick = tokio::time::interval(READ_SIGN_OUTS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = state.shutdown.cancelled() => return,
        }
        match state.store.sign_outs_after(last).await {
            Ok(users) => {
                for (id, user) in users {
                    state.hub.sign_out(user, None);
                    last = id;
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read sign-outs"),
        }
    }
}
