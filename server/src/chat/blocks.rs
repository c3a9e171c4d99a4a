//! Blocking, as `/settings/blocked` asks for it (and `/blocked-ids`, for
//! the tab that shows desktop notifications), and the check that
//! starting or growing a conversation makes (`store/blocks.rs` holds the
//! rules that sends, mentions and pushes follow).

use app::{
    error::AppError,
    model::{User, UserId},
    protocol::{ProtocolError, Refused},
};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use http::request::Parts;

use crate::{
    error::{internal, internal_ws},
    state::AppState,
    store::blocks::Blocking,
};

/// More than any username's bytes (32 characters, ASCII).
const MAX_USERNAME_BYTES: usize = 64;

impl AppState {
    /// The people the signed-in user blocked.
    pub async fn blocked(&self, request: &Parts) -> Result<Vec<User>, AppError> {
        let me = self.signed_in(request).await?;
        self.store.blocked_by(me.id).await.map_err(internal)
    }

    /// Blocks the user named `username` for the signed-in user.
    pub async fn block(&self, request: &Parts, username: &str) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        if username.trim().eq_ignore_ascii_case(&me.username) {
            return Err(AppError::Refused("you cannot block yourself".to_owned()));
        }
        // No username is longer (the store is not asked about a page of text).
        let nobody = || AppError::Refused("nobody has that username".to_owned());
        if username.len() > MAX_USERNAME_BYTES {
            return Err(nobody());
        }
        match self.store.block(me.id, username).await.map_err(internal)? {
            Some(blocked) => {
                tracing::info!(user = %me.id, blocked = %blocked.id, "blocked someone");
                Ok(())
            }
            None => Err(nobody()),
        }
    }

    /// Unblocks `user` for the signed-in user (nothing if not blocked).
    pub async fn unblock(&self, request: &Parts, user: i64) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        if self
            .store
            .unblock(me.id, UserId(user))
            .await
            .map_err(internal)?
        {
            tracing::info!(user = %me.id, unblocked = user, "unblocked someone");
        }
        Ok(())
    }

    /// Refuses to bring `user` together with `others` in a conversation
    /// if a block stands between them, either way.
    pub(super) async fn not_blocked(
        &self,
        user: UserId,
        others: &[UserId],
    ) -> Result<(), ProtocolError> {
        match self
            .store
            .blocking(user, others)
            .await
            .map_err(internal_ws)?
        {
            None => Ok(()),
            Some(Blocking::ByYou) => Err(Refused::YouBlocked.into()),
            Some(Blocking::ByThem) => Err(Refused::BlockedYou.into()),
        }
    }
}

/// `GET /blocked-ids`: the ids of those the signed-in user blocked, one
/// space between them, for the tab that shows desktop notifications.
pub async fn blocked_ids(State(state): State<AppState>, parts: Parts) -> Response {
    let me = match state.current_user(&parts).await {
        Ok(Some(me)) => me,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match state.store.blocked_by(me.id).await {
        Ok(blocked) => {
            let ids: Vec<String> = blocked.iter().map(|u| u.id.0.to_string()).collect();
            (
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                ids.join(" "),
            )
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "cannot read who a user blocked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
