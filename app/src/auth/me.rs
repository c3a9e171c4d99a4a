//! The `current_user` server function: who is signed in.

use leptos::prelude::*;

use crate::{error::AppError, model::User};

/// The signed-in user, or [`AppError::NotSignedIn`].
#[server(endpoint = "me")]
pub async fn current_user() -> Result<User, AppError> {
    let (backend, request) = crate::backend::request_context()?;
    backend
        .current_user(&request)
        .await?
        .ok_or(AppError::NotSignedIn)
}
