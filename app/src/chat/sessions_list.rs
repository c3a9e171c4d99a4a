//! The "Sessions" part of `/settings`: every browser the reader is signed
//! in with, when each signed in, and a way to sign any other one out (which
//! closes Banter there at once, and stops its pushes).
//!
//! The server renders the list with the page, from the chat's data
//! (`FirstSessions`), so it reads without JavaScript; the browser leaves
//! it as rendered (see `SessionSlot`), with no resource, decoder or
//! server-function client of its own (those cost the page ~2 KB gzip). So
//! `/settings` is always loaded from the server: the sidebar's link to it
//! is `rel="external"`, and a visit routed in the page (going back to it)
//! loads it again. [`my_sessions`] is for other clients. Signing a session out
//! is a plain form that posts to [`end_session`] and comes back to
//! `/settings`, so it works the same before hydration, after it, and
//! without JavaScript.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

#[cfg(feature = "ssr")]
use super::time::{clock, day_label, day_of, now, TimeZone};
use crate::{error::AppError, protocol::Millis};

/// Where the page is.
pub const SETTINGS_PATH: &str = "/settings";

/// The sessions, when the chat was loaded on `/settings`, as JSON (see
/// `ChatSnapshot::sessions`). Only the server reads them.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct FirstSessions(pub Option<String>);

/// A session of the signed-in user, as the list shows it (on the wire, an
/// array of its fields, as the chat's data is).
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct SessionInfo {
    /// What the form posts to sign it out (never the session's own id).
    pub id: i64,
    /// "Firefox on Linux".
    pub browser: String,
    pub signed_in: Millis,
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

/// Signs one of the user's sessions out, then shows `/settings` again.
#[server(endpoint = "end_session")]
pub async fn end_session(session: i64) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend.end_session(&request, session).await?;
            leptos_axum::redirect(SETTINGS_PATH);
            Ok(())
        }
        .await,
    )
}

/// The section.
#[component]
pub fn SessionList() -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="settings-sessions">
            <h2 id="settings-sessions">"Sessions"</h2>
            <p>"Where you are signed in. Signing a session out closes Banter there."</p>
            <SessionSlot />
        </section>
    }
}

/// On the server, the list.
#[cfg(feature = "ssr")]
#[component]
fn SessionSlot() -> impl IntoView {
    let list: Vec<SessionInfo> = use_context::<FirstSessions>()
        .and_then(|first| first.0)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    view! {
        <div class="session-slot">
            <ul class="session-list">
                {list.into_iter().map(|s| view! { <Session session=s /> }).collect_view()}
            </ul>
        </div>
    }
}

/// In the browser, the same element without its children: hydration takes
/// the element and leaves inside it what the server rendered (plain forms,
/// which need no script), so the browser needs none of the list's code or
/// data. If the server did not render it (the page was routed to in the
/// browser, going back to it), the page is loaded from the server.
#[cfg(not(feature = "ssr"))]
#[component]
fn SessionSlot() -> impl IntoView {
    let slot = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if slot.get().is_some_and(|el| el.child_element_count() == 0) {
            let _ = window().location().reload();
        }
    });
    view! { <div class="session-slot" node_ref=slot></div> }
}

/// One session, with its button when it is another browser's.
#[cfg(feature = "ssr")]
#[component]
fn Session(session: SessionInfo) -> impl IntoView {
    let zone = expect_context::<TimeZone>();
    let offset = zone.0.get_untracked();
    let day = day_label(day_of(session.signed_in, offset), day_of(now(), offset));
    let since = format!("Signed in {day} at {}", clock(session.signed_in, offset));
    let action = match session.current {
        true => view! { <span class="session-current">"This browser"</span> }.into_any(),
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
            </div>
            {action}
        </li>
    }
}
