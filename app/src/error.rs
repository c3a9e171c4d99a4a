//! What can go wrong, as the user interface may see it.
//!
//! Every variant is something the UI can show or act on; internal details
//! (SQL errors, I/O) are logged on the server and reach the browser only as
//! [`AppError::Internal`].

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::{
    model::{PasswordError, UsernameError},
    protocol::ProtocolError,
};

/// An error a server function can return to the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    InvalidUsername(UsernameError),
    #[error("{0}")]
    InvalidPassword(PasswordError),
    #[error("that username is already taken")]
    UsernameTaken,
    #[error("that username looks too much like someone else's; pick another")]
    UsernameLooksLike,
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("too many attempts, try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("you are not signed in")]
    NotSignedIn,
    #[error("refused: the request did not come from this site")]
    CrossSite,
    #[error("something went wrong on the server; please try again")]
    Internal,
    #[error("could not reach the server ({0})")]
    Request(String),
    /// A chat request the server refused, such as an empty message.
    #[error("{0}")]
    Chat(ProtocolError),
}

impl From<UsernameError> for AppError {
    fn from(error: UsernameError) -> Self {
        AppError::InvalidUsername(error)
    }
}

impl From<PasswordError> for AppError {
    fn from(error: PasswordError) -> Self {
        AppError::InvalidPassword(error)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        AppError::Request(error.to_string())
    }
}
