//! Deleting one's message without JavaScript: "Delete message" in the list
//! is a plain form that opens this confirmation page
//! (`/c/:id/delete/:message`), whose form posts to [`delete_message`] and
//! goes back to the channel. A refusal comes back to the page, saying why.
//! (With JavaScript, the list's own dialog asks instead.)

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    auth::{refused, AuthCard, FormError, Refused},
    error::AppError,
    model::ChannelId,
    protocol::MessageId,
};

/// Deletes the signed-in user's message, then goes back to its channel.
#[server(endpoint = "delete")]
pub async fn delete_message(channel: ChannelId, message: MessageId) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            if let Err(error) = backend.delete_message(&request, channel, message).await {
                crate::auth::send_back::<DeleteMessage>(&request, "", &error);
                return Err(error);
            }
            leptos_axum::redirect(&format!("/c/{channel}"));
            Ok(())
        }
        .await,
    )
}

/// The confirmation page.
#[component]
pub fn DeletePage() -> impl IntoView {
    let params = use_params_map().read_untracked();
    let number = |key: &str| params.get(key).and_then(|raw| raw.parse::<i64>().ok());
    let (channel, message) = (number("id").unwrap_or(0), number("message").unwrap_or(0));
    let Refused { error, .. } = refused::<DeleteMessage>();

    view! {
        <Title text="Delete message" />
        <AuthCard title="Delete message?">
            <form method="post" action=DeleteMessage::url() class="auth-form">
                <input type="hidden" name="channel" value=channel.to_string() />
                <input type="hidden" name="message" value=message.to_string() />
                <p>"The message will be removed for everyone. This cannot be undone."</p>
                <FormError error />
                <div class="dialog-actions">
                    <a class="button subtle" href=format!("/c/{channel}")>"Cancel"</a>
                    <button type="submit" class="button danger">"Delete"</button>
                </div>
            </form>
        </AuthCard>
    }
}

crate::split_route!(
    /// The route of [`DeletePage`], whose code loads when it is visited.
    pub DeleteRoute, delete_page => DeletePage
);
