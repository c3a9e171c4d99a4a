//! `/login` and the `log_in` server function.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    fields::{next_param, next_query, AuthCard, FormError, TextField},
    refused::{refused, Refused},
};
use crate::error::AppError;

/// Signs in with a username and password, then redirects to `next`.
#[server(endpoint = "login")]
pub async fn log_in(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            if let Err(error) = backend.log_in(&request, &username, &password).await {
                super::refused::send_back::<LogIn>(&request, &username, &error);
                return Err(error);
            }
            leptos_axum::redirect(&super::safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// The log-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let Refused { error, username } = refused::<LogIn>();
    let next = next_param();
    let signup_href = format!("/signup{}", next_query(next.as_deref()));
    // Where a deleted account's last page lands (`DELETED_PATH`).
    let deleted = use_query_map().read_untracked().get_str("account") == Some("deleted");

    view! {
        <Title text="Log in" />
        <AuthCard title="Log in">
            {deleted.then(|| view! {
                <p class="form-done" role="status">"Your account is deleted."</p>
            })}
            <form method="post" action=LogIn::url() class="auth-form">
                <input type="hidden" name="next" value=next />
                <TextField
                    label="Username"
                    name="username"
                    autocomplete="username"
                    max_length=64
                    value=username
                />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                />
                <FormError error />
                <button type="submit" class="button primary">"Log in"</button>
            </form>
            <p class="auth-switch">
                "New to Banter? " <a href=signup_href>"Create an account"</a>
            </p>
        </AuthCard>
    }
}

crate::split_route!(
    /// The route of [`LoginPage`], whose code loads when it is visited.
    pub LoginRoute, login_page => LoginPage
);
