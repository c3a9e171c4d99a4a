//! What the server functions need from the server, as a trait.
//!
//! Server functions are declared in this crate (so the browser can call them)
//! but their bodies need the database, sessions and the real-time hub, which
//! live in the `server` crate. The server implements [`Backend`] and provides
//! it as context to every page render and server function call; this crate
//! stays free of any database code.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::use_context;

use crate::{
    chat::{ChatSnapshot, MentionPage, SessionInfo},
    error::AppError,
    model::{ChannelId, Password, User, Username},
    protocol::{MessageId, NotifyLevel, PageAt},
    search::{SearchForm, SearchRefusal, SearchResults},
};

/// The server's operations, as the UI's server functions use them. Each takes
/// the request's head, which carries the session and the client's address.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Creates an account, puts the new user in `General` and signs them in.
    async fn sign_up(
        &self,
        request: &Parts,
        username: Username,
        password: Password,
    ) -> Result<User, AppError>;

    /// Checks the credentials and signs the user in under a new session id.
    async fn log_in(
        &self,
        request: &Parts,
        username: &str,
        password: &str,
    ) -> Result<User, AppError>;

    /// Ends this session only; the user's other sessions stay signed in.
    async fn log_out(&self, request: &Parts) -> Result<(), AppError>;

    /// The signed-in user's sessions, newest first (this one among them).
    async fn sessions(&self, request: &Parts) -> Result<Vec<SessionInfo>, AppError>;

    /// Signs out the user's session `session` (as [`SessionInfo::id`]
    /// names it), wherever it is.
    async fn end_session(&self, request: &Parts, session: i64) -> Result<(), AppError>;

    /// Signs out every session of the user but this one.
    async fn sign_out_elsewhere(&self, request: &Parts) -> Result<(), AppError>;

    /// Deletes the signed-in user's account, if `password` is theirs, and
    /// ends every session of theirs.
    async fn delete_account(&self, request: &Parts, password: &str) -> Result<(), AppError>;

    /// Sets the user's password, if `current` is theirs, and signs out
    /// every other session of theirs.
    async fn change_password(
        &self,
        request: &Parts,
        current: &str,
        new: String,
    ) -> Result<(), AppError>;

    /// Sets the signed-in user's display name (`""` clears it).
    async fn set_display_name(&self, request: &Parts, name: &str) -> Result<(), AppError>;

    /// The people the signed-in user blocked, by name.
    async fn blocked(&self, request: &Parts) -> Result<Vec<User>, AppError>;

    /// Blocks the user named `username`.
    async fn block(&self, request: &Parts, username: &str) -> Result<(), AppError>;

    /// Unblocks the user `user`.
    async fn unblock(&self, request: &Parts, user: i64) -> Result<(), AppError>;

    /// Whether the signed-in user is an administrator.
    async fn is_admin(&self, request: &Parts) -> Result<bool, AppError>;

    /// For an administrator: the accounts whose names start with the
    /// request's `q`, and a password just reset.
    async fn admin_view(&self, request: &Parts) -> Result<crate::chat::AdminView, AppError>;

    /// For an administrator: does `action` to the account `username`.
    async fn admin_act(
        &self,
        request: &Parts,
        username: &str,
        action: crate::chat::AdminAction,
    ) -> Result<(), AppError>;

    /// For an administrator: a page of the audit log, newest first, older
    /// than the entry `before`.
    async fn audit_log(
        &self,
        request: &Parts,
        before: Option<i64>,
    ) -> Result<Vec<crate::chat::AuditRow>, AppError>;

    /// The user of this request's session, if any.
    async fn current_user(&self, request: &Parts) -> Result<Option<User>, AppError>;

    /// The signed-in user's channels, and a page of the open channel's
    /// messages (the latest, or those before or after a message).
    async fn chat_snapshot(
        &self,
        request: &Parts,
        channel: ChannelId,
        page: PageAt,
    ) -> Result<ChatSnapshot, AppError>;

    /// A page of the messages that mention the signed-in user, newest
    /// first, before the message `before`.
    async fn mentions(
        &self,
        request: &Parts,
        before: Option<MessageId>,
    ) -> Result<MentionPage, AppError>;

    /// Sets the user's notification setting for a channel, from a plain
    /// form.
    /// A page of what `form` finds, for a reader whose clock is `offset`
    /// minutes east of UTC.
    async fn search(
        &self,
        request: &Parts,
        form: &SearchForm,
        offset: i32,
    ) -> Result<SearchResults, SearchRefusal>;

    async fn set_notify(
        &self,
        request: &Parts,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<(), AppError>;

    /// Deletes the user's own message, from a plain form.
    async fn delete_message(
        &self,
        request: &Parts,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<(), AppError>;
}

/// The backend and the request head of the server function being run.
pub(crate) fn request_context() -> Result<(Arc<dyn Backend>, Parts), AppError> {
    let backend = use_context::<Arc<dyn Backend>>().ok_or(AppError::Internal)?;
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    Ok((backend, parts))
}

/// A server function's result, its failure given the HTTP status that says
/// what kind of failure it is (for whoever reads statuses: scripts, the
/// metrics, a proxy's logs). A plain form post is sent back to its page
/// whatever failed (leptos_axum redirects it), so its status stays.
pub(crate) fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let form_post = use_context::<Parts>().is_some_and(|request| is_form_post(&request));
        if let (false, Some(response)) = (form_post, use_context::<leptos_axum::ResponseOptions>())
        {
            response.set_status(error.status());
        }
    }
    result
}

/// Whether a server function was called by a plain form (which asks for
/// HTML), not by the server function client: leptos_axum answers a form
/// with a redirect.
pub(crate) fn is_form_post(request: &Parts) -> bool {
    request
        .headers
        .get(http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}
