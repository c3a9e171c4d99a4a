//! The profile section of `/settings`: the display name shown beside the
//! username, and the server function its form posts to.
//!
//! A plain form like the others (see the module above): it comes back to
//! `/settings` with why it was refused, or with `?profile=saved`.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;
use reactive_stores::Store;

use super::{
    fields::{FormError, TextField},
    refused::{refused, Refused},
};
use crate::{
    chat::state::{Chat, ChatStoreFields},
    error::AppError,
    model::GroupName,
};

/// What the page's address says after a change.
const SAVED: &str = "saved";

/// Sets the signed-in user's display name (an empty one clears it), then
/// shows `/settings` again.
#[server(endpoint = "set_profile")]
pub async fn set_profile(display_name: String) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            if let Err(error) = backend.set_display_name(&request, &display_name).await {
                super::refused::send_back::<SetProfile>(&request, "", &error);
                return Err(error);
            }
            leptos_axum::redirect(&format!("/settings?profile={SAVED}"));
            Ok(())
        }
        .await,
    )
}

/// The section of `/settings`.
#[component]
pub fn ProfileForm() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let me = chat.me().get_untracked();
    let Refused { error, .. } = refused::<SetProfile>();
    let saved = use_query_map().read_untracked().get_str("profile") == Some(SAVED);
    view! {
        <section class="settings-section" aria-labelledby="settings-profile">
            <h2 id="settings-profile">"Profile"</h2>
            <form method="post" action=SetProfile::url() class="auth-form settings-form">
                <p>"Your username is " <strong>{me.username}</strong> "."</p>
                <TextField
                    label="Display name"
                    name="display_name"
                    autocomplete="name"
                    hint="Shown beside your username. Any language; leave it empty for none."
                    max_length=GroupName::MAX
                    value=Some(me.display)
                    required=false
                />
                <FormError error />
                {saved.then(|| view! {
                    <p class="form-done" role="status">"Your profile is saved."</p>
                })}
                <button type="submit" class="button primary">"Save profile"</button>
            </form>
        </section>
    }
}
