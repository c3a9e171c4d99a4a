//! `/signup` and the `sign_up` server function.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use super::{
    fields::{next_param, next_query, AuthCard, FormError, TextField},
    refused::{refused, Refused},
};
use crate::error::AppError;

/// Creates an account, signs it in, then redirects to `next`.
#[server(endpoint = "signup")]
pub async fn sign_up(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::model::{Password, Username};

    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            let signed_up = match (Username::parse(&username), Password::parse(password)) {
                (Ok(name), Ok(password)) => backend.sign_up(&request, name, password).await,
                (Err(error), _) => Err(error.into()),
                (_, Err(error)) => Err(error.into()),
            };
            if let Err(error) = signed_up {
                super::refused::send_back::<SignUp>(&request, &username, &error);
                return Err(error);
            }
            leptos_axum::redirect(&super::safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// The sign-up page.
#[component]
pub fn SignupPage() -> impl IntoView {
    let Refused { error, username } = refused::<SignUp>();
    let next = next_param();
    let login_href = format!("/login{}", next_query(next.as_deref()));

    view! {
        <Title text="Sign up" />
        <AuthCard title="Create your account">
            <form method="post" action=SignUp::url() class="auth-form">
                <input type="hidden" name="next" value=next />
                <TextField
                    label="Username"
                    name="username"
                    autocomplete="username"
                    hint="2–32 letters, digits, _, - or ."
                    max_length=64
                    value=username
                />
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters."
                />
                <FormError error />
                <button type="submit" class="button primary">"Sign up"</button>
            </form>
            <p class="auth-switch">
                "Already have an account? " <a href=login_href>"Log in"</a>
            </p>
        </AuthCard>
    }
}

crate::split_route!(
    /// The route of [`SignupPage`], whose code loads when it is visited.
    pub SignupRoute, signup_page => SignupPage
);
