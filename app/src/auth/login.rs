//! `/login` and the `log_in` server function.

use leptos::prelude::*;
use leptos_meta::Title;

use super::fields::{next_param, next_query, AuthCard, FormError, TextField};
use crate::error::AppError;

/// Signs in with a username and password, then redirects to `next`.
#[server(endpoint = "login")]
pub async fn log_in(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let (backend, request) = crate::backend::request_context()?;
    backend.log_in(&request, &username, &password).await?;
    leptos_axum::redirect(&super::safe_next(next.as_deref()));
    Ok(())
}

/// The log-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = next_param();
    let signup_href = format!("/signup{}", next_query(next.as_deref()));

    view! {
        <Title text="Log in" />
        <AuthCard title="Log in">
            <ActionForm action attr:class="auth-form">
                <input type="hidden" name="next" value=next />
                <TextField label="Username" name="username" autocomplete="username" max_length=64 />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                />
                <FormError error />
                <button type="submit" class="button primary" disabled=action.pending()>
                    "Log in"
                </button>
            </ActionForm>
            <p class="auth-switch">
                "New to Banter? " <a href=signup_href>"Create an account"</a>
            </p>
        </AuthCard>
    }
}
