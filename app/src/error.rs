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
    /// Something the user may not do, in the server's words (a
    /// [`Refusal`]): one variant however many kinds of refusal there are,
    /// so that a new kind costs the WebAssembly nothing.
    #[error("{0}")]
    Refused(String),
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

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status that fits this failure.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::InvalidUsername(_) | AppError::InvalidPassword(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::UsernameTaken | AppError::UsernameLooksLike => StatusCode::CONFLICT,
            AppError::InvalidCredentials | AppError::NotSignedIn => StatusCode::UNAUTHORIZED,
            AppError::Refused(_) => StatusCode::FORBIDDEN,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Request(_) => StatusCode::BAD_REQUEST,
            AppError::Chat(error) => match error {
                ProtocolError::BadRequest { .. } => StatusCode::BAD_REQUEST,
                ProtocolError::NotMember => StatusCode::FORBIDDEN,
                ProtocolError::UserNotFound => StatusCode::NOT_FOUND,
                ProtocolError::RateLimited { .. } | ProtocolError::TooManyRequests { .. } => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                ProtocolError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
        }
    }
}

/// What the server refuses, as it words it to the user (carried as
/// [`AppError::Refused`]).
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this account is deactivated: an administrator can reactivate it")]
    AccountDeactivated,
    #[error("the current password is not right")]
    WrongPassword,
    #[error("only an administrator can do that")]
    NotAdmin,
    #[error("you cannot do that to your own account")]
    NotToYourself,
    #[error("that username belonged to an account deleted in the last {days} days; pick another", days = DELETED_NAME_HELD_DAYS)]
    UsernameHeld,
}

/// How many days a deleted account's username stays held, so that no one
/// takes it while others still remember it (`server/src/store/deletion.rs`).
pub const DELETED_NAME_HELD_DAYS: i64 = 30;

#[cfg(feature = "ssr")]
impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        AppError::Refused(refusal.to_string())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        AppError::Request(error.to_string())
    }
}
