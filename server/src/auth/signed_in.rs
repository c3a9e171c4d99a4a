//! Whether a request's session still stands, and as whom: the one check
//! behind pages, server functions and sockets.
//!
//! A session's [`Claim`] is believed only if the store agrees (the account
//! is active, and the claim carries the user's current epoch). The same
//! read says when a listed session was last seen; that is written again at
//! most every [`SEEN_EVERY`], off the request's path.

use std::{net::IpAddr, time::Duration};

use app::model::User;
use tower_sessions::Session;

use super::session::{self, Claim};
use crate::{state::AppState, store::now_millis};

/// How stale a session's "last active" may grow before a request writes it.
const SEEN_EVERY: Duration = Duration::from_secs(5 * 60);

/// Why the session could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
}

impl AppState {
    /// The user `session` is signed in as, if it still stands; `address`
    /// is where the request came from, for the session list.
    pub async fn session_user(
        &self,
        session: &Session,
        address: IpAddr,
    ) -> Result<Option<User>, CheckError> {
        let Some(claim) = session::claim(session).await? else {
            return Ok(None);
        };
        let id = session.id().map(|id| id.to_string()).unwrap_or_default();
        self.claimed_user(claim, &id, Some(address)).await
    }

    /// The user a stored session of id `session` claims, if the claim
    /// stands; `address`, when known, is recorded as where it was seen.
    pub async fn claimed_user(
        &self,
        claim: Claim,
        session: &str,
        address: Option<IpAddr>,
    ) -> Result<Option<User>, CheckError> {
        let Some(found) = self
            .store
            .session_user(claim.user, claim.epoch, session)
            .await?
        else {
            return Ok(None);
        };
        let stale = found
            .last_seen
            .is_none_or(|seen| now_millis() - seen >= SEEN_EVERY.as_millis() as i64);
        if let (true, true, Some(address)) = (found.listed, stale, address) {
            let store = self.store.clone();
            let session = session.to_owned();
            tokio::spawn(async move {
                if let Err(error) = store.seen_session(&session, &address.to_string()).await {
                    tracing::warn!(%error, "cannot record when a session was last seen");
                }
            });
        }
        Ok(Some(found.user))
    }
}
