//! `/signup` and the `sign_up` server function.

use leptos::prelude::*;
use leptos_meta::Title;

use super::fields::{next_param, next_query, AuthCard, FormError, TextField};
use crate::error::AppError;

/// Creates an account, signs it in, then redirects to `next`.
#[server(endpoint = "signup")]
pub async fn sign_up(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::model::{Password, Username};

    let username = Username::parse(&username)?;
    let password = Password::parse(password)?;
    let (backend, request) = crate::backend::request_context()?;
    backend.sign_up(&request, username, password).await?;
    leptos_axum::redirect(&super::safe_next(next.as_deref()));
    Ok(())
}

/// The sign-up page.
#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = next_param();
    let login_href = format!("/login{}", next_query(next.as_deref()));

    view! {
        <Title text="Sign up" />
        <AuthCard title="Create your account">
            <ActionForm action attr:class="auth-form">
                <input type="hidden" name="next" value=next />
                <TextField
                    label="Username"
                    name="username"
                    autocomplete="username"
                    hint="2–32 letters, digits, _, - or ."
                    max_length=64
                />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters."
                />
                <FormError error />
                <button type="submit" class="button primary" disabled=action.pending()>
                    "Sign up"
                </button>
            </ActionForm>
            <p class="auth-switch">
                "Already have an account? " <a href=login_href>"Log in"</a>
            </p>
        </AuthCard>
    }
}
