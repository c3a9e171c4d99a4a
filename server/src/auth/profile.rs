//! The profile a user controls from `/settings`: their display name, shown
//! beside their username wherever they appear (messages, member lists,
//! conversations). The username stays what identifies them and what
//! `@mentions` call; the display name is free text in any script.

use app::{
    error::AppError,
    model::{DisplayName, GroupNameError},
    protocol::ProtocolError,
};
use http::request::Parts;

use crate::{error::internal, state::AppState};

/// More than any display name's bytes (64 characters of at most 4 bytes,
/// with room for whitespace that is folded away): a longer post is refused
/// before it is parsed.
const MAX_DISPLAY_NAME_BYTES: usize = 1024;

impl AppState {
    /// Sets the signed-in user's display name; an empty one clears it.
    pub async fn set_display_name(&self, request: &Parts, raw: &str) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        // Answered 422, with the rule broken in words.
        let invalid = |error: GroupNameError| {
            AppError::Chat(ProtocolError::Refused {
                reason: error.to_string(),
            })
        };
        if raw.len() > MAX_DISPLAY_NAME_BYTES {
            return Err(invalid(GroupNameError::TooLong));
        }
        let name = DisplayName::parse(raw).map_err(invalid)?;
        if !self
            .store
            .set_display_name(me.id, &name)
            .await
            .map_err(internal)?
        {
            return Err(AppError::NotSignedIn);
        }
        tracing::info!(user = %me.id, "changed their display name");
        Ok(())
    }
}
