//! Deleting one's own account, from `/settings`: the password is asked
//! again, then the store deletes the account in one transaction
//! (`store/deletion.rs`), this session is marked as the browser whose
//! account was deleted (its pages say so for a while), every socket of the
//! user closes on every node, and each channel they were in hears its new
//! member count. Their messages stay, under `deleted user <id>`.

use app::error::AppError;
use http::request::Parts;

use super::{accounts::request_session, session};
use crate::{bus::Event, error::internal, state::AppState};

impl AppState {
    /// Deletes the signed-in user's account, if `password` is theirs.
    pub async fn delete_account(&self, request: &Parts, password: &str) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        self.check_password(&me, password).await?;
        let channels = self
            .store
            .delete_account(me.id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotSignedIn)?;
        let session = request_session(request)?;
        session::mark_deleted(session).await.map_err(internal)?;
        self.bus.publish(Event::SignOut {
            user: me.id,
            except: None,
        });
        for channel in channels {
            if let Err(error) = self.recount_members(channel).await {
                tracing::warn!(%channel, ?error, "cannot recount a channel's members");
            }
        }
        tracing::info!(user = %me.id, "deleted their account");
        Ok(())
    }
}
