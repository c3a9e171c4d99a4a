//! The server's implementation of the UI's [`Backend`]: the bodies of the
//! server functions.

use app::{
    backend::Backend,
    chat::{ChatSnapshot, MentionPage, SessionInfo},
    error::AppError,
    model::{ChannelId, Password, User, Username},
    protocol::{MessageId, NotifyLevel, PageAt},
    search::{SearchForm, SearchRefusal, SearchResults},
};

use http::request::Parts;

use crate::state::AppState;

#[async_trait::async_trait]
impl Backend for AppState {
    async fn sign_up(
        &self,
        request: &Parts,
        username: Username,
        password: Password,
    ) -> Result<User, AppError> {
        AppState::sign_up(self, request, username, password).await
    }

    async fn log_in(
        &self,
        request: &Parts,
        username: &str,
        password: &str,
    ) -> Result<User, AppError> {
        AppState::log_in(self, request, username, password).await
    }

    async fn log_out(&self, request: &Parts) -> Result<(), AppError> {
        AppState::log_out(self, request).await
    }

    async fn current_user(&self, request: &Parts) -> Result<Option<User>, AppError> {
        AppState::current_user(self, request).await
    }

    async fn sessions(&self, request: &Parts) -> Result<Vec<SessionInfo>, AppError> {
        AppState::sessions(self, request).await
    }

    async fn end_session(&self, request: &Parts, session: i64) -> Result<(), AppError> {
        AppState::end_session(self, request, session).await
    }

    async fn sign_out_elsewhere(&self, request: &Parts) -> Result<(), AppError> {
        AppState::sign_out_elsewhere(self, request).await
    }

    async fn delete_account(&self, request: &Parts, password: &str) -> Result<(), AppError> {
        AppState::delete_account(self, request, password).await
    }

    async fn change_password(
        &self,
        request: &Parts,
        current: &str,
        new: String,
    ) -> Result<(), AppError> {
        AppState::change_password(self, request, current, new).await
    }

    async fn set_display_name(&self, request: &Parts, name: &str) -> Result<(), AppError> {
        AppState::set_display_name(self, request, name).await
    }

    async fn blocked(&self, request: &Parts) -> Result<Vec<User>, AppError> {
        AppState::blocked(self, request).await
    }

    async fn block(&self, request: &Parts, username: &str) -> Result<(), AppError> {
        AppState::block(self, request, username).await
    }

    async fn unblock(&self, request: &Parts, user: i64) -> Result<(), AppError> {
        AppState::unblock(self, request, user).await
    }

    async fn is_admin(&self, request: &Parts) -> Result<bool, AppError> {
        let me = self.signed_in(request).await?;
        self.store
            .is_admin(me.id)
            .await
            .map_err(crate::error::internal)
    }

    async fn audit_log(
        &self,
        request: &Parts,
        before: Option<i64>,
    ) -> Result<Vec<app::chat::AuditRow>, AppError> {
        AppState::audit_log(self, request, before).await
    }

    async fn admin_view(&self, request: &Parts) -> Result<app::chat::AdminView, AppError> {
        AppState::admin_view(self, request).await
    }

    async fn admin_act(
        &self,
        request: &Parts,
        username: &str,
        action: app::chat::AdminAction,
    ) -> Result<(), AppError> {
        AppState::admin_act(self, request, username, action).await
    }

    async fn chat_snapshot(
        &self,
        request: &Parts,
        channel: ChannelId,
        page: PageAt,
    ) -> Result<ChatSnapshot, AppError> {
        AppState::chat_snapshot(self, request, channel, page).await
    }

    async fn mentions(
        &self,
        request: &Parts,
        before: Option<MessageId>,
    ) -> Result<MentionPage, AppError> {
        let me = self.signed_in(request).await?;
        let (messages, has_more) = AppState::mentions(self, &me, before)
            .await
            .map_err(AppError::Chat)?;
        Ok(MentionPage { messages, has_more })
    }

    async fn search(
        &self,
        request: &Parts,
        form: &SearchForm,
        offset: i32,
    ) -> Result<SearchResults, SearchRefusal> {
        let me = self
            .signed_in(request)
            .await
            .map_err(|_| SearchRefusal::Unavailable)?;
        AppState::search(self, &me, form, offset).await
    }

    async fn set_notify(
        &self,
        request: &Parts,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<(), AppError> {
        AppState::notify_from_page(self, request, channel, notify).await
    }

    async fn delete_message(
        &self,
        request: &Parts,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<(), AppError> {
        AppState::delete_from_page(self, request, channel, message).await
    }
}
