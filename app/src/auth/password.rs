//! Changing one's password, on `/settings`: the form and the server
//! function it posts to. The current password is asked for, and every
//! other session of the user is signed out (`server/src/auth/sign_out.rs`).
//!
//! A plain form like the others (see the module above): it comes back to
//! `/settings` with why it was refused, or with `?password=changed`.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use super::{
    fields::{FormError, TextField},
    refused::{refused, Refused},
};
use crate::error::AppError;

/// What the page's address says after a change.
const CHANGED: &str = "changed";

/// Sets a new password, if `current_password` is the user's, then shows
/// `/settings` again.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            let changed = backend
                .change_password(&request, &current_password, new_password)
                .await;
            if let Err(error) = changed {
                super::refused::send_back::<ChangePassword>(&request, "", &error);
                return Err(error);
            }
            leptos_axum::redirect(&format!("/settings?password={CHANGED}"));
            Ok(())
        }
        .await,
    )
}

/// The section of `/settings`.
#[component]
pub fn PasswordForm() -> impl IntoView {
    let Refused { error, .. } = refused::<ChangePassword>();
    let changed = use_query_map().read_untracked().get_str("password") == Some(CHANGED);
    view! {
        <section class="settings-section" aria-labelledby="settings-password">
            <h2 id="settings-password">"Password"</h2>
            <form method="post" action=ChangePassword::url() class="auth-form settings-form">
                <TextField
                    label="Current password"
                    name="current_password"
                    kind="password"
                    autocomplete="current-password"
                />
                <TextField
                    label="New password"
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters. Every other session is signed out."
                />
                <FormError error />
                {changed.then(|| view! {
                    <p class="form-done" role="status">"Your password is changed. Every other session is signed out."</p>
                })}
                <button type="submit" class="button primary">"Change password"</button>
            </form>
        </section>
    }
}
