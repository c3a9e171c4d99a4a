//! Deleting one's account, on `/settings`: the form and the server
//! function it posts to. The password is asked again; the account's
//! sessions and memberships go, its messages stay (shown as from "deleted
//! user"), and its username is free again after
//! [`DELETED_NAME_HELD_DAYS`] (`server/src/auth/delete_account.rs`).
//!
//! A plain form like the others (see the module above): refused, it comes
//! back to `/settings` saying why; done, it lands on the log-in page,
//! which says so.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    fields::{FormError, TextField},
    refused::{refused, Refused},
};
use crate::error::{AppError, DELETED_NAME_HELD_DAYS};

/// Where a deleted account's last page lands.
pub const DELETED_PATH: &str = "/login?account=deleted";

/// Deletes the signed-in user's account, if `password` is theirs.
#[server(endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            if let Err(error) = backend.delete_account(&request, &password).await {
                super::refused::send_back::<DeleteAccount>(&request, "", &error);
                return Err(error);
            }
            leptos_axum::redirect(DELETED_PATH);
            Ok(())
        }
        .await,
    )
}

/// The section of `/settings`.
#[component]
pub fn DeleteAccountForm() -> impl IntoView {
    let Refused { error, .. } = refused::<DeleteAccount>();
    view! {
        <section class="settings-section" aria-labelledby="settings-delete">
            <h2 id="settings-delete">"Delete account"</h2>
            <p>
                "Your sessions, channels and conversations go, and no one can sign in as you. "
                "What you wrote stays, shown as from “deleted user”. Your username is free for someone else after "
                {DELETED_NAME_HELD_DAYS} " days. This cannot be undone."
            </p>
            <form method="post" action=DeleteAccount::url() class="auth-form settings-form">
                <TextField
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                />
                <div class="field check-field">
                    <input id="delete-understood" type="checkbox" required />
                    <label for="delete-understood">"I understand that this cannot be undone"</label>
                </div>
                <FormError error />
                <button type="submit" class="button danger">"Delete account"</button>
            </form>
        </section>
    }
}
