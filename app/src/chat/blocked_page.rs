//! `/settings/blocked`: the people the reader blocked, each with "Unblock",
//! and a form to block someone by name. Someone blocked cannot start a
//! conversation with the reader or write in their one-to-one conversation,
//! and their mentions do not call the reader (`server/src/store/blocks.rs`).
//!
//! As `/settings/sessions` (`sessions_page.rs`): the server renders the
//! list with the page, and the forms are plain posts that come back here,
//! so the WebAssembly holds none of it and it works without JavaScript.

use leptos::prelude::*;

#[cfg(not(feature = "ssr"))]
use super::server_part::browser_slot;
use super::settings_page::Subpage;
use crate::{
    auth::{refused, FormError, Refused},
    error::AppError,
};

/// Where this page is.
pub const BLOCKED_PATH: &str = "/settings/blocked";

/// Where a tab reads the ids of those the reader blocked, as text (one
/// space between ids): the tab that shows desktop notifications skips
/// their messages.
pub const BLOCKED_IDS_PATH: &str = "/blocked-ids";

/// Blocks the user named `username`, then shows the list again.
#[server(endpoint = "block_user")]
pub async fn block_user(username: String) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            if let Err(error) = backend.block(&request, &username).await {
                crate::auth::send_back::<BlockUser>(&request, &username, &error);
                return Err(error);
            }
            leptos_axum::redirect(BLOCKED_PATH);
            Ok(())
        }
        .await,
    )
}

/// Unblocks the user `user`, then shows the list again.
#[server(endpoint = "unblock_user")]
pub async fn unblock_user(user: i64) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend.unblock(&request, user).await?;
            leptos_axum::redirect(BLOCKED_PATH);
            Ok(())
        }
        .await,
    )
}

/// The page.
#[component]
pub fn BlockedPage() -> impl IntoView {
    let Refused { error, username } = refused::<BlockUser>();
    view! {
        <Subpage title="Blocked people" heading_id="blocked-title">
            <section class="settings-section" aria-labelledby="blocked-title">
                <p>
                    "Someone you block cannot start a conversation with you or write to you "
                    "(they are told so only if they try), and their mentions do not notify you."
                </p>
                <form method="post" action=block_url() class="auth-form settings-form">
                    <div class="field">
                        <label for="block-username">"Username"</label>
                        <input
                            id="block-username"
                            name="username"
                            autocomplete="off"
                            required
                            maxlength="64"
                            value=username
                        />
                    </div>
                    <FormError error />
                    <button type="submit" class="button primary">"Block"</button>
                </form>
                <BlockedSlot />
            </section>
        </Subpage>
    }
}

/// Where the block form posts.
fn block_url() -> &'static str {
    use leptos::server_fn::ServerFn;
    BlockUser::PATH
}

/// On the server, the list.
#[cfg(feature = "ssr")]
#[component]
fn BlockedSlot() -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let list: Vec<crate::model::User> = super::server_part::server_part().unwrap_or_default();
    let empty = list.is_empty();
    view! {
        <div class="blocked-slot">
            {empty.then(|| view! { <p class="settings-note">"You have not blocked anyone."</p> })}
            <ul class="session-list" aria-label="Blocked">
                {list
                    .into_iter()
                    .map(|user| view! {
                        <li class="session">
                            <strong>{user.username.clone()}</strong>
                            <form method="post" action=UnblockUser::PATH>
                                <input type="hidden" name="user" value=user.id.0.to_string() />
                                <button
                                    type="submit"
                                    class="button subtle small"
                                    aria-label=format!("Unblock {}", user.username)
                                >
                                    "Unblock"
                                </button>
                            </form>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// In the browser, the list's element, as the server rendered it.
#[cfg(not(feature = "ssr"))]
#[component]
fn BlockedSlot() -> impl IntoView {
    browser_slot("blocked-slot", true)
}
