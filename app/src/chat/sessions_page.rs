//! `/settings/sessions`: every browser the reader is signed in with, when
//! each signed in and was last active, and from where; a way to sign any
//! other one out, or all of them at once (which closes Banter there at
//! once, and stops its pushes).
//!
//! The server renders the list with the page (`server_part.rs`), so it
//! reads without JavaScript; the browser leaves it as rendered, with no
//! resource, decoder or server-function client of its own (those cost the
//! page ~2 KB gzip). [`my_sessions`] is for other clients. Signing sessions
//! out is a plain form that posts to [`end_session`] or
//! [`sign_out_elsewhere`] and comes back here, so it works the same before
//! hydration, after it, and without JavaScript.

use leptos::prelude::*;

use super::settings_page::Subpage;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

#[cfg(not(feature = "ssr"))]
use super::server_part::browser_slot;
#[cfg(feature = "ssr")]
use super::{
    server_part::server_part,
    time::{moment, TimeZone},
};
use crate::{error::AppError, protocol::Millis};

/// Where the settings are.
pub const SETTINGS_PATH: &str = "/settings";

/// Where this page is.
pub const SESSIONS_PATH: &str = "/settings/sessions";

/// A session of the signed-in user, as the list shows it (on the wire, an
/// array of its fields, as the chat's data is).
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SessionInfo {
    /// What the form posts to sign it out (never the session's own id).
    pub id: i64,
    /// "Firefox on Linux".
    pub browser: String,
    pub signed_in: Millis,
    /// When it was last used (to within a few minutes).
    pub last_active: Millis,
    /// The address it was last used from ("" if not known).
    pub address: String,
    /// The session of this very browser.
    pub current: bool,
}

/// The signed-in user's sessions, newest first.
#[server(endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend.sessions(&request).await
        }
        .await,
    )
}

/// Signs one of the user's sessions out, then shows the list again.
#[server(endpoint = "end_session")]
pub async fn end_session(session: i64) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend.end_session(&request, session).await?;
            leptos_axum::redirect(SESSIONS_PATH);
            Ok(())
        }
        .await,
    )
}

/// Signs every session of the user but this one out, then shows the list
/// again.
#[server(endpoint = "sign_out_elsewhere")]
pub async fn sign_out_elsewhere() -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend.sign_out_elsewhere(&request).await?;
            leptos_axum::redirect(SESSIONS_PATH);
            Ok(())
        }
        .await,
    )
}

/// The page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    view! {
        <Subpage title="Sessions" heading_id="sessions-title">
            <section class="settings-section" aria-labelledby="sessions-title">
                <p>"Where you are signed in. Signing a session out closes Banter there."</p>
                <SessionSlot />
            </section>
        </Subpage>
    }
}

/// On the server, the list.
#[cfg(feature = "ssr")]
#[component]
fn SessionSlot() -> impl IntoView {
    let list: Vec<SessionInfo> = server_part().unwrap_or_default();
    view! {
        <div class="session-slot">
            <ul class="session-list">
                {list.into_iter().map(|s| view! { <Session session=s /> }).collect_view()}
            </ul>
            <form method="post" action=SignOutElsewhere::url()>
                <button type="submit" class="button subtle">"Sign out everywhere else"</button>
            </form>
        </div>
    }
}

/// In the browser, the list's element, as the server rendered it.
#[cfg(not(feature = "ssr"))]
#[component]
fn SessionSlot() -> impl IntoView {
    browser_slot("session-slot", true)
}

/// One session, with its button when it is another browser's.
#[cfg(feature = "ssr")]
#[component]
fn Session(session: SessionInfo) -> impl IntoView {
    let zone = expect_context::<TimeZone>();
    let offset = zone.0.get_untracked();
    let since = format!("Signed in {}", moment(session.signed_in, offset));
    let active = match session.current {
        true => "Active now".to_owned(),
        false => format!("Last active {}", moment(session.last_active, offset)),
    };
    let action = match session.current {
        true => view! { <span class="session-current">"This device"</span> }.into_any(),
        false => view! {
            <form method="post" action=EndSession::url()>
                <input type="hidden" name="session" value=session.id.to_string() />
                <button type="submit" class="button subtle small">"Sign out"</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <li class="session">
            <div class="session-about">
                <strong>{session.browser}</strong>
                <span class="session-since">{since}</span>
                <span class="session-since">{active}</span>
                {(!session.address.is_empty())
                    .then(|| view! { <span class="session-since">{session.address}</span> })}
            </div>
            {action}
        </li>
    }
}
