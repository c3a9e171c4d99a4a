//! The "Log out" button and the `log_out` server function.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::error::AppError;

/// Ends this session (only) and goes to the log-in page.
#[server(endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend.log_out(&request).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// A form with one button, so that logging out works without JavaScript too.
#[component]
pub fn LogoutButton() -> impl IntoView {
    view! {
        <form method="post" action=LogOut::url() class="logout-form">
            <button type="submit" class="button subtle">"Log out"</button>
        </form>
    }
}
